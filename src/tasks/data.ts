// Task data for fine-tuning and zero-shot evaluation: POS (CoNLL-U or XTREME udpos TSV), NER (WikiANN /
// PAN-X IOB2) and XNLI (XTREME TSV), plus the subword label alignment of the papers' LabelAlignmentMapper
// and the sentence-pair encoding of HF tokenizers. Every reading error is one line naming file:line.
//
// Multi-word tokens (CoNLL-U). HF's `universal_dependencies` loader (used by the papers) builds `tokens`
// from every row the `conllu` library yields, which includes multi-word-token range lines (`1-2`, UPOS
// "_") and empty nodes (`8.1`). `mwt: "keep"` (default) mirrors that, so scores are comparable with the
// published numbers; `mwt: "skip"` keeps only the syntactic words (integer ids), as UD's own evaluation does.
import { readFileSync } from "node:fs";
import { TokenizerError, type WordTokenizer } from "../io/tokenize.ts";
import { splitWords } from "../io/words.ts";
import { labelIndex, TaskDataError } from "./labels.ts";

export { TaskDataError };

export interface TokenExample {
  words: string[];
  labels: number[];
  /** for writing predictions back: the file and the 0-based sentence index in ParsedDoc.sentences */
  source: { file: string; sentence: number };
}

export interface NliExample {
  premise: string[];
  hypothesis: string[];
  label: number;
  /** 1-based line number in the file */
  line: number;
}

export type TokenFormat = "conllu" | "tsv" | "iob2";

/** Everything needed to write predictions back in the input's own format, byte for byte. */
export interface ParsedDoc {
  path: string;
  format: TokenFormat;
  /** the file split on "\n" (each line keeps a trailing "\r" if it had one; a leading BOM stays in line 0) */
  lines: string[];
  /** number of lines that belong to the sentences read (all of them unless `limit` stopped early) */
  end: number;
  /** per sentence read: the line index of each word of its example, and whether that line may be rewritten */
  sentences: { lines: number[]; writable: boolean[] }[];
  /** 0-based column holding the tag (3 = UPOS for CoNLL-U, 1 for TSV/IOB2) */
  tagColumn: number;
  /** WikiANN language prefix stripped from the words ("en:"), "" if none */
  wordPrefix: string;
}

export interface TokenReadOptions {
  /** read at most this many sentences */
  limit?: number;
  /** CoNLL-U multi-word-token range lines and empty nodes: "keep" (default, like HF) or "skip" */
  mwt?: "keep" | "skip";
}

function readText(path: string, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new TaskDataError(`${path}: cannot read ${what} (missing or unreadable)`);
  }
  if (bytes.length === 0) throw new TaskDataError(`${path}: ${what} is empty`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    let line = 1;
    for (let i = 0; i < nul; i++) if (bytes[i] === 10) line++;
    throw new TaskDataError(`${path}:${line}: ${what} looks binary (NUL byte), expected UTF-8 text`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new TaskDataError(`${path}: ${what} is not valid UTF-8 text`);
  }
}

/** a line without its "\r" and (line 0) BOM, for parsing */
const clean = (l: string, i: number) => {
  if (l.endsWith("\r")) l = l.slice(0, -1);
  if (i === 0 && l.charCodeAt(0) === 0xfeff) l = l.slice(1);
  return l;
};
const isBlank = (l: string) => l.trim() === "" && !l.includes("\t");

const CONLLU_ID = /^(\d+)(?:-(\d+)|\.(\d+))?$/;
const LANG_PREFIX = /^([a-z]{2,3}(?:-[a-z]+)?):./;

function detectFormat(task: "pos" | "ner", lines: string[], path: string): TokenFormat {
  for (let i = 0; i < lines.length; i++) {
    const l = clean(lines[i], i);
    if (isBlank(l)) continue;
    if (l.startsWith("#")) return "conllu";
    const cols = l.split("\t").length;
    if (cols > 2) {
      if (task === "ner") throw new TaskDataError(`${path}:${i + 1}: NER data must be 'word<TAB>TAG' (IOB2), found ${cols} columns`);
      return "conllu";
    }
    return task === "ner" ? "iob2" : "tsv";
  }
  throw new TaskDataError(`${path}: file has no sentences (only blank lines)`);
}

