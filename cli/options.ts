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
