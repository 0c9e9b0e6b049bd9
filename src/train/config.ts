// A command's run config, declared once: its option table (the rows `xlt NAME --help` prints and the CLI
// parser checks, cli/options.ts) is also the type of the settings the run reads (ConfigOf: `batch-size`
// becomes `batchSize`), and the source of what the run records of itself: the settings a resume must match
// (settingsOf, keyed by the option) and the settings in run.json (recordOf, snake_case). The tables live in
// src/train/configs/ (realign, finetune, pretrain) and src/run/configs.ts (xlt run and its study).
import type { RunSettings } from "./resume.ts";

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
  /** the form a resume compares (settingsOf), where it is not the value itself (e.g. none for a null width) */
  resumeAs?: (value: any) => string | number | boolean | null;
}
export interface StringOpt extends OptBase {
  type: "string";
  default?: string;
  /** the allowed values (each item of a `list`), shown in --help */
  choices?: readonly string[];
  /** a comma-separated list (e.g. --strategies a,b): `choices` and `check` apply to each item */
  list?: true;
  /** a grammar the table cannot spell as choices: returns what is wrong with `text`, or undefined */
  check?: (text: string) => string | undefined;
  /** the value the run reads, from a text that passed `check` (e.g. --projection: a width or null) */
  parse?: (text: string) => unknown;
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

/** A command's options by name (the flag without its dashes), in --help order. */
export type OptionTable = Record<string, Opt>;

/** `batch-size` → `batchSize`. */
type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type Value<O> = O extends { parse: (t: string) => infer R } ? R
  : O extends { type: "boolean" } ? boolean
  : O extends { type: "int" | "number" } ? (O extends { multiple: true } ? number[] : number)
  : O extends { multiple: true } ? string[] : string;
/** always set after parsing: a default or required (booleans stay optional for the library's callers) */
type Always<O> = O extends { type: "boolean" } ? false : O extends { default: string | number } ? true : O extends { required: true } ? true : false;

/** The settings a command's run reads: one camelCase field per option, set where it has a default. */
export type ConfigOf<T extends OptionTable> =
  & { -readonly [K in keyof T & string as Always<T[K]> extends true ? Camel<K> : never]: Value<T[K]> }
  & { -readonly [K in keyof T & string as Always<T[K]> extends true ? never : Camel<K>]?: Value<T[K]> };

/** The boolean options of a parsed command line, each set (true or false). */
type Flags<T extends OptionTable> = { -readonly [K in keyof T & string as T[K] extends { type: "boolean" } ? Camel<K> : never]: boolean };

/** The field of option `flag` in its ConfigOf. */
export const camel = (flag: string): string => flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The typed config of a parsed command line (cli/options.ts parseCommandLine's values, by option name). */
export function readConfig<T extends OptionTable>(table: T, values: Record<string, any>): ConfigOf<T> & Flags<T> {
  const out: Record<string, unknown> = {};
  for (const [flag, o] of Object.entries(table)) {
    const v = values[flag];
    out[camel(flag)] = o.type === "boolean" ? !!v : v !== undefined && o.type === "string" && o.parse ? o.parse(v) : v;
  }
  return out as ConfigOf<T> & Flags<T>;
}

/** A setting's name in a record: an option's `--flag`, or a name of its own ("the training data"). */
type Key = string;

/**
 * The settings a resume must match, keyed as `order` lists them: an option's `--flag` is read from `config`
 * (its camelCase field), any other name from `extra`; `extra` also overrides an option's value where the
 * run records it in another form (a resolved default, a fingerprint). Unset is null. The order is that of
 * the checkpoints already written (checkResume compares by key; the bytes of a checkpoint stay the same).
 * An option that applies only with certain values of another (appliesWith) is null without them.
 */
export function settingsOf(table: OptionTable, order: readonly Key[], config: object, extra: RunSettings = {}): RunSettings {
  const s: RunSettings = {};
  for (const k of order) s[k] = pick(table, k, k.startsWith("--") ? k.slice(2) : "", config, extra) ?? null;
  return s;
}

/**
 * The settings of run.json, keyed as `order` lists them (snake_case: `batch_size` is option `batch-size`,
 * read from `config`); other names and overrides from `extra`, as settingsOf. Unset is null.
 */
export function recordOf(table: OptionTable, order: readonly Key[], config: object, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const k of order) r[k] = pick(table, k, k.replaceAll("_", "-"), config, extra) ?? null;
  return r;
}

function pick(table: OptionTable, key: Key, flag: string, config: object, extra: Record<string, unknown>): any {
  if (Object.hasOwn(extra, key)) return extra[key];
  if (!Object.hasOwn(table, flag)) throw new Error(`run config: '${key}' is neither an option nor given`);
  const c = config as Record<string, unknown>;
  // an option that applies only with some values of another (pretrain's --lambda: align-mlm) is unset without them
  const w = table[flag].appliesWith;
  if (w?.values && !w.values.includes(c[camel(w.option)] as string)) return null;
  const v = c[camel(flag)];
  const as = key.startsWith("--") ? table[flag].resumeAs : undefined;
  return as ? as(v) : v;
}