/**
 * Reads a token-classification file, auto-detecting CoNLL-U (10 columns, UPOS), XTREME udpos TSV
 * (`form<TAB>UPOS`) or WikiANN IOB2 (`[xx:]word<TAB>TAG`, the language prefix is stripped).
 * Sentences are separated by blank lines.
 */
export function readTokenTask(
  task: "pos" | "ner",
  path: string,
  opts: TokenReadOptions = {},
): { examples: TokenExample[]; format: TokenFormat; doc: ParsedDoc } {
  const limit = opts.limit ?? Infinity;
  const mwt = opts.mwt ?? "keep";
  const lines = readText(path, `${task} data file`).split("\n");
  const format = detectFormat(task, lines, path);
  const tagColumn = format === "conllu" ? 3 : 1;
  const examples: TokenExample[] = [];
  const sentences: ParsedDoc["sentences"] = [];
  let wordPrefix = "";
  let prefixChecked = false;
  let cur: { words: string[]; labels: number[]; lines: number[]; writable: boolean[] } | null = null;
  let end = lines.length;
  let seenIds = new Set<string>();

  const close = (i: number): boolean => {
    if (cur) {
      if (cur.words.length > 0 || format !== "conllu") {
        examples.push({ words: cur.words, labels: cur.labels, source: { file: path, sentence: sentences.length } });
        sentences.push({ lines: cur.lines, writable: cur.writable });
      }
      cur = null;
      seenIds = new Set();
      if (examples.length >= limit) {
        end = Math.min(i + 1, lines.length);
        return true;
      }
    }
    return false;
  };

  for (let i = 0; i < lines.length; i++) {
    const l = clean(lines[i], i);
    const where = `${path}:${i + 1}`;
    if (isBlank(l)) {
      if (close(i)) break;
      continue;
    }
    if (format === "conllu") {
      if (l.startsWith("#")) {
        if (cur && cur.words.length > 0) throw new TaskDataError(`${where}: comment line inside a sentence (missing blank line before it?)`);
        cur ??= { words: [], labels: [], lines: [], writable: [] };
        continue;
      }
      const cols = l.split("\t");
      if (cols.length !== 10) {
        throw new TaskDataError(`${where}: CoNLL-U token line must have 10 tab-separated columns, found ${cols.length}: '${l.slice(0, 60)}'`);
      }
      const m = CONLLU_ID.exec(cols[0]);
      if (!m) throw new TaskDataError(`${where}: bad CoNLL-U ID '${cols[0]}' (expected N, N-M or N.M)`);
      if (seenIds.has(cols[0])) throw new TaskDataError(`${where}: duplicate CoNLL-U ID '${cols[0]}' (missing blank line between sentences?)`);
      seenIds.add(cols[0]);
      const range = m[2] !== undefined;
      const empty = m[3] !== undefined;
      cur ??= { words: [], labels: [], lines: [], writable: [] };
      if ((range || empty) && mwt === "skip") continue;
      if (cols[1] === "") throw new TaskDataError(`${where}: empty FORM column`);
      cur.words.push(cols[1]);
      cur.labels.push(labelIndex(task, cols[3], where));
      cur.lines.push(i);
      // range lines must keep UPOS "_" to stay valid CoNLL-U: predictions for them are not written back
      cur.writable.push(!range);
    } else {
      const cols = l.split("\t");
      if (cols.length !== 2) {
        const want = format === "iob2" ? "'word<TAB>TAG'" : "'form<TAB>UPOS'";
        throw new TaskDataError(`${where}: expected ${want} (2 tab-separated columns), found ${cols.length}: '${l.slice(0, 60)}'`);
      }
      let word = cols[0];
      if (format === "iob2") {
        if (!prefixChecked) {
          prefixChecked = true;
          const m = LANG_PREFIX.exec(word);
          if (m) wordPrefix = `${m[1]}:`;
        }
        if (wordPrefix && word.startsWith(wordPrefix)) word = word.slice(wordPrefix.length);
      }
      if (word === "") throw new TaskDataError(`${where}: empty word`);
      const tag = cols[1].trim();
      cur ??= { words: [], labels: [], lines: [], writable: [] };
      cur.words.push(word);
      cur.labels.push(labelIndex(task, tag, where));
      cur.lines.push(i);
      cur.writable.push(true);
    }
  }
  if (end === lines.length) close(lines.length - 1);
  const doc: ParsedDoc = { path, format, lines, end, sentences, tagColumn, wordPrefix };
  return { examples, format, doc };
}

