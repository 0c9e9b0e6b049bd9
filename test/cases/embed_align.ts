// The embeddings aligner (src/align/embeddings.ts) on tiny BERT (GPU): batched and padded links equal a
// float64 CPU reference built from one-sentence forward passes (first-subword vectors, cosine, SimAlign
// extraction); on a toy corpus whose alignment is obvious — each sentence paired with itself — argmax
// and itermax recover the identity (F1 1: identical sentences give identical vectors); on the hand-made
// en-de gold with a hand-built "bilingual" BERT whose word embeddings are shared by translations, the
// gold (reorderings included) is recovered; bad options are one-line errors. Tolerance: exact links (a near-tie between f32 GPU and f64 CPU similarities would
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
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { wordPieceTokenizerJson } from "../../src/io/tokenize.ts";
import { writeF32 } from "../../src/io/safetensors_write.ts";
import { rng } from "../lib/check.ts";
import { GOLD_EN_DE } from "./aligners.ts";

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

/**
 * A 2-layer BERT whose vocabulary is the words of GOLD_EN_DE and whose word embeddings give every
 * translation pair (by the gold links) the same random vector; positions and the blocks' weights are
 * small, so a word's vector at every layer stays closest to its translation's.
 */
function bilingualBert(dir: string): void {
  const concept = new Map<string, number>();
  let next = 0;
  for (const g of GOLD_EN_DE) {
    const [a, b] = g.pair.split("|||").map((x) => x.trim().split(/\s+/));
    for (const [i, j] of g.gold.split(" ").map((x) => x.split("-").map(Number))) {
      const c = concept.get(a[i]) ?? concept.get(b[j]) ?? next++;
      concept.set(a[i], c);
      concept.set(b[j], c);
    }
  }
  const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...concept.keys()];
  const r = rng(9);
  const H = 32, F = 64, L = 2;
  const rand = (shape: number[], scale: number) => ({ shape, data: Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => (r() * 2 - 1) * scale) });
  const fill = (n: number, v: number) => ({ shape: [n], data: new Float32Array(n).fill(v) });
  const conceptVec = Array.from({ length: next }, () => rand([H], 1).data);
  const words = rand([vocab.length, H], 1);
  vocab.forEach((w, id) => concept.has(w) && words.data.set(conceptVec[concept.get(w)!], id * H));
  const t = new Map<string, { shape: number[]; data: Float32Array }>([
    ["bert.embeddings.word_embeddings.weight", words],
    ["bert.embeddings.position_embeddings.weight", rand([64, H], 0.05)],
    ["bert.embeddings.token_type_embeddings.weight", rand([2, H], 0.05)],
    ["bert.embeddings.LayerNorm.weight", fill(H, 1)],
    ["bert.embeddings.LayerNorm.bias", fill(H, 0)],
  ]);
  for (let i = 0; i < L; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const n of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
      t.set(`${p}${n}.weight`, rand([H, H], 0.05));
      t.set(`${p}${n}.bias`, fill(H, 0));
    }
    t.set(`${p}intermediate.dense.weight`, rand([F, H], 0.05));
    t.set(`${p}intermediate.dense.bias`, fill(F, 0));
    t.set(`${p}output.dense.weight`, rand([H, F], 0.05));
    t.set(`${p}output.dense.bias`, fill(H, 0));
    for (const n of ["attention.output.LayerNorm", "output.LayerNorm"]) {
      t.set(`${p}${n}.weight`, fill(H, 1));
      t.set(`${p}${n}.bias`, fill(H, 0));
    }
  }
  writeF32(join(dir, "model.safetensors"), t);
  writeFileSync(join(dir, "config.json"), JSON.stringify({
    model_type: "bert", hidden_size: H, num_hidden_layers: L, num_attention_heads: 2, intermediate_size: F, hidden_act: "gelu",
    max_position_embeddings: 64, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0, vocab_size: vocab.length,
    hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
  }));
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(vocab)));
}

cases["embeddings aligner: hand-made en-de gold with a model whose translations share embeddings (F1 ≥ 0.95)"] = async () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-bilingual-"));
  try {
    bilingualBert(dir);
    const pairs = GOLD_EN_DE.map((g) => {
      const [a, b] = g.pair.split("|||").map((x) => x.trim().split(/\s+/));
      return { src: a, tgt: b };
    });
    const gold = GOLD_EN_DE.map((g) => g.gold.split(" ").map((x) => x.split("-").map(Number) as Link));
    const ck = loadCheckpoint(dir);
    const enc = new Encoder(await getGpu(), ck.config, ck.tensors, { dropout: 0 });
    const tok = loadTokenizer(dir);
    try {
      for (const [layer, match] of [[0, "argmax"], [2, "argmax"], [2, "itermax"]] as const) {
        const s = scoreAlignments(await embeddingLinks(enc, tok, pairs, { layer, match }), gold);
        if (s.f1 < 0.95) throw new Error(`layer ${layer} ${match}: F1 ${s.f1.toFixed(3)} (P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)}) < 0.95`);
      }
    } finally {
      for (const t of enc.params.values()) t.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
