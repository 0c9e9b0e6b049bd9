// The per-layer alignment metric of Gaschi et al. 2023 (retrieval.py in the papers' code): for the
// first N dictionary-aligned word pairs of a language, the first-subword vector of each word at every
// hidden_states[l] (raw: no projection head, no mean-centring), and cosine nearest-neighbour retrieval
// accuracy among the pairs.
//   weak:   a query searches the P words of the other language; a hit when the argmax is its partner;
//   strong: the search space is [the P other-language words ; the P same-language words] (in this order,
//           as the reference's torch.cat((y, x))), with the query's own entry set to similarity 0 — so a
//           query is also missed when a same-language word is closer than its translation.
// fwd = English queries (en→X), bwd = target-language queries (X→en). Ties go to the first index, like
// torch/numpy argmax. Zero vectors (never produced by a LayerNorm output) get cosine 0 with everything
// instead of the reference's NaN.
import type { Gpu } from "../gpu/device.ts";
import { Tensor } from "../gpu/tensor.ts";
import { linear } from "../kernels/matmul.ts";
import { embeddingForward } from "../kernels/embedding.ts";
import { XltError } from "../errors.ts";
import { encodeWords, type WordEncoding, type WordTokenizer } from "../io/tokenize.ts";
import { shuffled } from "../data/align.ts";
import { buildSide } from "../data/side_batch.ts";
import type { Encoder } from "../../models/encoder.ts";

export interface RetrievalAccuracy {
  weakFwd: number;
  weakBwd: number;
  strongFwd: number;
  strongBwd: number;
}

export interface LayerAlignment extends RetrievalAccuracy {
  layer: number;
}

/** A sentence pair with word links; `src`/`tgt` (PairExample) or `srcWords`/`tgtWords` are accepted. */
export interface AlignmentSentence {
  srcWords?: string[];
  tgtWords?: string[];
  src?: string[];
  tgt?: string[];
  links: [number, number][];
}

export interface AlignmentOptions {
  /** aligned word pairs to evaluate (the first ones after the shuffle); default 1000 */
  nbPairs?: number;
  /** subword tokens per sentence, special tokens included; default 128 (clamped to the model's positions) */
  maxLength?: number;
  /** sentences per forward pass; default 16 */
  batchSize?: number;
  /** seed of the sentence-pair shuffle; default 42 */
  seed?: number;
  /** similarity on the GPU (linear kernel) instead of the CPU; default true */
  gpuSimilarity?: boolean;
}

export interface AlignmentResult {
  layers: LayerAlignment[];
  /** aligned word pairs actually used (≤ nbPairs) */
  pairs: number;
}

/** Rows of x [P,H] scaled to unit L2 norm, in float64 (zero rows stay zero). */
function normalise(x: ArrayLike<number>, P: number, H: number): Float64Array {
  const out = new Float64Array(P * H);
  for (let i = 0; i < P; i++) {
    let s = 0;
    for (let k = 0; k < H; k++) s += x[i * H + k] * x[i * H + k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < H; k++) out[i * H + k] = x[i * H + k] * inv;
  }
  return out;
}

/** a·bᵀ for row-major [P,H] matrices, [P,P], float64. */
function gram(a: Float64Array, b: Float64Array, P: number, H: number): Float64Array {
  const out = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    const ai = i * H;
    for (let j = 0; j < P; j++) {
      const bj = j * H;
      let s = 0;
      for (let k = 0; k < H; k++) s += a[ai + k] * b[bj + k];
      out[i * P + j] = s;
    }
  }
  return out;
}

/**
 * Accuracies from the similarity matrices: st[i*P+j] = cos(src_i, tgt_j), ss = cos(src_i, src_j),
 * tt = cos(tgt_i, tgt_j). Argmax scans candidates in order with a strict `>` (first index wins ties).
 */
