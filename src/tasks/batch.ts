// Batching for the task heads: the epoch order, items (read by each task's reader, src/tasks/table.ts) padded into encoder micro-batches with their labels. Fine-tuning and evaluation
// both use it.
import { shuffled as shuffle } from "../rng.ts";
import type { ModelConfig } from "../io/checkpoint.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import { type Batch, positionIds } from "../../models/encoder.ts";
import type { HeadKind } from "../../models/heads.ts";
import { IGNORE_INDEX } from "../kernels/crossentropy.ts";
import { languageIds } from "./lang_ids.ts";

/** One training/eval unit: a token-task chunk (labels per position) or a sentence pair (one label). */
export interface Item {
  ids: number[];
  tokenTypes?: number[];
  /** per position (token tasks, −100 = ignored), [label] (sequence tasks) or [start, end] (span tasks) */
  labels: number[];
}

export interface MicroBatch {
  batch: Batch;
  /** i32 labels: [B·T] for token heads, [B] for sequence heads, B starts then B ends for span heads */
  labels: Int32Array;
  /** number of labels ≠ −100 */
  n: number;
}

/**
 * Pads items into one encoder batch (each micro-batch to its own longest sequence). Positions are the
 * architecture's own; for XLM-R/RoBERTa that is cumsum(id ≠ pad)·(id ≠ pad) + pad, exactly the explicit
 * position ids of the ALIGN-MLM authors' `_transitive` fine-tuning scripts. With `langId` (XLM / DICT-MLM,
 * src/tasks/lang_ids.ts) every real token gets that language id and padding the pad id.
 */
export function makeBatch(cfg: ModelConfig, items: Item[], kind: HeadKind, langId?: number): MicroBatch {
  const B = items.length;
  const T = Math.max(1, ...items.map((it) => it.ids.length));
  const ids = new Int32Array(B * T).fill(cfg.padId);
  const mask = new Float32Array(B * T);
  const typeIds = new Int32Array(B * T);
  const labels = new Int32Array(kind === "token" ? B * T : kind === "span" ? 2 * B : B).fill(IGNORE_INDEX);
  items.forEach((it, b) => {
    it.ids.forEach((id, t) => {
      ids[b * T + t] = id;
      mask[b * T + t] = 1;
      if (cfg.typeVocab > 1) typeIds[b * T + t] = it.tokenTypes?.[t] ?? 0;
    });
    if (kind === "token") it.labels.forEach((l, t) => (labels[b * T + t] = l));
    else if (kind === "span") {
      labels[b] = it.labels[0];
      labels[B + b] = it.labels[1];
    } else labels[b] = it.labels[0];
  });
  let n = 0;
  for (const l of labels) if (l !== IGNORE_INDEX) n++;
  const batch: Batch = { B, T, ids, mask, typeIds, positions: positionIds(cfg, ids, B, T) };
  if (langId !== undefined) batch.langIds = languageIds(mask, langId);
  return { batch, labels, n };
}

/** Seeded Fisher-Yates permutation of 0..n-1. */
export function shuffled(n: number, seed: number): number[] {
  return shuffle(Array.from({ length: n }, (_, i) => i), seed);
}

/** Usable sequence length: the requested one, capped by the model's position table. */
export function capLength(cfg: ModelConfig, want: number): number {
  return Math.min(want, cfg.maxPositions - cfg.positionOffset);
}
