// Reads named tensors (HF names) of a checkpoint directory as f32, single file or sharded: the MLM head of a
// checkpoint continued from, and the tensors the pre-training output keeps.
import { decode, readHeader, readTensorBytes } from "../io/safetensors.ts";
import { type F32Map, weightFiles } from "../io/task_checkpoint.ts";

export type { F32Map };

/** The named tensors present in the checkpoint (absent names are left out), as f32. */
export function readTensors(dir: string, names: Iterable<string>): F32Map {
  const want = new Set(names);
  const out: F32Map = new Map();
  for (const path of weightFiles(dir)) {
    const { tensors, dataStart } = readHeader(path);
    for (const name of want) {
      const info = tensors.get(name);
      if (info && !out.has(name)) out.set(name, { shape: info.shape, data: Float32Array.from(decode(info, readTensorBytes(path, dataStart, info))) });
    }
  }
  return out;
}
