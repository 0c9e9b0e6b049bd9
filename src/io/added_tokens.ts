// Hugging Face's AddedVocabulary (tokenizers/src/tokenizer/added_vocabulary.rs): before the pre-tokenizer
// sees a text, every added token of tokenizer.json's `added_tokens` is cut out of it and becomes its own id.
// Matching is leftmost-longest (HF's Aho-Corasick with MatchKind::LeftmostLongest); tokens with
// `normalized: false` are matched on the raw text, the others on each remaining piece after normalisation.
// `single_word` drops a match inside a word, `lstrip`/`rstrip` let a match swallow the white space beside it
// (never text an earlier match already took). Pieces between matches go through pre-tokenizer and model.
// xlt's doubled byte-level BPE tokenizer (src/synthetic/trans.ts) relies on this: its derived ids are added
// tokens.

export interface AddedToken {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** a piece of a text: an added token's id, or text for the pre-tokenizer (`start`: its offset in the text it was cut from) */
export interface Segment {
  id: number | null;
  text: string;
  start: number;
}

// Rust regex's Unicode \w and \s, which HF's single_word and strip rules use
const WORD = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACE = /\p{White_Space}/u;

interface Matcher {
  byContent: Map<string, AddedToken>;
  firstChars: Set<string>;
  /** candidate lengths (UTF-16 units), longest first */
  lengths: number[];
}

/** `key`: the form a token is matched in (normalized tokens: their content normalised, as HF caches it) */
function matcher(tokens: AddedToken[], key: (t: AddedToken) => string): Matcher | null {
  const byContent = new Map<string, AddedToken>();
  for (const t of tokens) {
    const k = key(t);
    if (k) byContent.set(k, t);
  }
  if (!byContent.size) return null;
  const lengths = [...new Set([...byContent.keys()].map((c) => c.length))].sort((a, b) => b - a);
  return { byContent, firstChars: new Set([...byContent.keys()].map((c) => c[0])), lengths };
}

/** the code point ending at `end` / starting at `start` ("" at the text's edge) */
function lastChar(s: string, end: number): string {
  if (end <= 0) return "";
  const pair = end >= 2 && /[\ud800-\udbff]/.test(s[end - 2]) && /[\udc00-\udfff]/.test(s[end - 1]);
  return s.slice(pair ? end - 2 : end - 1, end);
}
const firstChar = (s: string, start: number) => (start < s.length ? String.fromCodePoint(s.codePointAt(start)!) : "");

/** HF's find_matches: the text cut at every added token, in order, covering all of it */
function split(text: string, m: Matcher | null, start0: number): Segment[] {
  if (!m || !text) return text ? [{ id: null, text, start: start0 }] : [];
  const out: Segment[] = [];
  let taken = 0; // end of the last emitted match
  let i = 0;
  while (i < text.length) {
    if (!m.firstChars.has(text[i])) {
      i++;
      continue;
    }
    let tok: AddedToken | undefined;
    let len = 0;
    for (len of m.lengths) {
      if (i + len > text.length) continue;
      tok = m.byContent.get(text.slice(i, i + len));
      if (tok) break;
    }
    if (!tok) {
      i++;
      continue;
    }
    let start = i;
    let stop = i + len;
    i = stop; // the automaton moves past a match even when single_word discards it
    if (tok.single_word && ((start > 0 && WORD.test(lastChar(text, start))) || (stop < text.length && WORD.test(firstChar(text, stop))))) continue;
    if (tok.lstrip) {
      while (start > taken && SPACE.test(lastChar(text, start))) start -= lastChar(text, start).length;
    }
    if (tok.rstrip) {
      while (stop < text.length && SPACE.test(firstChar(text, stop))) stop += firstChar(text, stop).length;
      i = stop;
    }
    if (taken < start) out.push({ id: null, text: text.slice(taken, start), start: start0 + taken });
    out.push({ id: tok.id, text: text.slice(start, stop), start: start0 + start });
    taken = stop;
  }
  if (taken < text.length) out.push({ id: null, text: text.slice(taken), start: start0 + taken });
  return out;
}

/**
 * HF's extract_and_normalize: a splitter that cuts raw text at the non-normalized added tokens, normalises
 * the rest and cuts it at the normalized ones. Text segments come back normalised.
 */
export function addedTokenSplitter(tokens: AddedToken[], normalize: (s: string) => string): (text: string) => Segment[] {
  // HF's AddedToken::from: a token without the field is normalized unless it is special
  const isRaw = (t: AddedToken) => t.normalized === false || (t.normalized === undefined && !!t.special);
  const raw = matcher(tokens.filter(isRaw), (t) => t.content);
  const norm = matcher(tokens.filter((t) => !isRaw(t)), (t) => normalize(t.content));
  return (text) =>
    split(text, raw, 0).flatMap((s) => {
      if (s.id !== null) return [s];
      // offsets after normalisation are approximate; they only tell whether a piece starts the text
      return split(normalize(s.text), norm, s.start);
    });
}
