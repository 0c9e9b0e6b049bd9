// Shapes of the command table, and the parser that turns a command line into the typed values run() gets:
// required options and numbers are checked here, before any work, so every command reports them alike.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { XltError } from "../src/errors.ts";

interface OptBase {
  help: string;
  meta?: string;
  multiple?: boolean;
  /** checked before run(); shown as "(required)" in --help */
  required?: true;
}
export type Opt =
  | (OptBase & { type: "string"; default?: string })
  | (OptBase & { type: "boolean"; default?: boolean })
  | (OptBase & { type: "int" | "number"; default?: number; min?: number; max?: number });

export interface Command {
  summary: string;
  description?: string;
  options: Record<string, Opt>;
  positionals?: boolean;
  run(values: Record<string, any>, positionals: string[]): Promise<number | void>;
}

/** A bad command line (unknown option, missing value, bad number): the CLI points at --help and exits 2. */
export class UsageError extends XltError {}

const INTEGER = /^-?\d+$/;
// decimal only: no hex, no Infinity, no empty string (Number() accepts all three)
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** The strict number parser of the table, also for numbers inside an option's text (e.g. --seeds 31,42). */
export function parseNumber(name: string, text: string, o: { type: "int" | "number"; min?: number; max?: number }): number {
  const n = Number(text);
  const ok = (o.type === "int" ? INTEGER.test(text) && Number.isSafeInteger(n) : DECIMAL.test(text) && Number.isFinite(n)) &&
    (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max);
  if (!ok) {
    const range = o.min !== undefined && o.max !== undefined ? ` between ${o.min} and ${o.max}` : o.min !== undefined ? ` ≥ ${o.min}` : o.max !== undefined ? ` ≤ ${o.max}` : "";
    throw new UsageError(`--${name} must be ${o.type === "int" ? "an integer" : "a number"}${range}, got '${text}'`);
  }
  return n;
}

export function metaOf(o: Opt): string {
  return o.meta ?? (o.type === "int" ? "N" : o.type === "number" ? "X" : "VALUE");
}

/**
 * node:util parseArgs takes "-1" after `--steps` for an option and calls the value ambiguous. A number option
 * always takes the next word as its value, and any other option does when that word is a negative number.
 */
function joinOptionValues(options: Record<string, Opt>, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const o = a.startsWith("--") && !a.includes("=") && Object.hasOwn(options, a.slice(2)) ? options[a.slice(2)] : undefined;
    const next = argv[i + 1];
    if (o && o.type !== "boolean" && next !== undefined && (o.type === "int" || o.type === "number" || /^-\.?\d/.test(next))) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** The command line as run() gets it: defaults filled in, numbers parsed, required options present. */
export function parseCommandLine(cmd: Command, argv: string[]): { values: Record<string, any>; positionals: string[] } {
  const config: ParseArgsConfig["options"] = {};
  for (const [k, o] of Object.entries(cmd.options)) config[k] = { type: o.type === "boolean" ? "boolean" : "string", multiple: !!o.multiple };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinOptionValues(cmd.options, argv), options: config, allowPositionals: !!cmd.positionals, strict: true }) as any;
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  const values: Record<string, any> = {};
  for (const [k, o] of Object.entries(cmd.options)) {
    const v = parsed.values[k];
    if (v === undefined) {
      if (o.required) throw new UsageError(`--${k} ${metaOf(o)} is required`);
      values[k] = o.default;
    } else if (o.type === "int" || o.type === "number") {
      values[k] = Array.isArray(v) ? v.map((x) => parseNumber(k, x, o)) : parseNumber(k, v as string, o);
    } else values[k] = v;
  }
  return { values, positionals: parsed.positionals };
}

/** Parses argv with the command's table and runs it (what `xlt NAME ...` does, minus the error printing). */
export async function invoke(cmd: Command, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(cmd, argv);
  return (await cmd.run(values, positionals)) ?? 0;
}

/** The parallel-data options shared by `realign`, `alignment` and `run` (see LANG_SPEC_HELP). */
export const PARALLEL_DATA_OPTIONS: Record<string, Opt> = {
  pairs: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "parallel sentences, 'source words ||| target words' per line" },
  alignments: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "word links per line of the sentence source, Pharaoh 'i-j' (0-based)" },
  dictionary: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "bilingual dictionary (MUSE format) to extract links" },
  aligner: { type: "string", meta: "NAME", help: "link source without --alignments: dictionary (default) | fastalign | embeddings (built in)" },
  parallel: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two raw sentence-aligned text files, comma-separated (words split with \\w+|[^\\w\\s]+)" },
  conllu: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two CoNLL-U files (e.g. PUD en and xx), paired by sent_id" },
  limit: { type: "int", min: 1, meta: "N", help: "read at most N sentence pairs per language" },
};