/**
 * Reads XNLI. The XTREME format (this repo's shared data) is `premise<TAB>hypothesis<TAB>label` per line,
 * no header. The original XNLI 1.0 TSV (header with `language`, `gold_label`, `sentence1`, `sentence2`)
 * is accepted too; there `lang` keeps only that language's rows (in the XTREME format, one file is one
 * language and `lang` is ignored). Words come from splitWords (the papers' `\w+|[^\w\s]+`).
 */
export function readXnli(path: string, opts: { limit?: number; lang?: string } = {}): NliExample[] {
  const limit = opts.limit ?? Infinity;
  const lines = readText(path, "XNLI file").split("\n");
  const out: NliExample[] = [];
  let cols = { premise: 0, hypothesis: 1, label: 2, lang: -1, n: 3 };
  let start = 0;
  const head = clean(lines[0], 0).split("\t");
  if (head.includes("gold_label") && head.includes("sentence1") && head.includes("sentence2")) {
    cols = { premise: head.indexOf("sentence1"), hypothesis: head.indexOf("sentence2"), label: head.indexOf("gold_label"), lang: head.indexOf("language"), n: head.length };
    start = 1;
  }
  for (let i = start; i < lines.length && out.length < limit; i++) {
    const l = clean(lines[i], i);
    if (l.trim() === "") continue;
    const where = `${path}:${i + 1}`;
    const f = l.split("\t");
    if (f.length !== cols.n) {
      throw new TaskDataError(
        `${where}: expected ${cols.n} tab-separated columns${start ? "" : " (premise, hypothesis, label)"}, found ${f.length}` +
          (f.length === 2 && !start ? " (unlabelled XTREME test file?)" : ""),
      );
    }
    if (cols.lang >= 0 && opts.lang && f[cols.lang] !== opts.lang) continue;
    out.push({ premise: splitWords(f[cols.premise]), hypothesis: splitWords(f[cols.hypothesis]), label: labelIndex("xnli", f[cols.label].trim(), where), line: i + 1 });
  }
  if (out.length === 0 && limit > 0) throw new TaskDataError(`${path}: no XNLI examples${opts.lang ? ` for language '${opts.lang}'` : ""}`);
  return out;
}

// ------------------------------------------------------------------------------------------ subwords
export interface TokenChunk {
  ids: number[];
  /** label of each position: the word label at a word's first subword, −100 elsewhere (other subwords, specials) */
  labels: number[];
  /** sentence word index of each labelled position, −1 elsewhere */
  wordOf: number[];
  /** the words [firstWord, endWord) this chunk covers (words with no subword have no labelled position) */
  firstWord: number;
  endWord: number;
}

/** a word's subword ids with the realignment code's rule: a leading standalone "▁" (XLM-R) is dropped */
export function wordPieces(tok: WordTokenizer, word: string): number[] {
  const p = tok.encodeWord(word);
  return tok.metaspaceId >= 0 && p.length > 1 && p[0] === tok.metaspaceId ? p.slice(1) : p;
}

/**
 * Subword label alignment (LabelAlignmentMapper): tokenises each word like encodeWords, gives its first
 * subword the word label and −100 to the rest. A sentence longer than maxLength is split into several
 * chunks (each with the special tokens), never dropped, and never splitting a word across chunks; a single
 * word longer than a whole chunk is alone in its chunk with its pieces truncated. Every word with at least
 * one subword is labelled exactly once over all chunks. An empty sentence gives no chunk.
 */
