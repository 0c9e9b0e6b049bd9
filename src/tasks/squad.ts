// Extractive QA data (SQuAD v1.1 JSON, e.g. XQuAD), the windows of HF's run_qa, n-best answer extraction
// and the official v1.1 scores.
//
// Words. xlt's tokenizers work on pre-split words, so a context is split on white space (Python's
// str.split(), as the official evaluation splits answers into tokens) and everything below maps between
// code-point offsets (SQuAD's answer_start counts code points, as Python does), words and subword tokens.
// An answer is a whole-word span: its first word is the one holding answer_start, its last the one holding
// its last character. (In languages written without spaces, zh and th, a "word" is a whole phrase.)
//
// Windows (HF prepare_train_features / prepare_validation_features, truncation "only_second", stride):
// `[CLS] question [SEP] context-window [SEP]` (XLM-R `<s> q </s></s> c </s>`), at most maxLength tokens;
// window k covers context tokens [k·(room − stride), … + room), the last one reaching the end, so
// consecutive windows share `stride` tokens (at most half a window's context, which only caps the stride in
// windows much shorter than 384). A question longer than MAX_QUESTION tokens (the original BERT SQuAD
// script's max_query_length), or than half a short window, is cut there, so every window has context. In training a
// window labels the answer's first and last subword, or [CLS] (position 0) for both when the answer is not
// wholly inside it (HF's rule, with the first answer).
import { readFileSync } from "node:fs";
import type { WordTokenizer } from "../io/tokenize.ts";
import { TokenizerError } from "../io/tokenize.ts";
import { TaskDataError } from "./labels.ts";
import { isRobertaStyle, wordPieces } from "./data.ts";

export const MAX_QUESTION = 64;

export interface QaExample {
  id: string;
  question: string;
  context: string;
  answers: { text: string; start: number }[];
}

/**
 * Reads SQuAD v1.1 JSON (`data[].paragraphs[].{context, qas[]}`), at most `limit` questions. Every answer is
 * checked against its context (answer_start a code point inside it, the text found there), and a question
 * without an "answers" list is refused: one line naming the question id. `answers: []` is refused in test
 * data (`forTest`: the official scorer needs a gold answer per question) and kept in training data, where,
 * as HF's run_qa, the question's windows point at [CLS].
 */
export function readSquad(path: string, limit = Infinity, forTest = false): QaExample[] {
  let json: any;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new TaskDataError(`${path}: not SQuAD JSON (${e instanceof SyntaxError ? e.message : "missing or unreadable"})`);
  }
  if (!json || !Array.isArray(json.data)) throw new TaskDataError(`${path}: not SQuAD v1.1 JSON (no "data" array)`);
  const out: QaExample[] = [];
  json.data.forEach((article: any, a: number) => {
    (article?.paragraphs ?? []).forEach((p: any, k: number) => {
      const where = `${path}: data[${a}].paragraphs[${k}]`;
      if (typeof p?.context !== "string") throw new TaskDataError(`${where}: no "context" string`);
      let chars: string[] | null = null; // the context's code points, once a question needs them
      for (const q of p.qas ?? []) {
        if (out.length >= limit) return;
        if (typeof q?.id !== "string" || typeof q?.question !== "string") throw new TaskDataError(`${where}: a question without "id" or "question"`);
        const at = `${where}: question ${q.id}`;
        if (!Array.isArray(q.answers)) throw new TaskDataError(`${at}: no "answers" list (SQuAD v1.1 gives each question a list of {text, answer_start})`);
        if (forTest && !q.answers.length) throw new TaskDataError(`${at}: "answers" is empty; a test question needs at least one gold answer to be scored`);
        chars ??= Array.from(p.context as string);
        const answers = (q.answers as any[]).map((an) => checkAnswer(an, chars!, at));
        out.push({ id: q.id, question: q.question, context: p.context, answers });
      }
    });
  });
  if (!out.length && limit > 0) throw new TaskDataError(`${path}: no questions`);
  return out;
}