export function accuracyFromSimilarities(st: ArrayLike<number>, ss: ArrayLike<number>, tt: ArrayLike<number>, P: number): RetrievalAccuracy {
  let wf = 0, wb = 0, sf = 0, sb = 0;
  for (let i = 0; i < P; i++) {
    // fwd: query src_i over [tgt_0..tgt_{P-1}] then [src_0..src_{P-1}] with src_i set to 0
    let best = -Infinity, arg = -1;
    for (let j = 0; j < P; j++) {
      const v = st[i * P + j];
      if (v > best || arg < 0) { best = v; arg = j; }
    }
    if (arg === i) wf++;
    for (let j = 0; j < P; j++) {
      const v = j === i ? 0 : ss[i * P + j];
      if (v > best) { best = v; arg = P + j; }
    }
    if (arg === i) sf++;
    // bwd: query tgt_i over [src_j] (column i of st) then [tgt_j] with tgt_i set to 0
    best = -Infinity;
    arg = -1;
    for (let j = 0; j < P; j++) {
      const v = st[j * P + i];
      if (v > best || arg < 0) { best = v; arg = j; }
    }
    if (arg === i) wb++;
    for (let j = 0; j < P; j++) {
      const v = j === i ? 0 : tt[i * P + j];
      if (v > best) { best = v; arg = P + j; }
    }
    if (arg === i) sb++;
  }
  return { weakFwd: wf / P, weakBwd: wb / P, strongFwd: sf / P, strongBwd: sb / P };
}

function checkShapes(src: ArrayLike<number>, tgt: ArrayLike<number>, P: number, H: number): void {
  if (!Number.isInteger(P) || P < 1 || !Number.isInteger(H) || H < 1) throw new XltError(`retrievalAccuracy: need P ≥ 1 pairs and H ≥ 1, got P=${P} H=${H}`);
  if (src.length !== P * H || tgt.length !== P * H) {
    throw new XltError(`retrievalAccuracy: src has ${src.length} and tgt ${tgt.length} values, expected P·H = ${P}·${H} = ${P * H} each`);
  }
}

/** Cosine nearest-neighbour retrieval accuracy (float64, CPU). Row i of src and tgt is word pair i. */
export function retrievalAccuracy(src: ArrayLike<number>, tgt: ArrayLike<number>, P: number, H: number): RetrievalAccuracy {
  checkShapes(src, tgt, P, H);
  const x = normalise(src, P, H);
  const y = normalise(tgt, P, H);
  return accuracyFromSimilarities(gram(x, y, P, H), gram(x, x, P, H), gram(y, y, P, H), P);
}

/**
 * Same measure with the three P×P similarity matrices computed by the GPU matmul (f32) on rows
 * normalised on the CPU; only the argmax runs on the CPU. Falls back to the CPU when a [P,P] matrix
 * would not fit one storage binding.
 */
export async function retrievalAccuracyGpu(g: Gpu, src: ArrayLike<number>, tgt: ArrayLike<number>, P: number, H: number): Promise<RetrievalAccuracy> {
  checkShapes(src, tgt, P, H);
  if (P * P * 4 > g.caps.maxBinding || P * H * 4 > g.caps.maxBinding) return retrievalAccuracy(src, tgt, P, H);
  const x = Tensor.from(g, Float32Array.from(normalise(src, P, H)), [P, H], "f32", "align.src");
  const y = Tensor.from(g, Float32Array.from(normalise(tgt, P, H)), [P, H], "f32", "align.tgt");
  const st = linear(x, y);
  const ss = linear(x, x);
  const tt = linear(y, y);
  try {
    const [a, b, c] = [await st.read(), await ss.read(), await tt.read()];
    return accuracyFromSimilarities(a, b, c, P);
  } finally {
    for (const t of [x, y, st, ss, tt]) t.release();
  }
}

interface Chosen {
  left: WordEncoding;
  right: WordEncoding;
  links: [number, number][];
}

export interface AlignmentVectors {
  /** word pairs */
  P: number;
  /** src[l], tgt[l]: [P,H] first-subword vectors at hidden_states[l], row k = word pair k */
  src: Float32Array[];
  tgt: Float32Array[];
  /** the word pairs, in row order, as words (for logs and tests) */
  words: [string, string][];
  maxLength: number;
}

/**
 * The vectors the metric compares: the sentence pairs are shuffled with `seed`, tokenized as for
 * realignment (encodeWords; a link whose word lost its subwords to truncation is dropped) and their
 * links taken in order until `nbPairs` word pairs are collected; both sides are encoded (no dropout,
 * all N blocks) and each word's first-subword row of every hidden state is gathered on the GPU.
 */
