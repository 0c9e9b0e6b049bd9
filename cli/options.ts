// Shapes of the command table, and the parser that turns a command line into the typed values run() gets.
// Everything the table can say is checked here, before any work, so every command reports it alike (one
// line naming the option, exit 2): unknown, missing and repeated options, numbers and their bounds, choices
// and grammars of string values, and options that apply only with another one or clash with it.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { XltError } from "../src/errors.ts";
import { freezeSpecProblem } from "../src/train/freeze.ts";

interface OptBase {
  help: string;
  meta?: string;
  multiple?: boolean;
  /** checked before run(); shown as "(required)" in --help */
  required?: true;
  /**
   * The option means something only when `option` is given (a boolean: set; with `values`: when its value,
   * given or default, is one of them). Given without it, the command line is refused before run().
   */
  appliesWith?: { option: string; values?: readonly string[] };
  /** options that cannot be given together with this one, and why (the error names this one first) */
  conflicts?: { options: readonly string[]; why?: string };
}
interface StringOpt extends OptBase {
  type: "string";
  default?: string;
  /** the allowed values (each item of a `list`), shown in --help */
  choices?: readonly string[];
  /** a comma-separated list (e.g. --strategies a,b): `choices` and `check` apply to each item */
  list?: true;
  /** a grammar the table cannot spell as choices: returns what is wrong with `text`, or undefined */
  check?: (text: string) => string | undefined;
}
interface NumberOpt extends OptBase {
  type: "int" | "number";
  default?: number;
  /** inclusive bounds */
  min?: number;
  max?: number;
  /** exclusive bounds (e.g. a temperature: above 0) */
  above?: number;
  below?: number;
}
export type Opt = StringOpt | (OptBase & { type: "boolean"; default?: boolean }) | NumberOpt;

export interface Command {
  summary: string;
  description?: string;
  options: Record<string, Opt>;
  positionals?: boolean;
  run(values: Record<string, any>, positionals: string[]): Promise<number | void>;
}

/**
 * A bad command line (unknown option, missing or repeated option, bad number, value out of its bounds or
 * choices, an option that does not apply): the CLI points at --help and exits 2, whichever check found it.
 */
export class UsageError extends XltError {}

/** The exit code of every usage error. */
export const USAGE_EXIT = 2;

const INTEGER = /^-?\d+$/;
// decimal only: no hex, no Infinity, no empty string (Number() accepts all three)
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

type Bounds = { type: "int" | "number"; min?: number; max?: number; above?: number; below?: number };

/** The bounds of a number option in words ("≥ 1", "> 0", "between 0 and 1"), or "" when it has none. */
export function boundsText(o: Bounds): string {
  const lo = o.above !== undefined ? `> ${o.above}` : o.min !== undefined ? `≥ ${o.min}` : "";
  const hi = o.below !== undefined ? `< ${o.below}` : o.max !== undefined ? `≤ ${o.max}` : "";
  if (o.min !== undefined && o.max !== undefined && o.above === undefined && o.below === undefined) return `between ${o.min} and ${o.max}`;
  return [lo, hi].filter(Boolean).join(" and ");
}

/** The strict number parser of the table, also for numbers inside an option's text (e.g. --seeds 31,42). */
export function parseNumber(name: string, text: string, o: Bounds): number {
  const n = Number(text);
  const ok = (o.type === "int" ? INTEGER.test(text) && Number.isSafeInteger(n) : DECIMAL.test(text) && Number.isFinite(n)) &&
    (o.min === undefined || n >= o.min) && (o.max === undefined || n <= o.max) &&
    (o.above === undefined || n > o.above) && (o.below === undefined || n < o.below);
  if (!ok) {
    const range = boundsText(o);
    throw new UsageError(`--${name} must be ${o.type === "int" ? "an integer" : "a number"}${range ? " " + range : ""}, got '${text}'`);
  }
  return n;
}

export function metaOf(o: Opt): string {
  if (o.meta) return o.meta;
  if (o.type === "string" && o.choices && !o.list) return o.choices.join("|");
  return o.type === "int" ? "N" : o.type === "number" ? "X" : "VALUE";
}

/** What --help adds after an option's text: its bounds or choices, as the parser enforces them. */
export function constraintText(o: Opt): string {
  if (o.type === "int" || o.type === "number") {
    const b = boundsText(o);
    return b ? ` (${b})` : "";
  }
  if (o.type === "string" && o.choices && (o.list || metaOf(o) !== o.choices.join("|"))) return ` (${o.list ? "each " : ""}one of: ${o.choices.join(", ")})`;
  return "";
}

/** The items of a comma-separated list option (blank items dropped). */
export const listItems = (text: string): string[] => text.split(",").map((x) => x.trim()).filter(Boolean);

