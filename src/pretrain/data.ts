// Pre-training sequences, as the authors' scripts build them (align-mlm-spec.md §1.4, §2.3):
// (a) MLM, ALIGN-MLM: each line tokenised as <s> … </s>; within each group of 1,000 lines of a file the
//     lines are concatenated and cut into contiguous blocks of T tokens; the remainder is dropped; no
//     padding. Every block is monolingual.
// (b) XLM, DICT-MLM: lines packed greedily, whole sentences only, into T slots padded with <pad>; explicit
//     positions over the non-pad tokens and a language id per token (2 original, 3 derived, 1 on padding).
//     A line longer than T cannot be packed: an error for `xlt pretrain`; the study drops it, as the authors'
//     scripts do silently, and counts it (withoutLongLines).
//     XLM adds TLM rows: ⌊rate·n⌋ aligned pairs sampled per group of 1,000, those with both sides under
//     T/2 tokens packed consecutively, originals in slots [0, T/2), their derived twins in [T/2, T), positions
//     restarting in each half.
import { XltError } from "../errors.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import { readTextLines } from "../io/words.ts";
import { mulberry32 } from "../rng.ts";
import { LANG_DERIVED, LANG_ORIGINAL, LANG_PAD } from "./model.ts";

export interface Row {
  ids: number[];
  /** explicit position ids (path b); absent: the architecture's own */
  positions?: number[];
  langIds?: number[];
}

const GROUP = 1000;

/** The non-empty lines of a corpus file; an empty, unreadable or binary file is a one-line error (readTextLines). */
export function readCorpus(path: string): string[] {
  return readTextLines(path, "the corpus").filter((l) => l.trim() !== "");
}

/** <s> pieces… </s> of one line (words split on whitespace). */
export function tokenizeLine(tok: WordTokenizer, line: string): number[] {
  const ids = [...tok.prefix];
  for (const w of line.split(/\s+/)) {
    if (!w) continue;
    let p = tok.encodeWord(w);
    if (tok.metaspaceId >= 0 && p.length > 1 && p[0] === tok.metaspaceId) p = p.slice(1);
    ids.push(...p);
  }
  ids.push(...tok.suffix);
  return ids;
}

/** Path (a): contiguous blocks of T tokens per group of 1,000 lines. */
export function blocks(lines: number[][], T: number): Row[] {
  const out: Row[] = [];
  for (let g = 0; g < lines.length; g += GROUP) {
    const flat = lines.slice(g, g + GROUP).flat();
    for (let k = 0; k + T <= flat.length; k += T) out.push({ ids: flat.slice(k, k + T) });
  }
  return out;
}

function tooLong(where: string, i: number, n: number, T: number): never {
  throw new XltError(`${where}: line ${i + 1} has ${n} tokens, more than the ${T} of a sequence (--max-length, capped by the model's positions)`);
}

/** The lines that fit in a packed row of T slots, and how many longer ones were left out. */
export function withoutLongLines(lines: number[][], T: number): { lines: number[][]; dropped: number } {
  const kept = lines.filter((l) => l.length <= T);
  return { lines: kept, dropped: lines.length - kept.length };
}

/** Path (b): whole lines packed greedily into rows of T slots; positions continue over the row's tokens. */
export function packed(lines: number[][], T: number, lang: number, padId: number, posOffset: number, where: string): Row[] {
  const out: Row[] = [];
  let cur: number[] = [];
  const flush = () => {
    if (!cur.length) return;
    const n = cur.length;
    const ids = [...cur, ...new Array(T - n).fill(padId)];
    const positions = Array.from({ length: T }, (_, t) => (t < n ? posOffset + t : Math.max(0, posOffset - 1)));
    const langIds = Array.from({ length: T }, (_, t) => (t < n ? lang : LANG_PAD));
    out.push({ ids, positions, langIds });
    cur = [];
  };
  lines.forEach((l, i) => {
    if (l.length > T) tooLong(where, i, l.length, T);
    if (cur.length + l.length > T) flush();
    cur.push(...l);
  });
  flush();
  return out;
}

/** XLM's TLM rows from line-aligned original/derived lines (see the top of this file). */
export function tlmRows(orig: number[][], derived: number[][], T: number, rate: number, seed: number, padId: number, posOffset: number): Row[] {
  const half = Math.floor(T / 2);
  const out: Row[] = [];
  const r = mulberry32(seed ^ 0x71a);
  let a: number[] = [];
  let b: number[] = [];
  const flush = () => {
    if (!a.length) return;
    const ids = new Array(T).fill(padId);
    const positions = new Array(T).fill(Math.max(0, posOffset - 1));
    const langIds = new Array(T).fill(LANG_PAD);
    a.forEach((id, t) => ((ids[t] = id), (positions[t] = posOffset + t), (langIds[t] = LANG_ORIGINAL)));
    b.forEach((id, t) => ((ids[half + t] = id), (positions[half + t] = posOffset + t), (langIds[half + t] = LANG_DERIVED)));
    out.push({ ids, positions, langIds });
    a = [];
    b = [];
  };
  for (let g = 0; g < orig.length; g += GROUP) {
    const n = Math.min(GROUP, orig.length - g);
    // ⌊rate·n⌋ indices without replacement, kept in order (partial Fisher-Yates)
    const idx = Array.from({ length: n }, (_, i) => i);
    const k = Math.floor(rate * n);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(r() * (n - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (const i of idx.slice(0, k).sort((x, y) => x - y)) {
      const o = orig[g + i];
      const d = derived[g + i];
      if (o.length >= half || d.length >= half) continue;
      if (a.length + o.length > half || b.length + d.length > half) flush();
      a.push(...o);
      b.push(...d);
    }
  }
  flush();
  return out;
}
