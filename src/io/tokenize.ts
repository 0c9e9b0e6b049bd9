// Subword tokenisation of pre-split words, as HF does with is_split_into_words=True: every word is
// normalised, pre-tokenised and encoded on its own, then the post-processor's special tokens go around
// the sequence. Implemented here from tokenizer.json (WordPiece for BERT/DistilBERT, Unigram/Viterbi for
// XLM-R, byte-level BPE for RoBERTa/GPT-2 and `xlt vocab`) rather than through @huggingface/tokenizers, because we need the word -> subword mapping, which
// that package's encode() does not expose; the tests check equality with the package word by word.
//
// Added tokens are cut out of the text first, as HF does (src/io/added_tokens.ts).
// Supported tokenizer.json parts: normalizers BertNormalizer, Sequence, NFC/NFD/NFKC/NFKD, Lowercase,
// StripAccents, Replace, Prepend, Strip, Precompiled (approximated by NFKC: the sentencepiece charsmap is
// NFKC-like); pre-tokenizers BertPreTokenizer, Whitespace, WhitespaceSplit, Metaspace, ByteLevel, Sequence;
// models WordPiece, Unigram, BPE (no dropout, byte fallback or subword prefix/suffix); post-processors TemplateProcessing, BertProcessing, RobertaProcessing, Sequence.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AddedToken, addedTokenSplitter } from "./added_tokens.ts";
import { byteLevelSplit } from "./bytelevel.ts";

export class TokenizerError extends Error {}

export interface WordTokenizer {
  model: "wordpiece" | "unigram" | "bpe";
  vocabSize: number;
  /** ids placed before / after the word pieces of a single sequence, and their token types */
  prefix: number[];
  suffix: number[];
  prefixTypes: number[];
  suffixTypes: number[];
  padId: number;
  unkId: number;
  /** id of the standalone "▁" piece (Metaspace tokenizers), dropped at the start of a word; -1 if none */
  metaspaceId: number;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** the subword ids of one pre-split word, before the "▁" removal */
  encodeWord(word: string): number[];
}

export interface WordEncoding {
  ids: number[];
  /** token position of each word's first subword, −1 if truncated away (or the word has no tokens) */
  firstSubword: number[];
  /** number of words with firstSubword −1 */
  droppedWords: number;
  tokenTypes: number[];
}

// ------------------------------------------------------------------------------------------ characters
const isWs = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\r" || /\p{Zs}/u.test(c);
const isControl = (c: string) => c !== "\t" && c !== "\n" && c !== "\r" && /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}]$/u.test(c);
/** BERT's punctuation: ASCII non-alphanumerics plus Unicode P* categories */
function isPunct(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(c);
}
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
const stripAccents = (s: string) => s.normalize("NFD").replace(/\p{Mn}/gu, "");

// ------------------------------------------------------------------------------------------ normalizers
type Fn = (s: string) => string;

export function buildNormalizer(n: any): Fn {
  if (!n) return (s) => s;
  switch (n.type) {
    case "BertNormalizer": {
      const lower = n.lowercase ?? true;
      const strip = n.strip_accents ?? lower; // HF: null means "same as lowercase"
      return (s) => {
        let out = "";
        for (const c of s) {
          const cp = c.codePointAt(0)!;
          if (n.clean_text ?? true) {
            if (cp === 0 || cp === 0xfffd || isControl(c)) continue;
            if (isWs(c)) {
              out += " ";
              continue;
            }
          }
          out += (n.handle_chinese_chars ?? true) && isCjk(cp) ? ` ${c} ` : c;
        }
        if (strip) out = stripAccents(out);
        if (lower) out = out.toLowerCase();
        return out;
      };
    }
    case "Sequence": {
      const fs = (n.normalizers as any[]).map(buildNormalizer);
      return (s) => fs.reduce((acc, f) => f(acc), s);
    }
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD":
      return (s) => s.normalize(n.type);
    case "Precompiled":
      return (s) => s.normalize("NFKC");
    case "Lowercase":
      return (s) => s.toLowerCase();
    case "StripAccents":
      return stripAccents;
    case "Replace": {
      const re = n.pattern?.Regex !== undefined ? new RegExp(n.pattern.Regex, "gu") : null;
      const str = n.pattern?.String;
      return (s) => (re ? s.replace(re, n.content) : s.split(str).join(n.content));
    }
    case "Prepend":
      return (s) => (s ? n.prepend + s : s);
    case "Strip":
      return (s) => {
        if (n.strip_left ?? true) s = s.replace(/^\s+/u, "");
        if (n.strip_right ?? true) s = s.replace(/\s+$/u, "");
        return s;
      };
    default:
      throw new TokenizerError(`unsupported normalizer type '${n.type}'`);
  }
}

