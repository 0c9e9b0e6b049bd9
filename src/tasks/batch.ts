// Batching for the task heads: task files read into items (token-task chunks or sentence pairs), the
// epoch order, and items padded into encoder micro-batches with their labels. Fine-tuning and evaluation
// both use it.
import { shuffled as shuffle } from "../rng.ts";
import type { ModelConfig } from "../io/checkpoint.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import { type Batch, positionIds } from "../../models/encoder.ts";
import type { HeadKind } from "../../models/heads.ts";
import { IGNORE_INDEX } from "../kernels/crossentropy.ts";
import type { Task } from "./labels.ts";
import { alignLabels, encodePair, readTokenTask, readXnli } from "./data.ts";

export const headKindOf = (task: Task): HeadKind => (task === "xnli" ? "sequence" : "token");

/** One training/eval unit: a token-task chunk (labels per position) or a sentence pair (one label). */
export interface Item {
  ids: number[];
  tokenTypes?: number[];
  /** per position (token tasks, −100 = ignored) or [label] (sequence tasks) */
  labels: number[];
}

export interface MicroBatch {
  batch: Batch;
  /** i32 labels: [B·T] for token heads, [B] for sequence heads */
  labels: Int32Array;
  /** number of labels ≠ −100 */
  n: number;
}

/** Pads items into one encoder batch (each micro-batch to its own longest sequence). */
export function makeBatch(cfg: ModelConfig, items: Item[], kind: HeadKind): MicroBatch {
  const B = items.length;
  const T = Math.max(1, ...items.map((it) => it.ids.length));
  const ids = new Int32Array(B * T).fill(cfg.padId);
  const mask = new Float32Array(B * T);
  const typeIds = new Int32Array(B * T);
  const labels = new Int32Array(kind === "token" ? B * T : B).fill(IGNORE_INDEX);
  items.forEach((it, b) => {
    it.ids.forEach((id, t) => {
      ids[b * T + t] = id;
      mask[b * T + t] = 1;
      if (cfg.typeVocab > 1) typeIds[b * T + t] = it.tokenTypes?.[t] ?? 0;
    });
    if (kind === "token") it.labels.forEach((l, t) => (labels[b * T + t] = l));
    else labels[b] = it.labels[0];
  });
  let n = 0;
  for (const l of labels) if (l !== IGNORE_INDEX) n++;
  return { batch: { B, T, ids, mask, typeIds, positions: positionIds(cfg, ids, B, T) }, labels, n };
}

/** Seeded Fisher-Yates permutation of 0..n-1. */
export function shuffled(n: number, seed: number): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), seed);
}

/** Usable sequence length: the requested one, capped by the model's position table. */
export function capLength(cfg: ModelConfig, want: number): number {
  return Math.min(want, cfg.maxPositions - cfg.positionOffset);
}

/** Reads a task file into items (token tasks: one item per chunk; long sentences are split, never dropped). */
export function readItems(task: Task, path: string, tok: WordTokenizer, maxLength: number, limit?: number): Item[] {
  if (task === "xnli") {
    return readXnli(path, { limit }).map((ex) => {
      const e = encodePair(ex.premise, ex.hypothesis, tok, maxLength);
      return { ids: e.ids, tokenTypes: e.tokenTypes, labels: [ex.label] };
    });
  }
  const { examples } = readTokenTask(task, path, { limit });
  return examples.flatMap((ex) => alignLabels(ex.words, ex.labels, tok, maxLength).map((c) => ({ ids: c.ids, labels: c.labels })));
}
