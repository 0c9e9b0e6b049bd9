// MLM masking (src/pretrain/masking.ts, align-mlm-spec.md §1.3): selection rate 15% over non-special
// positions, 80/10/10 mask/random/keep among the selected, random ids from the original vocabulary [0, V)
// only, specials never selected, labels −100 elsewhere; reproducible and identical on Node and Deno (a
// checksum pinned here is checked under both). Tolerance: rates within 4–5 binomial standard deviations
// on 200k positions (so a seed change cannot make the test flaky, but a wrong rate of 1 point fails).
import { IGNORE_INDEX, maskHash, maskTokens } from "../../src/pretrain/masking.ts";
import type { Cases } from "../lib/check.ts";

export const cases: Cases = {};

const V = 1000;
const MASK = 4;
const SPECIAL = [0, 1, 2]; // <s>, <pad>, </s>

/** 1,600 rows × 128: <s> … </s> then padding; the derived language (ids + V) in every other row */
function batch(): Int32Array {
  const rows = 1600;
  const T = 128;
  const ids = new Int32Array(rows * T);
  for (let r = 0; r < rows; r++) {
    const len = 64 + ((r * 37) % 64);
    for (let t = 0; t < T; t++) {
      let id = t === 0 ? 0 : t === len - 1 ? 2 : t >= len ? 1 : 3 + ((r * 131 + t * 17) % (V - 3));
      if (r % 2 === 1 && id > 2) id += V;
      ids[r * T + t] = id;
    }
  }
  return ids;
}

function within(name: string, got: number, want: number, n: number): void {
  const sd = Math.sqrt((want * (1 - want)) / n);
  if (Math.abs(got - want) > 5 * sd) throw new Error(`${name}: ${got.toFixed(4)} vs ${want} (n = ${n}, tolerance ${(5 * sd).toFixed(4)})`);
}

cases["masking: 15% selected, 80/10/10 mask/random/keep, specials untouched, random ids < V"] = async () => {
  const ids = batch();
  const { inputs, labels } = maskTokens(ids, { seed: 42, step: 3, maskId: MASK, randomVocab: V, specialIds: SPECIAL });
  let candidates = 0;
  let selected = 0;
  let masked = 0;
  let random = 0;
  let kept = 0;
  let randomLow = 0;
  for (let i = 0; i < ids.length; i++) {
    if (SPECIAL.includes(ids[i])) {
      if (inputs[i] !== ids[i] || labels[i] !== IGNORE_INDEX) throw new Error(`special token at ${i} was selected`);
      continue;
    }
    candidates++;
    if (labels[i] === IGNORE_INDEX) {
      if (inputs[i] !== ids[i]) throw new Error(`unselected position ${i} changed`);
      continue;
    }
    selected++;
    if (labels[i] !== ids[i]) throw new Error(`label at ${i} is ${labels[i]}, not the original ${ids[i]}`);
    if (inputs[i] === MASK) masked++;
    else if (inputs[i] === ids[i]) kept++;
    else {
      random++;
      if (inputs[i] < 0 || inputs[i] >= V) throw new Error(`random replacement ${inputs[i]} outside [0, ${V})`);
      if (inputs[i] < V / 2) randomLow++;
    }
  }
  within("selection rate", selected / candidates, 0.15, candidates);
  // a random draw may hit the original id (1/V) or <mask>: negligible next to the tolerance
  within("mask share", masked / selected, 0.8, selected);
  within("random share", random / selected, 0.1, selected);
  within("kept share", kept / selected, 0.1, selected);
  within("random ids uniform over [0, V)", randomLow / random, 0.5, random);
};

cases["masking: deterministic in (seed, step, position), different across steps and seeds; same on Node and Deno"] = async () => {
  const ids = batch();
  const o = { seed: 7, step: 11, maskId: MASK, randomVocab: V, specialIds: SPECIAL };
  const a = maskTokens(ids, o);
  const b = maskTokens(ids, o);
  if (a.inputs.some((x, i) => x !== b.inputs[i]) || a.labels.some((x, i) => x !== b.labels[i])) throw new Error("two identical calls differ");
  const c = maskTokens(ids, { ...o, step: 12 });
  const d = maskTokens(ids, { ...o, seed: 8 });
  const same = (x: Int32Array, y: Int32Array) => x.every((v, i) => v === y[i]);
  if (same(a.labels, c.labels) || same(a.labels, d.labels)) throw new Error("masking does not depend on the step or the seed");
  // the position's decision does not depend on the rest of the batch
  const head = maskTokens(ids.subarray(0, 500), o);
  if (!same(head.inputs, a.inputs.subarray(0, 500))) throw new Error("a prefix of the batch is masked differently");
  if (ids[0] !== 0) throw new Error("input was modified");
  // pinned values: the same integer math gives the same bits on every runtime
  let h = 0x811c9dc5;
  for (let i = 0; i < ids.length; i++) h = Math.imul(h ^ (a.inputs[i] * 31 + a.labels[i]), 0x01000193) >>> 0;
  const pinned = { hash0: maskHash(0, 0, 0, 0), hashBig: maskHash(2 ** 40 + 5, 2 ** 33 + 1, 123456, 3), checksum: h };
  // hash values recomputed independently in Python (arbitrary-precision ints masked to 32 bits)
  const want = { hash0: 2601090978, hashBig: 2286936166, checksum: 1260017700 };
  if (JSON.stringify(pinned) !== JSON.stringify(want)) throw new Error(`pinned values changed: ${JSON.stringify(pinned)}`);
};

cases["masking: one-line errors for a bad probability or vocabulary"] = async () => {
  for (const [o, re] of [
    [{ probability: 1.5 }, /probability must be in \[0, 1\]/],
    [{ randomVocab: 0 }, /randomVocab must be a positive integer/],
  ] as const) {
    try {
      maskTokens([5, 6], { seed: 1, step: 0, maskId: MASK, randomVocab: V, specialIds: SPECIAL, ...o });
      throw new Error(`no error for ${JSON.stringify(o)}`);
    } catch (e) {
      if (!re.test((e as Error).message)) throw e;
    }
  }
};
