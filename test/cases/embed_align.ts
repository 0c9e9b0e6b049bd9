// The embeddings aligner (src/align/embeddings.ts) on tiny BERT (GPU): batched and padded links equal a
// float64 CPU reference built from one-sentence forward passes (first-subword vectors, cosine, SimAlign
// extraction); on a toy corpus whose alignment is obvious — each sentence paired with itself — argmax
// and itermax recover the identity (F1 1: identical sentences give identical vectors); bad options are
// one-line errors. Tolerance: exact links (a near-tie between f32 GPU and f64 CPU similarities would
// show as a mismatch; none occurs on these inputs).
import { rejectsLike } from "../lib/check.ts";
import { Encoder, positionIds } from "../../models/encoder.ts";
import { embeddingLinks } from "../../src/align/embeddings.ts";
import { argmaxLinks, itermaxLinks } from "../../src/align/simalign.ts";
import { scoreAlignments } from "../../src/align/score.ts";
import type { Link } from "../../src/data/align.ts";
import { getGpu } from "../../src/gpu/device.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { encodeWords, loadTokenizer } from "../../src/io/tokenize.ts";
import { readParallel } from "../../src/io/words.ts";
import type { Cases } from "../lib/check.ts";
import { PARALLEL_TINY, TINY_BERT } from "../lib/fixtures.ts";

export const cases: Cases = {};

async function tinyModel() {
  const ck = loadCheckpoint(TINY_BERT);
  const enc = new Encoder(await getGpu(), ck.config, ck.tensors, { dropout: 0 });
  return { enc, tok: loadTokenizer(TINY_BERT), release: () => { for (const t of enc.params.values()) t.release(); } };
}

/** hidden_states[layer] first-subword vectors of one sentence, alone in its batch (float64). */
async function wordVectors(enc: Encoder, tok: ReturnType<typeof loadTokenizer>, words: string[], layer: number, maxLength: number): Promise<(Float64Array | null)[]> {
  const cfg = enc.cfg;
  const e = encodeWords(tok, words, maxLength);
  const T = e.ids.length;
  const ids = Int32Array.from(e.ids);
  const st = enc.forward({ B: 1, T, ids, positions: positionIds(cfg, ids, 1, T), typeIds: Int32Array.from(e.tokenTypes), mask: new Float32Array(T).fill(1) }, layer);
  try {
    const h = await st.hidden[layer].read();
    const H = cfg.hidden;
    return e.firstSubword.map((p) => (p < 0 ? null : Float64Array.from(h.subarray(p * H, (p + 1) * H))));
  } finally {
    enc.release(st);
  }
}

function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k] * b[k];
    aa += a[k] * a[k];
    bb += b[k] * b[k];
  }
  return ab / Math.sqrt(aa * bb);
}

async function referenceLinks(enc: Encoder, tok: ReturnType<typeof loadTokenizer>, src: string[], tgt: string[], layer: number, match: "argmax" | "itermax"): Promise<Link[]> {
  const vs = await wordVectors(enc, tok, src, layer, 64);
  const vt = await wordVectors(enc, tok, tgt, layer, 64);
  const si = vs.map((v, i) => [i, v] as const).filter(([, v]) => v);
  const ti = vt.map((v, j) => [j, v] as const).filter(([, v]) => v);
  const sim = new Float64Array(si.length * ti.length);
  si.forEach(([, a], r) => ti.forEach(([, b], c) => (sim[r * ti.length + c] = (cosine(a!, b!) + 1) / 2)));
  const ls = (match === "argmax" ? argmaxLinks : itermaxLinks)(sim, si.length, ti.length);
  return ls.map(([r, c]) => [si[r][0], ti[c][0]] as Link);
}

cases["embeddings aligner: batched GPU links equal a one-sentence float64 reference"] = async () => {
  const pairs = readParallel(PARALLEL_TINY);
  const { enc, tok, release } = await tinyModel();
  try {
    for (const [layer, match] of [[4, "argmax"], [2, "itermax"], [0, "argmax"]] as const) {
      const got = await embeddingLinks(enc, tok, pairs, { layer, match, batchSize: 5, maxLength: 64 });
      for (let k = 0; k < pairs.length; k++) {
        const want = await referenceLinks(enc, tok, pairs[k].src, pairs[k].tgt, layer, match);
        const g = JSON.stringify(got[k]), w = JSON.stringify(want);
        if (g !== w) throw new Error(`layer ${layer} ${match}, pair ${k}: got ${g}, expected ${w}`);
      }
    }
  } finally {
    release();
  }
};

cases["embeddings aligner: sentences paired with themselves align to the identity"] = async () => {
  const pairs = readParallel(PARALLEL_TINY).flatMap((p) => [{ src: p.src, tgt: p.src }, { src: p.tgt, tgt: p.tgt }]);
  const gold = pairs.map((p) => p.src.map((_, i) => [i, i] as Link));
  const { enc, tok, release } = await tinyModel();
  try {
    for (const match of ["argmax", "itermax"] as const) {
      const s = scoreAlignments(await embeddingLinks(enc, tok, pairs, { match }), gold);
      if (s.f1 !== 1) throw new Error(`${match}: F1 ${s.f1} (P ${s.precision}, R ${s.recall}) on self-pairs`);
    }
    await rejectsLike("layer", () => embeddingLinks(enc, tok, pairs, { layer: 5 }), /layer must be an integer in \[0, 4\]/);
    await rejectsLike("match", () => embeddingLinks(enc, tok, pairs, { match: "best" as "argmax" }), /match must be argmax or itermax/);
    // empty sides get no links, and the others are unaffected
    const mixed = await embeddingLinks(enc, tok, [{ src: [], tgt: ["a"] }, pairs[0]], {});
    if (mixed[0].length !== 0 || JSON.stringify(mixed[1]) !== JSON.stringify(gold[0])) throw new Error(`empty side: ${JSON.stringify(mixed)}`);
  } finally {
    release();
  }
};
