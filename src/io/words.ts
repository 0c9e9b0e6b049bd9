// Word-level text input for realignment: the papers' default pre-tokeniser (Python `\w+|[^\w\s]+`),
// `src ||| tgt` parallel files, Pharaoh `i-j` alignment files and MUSE bilingual dictionaries.
// Every reading error is one line naming file:line, so a bad corpus fails fast and points at the fix.
import { readFileSync } from "node:fs";

export class WordsError extends Error {}

// Python's `\w` in str patterns is Unicode: letters, digits (all of \p{N}), marks and "_".
const WORD_RE = /[\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_\s]+/gu;

/** `re.findall(r"\w+|[^\w\s]+", text)`: runs of word characters, and runs of other non-space characters. */
export function splitWords(text: string): string[] {
  return text.match(WORD_RE) ?? [];
}

/**
 * Reads a text file as UTF-8 (a leading byte-order mark dropped); one-line errors for a missing, empty,
 * blank or binary file (NUL bytes or invalid UTF-8). Every command that reads text asks this: a random
 * binary file is refused alike by embed, align, vocab and pretrain.
 */
export function readTextFile(path: string, what = "file"): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new WordsError(`${path}: cannot read ${what} (missing, unreadable or a directory)`);
  }
  if (bytes.length === 0) throw new WordsError(`${path}: ${what} is empty`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new WordsError(`${path}:${lineOfByte(bytes, nul)}: ${what} looks binary (NUL byte), expected UTF-8 text`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new WordsError(`${path}: ${what} is not valid UTF-8 text (binary file?)`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new WordsError(`${path}: ${what} is empty (only blank lines)`);
  return text;
}

/** readTextFile's text as lines; a trailing newline does not make an extra line. */
export function readTextLines(path: string, what = "file"): string[] {
  const lines = readTextFile(path, what).split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function lineOfByte(bytes: Uint8Array, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos; i++) if (bytes[i] === 10) n++;
  return n;
}

export interface SentencePair {
  src: string[];
  tgt: string[];
  /** 1-based line number in the file */
  line: number;
}

/** Parses one `source ||| target` line into words (splitWords on both sides). */
export function parseParallelLine(line: string, where: string): { src: string[]; tgt: string[] } {
  const parts = line.split("|||");
  if (parts.length !== 2) {
    throw new WordsError(
      `${where}: expected 'source ||| target', found ${parts.length === 1 ? "no" : parts.length - 1} '|||' separator${parts.length === 1 ? "" : "s"}`,
    );
  }
  return { src: splitWords(parts[0]), tgt: splitWords(parts[1]) };
}

/** Reads a `source ||| target` file (one sentence pair per line; blank lines are skipped). */
export function readParallel(path: string): SentencePair[] {
  const out: SentencePair[] = [];
  readTextLines(path, "parallel file").forEach((l, i) => {
    if (l.trim() === "") return;
    out.push({ ...parseParallelLine(l, `${path}:${i + 1}`), line: i + 1 });
  });
  return out;
}

/** Parses one Pharaoh line `0-0 1-2 …` into [left, right] word-index links. */
export function parseLinks(line: string, where: string, srcLen?: number, tgtLen?: number): [number, number][] {
  const links: [number, number][] = [];
  for (const tok of line.trim().split(/\s+/)) {
    if (tok === "") continue;
    const m = /^(\d+)[-:](\d+)$/.exec(tok);
    if (!m) throw new WordsError(`${where}: bad alignment link '${tok}', expected 'i-j' with word indices`);
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (srcLen !== undefined && a >= srcLen) {
      throw new WordsError(`${where}: link '${tok}' points at source word ${a} but the sentence has ${srcLen} words`);
    }
    if (tgtLen !== undefined && b >= tgtLen) {
      throw new WordsError(`${where}: link '${tok}' points at target word ${b} but the sentence has ${tgtLen} words`);
    }
    links.push([a, b]);
  }
  return links;
}

/**
 * Reads a Pharaoh alignment file (line k aligns sentence pair k). With `pairs` (from readParallel on the
 * same corpus, blank lines included as empty pairs) every link index is checked against the sentence lengths.
 */
export function readLinks(path: string, pairs?: { src: string[]; tgt: string[] }[]): [number, number][][] {
  const lines = readTextLines(path, "alignment file");
  if (pairs && lines.length !== pairs.length) {
    throw new WordsError(`${path}: alignment file has ${lines.length} lines but the parallel corpus has ${pairs.length} sentence pairs`);
  }
  return lines.map((l, i) => parseLinks(l, `${path}:${i + 1}`, pairs?.[i].src.length, pairs?.[i].tgt.length));
}

/** A MUSE dictionary: `word translation` per line (space or tab). Returns source word -> translations. */
export function readMuseDictionary(path: string): Map<string, string[]> {
  const dico = new Map<string, string[]>();
  readTextLines(path, "dictionary").forEach((l, i) => {
    if (l.trim() === "") return;
    const f = l.trim().split(/\s+/);
    if (f.length !== 2) {
      throw new WordsError(`${path}:${i + 1}: expected 'word translation' (2 fields), found ${f.length}: '${l.slice(0, 60)}'`);
    }
    const list = dico.get(f[0]);
    if (list) {
      if (!list.includes(f[1])) list.push(f[1]);
    } else dico.set(f[0], [f[1]]);
  });
  return dico;
}