/** Checks one string value against its option's choices and grammar. */
function checkString(name: string, o: StringOpt, text: string): void {
  const items = o.list ? listItems(text) : [text];
  if (o.list && !items.length) throw new UsageError(`--${name} needs at least one item, got '${text}'`);
  for (const item of items) {
    if (o.choices && !o.choices.includes(item)) {
      if (o.list) throw new UsageError(`--${name} '${text}': '${item}' is not one of ${o.choices.join(", ")}`);
      throw new UsageError(`--${name} must be one of ${o.choices.join(", ")}, got '${text}'`);
    }
    const problem = o.check?.(item);
    if (problem) throw new UsageError(`--${name} '${item}': ${problem}`);
  }
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

/** Whether a value counts as given (an empty list of a repeatable option does not). */
const isGiven = (v: unknown) => v !== undefined && !(Array.isArray(v) && !v.length);

/** The options that apply only together with others (appliesWith, conflicts), checked on what was given. */
function checkCombinations(options: Record<string, Opt>, given: Set<string>, values: Record<string, any>): void {
  for (const k of given) {
    const o = options[k];
    const w = o.appliesWith;
    if (w) {
      const other = values[w.option];
      const on = w.values ? w.values.includes(other) : given.has(w.option) && other !== false;
      if (!on && !w.values) throw new UsageError(`--${k} applies only with --${w.option}: add --${w.option}, or drop --${k}`);
      if (!on) {
        const now = other !== undefined ? `, not --${w.option} ${other}` : "";
        throw new UsageError(`--${k} applies only with --${w.option} ${w.values!.join("|")}${now}: drop --${k}${other === undefined ? ` or give --${w.option}` : ""}`);
      }
    }
    const clash = o.conflicts?.options.find((c) => given.has(c));
    if (clash) throw new UsageError(`--${k} and --${clash} cannot be given together${o.conflicts!.why ? ` (${o.conflicts!.why})` : ""}: drop one of them`);
  }
}

/** The command line as run() gets it: defaults filled in, numbers parsed, every table rule checked. */
export function parseCommandLine(cmd: Command, argv: string[]): { values: Record<string, any>; positionals: string[] } {
  const config: ParseArgsConfig["options"] = {};
  for (const [k, o] of Object.entries(cmd.options)) config[k] = { type: o.type === "boolean" ? "boolean" : "string", multiple: !!o.multiple };
  let parsed: { values: Record<string, unknown>; positionals: string[]; tokens: { kind: string; name?: string; value?: string }[] };
  try {
    parsed = parseArgs({ args: joinOptionValues(cmd.options, argv), options: config, allowPositionals: !!cmd.positionals, strict: true, tokens: true }) as any;
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  // parseArgs keeps the last of a repeated single-valued option: a second --model would silently win
  const seen = new Map<string, string | undefined>();
  for (const t of parsed.tokens) {
    if (t.kind !== "option" || !t.name || cmd.options[t.name]?.multiple) continue;
    if (seen.has(t.name)) {
      if (t.value === undefined) throw new UsageError(`--${t.name} is given twice: give it once`);
      throw new UsageError(`--${t.name} is given twice ('${seen.get(t.name)}', then '${t.value}'); it takes one value: give it once`);
    }
    seen.set(t.name, t.value);
  }
  const values: Record<string, any> = {};
  const given = new Set<string>();
  for (const [k, o] of Object.entries(cmd.options)) {
    const v = parsed.values[k];
    if (v === undefined) {
      if (o.required) throw new UsageError(`--${k} ${metaOf(o)} is required`);
      values[k] = o.default;
      continue;
    }
    if (isGiven(v)) given.add(k);
    if (o.type === "int" || o.type === "number") {
      values[k] = Array.isArray(v) ? v.map((x) => parseNumber(k, x, o)) : parseNumber(k, v as string, o);
    } else {
      if (o.type === "string") for (const x of Array.isArray(v) ? v : [v]) checkString(k, o, x as string);
      values[k] = v;
    }
  }
  checkCombinations(cmd.options, given, values);
  return { values, positionals: parsed.positionals };
}

/** Parses argv with the command's table and runs it (what `xlt NAME ...` does, minus the error printing). */
export async function invoke(cmd: Command, argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(cmd, argv);
  return (await cmd.run(values, positionals)) ?? 0;
}

/** `--freeze SPEC`'s grammar, for the tables of realign, profile, info and finetune --realign-during. */
export const FREEZE_SPEC = { meta: "SPEC", check: freezeSpecProblem } as const;

/** `--projection D|none`: a head width (a positive integer) or none; projectionWidth reads it. */
export const PROJECTION_OPTION: Opt = {
  type: "string", default: "128", meta: "D|none", help: "projection head width (H→H, ReLU, H→D, no bias), or none",
  check: (t) => (t === "none" || (/^\d+$/.test(t) && Number(t) >= 1 && Number.isSafeInteger(Number(t))) ? undefined : "expected a positive integer width or none"),
};
/** A comma-separated list of seeds (`--seeds 31,42`), each an integer. */
export const SEEDS_CHECK = { list: true, check: (t: string) => (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? undefined : "a seed must be an integer") } as const;

export const projectionWidth = (text: string): number | null => (text === "none" ? null : parseNumber("projection", text, { type: "int", min: 1 }));

/** The parallel-data options shared by `realign`, `alignment` and `run` (see LANG_SPEC_HELP). */
export const PARALLEL_DATA_OPTIONS: Record<string, Opt> = {
  pairs: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "parallel sentences, 'source words ||| target words' per line" },
  alignments: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "word links per line of the sentence source, Pharaoh 'i-j' (0-based)" },
  dictionary: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "bilingual dictionary (MUSE format) to extract links" },
  aligner: { type: "string", choices: ["dictionary", "fastalign", "embeddings"], help: "link source without --alignments: the --dictionary rule (default), or a built-in aligner" },
  parallel: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two raw sentence-aligned text files, comma-separated (words split with \\w+|[^\\w\\s]+)" },
  conllu: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two CoNLL-U files (e.g. PUD en and xx), paired by sent_id" },
  limit: { type: "int", min: 1, meta: "N", help: "read at most N sentence pairs per language" },
};