// ------------------------------------------------------------------------------------------ pre-tokenizers
/** `atStart`: the text begins its sequence (false for text after an added token; Metaspace "first" cares) */
type Pre = (s: string, atStart?: boolean) => string[];

export function buildPreTokenizer(p: any): { fn: Pre; meta: string | null } {
  if (!p) return { fn: (s) => (s ? [s] : []), meta: null };
  switch (p.type) {
    case "BertPreTokenizer":
      return {
        meta: null,
        fn: (s) => {
          const out: string[] = [];
          let cur = "";
          for (const c of s) {
            if (isWs(c)) {
              if (cur) out.push(cur);
              cur = "";
            } else if (isPunct(c)) {
              if (cur) out.push(cur);
              out.push(c);
              cur = "";
            } else cur += c;
          }
          if (cur) out.push(cur);
          return out;
        },
      };
    case "WhitespaceSplit":
      return { meta: null, fn: (s) => s.split(/\s+/u).filter((x) => x) };
    case "Whitespace":
      return { meta: null, fn: (s) => s.match(/[\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_\s]+/gu) ?? [] };
    case "Metaspace": {
      const rep: string = p.replacement ?? "▁";
      const scheme = p.prepend_scheme ?? (p.add_prefix_space === false ? "never" : "always");
      const split = p.split ?? true;
      return {
        meta: rep,
        fn: (s, atStart = true) => {
          // every pre-split word is its own sequence, so "first" also prepends to each word
          let t = s.split(" ").join(rep);
          if ((scheme === "always" || (scheme !== "never" && atStart)) && !t.startsWith(rep)) t = rep + t;
          if (!split) return t ? [t] : [];
          const out: string[] = [];
          let cur = "";
          for (const c of t) {
            if (c === rep && cur) {
              out.push(cur);
              cur = "";
            }
            cur += c;
          }
          if (cur) out.push(cur);
          return out;
        },
      };
    }
    case "ByteLevel":
      // HF's defaults when a field is absent: add_prefix_space and use_regex true
      return { meta: null, fn: (s) => byteLevelSplit(s, p.add_prefix_space ?? true, p.use_regex ?? true) };
    case "Sequence": {
      const parts = (p.pretokenizers as any[]).map(buildPreTokenizer);
      return {
        meta: parts.find((x) => x.meta)?.meta ?? null,
        fn: (s, atStart = true) => parts.reduce<string[]>((acc, q) => acc.flatMap((x, k) => q.fn(x, atStart && k === 0)), [s]),
      };
    }
    default:
      throw new TokenizerError(`unsupported pre_tokenizer type '${p.type}'`);
  }
}

// ------------------------------------------------------------------------------------------ models
function wordPiece(m: any, vocab: Map<string, number>): (t: string) => number[] {
  const unk = vocab.get(m.unk_token ?? "[UNK]");
  if (unk === undefined) throw new TokenizerError(`WordPiece unk_token '${m.unk_token}' is not in the vocab`);
  const prefix: string = m.continuing_subword_prefix ?? "##";
  const maxChars: number = m.max_input_chars_per_word ?? 100;
  return (t) => {
    const chars = [...t];
    if (chars.length > maxChars) return [unk];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = -1;
      while (start < end) {
        let sub = chars.slice(start, end).join("");
        if (start > 0) sub = prefix + sub;
        const id = vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) return [unk];
      ids.push(found);
      start = end;
    }
    return ids;
  };
}