/** One gold answer, checked against its context's code points (SQuAD's answer_start counts code points). */
function checkAnswer(an: any, chars: string[], at: string): { text: string; start: number } {
  if (typeof an?.text !== "string" || !Number.isInteger(an?.answer_start)) throw new TaskDataError(`${at}: an answer without "text" or integer "answer_start"`);
  const start: number = an.answer_start;
  const n = Array.from(an.text as string).length;
  if (start < 0 || start + n > chars.length) {
    throw new TaskDataError(`${at}: answer_start ${start} with a ${n}-character answer lies outside the ${chars.length}-character context`);
  }
  const found = chars.slice(start, start + n).join("");
  if (found !== an.text) {
    const show = (s: string) => JSON.stringify(s.length > 40 ? s.slice(0, 40) + "…" : s);
    throw new TaskDataError(`${at}: answer ${show(an.text)} does not match the context at answer_start ${start}, which reads ${show(found)}`);
  }
  return { text: an.text, start };
}

// Python's str.isspace() characters (str.split() with no argument splits on runs of them).
const PY_SPACE = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

/** White-space words of a text with their code-point spans [start, end). */
export function splitContext(text: string): { words: string[]; start: number[]; end: number[]; chars: string[] } {
  const chars = Array.from(text);
  const words: string[] = [];
  const start: number[] = [];
  const end: number[] = [];
  let i = 0;
  while (i < chars.length) {
    if (PY_SPACE.test(chars[i])) {
      i++;
      continue;
    }
    const s = i;
    while (i < chars.length && !PY_SPACE.test(chars[i])) i++;
    words.push(chars.slice(s, i).join(""));
    start.push(s);
    end.push(i);
  }
  return { words, start, end, chars };
}

/** The words [first, last] an answer of `length` code points starting at code point `at` covers; null if none. */
export function answerWords(ctx: { start: number[]; end: number[] }, at: number, length: number): [number, number] | null {
  const last = at + Math.max(1, length) - 1;
  let first = ctx.end.findIndex((e) => e > at); // the word holding `at`, or the next one
  let lastW = -1;
  for (let w = ctx.start.length - 1; w >= 0; w--) if (ctx.start[w] <= last) { lastW = w; break; }
  if (first < 0 || lastW < first) return null;
  return [first, lastW];
}

export interface QaWindow {
  ids: number[];
  tokenTypes: number[];
  /** [start, end] token labels (training) */
  labels: number[];
  /** context word of each position (−1: question, specials, padding) */
  wordOf: number[];
  /** whether the position is a word's first / last subword (answers start and end on whole words) */
  first: boolean[];
  last: boolean[];
  /** index of the example in its list */
  example: number;
}

/**
 * The windows of one example (see the file's comment). `answer` = the [first, last] context words of the
 * answer (training), or null (evaluation, or no answer).
 */
export function qaWindows(question: string, contextWords: string[], answer: [number, number] | null, tok: WordTokenizer, maxLength: number, stride: number, example = 0): QaWindow[] {
  const roberta = isRobertaStyle(tok);
  const cls = tok.prefix;
  const sep = tok.suffix;
  const specials = cls.length + (roberta ? 3 : 2) * sep.length;
  // a question takes at most half of a short window, so that context always fits
  const qMax = Math.min(MAX_QUESTION, Math.floor((maxLength - specials) / 2));
  const q = splitContext(question).words.flatMap((w) => wordPieces(tok, w)).slice(0, qMax);
  const head = roberta ? [...cls, ...q, ...sep, ...sep] : [...cls, ...q, ...sep];
  const room = maxLength - head.length - sep.length;
  if (room < 1) throw new TokenizerError(`max length ${maxLength} leaves no room for the context after a question of ${q.length} tokens`);
  // windows shorter than the published 384 keep at least half of their context new
  stride = Math.min(stride, Math.floor(room / 2));
  const ctx: number[] = [];
  const wordOf: number[] = [];
  const first: boolean[] = [];
  const last: boolean[] = [];
  contextWords.forEach((w, k) => {
    const p = wordPieces(tok, w);
    p.forEach((id, j) => {
      ctx.push(id);
      wordOf.push(k);
      first.push(j === 0);
      last.push(j === p.length - 1);
    });
  });
  let aStart = -1;
  let aEnd = -1;
  if (answer) {
    aStart = wordOf.indexOf(answer[0]);
    aEnd = wordOf.lastIndexOf(answer[1]);
  }
  const out: QaWindow[] = [];
  for (let s = 0; ; s += room - stride) {
    const e = Math.min(ctx.length, s + room);
    const ids = [...head, ...ctx.slice(s, e), ...sep];
    const typeB = roberta ? 0 : 1;
    const tokenTypes = [...head.map(() => 0), ...ids.slice(head.length).map(() => typeB)];
    const pad = (xs: any[], v: any) => [...head.map(() => v), ...xs.slice(s, e), ...sep.map(() => v)];
    let labels = [0, 0];
    if (aStart >= 0 && aEnd >= aStart && aStart >= s && aEnd < e) labels = [head.length + aStart - s, head.length + aEnd - s];
    out.push({ ids, tokenTypes, labels, wordOf: pad(wordOf, -1), first: pad(first, false), last: pad(last, false), example });
    if (e >= ctx.length) break;
  }
  return out;
}

