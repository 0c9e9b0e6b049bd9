// The cell runner of `xlt run` (the realignment grid, src/run/grid.ts) and `xlt run --study align-mlm`
// (src/run/study_align_mlm.ts): an experiment is a list of independent cells, each of which writes
// OUT/cells/<name>/result.json atomically with the settings it ran with. A rerun skips finished cells, and
// refuses one that ran with other settings before any work; a cell can run as its own job (--cell K, e.g. a
// Slurm array task: writeJobs); merging gathers whatever is finished.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.ts";
import { XltError } from "../errors.ts";

/** What a cell's result depends on besides its own coordinates, keyed by the option that sets it. */
export type Settings = Record<string, string | number | null>;

export interface Cell {
  index: number;
  dir: string;
}

/** An experiment as the runner sees it. */
export interface Experiment<C extends Cell, R> {
  /** what its cells form, in messages ("grid", "study") */
  kind: string;
  /** the Slurm job's name */
  job: string;
  out: string;
  cells: C[];
  /** the settings a finished cell's result must record to be reused or merged */
  settings(result: R): Settings;
  /** runs an unfinished cell: writes its result.json and returns the result */
  run(cell: C): Promise<R>;
}

/** Refuses a value given twice (it would name one cell, or one column, twice): "`what` X is given twice". */
export function rejectDuplicates(what: string, items: Array<string | number>): void {
  const seen = new Set<string | number>();
  for (const x of items) {
    if (seen.has(x)) throw new XltError(`${what} ${x} is given twice`);
    seen.add(x);
  }
}

export const isDone = (c: Cell) => existsSync(join(c.dir, "result.json"));

/** A finished cell's result, if it ran with the experiment's settings (else a one-line error naming the setting). */
export function readResult<C extends Cell, R>(e: Experiment<C, R>, dir: string): R {
  const result = JSON.parse(readFileSync(join(dir, "result.json"), "utf8"));
  const fix = `use a new --out, or delete ${dir} to run the cell again`;
  if (!result.settings) throw new XltError(`${dir}/result.json records no settings (an older xlt wrote it): ${fix}`);
  const show = (v: unknown) => (v === null || v === undefined ? "default" : String(v));
  for (const [k, v] of Object.entries(e.settings(result))) {
    const had = result.settings[k] ?? null;
    if (had !== v) throw new XltError(`${dir} was run with ${k} ${show(had)}, not ${show(v)}: ${fix}`);
  }
  return result;
}

/** Runs cell `only`, or every cell (finished ones are read back; one with other settings stops all before any work). */
export async function runCells<C extends Cell, R>(e: Experiment<C, R>, only?: number): Promise<R[]> {
  const one = (c: C) => (isDone(c) ? Promise.resolve(readResult(e, c.dir)) : e.run(c));
  if (only !== undefined) {
    if (!e.cells[only]) throw new XltError(`--cell ${only}: the ${e.kind} has cells 0-${e.cells.length - 1}`);
    return [await one(e.cells[only])];
  }
  for (const c of e.cells) if (isDone(c)) readResult(e, c.dir);
  const out: R[] = [];
  for (const c of e.cells) out.push(await one(c));
  return out;
}

/** Every finished cell of OUT/cells (with the experiment's settings); none is an error. */
export function finishedResults<C extends Cell, R>(e: Experiment<C, R>): R[] {
  const dir = join(e.out, "cells");
  const results = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(join(dir, d, "result.json"))).map((d) => readResult(e, join(dir, d))) : [];
  if (!results.length) throw new XltError(`no finished cells in ${dir}: run the ${e.kind} first`);
  return results;
}

/** Writes merged outputs into OUT by file name (each atomically); returns their paths. */
export function writeOutputs(out: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    writeFileAtomic(join(out, name), text);
    return join(out, name);
  });
}

/** The Slurm array script written beside a --jobs FILE (jobs.txt → jobs.slurm.sh). */
export const slurmScriptPath = (jobs: string) => jobs.replace(/(\.\w+)?$/, ".slurm.sh");

/**
 * The command line of one cell's job: `argv` without --jobs and --cell, in either spelling (`--cell 3`,
 * `--cell=3`), since each job gets its own --cell and a repeated option is refused.
 */
export function jobArgs(argv: string[]): string[] {
  const ours = (a: string | undefined) => a === "--jobs" || a === "--cell";
  return argv.filter((a, i) => !ours(a) && !ours(argv[i - 1]) && !/^--(jobs|cell)=/.test(a));
}

/** One `xlt run … --cell K` line per cell in `path`, and a Slurm job-array script beside it (returned). */
export function writeJobs<C extends Cell, R>(e: Experiment<C, R>, argv: string[], path: string): string {
  const base = jobArgs(argv);
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  const cmd = (k: number | string) => ["npx", "xlt", "run", ...base.map(quote), "--cell", String(k)].join(" ");
  writeFileAtomic(path, e.cells.map((c) => cmd(c.index)).join("\n") + "\n");
  const slurm = slurmScriptPath(path);
  writeFileAtomic(slurm, [
    "#!/bin/bash",
    `#SBATCH --array=0-${e.cells.length - 1}`,
    "#SBATCH --gpus=1",
    `#SBATCH --job-name=${e.job}`,
    "# each array task runs one cell; afterwards: npx xlt run ... --merge",
    cmd("$SLURM_ARRAY_TASK_ID"),
    "",
  ].join("\n"));
  return slurm;
}