/**
 * BPE as HF applies it to one pre-tokenized piece: start from its characters and repeatedly merge the
 * adjacent pair of lowest rank (all its non-overlapping occurrences, left to right). A pair listed twice
 * keeps its last rank, as HF's merge map does.
 */
function bpe(m: any, vocab: Map<string, number>): (t: string) => number[] {
  if (m.dropout) throw new TokenizerError("BPE dropout is not supported");
  if (m.byte_fallback) throw new TokenizerError("BPE byte_fallback is not supported");
  if (m.continuing_subword_prefix || m.end_of_word_suffix) throw new TokenizerError("BPE continuing_subword_prefix/end_of_word_suffix are not supported");
  const ranks = new Map<string, number>();
  (m.merges as (string | [string, string])[]).forEach((x, rank) => {
    const [a, b] = typeof x === "string" ? x.split(" ", 2) : x;
    ranks.set(a + "\u0000" + b, rank);
  });
  const unk: number | undefined = m.unk_token != null ? vocab.get(m.unk_token) : undefined;
  const cache = new Map<string, number[]>();
  const encode = (t: string): number[] => {
    if (m.ignore_merges && vocab.has(t)) return [vocab.get(t)!];
    let parts = [...t];
    for (;;) {
      let best = Infinity;
      let pair = "";
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = ranks.get(parts[i] + "\u0000" + parts[i + 1]);
        if (r !== undefined && r < best) {
          best = r;
          pair = parts[i] + "\u0000" + parts[i + 1];
        }
      }
      if (best === Infinity) break;
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] + "\u0000" + parts[i + 1] === pair) {
          merged.push(parts[i] + parts[i + 1]);
          i++;
        } else merged.push(parts[i]);
      }
      parts = merged;
    }
    const ids: number[] = [];
    for (const p of parts) {
      const id = vocab.get(p);
      if (id !== undefined) ids.push(id);
      else if (unk !== undefined && !(m.fuse_unk && ids.length && ids[ids.length - 1] === unk)) ids.push(unk);
    }
    return ids;
  };
  return (t) => {
    let ids = cache.get(t);
    if (!ids) {
      ids = encode(t);
      if (cache.size < 100_000) cache.set(t, ids);
    }
    return ids;
  };
}

const UNK_PENALTY = 10; // HF/sentencepiece: unknown characters score min_score - 10

function unigram(m: any, exclude: Set<number>): { encode: (t: string) => number[]; vocab: Map<string, number>; tokens: string[] } {
  if (m.byte_fallback) throw new TokenizerError("Unigram byte_fallback is not supported");
  const list = m.vocab as [string, number][];
  const unkId: number = m.unk_id ?? 0;
  const vocab = new Map<string, number>();
  const scores = new Float64Array(list.length);
  let minScore = Infinity;
  let maxLen = 1;
  list.forEach(([piece, score], id) => {
    scores[id] = score;
    minScore = Math.min(minScore, score);
    if (exclude.has(id) || vocab.has(piece)) return;
    vocab.set(piece, id);
    maxLen = Math.max(maxLen, [...piece].length);
  });
  const unkScore = minScore - UNK_PENALTY;
  return {
    vocab: new Map(list.map(([p], i) => [p, i] as [string, number]).reverse()),
    tokens: list.map(([p]) => p),
    encode: (t) => {
      const chars = [...t];
      const n = chars.length;
      const best = new Float64Array(n + 1).fill(-Infinity);
      const from = new Int32Array(n + 1).fill(-1);
      const tok = new Int32Array(n + 1).fill(-1);
      best[0] = 0;
      for (let i = 0; i < n; i++) {
        if (best[i] === -Infinity) continue;
        let single = false;
        let sub = "";
        for (let j = i + 1; j <= Math.min(n, i + maxLen); j++) {
          sub += chars[j - 1];
          const id = vocab.get(sub);
          if (id === undefined) continue;
          if (j === i + 1) single = true;
          const s = best[i] + scores[id];
          if (s > best[j]) {
            best[j] = s;
            from[j] = i;
            tok[j] = id;
          }
        }
        if (!single && best[i] + unkScore > best[i + 1]) {
          best[i + 1] = best[i] + unkScore;
          from[i + 1] = i;
          tok[i + 1] = unkId;
        }
      }
      const ids: number[] = [];
      for (let j = n; j > 0; j = from[j]) ids.push(tok[j]);
      ids.reverse();
      // fuse_unk: consecutive unknown characters become one <unk>
      return ids.filter((id, k) => !(id === unkId && k > 0 && ids[k - 1] === unkId));
    },
  };
}

