// `xlt run`'s grid without the GPU: duplicate seeds, strategies or test languages are refused, and a
// finished cell is reused only when its result.json records the same settings (else a one-line error
// naming the setting, before any work).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cells, cellSettings, merge, runGrid, type RunPlan } from "../../src/run/grid.ts";
import { jobArgs } from "../../src/run/cells.ts";
import { rejectsLike, throwsLike, type Cases } from "../lib/check.ts";

function plan(out: string, over: Partial<RunPlan> = {}): RunPlan {
  return {
    model: "m", task: "pos", train: "train.conllu", source: "en", tests: [{ lang: "en", path: "en.conllu" }, { lang: "de", path: "de.conllu" }],
    realignData: { de: [] }, strategies: ["baseline", "lower"], seeds: [31], realignSteps: 4, epochs: 1, batchSize: 32, alignPairs: 100,
    out, keepModels: false, quiet: true, ...over,
  };
}

/** A finished cell as runCell writes it, with the settings of `p` (or none). */
function finish(p: RunPlan, strategy: string, seed: number, settings: boolean): void {
  const dir = join(p.out, "cells", `${strategy}-s${seed}`);
  mkdirSync(dir, { recursive: true });
  const result = { strategy, seed, task: "pos", metric: "accuracy", scores: { en: 0.5, de: 0.25 }, seconds: 1, ...(settings ? { settings: cellSettings(p, strategy) } : {}) };
  writeFileSync(join(dir, "result.json"), JSON.stringify(result));
}

async function withOut(fn: (out: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "xlt-cells-"));
  try {
    await fn(join(dir, "exp"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const cases: Cases = {
  "a seed, strategy or test language given twice is refused": async () => {
    throwsLike("--seeds 42,42", () => cells(plan("o", { seeds: [42, 42] })), /^--seeds: seed 42 is given twice$/);
    throwsLike("--strategies lower,lower", () => cells(plan("o", { strategies: ["lower", "baseline", "lower"] })), /^--strategies: lower is given twice$/);
    throwsLike("--test de twice", () => cells(plan("o", { tests: [{ lang: "de", path: "a" }, { lang: "de", path: "b" }] })), /^--test: language de is given twice$/);
    throwsLike("--seeds ''", () => cells(plan("o", { seeds: [] })), /^the grid is empty: give at least one of --seeds$/);
    if (cells(plan("o", { seeds: [31, 42] })).length !== 4) throw new Error("2 strategies × 2 seeds");
  },

  "a finished cell is reused under the same settings and refused under others, before any work": async () => {
    await withOut(async (out) => {
      const before = plan(out);
      finish(before, "baseline", 31, true);
      finish(before, "lower", 31, true);
      // same settings: both cells are read back, nothing runs (no GPU here)
      const same = await runGrid(plan(out));
      if (same.length !== 2 || same[1].scores.de !== 0.25) throw new Error(`reused ${JSON.stringify(same)}`);
      await rejectsLike("--realign-steps changed", () => runGrid(plan(out, { realignSteps: 8 })), /lower-s31 was run with --realign-steps 4, not 8: use a new --out/);
      await rejectsLike("--epochs changed", () => runGrid(plan(out, { epochs: 2 })), /baseline-s31 was run with --epochs 1, not 2/);
      await rejectsLike("--epochs back to the default", () => runGrid(plan(out, { epochs: undefined })), /was run with --epochs 1, not default/);
      await rejectsLike("one cell (--cell 1)", () => runGrid(plan(out, { realignLr: 1e-3 }), 1), /lower-s31 was run with --realign-lr default, not 0\.001/);
      // a baseline cell does not realign: other realignment settings leave it valid
      const baseline = await runGrid(plan(out, { strategies: ["baseline"], realignSteps: 8 }));
      if (baseline.length !== 1) throw new Error("baseline reused");
      await rejectsLike("--merge gathers only cells of these settings", () => merge(plan(out, { alignPairs: 50 })), /was run with --align-pairs 100, not 50/);
      const m = await merge(plan(out));
      if (m.done !== 2) throw new Error("merge of 2 cells");
      // the tables, and each chart as its spec and its SVG (cells without alignment: an empty scatter)
      const names = m.files.map((f) => f.slice(out.length + 1)).sort().join();
      if (names !== "alignment.svg,alignment.vl.json,delta.svg,delta.vl.json,results.csv,results.json,results.md") throw new Error(`merge wrote ${names}`);
    });
  },

  "a result.json without settings (an older xlt) is not reused": async () => {
    await withOut(async (out) => {
      finish(plan(out), "baseline", 31, false);
      await rejectsLike("no settings", () => runGrid(plan(out, { strategies: ["baseline"] })), /baseline-s31\/result\.json records no settings/);
    });
  },
};

cases["a job's command line drops --jobs and --cell in both spellings (each job adds its own --cell; a repeated one is refused)"] = async () => {
  const got = jobArgs(["--model", "m", "--cell=3", "--jobs", "j.txt", "--seeds", "1,2", "--cell", "4", "--jobs=k.txt", "--quiet"]).join(" ");
  if (got !== "--model m --seeds 1,2 --quiet") throw new Error(`jobArgs: ${got}`);
};
