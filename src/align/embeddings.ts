// The embeddings aligner (SimAlign, Jalili Sabet et al. 2020; AWESOME-align's extraction without its
// fine-tuning): both sentences of a pair go through the model, each word is represented by its first
// subword's vector at hidden_states[layer] (the vector realignment and the alignment metric use), the
// cosine similarity of every source word with every target word is computed by the GPU matmul, and
// links are the mutual argmaxes (`argmax`) or SimAlign's IterMax (`itermax`) of (cos + 1) / 2
// (./simalign.ts). Default layer min(8, N): SimAlign's layer 8 of mBERT. Words truncated away by the
// max length get no link (alignWithEmbeddings warns how many, as `xlt embed` warns of its truncations).
// Deterministic: no dropout; ties go to the lowest index.
import { XltError } from "../errors.ts";
import { getGpu } from "../gpu/device.ts";
import { Tensor } from "../gpu/tensor.ts";
import { linear } from "../kernels/matmul.ts";
import { embeddingForward } from "../kernels/embedding.ts";
import { loadCheckpoint } from "../io/checkpoint.ts";
import { encodeWords, loadTokenizer, type WordTokenizer } from "../io/tokenize.ts";
import { buildSide } from "../data/side_batch.ts";
import { Encoder } from "../../models/encoder.ts";
import type { Link } from "../data/align.ts";
import { type LangSpec, readSentences } from "../data/pairs.ts";
import { argmaxLinks, itermaxLinks } from "./simalign.ts";
import type { SentencePair } from "./fastalign.ts";

export type MatchMethod = "argmax" | "itermax";

export interface EmbeddingAlignOptions {
  /** hidden_states index to compare (0 = embeddings output); default min(8, N) */
  layer?: number;
  /** link extraction; default argmax */
  match?: MatchMethod;
  /** sentence pairs per forward pass; default 16 */
  batchSize?: number;
  /** subword tokens per sentence, special tokens included; default min(128, the model's positions) */
  maxLength?: number;
  /** called for each sentence pair that lost words to the max length: its index, the words dropped (both sides) */
  onTruncated?: (pair: number, droppedWords: number, maxLength: number) => void;
}

export const defaultAlignLayer = (layers: number) => Math.min(8, layers);

/** Rows of x [n,H] scaled to unit L2 norm (zero rows stay zero). */
function normalised(x: Float32Array, n: number, H: number): Float32Array {
  const out = new Float32Array(n * H);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < H; k++) s += x[i * H + k] * x[i * H + k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < H; k++) out[i * H + k] = x[i * H + k] * inv;
  }
  return out;
}

