// A step's rows → masked micro-batches. MLM / ALIGN-MLM / XLM use the standard corruption of
// src/pretrain/masking.ts; DICT-MLM's collator (align-mlm-spec.md §2.4) differs at the selected positions:
// the label is always the token that was there, and with probability 1/2 a dictionary word is shown in the
// other language (id ± V, its language id flipped) instead of being corrupted; otherwise (not a dictionary
// word, or the other half) the usual 80/10/10. The randomness is the same counter-based hash: every draw is
// keyed by (seed, step, flat position in the step's batch, draw), so the split into micro-batches changes
// nothing.
import type { ModelConfig } from "../io/checkpoint.ts";
import { positionIds } from "../../models/encoder.ts";
import { IGNORE_INDEX, maskHash, maskTokens } from "./masking.ts";
import type { PretrainBatch } from "./step.ts";
import type { Row } from "./data.ts";
import { LANG_DERIVED, LANG_ORIGINAL } from "./model.ts";

const U32 = 4294967296;

export interface CollateOptions {
  seed: number;
  step: number;
  maskId: number;
  /** original vocabulary size V (random replacements come from [0, V)) */
  V: number;
  specialIds: Set<number>;
  /** DICT-MLM: the dictionary ids d (pairs d ↔ d + V) */
  dictMlm?: Set<number>;
}

/** DICT-MLM masking of flat ids/langIds (returns new arrays). */
export function dictMlmMask(ids: Int32Array, langIds: Int32Array, o: CollateOptions): { inputs: Int32Array; labels: Int32Array; langIds: Int32Array } {
  const inputs = Int32Array.from(ids);
  const langs = Int32Array.from(langIds);
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  const dict = o.dictMlm!;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (o.specialIds.has(id)) continue;
    if (maskHash(o.seed, o.step, i, 0) >= Math.floor(0.15 * U32)) continue;
    labels[i] = id;
    if (maskHash(o.seed, o.step, i, 4) < U32 / 2) {
      const base = id % o.V;
      if (dict.has(base) && id < 2 * o.V) {
        inputs[i] = id < o.V ? id + o.V : id - o.V;
        langs[i] = langs[i] === LANG_ORIGINAL ? LANG_DERIVED : LANG_ORIGINAL;
      }
      continue;
    }
    if (maskHash(o.seed, o.step, i, 1) < Math.floor(0.8 * U32)) inputs[i] = o.maskId;
    else if (maskHash(o.seed, o.step, i, 2) < U32 / 2) inputs[i] = Math.floor((maskHash(o.seed, o.step, i, 3) / U32) * o.V);
  }
  return { inputs, labels, langIds: langs };
}

/** Masks the step's rows (all the same length T) and cuts them into micro-batches of `micro` rows. */
export function collate(cfg: ModelConfig, rows: Row[], micro: number, o: CollateOptions): PretrainBatch[] {
  const T = rows[0].ids.length;
  const flat = Int32Array.from(rows.flatMap((r) => r.ids));
  const hasLang = rows[0].langIds !== undefined;
  const flatLang = hasLang ? Int32Array.from(rows.flatMap((r) => r.langIds!)) : null;
  let inputs: Int32Array;
  let labels: Int32Array;
  let langs: Int32Array | null = flatLang;
  if (o.dictMlm) {
    const m = dictMlmMask(flat, flatLang ?? new Int32Array(flat.length).fill(LANG_ORIGINAL), o);
    ({ inputs, labels } = m);
    if (flatLang) langs = m.langIds;
  } else {
    ({ inputs, labels } = maskTokens(flat, { seed: o.seed, step: o.step, maskId: o.maskId, randomVocab: o.V, specialIds: o.specialIds }));
  }
  const out: PretrainBatch[] = [];
  for (let r0 = 0; r0 < rows.length; r0 += micro) {
    const sel = rows.slice(r0, r0 + micro);
    const B = sel.length;
    const a = r0 * T;
    const b = (r0 + B) * T;
    const ids = inputs.slice(a, b);
    const mask = new Float32Array(B * T);
    for (let i = 0; i < B * T; i++) mask[i] = flat[a + i] === cfg.padId && sel[Math.floor(i / T)].positions ? 0 : 1;
    const positions = sel[0].positions ? Int32Array.from(sel.flatMap((r) => r.positions!)) : positionIds(cfg, flat.slice(a, b), B, T);
    out.push({
      batch: { B, T, ids, mask, typeIds: new Int32Array(B * T), positions, ...(langs ? { langIds: langs.slice(a, b) } : {}) },
      labels: labels.slice(a, b),
    });
  }
  return out;
}
