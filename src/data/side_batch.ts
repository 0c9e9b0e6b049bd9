// A batch of tokenized sentences for realignment and the alignment metric: the encoder's padded batch plus
// where each word's first subword sits, so word vectors can be gathered from the hidden states.
import { type Batch, type Encoder, positionIds } from "../../models/encoder.ts";

/** A sentence pair with word alignment links (source word index, target word index). */
export interface PairExample {
  src: string[];
  tgt: string[];
  links: [number, number][];
  lang?: string;
}

/** One side of a tokenized batch, plus where each word's first subword sits in the flattened [B*T] rows. */
export interface SideBatch extends Batch {
  /** row in [B*T] of each kept word's first subword, sentences concatenated */
  wordRows: Int32Array;
  /** index into wordRows of (sentence b, word w), or -1 when the word was truncated away */
  wordIndex: Int32Array[];
}

export interface Tokenized {
  ids: number[];
  firstSubword: number[];
  tokenTypes?: number[];
}

export function buildSide(cfg: Encoder["cfg"], toks: Tokenized[]): SideBatch {
  const B = toks.length;
  const T = Math.max(...toks.map((t) => t.ids.length));
  const ids = new Int32Array(B * T).fill(cfg.padId);
  const mask = new Float32Array(B * T);
  const typeIds = new Int32Array(B * T);
  const rows: number[] = [];
  const wordIndex: Int32Array[] = [];
  toks.forEach((t, b) => {
    t.ids.forEach((id, j) => {
      ids[b * T + j] = id;
      mask[b * T + j] = 1;
      typeIds[b * T + j] = t.tokenTypes?.[j] ?? 0;
    });
    const wi = new Int32Array(t.firstSubword.length).fill(-1);
    t.firstSubword.forEach((p, w) => {
      if (p >= 0) {
        wi[w] = rows.length;
        rows.push(b * T + p);
      }
    });
    wordIndex.push(wi);
  });
  return { B, T, ids, mask, typeIds, positions: positionIds(cfg, ids, B, T), wordRows: Int32Array.from(rows), wordIndex };
}