export async function alignmentVectors(encoder: Encoder, tok: WordTokenizer, pairs: AlignmentSentence[], opts: AlignmentOptions = {}): Promise<AlignmentVectors> {
  const cfg = encoder.cfg;
  const nbPairs = opts.nbPairs ?? 1000;
  const batchSize = opts.batchSize ?? 16;
  const seed = opts.seed ?? 42;
  const room = cfg.maxPositions - cfg.positionOffset;
  const maxLength = opts.maxLength === undefined ? Math.min(128, room) : opts.maxLength;
  if (!Number.isInteger(nbPairs) || nbPairs < 1) throw new XltError(`alignment: number of word pairs must be a positive integer, got ${nbPairs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new XltError(`alignment: batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxLength) || maxLength < 3 || maxLength > room) {
    throw new XltError(`alignment: max length must be an integer in [3, ${room}] for this model (${cfg.maxPositions} positions), got ${maxLength}`);
  }
  const chosen: Chosen[] = [];
  const words: [string, string][] = [];
  let P = 0;
  for (const ex of shuffled(pairs, seed)) {
    if (P >= nbPairs) break;
    const srcWords = ex.srcWords ?? ex.src ?? [];
    const tgtWords = ex.tgtWords ?? ex.tgt ?? [];
    if (!ex.links.length) continue;
    const left = encodeWords(tok, srcWords, maxLength);
    const right = encodeWords(tok, tgtWords, maxLength);
    let links = ex.links.filter(([i, j]) => (left.firstSubword[i] ?? -1) >= 0 && (right.firstSubword[j] ?? -1) >= 0);
    if (!links.length) continue;
    links = links.slice(0, nbPairs - P);
    P += links.length;
    chosen.push({ left, right, links });
    for (const [i, j] of links) words.push([srcWords[i], tgtWords[j]]);
  }
  if (P === 0) throw new XltError(`alignment: no aligned word pair survives tokenization within max length ${maxLength} (${pairs.length} sentence pairs given)`);

  const g = encoder.gpu;
  const H = cfg.hidden;
  const N = cfg.layers;
  const src = Array.from({ length: N + 1 }, () => new Float32Array(P * H));
  const tgt = Array.from({ length: N + 1 }, () => new Float32Array(P * H));
  let done = 0;
  for (let s = 0; s < chosen.length; s += batchSize) {
    const part = chosen.slice(s, s + batchSize);
    const sides = [buildSide(cfg, part.map((c) => c.left)), buildSide(cfg, part.map((c) => c.right))];
    // rows of the flattened [B*T] hidden states to gather, in link order
    const rows: number[][] = [[], []];
    part.forEach((c, b) => {
      for (const [i, j] of c.links) {
        rows[0].push(sides[0].wordRows[sides[0].wordIndex[b][i]]);
        rows[1].push(sides[1].wordRows[sides[1].wordIndex[b][j]]);
      }
    });
    const n = rows[0].length;
    for (let side = 0; side < 2; side++) {
      const st = encoder.forward(sides[side], N, false);
      const idx = Tensor.from(g, Int32Array.from(rows[side]), [n], "i32", "align.rows");
      try {
        for (let l = 0; l <= N; l++) {
          const w = embeddingForward(st.hidden[l], idx);
          try {
            (side === 0 ? src : tgt)[l].set(await w.read(), done * H);
          } finally {
            w.release();
          }
        }
      } finally {
        idx.release();
        encoder.release(st);
      }
    }
    done += n;
  }
  return { P, src, tgt, words, maxLength };
}

/** Alignment at every hidden state l = 0..N (see alignmentVectors for the pairs and vectors). */
export async function alignmentByLayer(encoder: Encoder, tok: WordTokenizer, pairs: AlignmentSentence[], opts: AlignmentOptions = {}): Promise<AlignmentResult> {
  const v = await alignmentVectors(encoder, tok, pairs, opts);
  const H = encoder.cfg.hidden;
  const layers: LayerAlignment[] = [];
  for (let l = 0; l < v.src.length; l++) {
    const acc = opts.gpuSimilarity === false ? retrievalAccuracy(v.src[l], v.tgt[l], v.P, H) : await retrievalAccuracyGpu(encoder.gpu, v.src[l], v.tgt[l], v.P, H);
    layers.push({ layer: l, ...acc });
  }
  return { layers, pairs: v.P };
}
