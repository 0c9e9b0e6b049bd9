// Task checkpoints: what `xlt finetune` writes (encoder + classification head as one Hugging Face
// *ForTokenClassification / *ForSequenceClassification directory) and what `xlt evaluate` loads.
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Gpu } from "../gpu/device.ts";
import { canonicalName, loadCheckpoint, type ModelConfig, saveCheckpoint } from "./checkpoint.ts";
import { decode, readHeader, readTensorBytes, type TensorInfo } from "./safetensors.ts";
import { f32Bytes, type TensorEntry, writeSafetensorsEntries } from "./safetensors_write.ts";
import { writeFileAtomic } from "./atomic.ts";
import { XltError } from "../errors.ts";
import { Encoder } from "../../models/encoder.ts";
import { ClassificationHead, headAliases, headShapes } from "../../models/heads.ts";
import { HF_CLASS, type Task, type TaskDef, taskDef, TASK_NAMES } from "../tasks/table.ts";

export type F32Map = Map<string, { shape: number[]; data: Float32Array }>;

/** The safetensors files of a checkpoint dir (single file or the shards of an index). */
export function weightFiles(dir: string): string[] {
  if (existsSync(join(dir, "model.safetensors"))) return [join(dir, "model.safetensors")];
  const idx = join(dir, "model.safetensors.index.json");
  if (existsSync(idx)) return [...new Set(Object.values(JSON.parse(readFileSync(idx, "utf8")).weight_map as Record<string, string>))].map((f) => join(dir, f));
  throw new XltError(`${dir}: no model.safetensors`);
}

/** Reads the named tensors (first alias found) as f32; names not present are left out. */
export function readNamedTensors(dir: string, names: string[]): F32Map {
  const out: F32Map = new Map();
  for (const path of weightFiles(dir)) {
    const { tensors, dataStart } = readHeader(path);
    for (const name of names) {
      if (out.has(name)) continue;
      for (const alias of headAliases(name)) {
        const info = tensors.get(alias);
        if (info) {
          out.set(name, { shape: info.shape, data: Float32Array.from(decode(info, readTensorBytes(path, dataStart, info))) });
          break;
        }
      }
    }
  }
  return out;
}

/** config.json fields of a fine-tuned model (HF conventions). */
export function finetunedConfig(raw: Record<string, any>, arch: ModelConfig["arch"], task: TaskDef): Record<string, any> {
  const kind = task.head;
  const base = arch === "bert" ? "Bert" : arch === "xlmr" ? (raw.model_type === "roberta" ? "Roberta" : "XLMRoberta") : "DistilBert";
  const labels = task.labels;
  return {
    ...raw,
    architectures: [`${base}For${HF_CLASS[kind]}`],
    finetuning_task: task.name,
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    ...(kind === "sequence" ? { problem_type: "single_label_classification" } : {}),
  };
}

/**
 * Writes `dir`/model.safetensors: every encoder tensor of the staged encoder checkpoint (original names and
 * dtypes) plus position/token-type buffers, then the head tensors (F32, HF names). Pre-training heads
 * (MLM, old classifiers, a BERT pooler the task head does not use) are left out. Streams tensor by tensor.
 */
function writeMergedWeights(dir: string, stageDir: string, head: F32Map): void {
  const entries: TensorEntry[] = [];
  for (const path of weightFiles(stageDir)) {
    const { tensors, dataStart } = readHeader(path);
    for (const [name, info] of tensors as Map<string, TensorInfo>) {
      const keep = canonicalName(name) !== null || /(^|\.)(position_ids|token_type_ids)$/.test(name);
      if (!keep || head.has(name)) continue;
      entries.push({ name, dtype: info.dtype, shape: info.shape, size: info.end - info.begin, bytes: () => readTensorBytes(path, dataStart, info) });
    }
  }
  for (const [name, t] of head) entries.push({ name, dtype: "F32", shape: t.shape, size: t.data.byteLength, bytes: () => f32Bytes(t.data) });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  writeSafetensorsEntries(join(dir, "model.safetensors"), entries, { format: "pt" });
}

/** Saves encoder + head as an HF task checkpoint into `tmp` (an empty directory). */
export function writeTaskCheckpoint(tmp: string, srcModel: string, encParams: Map<string, Float32Array>, head: F32Map, config: Record<string, any>): void {
  const stage = join(tmp, ".encoder");
  saveCheckpoint(stage, srcModel, encParams);
  writeMergedWeights(tmp, stage, head);
  for (const f of readdirSync(stage)) {
    if (f.endsWith(".safetensors") || f === "model.safetensors.index.json" || f === "config.json") continue;
    if (statSync(join(stage, f)).isFile()) copyFileSync(join(stage, f), join(tmp, f));
  }
  rmSync(stage, { recursive: true, force: true });
  writeFileAtomic(join(tmp, "config.json"), JSON.stringify(config, null, 2) + "\n");
}

/** Loads a fine-tuned directory: encoder, head, task, labels. */
export function loadTaskModel(g: Gpu, dir: string, taskWanted?: Task): { enc: Encoder; head: ClassificationHead; task: Task; cfg: ModelConfig; raw: Record<string, any> } {
  const ck = loadCheckpoint(dir);
  const raw = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
  const task = (raw.finetuning_task ?? taskWanted) as Task;
  const def = taskDef(task);
  if (!def) throw new XltError(`${dir}/config.json: no finetuning_task (${TASK_NAMES.join(", ")}): is this a directory written by xlt finetune?`);
  if (taskWanted && task !== taskWanted) throw new XltError(`${dir} was fine-tuned for ${task}, not ${taskWanted}`);
  const labels = def.labels;
  const id2label = raw.id2label ?? {};
  if (labels.some((l, i) => id2label[String(i)] !== l)) throw new XltError(`${dir}/config.json: id2label does not match the ${task} labels (${labels.join(" ")})`);
  const kind = def.head;
  const shapes = headShapes(ck.config.arch, kind, ck.config.hidden, labels.length);
  const w = readNamedTensors(dir, [...shapes.keys()]);
  for (const [n, s] of shapes) {
    const t = w.get(n);
    if (!t) throw new XltError(`${dir}: no head tensor ${n} (not a ${task} fine-tuned checkpoint)`);
    if (t.shape.join() !== s.join()) throw new XltError(`${dir}: head tensor ${n} has shape [${t.shape}], expected [${s}]`);
  }
  const enc = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
  const head = ClassificationHead.forConfig(g, ck.config, kind, labels.length, w, 0);
  return { enc, head, task, cfg: ck.config, raw };
}
