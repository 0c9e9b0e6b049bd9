// Reads named tensors (HF names) of a checkpoint directory as f32, single file or sharded: the MLM head of a
// checkpoint continued from, and the tensors the pre-training output keeps.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decode, readHeader, readTensorBytes } from "../io/safetensors.ts";
import { XltError } from "../errors.ts";

export type F32Map = Map<string, { shape: number[]; data: Float32Array }>;

/** The safetensors files of a checkpoint dir (single file or the shards of an index). */
export function weightFiles(dir: string): string[] {
  if (existsSync(join(dir, "model.safetensors"))) return [join(dir, "model.safetensors")];
  const idx = join(dir, "model.safetensors.index.json");
  if (existsSync(idx)) return [...new Set(Object.values(JSON.parse(readFileSync(idx, "utf8")).weight_map as Record<string, string>))].map((f) => join(dir, f));
  throw new XltError(`${dir}: no model.safetensors`);
}

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
