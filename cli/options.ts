// Shapes of the command table.
import { XltError } from "../src/errors.ts";
export interface Opt {
  type: "string" | "boolean";
  help: string;
  default?: string | boolean;
  meta?: string;
  multiple?: boolean;
}

export interface Command {
  summary: string;
  description?: string;
  options: Record<string, Opt>;
  positionals?: boolean;
  run(values: Record<string, any>, positionals: string[]): Promise<number | void>;
}

/** Parses a numeric option, with a one-line error naming it. */
export function num(name: string, v: unknown, opts: { int?: boolean; min?: number } = {}): number {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw new XltError(`--${name} must be ${opts.int ? "an integer" : "a number"}${opts.min !== undefined ? ` ≥ ${opts.min}` : ""}, got '${v}'`);
  }
  return n;
}

/** The parallel-data options shared by `realign`, `alignment` and `run` (see LANG_SPEC_HELP). */
export const PARALLEL_DATA_OPTIONS: Record<string, Opt> = {
  pairs: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "parallel sentences, 'source words ||| target words' per line" },
  alignments: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "word links per line of the sentence source, Pharaoh 'i-j' (0-based)" },
  dictionary: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "bilingual dictionary (MUSE format) to extract links" },
  aligner: { type: "string", meta: "NAME", help: "link source without --alignments: dictionary (default) | fastalign | embeddings (built in)" },
  parallel: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two raw sentence-aligned text files, comma-separated (words split with \\w+|[^\\w\\s]+)" },
  conllu: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two CoNLL-U files (e.g. PUD en and xx), paired by sent_id" },
  limit: { type: "string", meta: "N", help: "read at most N sentence pairs per language" },
};
