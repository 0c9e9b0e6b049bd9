// BPE merge learning as Hugging Face's BpeTrainer (tokenizers, models/bpe/trainer.rs) does it, so a vocabulary
// trained here is the one `tokenizers` would train on the same words:
//   1. the special tokens, then the alphabet (every character seen, plus the initial alphabet) sorted by code
//      point, then — with a continuing-subword prefix (WordPiece) — each "##c" form as the words first need it;
//   2. pair counts over the words (each weighted by its frequency), kept incrementally: a merge reports the
//      pairs it removed and created in the words it touched, so nothing is ever recounted;
//   3. a max-heap of pairs by count, ties broken by the smaller (left id, right id) — ids, not strings, as HF
//      does. Heap entries are not updated in place: a popped entry whose count is stale is pushed back with
//      the current count (HF's lazy scheme, including its quirks: each entry merges only in the words it
//      lists, and the merged pair's own count is not decremented).
// Entries HF's heap treats as equal (same count and pair) pop here in push order; HF leaves that order to
// its heap and hash maps, so only such rare cases can differ. Words are visited in first-seen order.

export interface BpeTrainerOptions {
  vocabSize: number;
  /** pairs seen fewer times are never merged (HF: merging stops at the first such pair) */
  minFrequency: number;
  specialTokens: string[];
  /** characters in the alphabet even when the corpus lacks them (byte-level: all 256 byte characters) */
  initialAlphabet?: string[];
  /** WordPiece's "##": marks every symbol that does not start a word */
  continuingSubwordPrefix?: string;
}

export interface BpeTrainResult {
  /** token strings in id order */
  vocab: string[];
  /** merges in rank order, each pair once (at its last merge, as HF's merge map keeps it) */
  merges: [string, string][];
  /** the tokens before any merge: the specials, the alphabet and (WordPiece) the "##" forms the words use */
  base: number;
}

interface Entry {
  a: number;
  b: number;
  count: number;
  words: Set<number>;
  seq: number;
}

/** max-heap: higher count first, then the smaller pair (a, b), then the earlier push */
class PairHeap {
  private items: Entry[] = [];
  private pushes = 0;
  get size(): number {
    return this.items.length;
  }
  private before(x: Entry, y: Entry): boolean {
    if (x.count !== y.count) return x.count > y.count;
    if (x.a !== y.a) return x.a < y.a;
    if (x.b !== y.b) return x.b < y.b;
    return x.seq < y.seq;
  }
  push(e: Omit<Entry, "seq">): void {
    const it = this.items;
    it.push({ ...e, seq: this.pushes++ });
    let i = it.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(it[i], it[p])) break;
      [it[i], it[p]] = [it[p], it[i]];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const it = this.items;
    if (!it.length) return undefined;
    const top = it[0];
    const last = it.pop()!;
    if (it.length) {
      it[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && this.before(it[l], it[m])) m = l;
        if (r < it.length && this.before(it[r], it[m])) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m], it[i]];
        i = m;
      }
    }
    return top;
  }
}

// a pair as one number: ids stay far below 2^26, so a·2^26 + b is exact in a double
const SHIFT = 2 ** 26;
const key = (a: number, b: number) => a * SHIFT + b;

/** Learns BPE merges from word frequencies (words as the pre-tokenizer produced them). */
export function trainBpe(wordCounts: Map<string, number>, o: BpeTrainerOptions): BpeTrainResult {
  const vocab: string[] = [];
  const ids = new Map<string, number>();
  const add = (t: string) => {
    if (!ids.has(t)) {
      ids.set(t, vocab.length);
      vocab.push(t);
    }
    return ids.get(t)!;
  };
  for (const t of o.specialTokens) add(t);

  // 1. alphabet, by code point
  const alphabet = new Set<string>(o.initialAlphabet ?? []);
  for (const w of wordCounts.keys()) for (const c of w) alphabet.add(c);
  for (const c of [...alphabet].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)) add(c);

  // 2. words as symbol ids
  const prefix = o.continuingSubwordPrefix ?? "";
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [w, n] of wordCounts) {
    const chars = [...w];
    words.push(chars.map((c, i) => add(i > 0 && prefix ? prefix + c : c)));
    counts.push(n);
  }

  const base = vocab.length;
  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const note = (a: number, b: number, w: number, delta: number) => {
    const k = key(a, b);
    pairCounts.set(k, (pairCounts.get(k) ?? 0) + delta * counts[w]);
    if (delta > 0) {
      let s = where.get(k);
      if (!s) where.set(k, (s = new Set()));
      s.add(w);
    }
  };
  words.forEach((syms, w) => {
    for (let i = 0; i + 1 < syms.length; i++) note(syms[i], syms[i + 1], w, 1);
  });
  const heap = new PairHeap();
  const flush = () => {
    for (const [k, ws] of where) {
      const count = pairCounts.get(k)!;
      if (count > 0) heap.push({ a: Math.floor(k / SHIFT), b: k % SHIFT, count, words: ws });
    }
    where.clear();
  };
  flush();

  // 3. merges
  const merges: { a: number; b: number }[] = [];
  while (vocab.length < o.vocabSize && heap.size) {
    const top = heap.pop()!;
    const current = pairCounts.get(key(top.a, top.b))!;
    if (top.count !== current) {
      heap.push({ ...top, count: current });
      continue;
    }
    if (top.count < 1 || o.minFrequency > top.count) break;
    let right = vocab[top.b];
    if (prefix && right.startsWith(prefix)) right = right.slice(prefix.length);
    const merged = add(vocab[top.a] + right);
    merges.push({ a: top.a, b: top.b });
    for (const w of top.words) mergeInWord(words, w, top.a, top.b, merged, note);
    flush();
  }

  // one entry per pair, at its last rank
  const last = new Map<number, number>();
  merges.forEach((m, i) => last.set(key(m.a, m.b), i));
  return {
    vocab,
    base,
    merges: merges.filter((m, i) => last.get(key(m.a, m.b)) === i).map((m) => [vocab[m.a], vocab[m.b]] as [string, string]),
  };
}

/** Replaces every non-overlapping (a, b) in word w, left to right, reporting the neighbouring pairs it changes. */
function mergeInWord(words: number[][], w: number, a: number, b: number, merged: number, note: (a: number, b: number, w: number, delta: number) => void): void {
  const s = words[w];
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
      // the left neighbour is already final in `out` (possibly a fresh merge: HF reports the pair with it)
      if (out.length) {
        const prev = out[out.length - 1];
        note(prev, a, w, -1);
        note(prev, merged, w, 1);
      }
      if (i + 2 < s.length) {
        note(b, s[i + 2], w, -1);
        note(merged, s[i + 2], w, 1);
      }
      out.push(merged);
      i++;
    } else out.push(s[i]);
  }
  words[w] = out;
}
