// Inv, the word-order inversion of ALIGN-MLM (align-mlm-spec.md §3.2): words are reversed on text, before
// subword tokenisation, so subword order inside a word is kept. Each rule mirrors one of the authors'
// preprocessing/corpus_inversion scripts; labels (POS/NER tags) move with their words.

const FINAL_PUNCT = new Set([".", "!", "?"]);

/**
 * Reverses a sentence's items, keeping a final standalone `.`/`!`/`?` last (invert_pos_data.py,
 * invert_ner_data.py, invert_pretrain_data.py). `wordOf` reads the word of an item; the result is the
 * permutation of item indices, so tags and other columns follow.
 */
export function inversionOrder<T>(items: T[], wordOf: (t: T) => string): number[] {
  const n = items.length;
  const keepLast = n > 0 && FINAL_PUNCT.has(wordOf(items[n - 1]));
  const body = keepLast ? n - 1 : n;
  const order: number[] = [];
  for (let i = body - 1; i >= 0; i--) order.push(i);
  if (keepLast) order.push(n - 1);
  return order;
}

/**
 * Pre-training text (invert_pretrain_data.py): the line split on single spaces is cut into sentences after
 * every standalone `.`, `!` or `?` token, and each sentence is inverted. Returns the original sentences and
 * the inverted ones, line-aligned (the authors' train_orig.txt / train_inv.txt).
 */
export function invertTextLine(line: string): { original: string[]; inverted: string[] } {
  const tokens = line.split(" ").filter((t) => t !== "");
  const sentences: string[][] = [];
  let cur: string[] = [];
  for (const t of tokens) {
    cur.push(t);
    if (FINAL_PUNCT.has(t)) {
      sentences.push(cur);
      cur = [];
    }
  }
  if (cur.length) sentences.push(cur);
  return {
    original: sentences.map((s) => s.join(" ")),
    inverted: sentences.map((s) => inversionOrder(s, (w) => w).map((i) => s[i]).join(" ")),
  };
}

/**
 * An XNLI sentence (invert_xnli_data.py): split on single spaces; if the last token ends with `.`, `!` or
 * `?`, that character is detached, the rest reversed and the character re-attached at the end with no
 * space; otherwise everything is reversed. Other punctuation stays glued to its word.
 */
export function invertXnliSentence(text: string): string {
  const tokens = text.split(" ");
  const last = tokens[tokens.length - 1] ?? "";
  const end = last.slice(-1);
  if (FINAL_PUNCT.has(end)) {
    tokens[tokens.length - 1] = last.slice(0, -1);
    const rev = tokens.reverse().filter((t, i) => !(i === 0 && t === ""));
    return rev.join(" ") + end;
  }
  return tokens.reverse().join(" ");
}

/**
 * BIO repair after reversal (invert_ner_data.py: every run `I…I B`, formerly `B I…I`, becomes `B I…I`).
 * Done on the spans of the original order, read as seqeval reads them (a B- or a type change starts an
 * entity, I- of the same type continues it, a stray I- starts one): each reversed span is relabelled
 * B then I, so the result is valid IOB2 even where the input was not. `order` is the reversal permutation.
 */
export function reverseBioTags(tags: string[], order: number[]): string[] {
  const type = (t: string) => (t.length > 2 && (t[0] === "B" || t[0] === "I") && t[1] === "-" ? t.slice(2) : null);
  const span = new Array<number>(tags.length).fill(-1);
  let s = -1;
  for (let i = 0; i < tags.length; i++) {
    const ty = type(tags[i]);
    if (ty === null) continue;
    const continues = tags[i][0] === "I" && i > 0 && type(tags[i - 1]) === ty;
    span[i] = continues ? span[i - 1] : ++s;
  }
  const out: string[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const ty = type(tags[i]);
    if (ty === null) out.push(tags[i]);
    else out.push(k > 0 && span[order[k - 1]] === span[i] ? `I-${ty}` : `B-${ty}`);
  }
  return out;
}