export function alignLabels(words: string[], labels: number[], tok: WordTokenizer, maxLength: number): TokenChunk[] {
  if (labels.length !== words.length) throw new TaskDataError(`alignLabels: ${words.length} words but ${labels.length} labels`);
  const budget = maxLength - tok.prefix.length - tok.suffix.length;
  if (budget < 1) throw new TokenizerError(`max length ${maxLength} leaves no room besides the ${tok.prefix.length + tok.suffix.length} special tokens`);
  const chunks: TokenChunk[] = [];
  let cur: TokenChunk | null = null;
  const finish = (endWord: number) => {
    if (!cur) return;
    cur.ids.push(...tok.suffix);
    for (let k = 0; k < tok.suffix.length; k++) {
      cur.labels.push(-100);
      cur.wordOf.push(-1);
    }
    cur.endWord = endWord;
    chunks.push(cur);
    cur = null;
  };
  const open = (w: number): TokenChunk => ({
    ids: [...tok.prefix],
    labels: tok.prefix.map(() => -100),
    wordOf: tok.prefix.map(() => -1),
    firstWord: w,
    endWord: w,
  });
  for (let w = 0; w < words.length; w++) {
    let pieces = wordPieces(tok, words[w]);
    if (pieces.length > budget) pieces = pieces.slice(0, budget);
    if (cur && (cur as TokenChunk).ids.length - tok.prefix.length + pieces.length > budget) finish(w);
    cur ??= open(w);
    pieces.forEach((id, k) => {
      cur!.ids.push(id);
      cur!.labels.push(k === 0 ? labels[w] : -100);
      cur!.wordOf.push(k === 0 ? w : -1);
    });
  }
  finish(words.length);
  return chunks;
}

/** Whether the tokenizer's pair template is RoBERTa's (`<s> A </s></s> B </s>`) rather than BERT's. */
export function isRobertaStyle(tok: WordTokenizer): boolean {
  const first = tok.prefix.length ? tok.idToToken(tok.prefix[0]) : undefined;
  if (first === "<s>") return true;
  if (first === "[CLS]") return false;
  return tok.model === "unigram";
}

/**
 * Sentence-pair encoding as HF `tokenizer(premise, hypothesis, truncation=True, max_length)`, from words:
 * BERT/DistilBERT `[CLS] A [SEP] B [SEP]` with token types 0 for [CLS] A [SEP] and 1 for B [SEP]
 * (DistilBERT ignores them); XLM-R `<s> A </s></s> B </s>`, types all 0. Truncation "longest_first":
 * one subword at a time from the end of the longer side (the second side on ties), like HF's Python rule.
 * Words are tokenised as in alignLabels (XLM-R's leading standalone "▁" dropped).
 */
export function encodePair(premise: string[], hypothesis: string[], tok: WordTokenizer, maxLength: number): { ids: number[]; tokenTypes: number[] } {
  const roberta = isRobertaStyle(tok);
  const cls = tok.prefix;
  const sep = tok.suffix;
  const nSpecial = roberta ? cls.length + 3 * sep.length : cls.length + 2 * sep.length;
  const budget = maxLength - nSpecial;
  if (budget < 0) throw new TokenizerError(`max length ${maxLength} is smaller than the ${nSpecial} special tokens of a sentence pair`);
  let a = premise.flatMap((w) => wordPieces(tok, w));
  let b = hypothesis.flatMap((w) => wordPieces(tok, w));
  if (a.length + b.length > budget) {
    let na = a.length;
    let nb = b.length;
    while (na + nb > budget) {
      if (na > nb) na--;
      else nb--;
    }
    a = a.slice(0, na);
    b = b.slice(0, nb);
  }
  if (roberta) {
    const ids = [...cls, ...a, ...sep, ...sep, ...b, ...sep];
    return { ids, tokenTypes: ids.map(() => 0) };
  }
  const first = [...cls, ...a, ...sep];
  const second = [...b, ...sep];
  return { ids: [...first, ...second], tokenTypes: [...first.map(() => 0), ...second.map(() => 1)] };
}