/** Links [source word, target word] of every sentence pair (an empty list for pairs with an empty side). */
export async function embeddingLinks(encoder: Encoder, tok: WordTokenizer, pairs: SentencePair[], opts: EmbeddingAlignOptions = {}): Promise<Link[][]> {
  const cfg = encoder.cfg;
  const N = cfg.layers;
  const layer = opts.layer ?? defaultAlignLayer(N);
  const match = opts.match ?? "argmax";
  const batchSize = opts.batchSize ?? 16;
  const room = cfg.maxPositions - cfg.positionOffset;
  const maxLength = opts.maxLength ?? Math.min(128, room);
  if (!Number.isInteger(layer) || layer < 0 || layer > N) throw new XltError(`embeddings aligner: layer must be an integer in [0, ${N}] for this model, got ${layer}`);
  if (match !== "argmax" && match !== "itermax") throw new XltError(`embeddings aligner: match must be argmax or itermax, got '${match}'`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new XltError(`embeddings aligner: batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(maxLength) || maxLength < 3 || maxLength > room) {
    throw new XltError(`embeddings aligner: max length must be an integer in [3, ${room}] for this model, got ${maxLength}`);
  }
  const extract = match === "argmax" ? argmaxLinks : itermaxLinks;
  const g = encoder.gpu;
  const H = cfg.hidden;
  const out: Link[][] = pairs.map(() => []);
  const todo = pairs.map((_, k) => k).filter((k) => pairs[k].src.length && pairs[k].tgt.length);
  for (let s = 0; s < todo.length; s += batchSize) {
    const part = todo.slice(s, s + batchSize);
    const enc = [part.map((k) => encodeWords(tok, pairs[k].src, maxLength)), part.map((k) => encodeWords(tok, pairs[k].tgt, maxLength))];
    part.forEach((k, b) => {
      const dropped = enc[0][b].droppedWords + enc[1][b].droppedWords;
      if (dropped > 0) opts.onTruncated?.(k, dropped, maxLength);
    });
    const sides = enc.map((e) => buildSide(cfg, e));
    // the word vectors of each side, all sentences of the batch concatenated, unit-normalised
    const vecs: Tensor[] = [];
    try {
      for (const side of sides) {
        const n = side.wordRows.length;
        const st = encoder.forward(side, layer, false);
        const idx = Tensor.from(g, side.wordRows, [n], "i32", "align.words");
        try {
          const w = embeddingForward(st.hidden[layer], idx);
          try {
            vecs.push(Tensor.from(g, normalised(await w.read(), n, H), [n, H], "f32", "align.unit"));
          } finally {
            w.release();
          }
        } finally {
          idx.release();
          encoder.release(st);
        }
      }
      const [ns, nt] = [sides[0].wordRows.length, sides[1].wordRows.length];
      if (ns * nt * 4 > g.caps.maxBinding) throw new XltError(`embeddings aligner: ${ns}×${nt} similarity matrix exceeds one GPU binding; use a smaller batch size`);
      const simT = linear(vecs[0], vecs[1]);
      let sim: Float32Array;
      try {
        sim = await simT.read();
      } finally {
        simT.release();
      }
      part.forEach((k, b) => {
        // the kept words of sentence b on each side, and their rows in the batch similarity matrix
        const si = [...sides[0].wordIndex[b]].map((r, i) => [i, r]).filter(([, r]) => r >= 0);
        const ti = [...sides[1].wordIndex[b]].map((r, j) => [j, r]).filter(([, r]) => r >= 0);
        const block = new Float64Array(si.length * ti.length);
        si.forEach(([, r], a) => ti.forEach(([, c], d) => (block[a * ti.length + d] = (sim[r * nt + c] + 1) / 2)));
        out[k] = extract(block, si.length, ti.length).map(([a, d]) => [si[a][0], ti[d][0]] as Link);
      });
    } finally {
      for (const t of vecs) t.release();
    }
  }
  return out;
}

/**
 * Runs the embeddings aligner with the model in `modelDir` over every spec whose link source is
 * `aligner: "embeddings"`; the result, by language, goes to loadLanguagePairs/extractLanguagePairs.
 */
export async function alignWithEmbeddings(specs: LangSpec[], modelDir: string, opts: EmbeddingAlignOptions = {}): Promise<Map<string, Link[][]>> {
  const result = new Map<string, Link[][]>();
  const todo = specs.filter((s) => s.aligner === "embeddings");
  if (!todo.length) return result;
  // read every input before any GPU work so a bad file fails fast
  const sentences = todo.map((s) => readSentences(s).sentences);
  const ck = loadCheckpoint(modelDir);
  const tok = loadTokenizer(modelDir);
  const encoder = new Encoder(await getGpu(), ck.config, ck.tensors, { dropout: 0 });
  try {
    for (let k = 0; k < todo.length; k++) {
      const cut: number[] = [];
      let words = 0;
      let limit = 0;
      const onTruncated = (pair: number, dropped: number, maxLength: number) => {
        cut.push(pair);
        words += dropped;
        limit = maxLength;
      };
      result.set(todo[k].lang, await embeddingLinks(encoder, tok, sentences[k], { ...opts, onTruncated }));
      if (cut.length) {
        console.error(
          `warning: en-${todo[k].lang}: ${cut.length} of ${sentences[k].length} sentence pairs are longer than ${limit} tokens (first: pair ${cut[0] + 1}); ` +
            `their ${words} words past the limit get no links`,
        );
      }
    }
  } finally {
    encoder.dispose();
  }
  return result;
}