// ------------------------------------------------------------------------------------------ post-processor
function specials(pp: any, tokenToId: (t: string) => number | undefined): { prefix: number[]; suffix: number[]; prefixTypes: number[]; suffixTypes: number[] } {
  const none = { prefix: [], suffix: [], prefixTypes: [], suffixTypes: [] };
  if (!pp) return none;
  const idOf = (t: string, given?: unknown) => {
    const id = given ?? tokenToId(t);
    if (id === undefined) throw new TokenizerError(`post-processor special token '${t}' is not in the vocab`);
    return tokenId(id, `post_processor: special token '${t}'`);
  };
  switch (pp.type) {
    case "BertProcessing":
    case "RobertaProcessing":
      return { prefix: [idOf(pp.cls[0], pp.cls[1])], suffix: [idOf(pp.sep[0], pp.sep[1])], prefixTypes: [0], suffixTypes: [0] };
    case "TemplateProcessing": {
      const out = { prefix: [] as number[], suffix: [] as number[], prefixTypes: [] as number[], suffixTypes: [] as number[] };
      let seen = false;
      for (const piece of pp.single as any[]) {
        if (piece.Sequence) {
          seen = true;
          continue;
        }
        const st = pp.special_tokens?.[piece.SpecialToken.id];
        const ids: number[] = st?.ids ? (st.ids as unknown[]).map((id) => idOf(piece.SpecialToken.id, id)) : [idOf(piece.SpecialToken.id)];
        const type = piece.SpecialToken.type_id ?? 0;
        (seen ? out.suffix : out.prefix).push(...ids);
        (seen ? out.suffixTypes : out.prefixTypes).push(...ids.map(() => type));
      }
      return out;
    }
    case "Sequence": {
      for (const p of pp.processors as any[]) {
        if (["TemplateProcessing", "BertProcessing", "RobertaProcessing"].includes(p.type)) return specials(p, tokenToId);
      }
      return none;
    }
    case "ByteLevel":
      return none;
    default:
      throw new TokenizerError(`unsupported post_processor type '${pp.type}'`);
  }
}

// ------------------------------------------------------------------------------------------ public API
/** A token id from tokenizer.json must index an embedding row: a non-negative integer (not −3, not 2.5). */
function tokenId(id: unknown, what: string): number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0) throw new TokenizerError(`${what} has id ${JSON.stringify(id)}; token ids must be non-negative integers`);
  return id;
}

/** Every id of a token → id map, checked as tokenId does. */
function idMap(obj: unknown, what: string): Map<string, number> {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) throw new TokenizerError(`${what} must be an object {token: id}`);
  return new Map(Object.entries(obj as Record<string, unknown>).map(([t, id]) => [t, tokenId(id, `${what}: token ${JSON.stringify(t)}`)]));
}