export const N_BEST = 20;
export const MAX_ANSWER_TOKENS = 30;

/**
 * HF postprocess_qa_predictions (SQuAD v1): over all windows of an example, the N_BEST highest start and
 * end logits each; pairs inside the context, end ≥ start, at most MAX_ANSWER_TOKENS tokens; the best
 * start + end logit wins. Here an answer also starts at a word's first subword and ends at a word's last
 * (xlt answers in whole words); the answer is the context text from its first word to its last ("" if none).
 * `logits[k]` holds window k's (start, end) logit pairs, position by position.
 */
export function bestAnswer(windows: QaWindow[], logits: ArrayLike<number>[], ctx: { start: number[]; end: number[]; chars: string[] }): string {
  let best = -Infinity;
  let span = null as [number, number] | null;
  const top = (l: ArrayLike<number>, T: number, o: number) =>
    Array.from({ length: T }, (_, t) => t).sort((a, b) => l[2 * b + o] - l[2 * a + o] || a - b).slice(0, N_BEST);
  windows.forEach((w, k) => {
    const l = logits[k];
    const T = w.ids.length;
    for (const s of top(l, T, 0)) {
      for (const e of top(l, T, 1)) {
        if (w.wordOf[s] < 0 || w.wordOf[e] < 0 || !w.first[s] || !w.last[e]) continue;
        if (e < s || e - s + 1 > MAX_ANSWER_TOKENS) continue;
        const score = l[2 * s] + l[2 * e + 1];
        if (score > best) {
          best = score;
          span = [w.wordOf[s], w.wordOf[e]];
        }
      }
    }
  });
  if (!span) return "";
  const [a, b] = span;
  return ctx.chars.slice(ctx.start[a], ctx.end[b]).join("");
}

// ------------------------------------------------------------------------- official SQuAD v1.1 scores
// evaluate-v1.1.py: lower-case, drop string.punctuation, drop the articles a/an/the (regex \b, which in
// Python 3 knows Unicode word characters), collapse white space (str.split()).
const PUNCT = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;
const PY_SPACES = new RegExp(PY_SPACE.source + "+", "gu");

export function normalizeAnswer(s: string): string {
  const noPunct = Array.from(s.toLowerCase()).filter((c) => !PUNCT.has(c)).join("");
  return noPunct.replace(ARTICLES, " ").split(PY_SPACES).filter((w) => w !== "").join(" ");
}

export function exactMatch(prediction: string, truth: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(truth) ? 1 : 0;
}

export function f1Score(prediction: string, truth: string): number {
  const p = normalizeAnswer(prediction).split(" ").filter((w) => w !== "");
  const t = normalizeAnswer(truth).split(" ").filter((w) => w !== "");
  const counts = new Map<string, number>();
  for (const w of t) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of p) {
    const c = counts.get(w) ?? 0;
    if (c > 0) {
      same++;
      counts.set(w, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / t.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Exact match and F1 (fractions, max over each question's gold answers, mean over questions; a question without a prediction scores 0). */
export function squadScores(examples: QaExample[], predictions: Record<string, string>): { exactMatch: number; f1: number; n: number } {
  let em = 0;
  let f1 = 0;
  for (const ex of examples) {
    const pred = predictions[ex.id];
    if (pred === undefined) continue;
    const golds = ex.answers.map((a) => a.text);
    em += Math.max(0, ...golds.map((g) => exactMatch(pred, g)));
    f1 += Math.max(0, ...golds.map((g) => f1Score(pred, g)));
  }
  const n = examples.length;
  return { exactMatch: n ? em / n : NaN, f1: n ? f1 / n : NaN, n };
}