/** Builds a tokenizer from a parsed tokenizer.json object. */
export function buildTokenizer(json: any, where = "tokenizer.json"): WordTokenizer {
  try {
    const m = json?.model;
    if (!m || typeof m !== "object") throw new TokenizerError("no 'model' section");
    const added = new Map<string, number>();
    const specialIds = new Set<number>();
    for (const a of (json.added_tokens ?? []) as any[]) {
      added.set(a.content, tokenId(a?.id, `added_tokens: token ${JSON.stringify(a?.content)}`));
      if (a.special) specialIds.add(a.id);
    }
    const normalize = buildNormalizer(json.normalizer);
    const splitAdded = addedTokenSplitter((json.added_tokens ?? []) as AddedToken[], normalize);
    const pre = buildPreTokenizer(json.pre_tokenizer);
    let vocab: Map<string, number>;
    let tokens: string[];
    let encodePiece: (t: string) => number[];
    let unkId: number;
    let model: "wordpiece" | "unigram" | "bpe";
    if (m.type === "WordPiece" || (!m.type && m.continuing_subword_prefix !== undefined)) {
      model = "wordpiece";
      vocab = idMap(m.vocab, "model.vocab");
      tokens = [];
      for (const [t, id] of vocab) tokens[id] = t;
      encodePiece = wordPiece(m, vocab);
      unkId = vocab.get(m.unk_token ?? "[UNK]")!;
    } else if (m.type === "Unigram") {
      model = "unigram";
      const u = unigram(m, specialIds);
      vocab = u.vocab;
      tokens = u.tokens;
      encodePiece = u.encode;
      unkId = m.unk_id == null ? 0 : tokenId(m.unk_id, "model.unk_id");
      if (unkId >= tokens.length) throw new TokenizerError(`model.unk_id ${unkId} is beyond the ${tokens.length} pieces`);
    } else if (m.type === "BPE") {
      model = "bpe";
      vocab = idMap(m.vocab, "model.vocab");
      tokens = [];
      for (const [t, id] of vocab) tokens[id] = t;
      encodePiece = bpe(m, vocab);
      unkId = (m.unk_token != null ? vocab.get(m.unk_token) : undefined) ?? vocab.get("<unk>") ?? -1;
    } else {
      throw new TokenizerError(`unsupported model type '${m.type}' (supported: WordPiece, Unigram, BPE)`);
    }
    // added tokens get ids here, not inside the model: the model never produces one from a word's pieces
    const lookup = new Map(vocab);
    for (const [t, id] of added) {
      if (!lookup.has(t)) lookup.set(t, id);
      if (tokens[id] === undefined) tokens[id] = t;
    }
    const tokenToId = (t: string) => lookup.get(t);
    const sp = specials(json.post_processor, tokenToId);
    const padId = json.padding?.pad_id != null ? tokenId(json.padding.pad_id, "padding.pad_id") : (lookup.get("[PAD]") ?? lookup.get("<pad>") ?? 0);
    const metaspaceId = pre.meta !== null ? (lookup.get(pre.meta) ?? -1) : -1;
    return {
      model,
      vocabSize: tokens.length,
      ...sp,
      padId,
      unkId,
      metaspaceId,
      tokenToId,
      idToToken: (id) => tokens[id],
      // added tokens are cut out first, as HF does; the rest is pre-tokenized and encoded piece by piece
      encodeWord: (word) => splitAdded(word).flatMap((s) => (s.id !== null ? [s.id] : pre.fn(s.text, s.start === 0).flatMap(encodePiece))),
    };
  } catch (e) {
    if (e instanceof TokenizerError) throw new TokenizerError(`${where}: ${e.message}`);
    throw e;
  }
}

/** Ids beyond the model's embedding table would read past it: checked against DIR/config.json's vocab_size. */
function fitsModel(tok: WordTokenizer, dir: string, where: string): WordTokenizer {
  let vocab: unknown;
  try {
    vocab = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).vocab_size;
  } catch {
    return tok; // no config: nothing to check against (loadCheckpoint reports it)
  }
  const maxId = Math.max(tok.vocabSize - 1, ...tok.prefix, ...tok.suffix, tok.padId, tok.unkId);
  if (typeof vocab === "number" && maxId >= vocab) {
    throw new TokenizerError(`${where}: token id ${maxId} is beyond the model's vocabulary (config.json vocab_size ${vocab})`);
  }
  return tok;
}

/**
 * Loads DIR/tokenizer.json; without one, a BERT-style DIR/vocab.txt (do_lower_case from
 * tokenizer_config.json, default false) is accepted.
 */
export function loadTokenizer(dir: string): WordTokenizer {
  const path = join(dir, "tokenizer.json");
  if (existsSync(path)) {
    let json: any;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      throw new TokenizerError(`${path}: not a readable JSON tokenizer file`);
    }
    return fitsModel(buildTokenizer(json, path), dir, path);
  }
  const vocabTxt = join(dir, "vocab.txt");
  if (existsSync(vocabTxt)) {
    let lower = false;
    const cfgPath = join(dir, "tokenizer_config.json");
    if (existsSync(cfgPath)) {
      try {
        lower = !!JSON.parse(readFileSync(cfgPath, "utf8")).do_lower_case;
      } catch {
        throw new TokenizerError(`${cfgPath}: not valid JSON`);
      }
    }
    return fitsModel(buildTokenizer(wordPieceTokenizerJson(readFileSync(vocabTxt, "utf8").split(/\r?\n/), lower), vocabTxt), dir, vocabTxt);
  }
  throw new TokenizerError(`${dir}: no tokenizer.json (or vocab.txt) found`);
}

/** tokenizer.json for a BERT WordPiece vocab (one token per line, id = line index). */
export function wordPieceTokenizerJson(lines: string[], lowercase = false): any {
  const vocab: Record<string, number> = {};
  lines.forEach((t, i) => {
    if (t !== "" && !(t in vocab)) vocab[t] = i;
  });
  const sp = (t: string) => ({ id: t, ids: [vocab[t]], tokens: [t] });
  return {
    version: "1.0",
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
      .filter((t) => t in vocab)
      .map((t) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: { "[CLS]": sp("[CLS]"), "[SEP]": sp("[SEP]") },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

/**
 * tokenizer.json for an XLM-R style Unigram model from [piece, score] pairs in id order (specials
 * <s> <pad> </s> <unk> <mask> marked special wherever they are).
 */
export function unigramTokenizerJson(pieces: [string, number][], normalizer: any = null): any {
  const ids = new Map(pieces.map(([p], i) => [p, i] as [string, number]));
  const specialsList = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"].filter((t) => ids.has(t));
  return {
    version: "1.0",
    added_tokens: specialsList.map((t) => ({ id: ids.get(t), content: t, single_word: false, lstrip: t === "<mask>", rstrip: false, normalized: false, special: true })),
    normalizer,
    pre_tokenizer: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    post_processor: { type: "RobertaProcessing", sep: ["</s>", ids.get("</s>")], cls: ["<s>", ids.get("<s>")], trim_offsets: true, add_prefix_space: true },
    decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    model: { type: "Unigram", unk_id: ids.get("<unk>") ?? 0, vocab: pieces, byte_fallback: false },
  };
}

/**
 * Tokenises pre-split words like HF `tokenizer(words, is_split_into_words=True, truncation=True,
 * max_length)`, plus the realignment code's XLM-R rule: a word whose pieces start with the standalone
 * "▁" token loses it, and its next piece becomes the first subword. Truncation keeps the special tokens.
 */
export function encodeWords(tok: WordTokenizer, words: string[], maxLength: number): WordEncoding {
  const budget = maxLength - tok.prefix.length - tok.suffix.length;
  if (budget < 0) throw new TokenizerError(`max length ${maxLength} is smaller than the ${tok.prefix.length + tok.suffix.length} special tokens`);
  const ids = [...tok.prefix];
  const tokenTypes = [...tok.prefixTypes];
  const firstSubword = new Array<number>(words.length).fill(-1);
  let droppedWords = 0;
  for (let w = 0; w < words.length; w++) {
    let pieces = tok.encodeWord(words[w]);
    if (tok.metaspaceId >= 0 && pieces.length > 1 && pieces[0] === tok.metaspaceId) pieces = pieces.slice(1);
    const room = budget - (ids.length - tok.prefix.length);
    if (pieces.length === 0 || room <= 0) {
      droppedWords++;
      continue;
    }
    firstSubword[w] = ids.length;
    const take = pieces.length <= room ? pieces : pieces.slice(0, room);
    ids.push(...take);
    for (let k = 0; k < take.length; k++) tokenTypes.push(0);
  }
  ids.push(...tok.suffix);
  tokenTypes.push(...tok.suffixTypes);
  return { ids, firstSubword, droppedWords, tokenTypes };
}
