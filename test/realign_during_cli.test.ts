// `xlt finetune --realign-during` and the `during` strategies of `xlt run`, end to end: run.json records the
// realignment settings, the log splits the joint loss, the realignment head is trained and saved, Node and
// Deno agree; --freeze keeps the realignment loss out of the frozen blocks (after one step they are
// bit-identical to a plain fine-tuning step's, while the blocks the loss reaches differ); a resumed joint run
// equals an uninterrupted one; `xlt run --strategies baseline,during` on the built-in data.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHIPPED_LANGS } from "../src/builtin/shipped.ts";
import { describe, expect, it } from "vitest";
import { cliCommand, runProgram, xlt } from "./lib/cli.ts";
import { loadAll } from "../src/io/safetensors.ts";
import { gaussian } from "../src/rng.ts";
import { maxRelErr } from "./lib/check.ts";
import { PARALLEL_TINY, SHARED_DATA, TINY_BERT } from "./lib/fixtures.ts";

const EWT_TRAIN = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");
const tmp = () => mkdtempSync(join(tmpdir(), "xlt-during-"));

/**
 * finetune on `limit` EWT sentences (more examples: long ones are split into chunks) in batches of `batch`,
 * one epoch, optionally realigning on parallel-tiny.txt.
 */
function finetuneArgs(out: string, limit: number, batch: number, realign: string[] | null, extra: string[] = []): string[] {
  return [
    "finetune", "--task", "pos", "--model", TINY_BERT, "--train", EWT_TRAIN, "--limit", String(limit), "--batch-size", String(batch), "--epochs", "1",
    "--lr", "1e-3", "--max-length", "32", "--seed", "5", "--out", out, "--quiet",
    ...(realign ? ["--realign-during", "--pairs", PARALLEL_TINY, "--aligner", "fastalign", "--realign-batch-size", "4", ...realign] : []),
    ...extra,
  ];
}

const blockOf = (name: string) => {
  const m = /layer\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : null;
};
const same = (a: { data: ArrayLike<number> }, b: { data: ArrayLike<number> }) =>
  Buffer.from((a.data as Float32Array).buffer).equals(Buffer.from((b.data as Float32Array).buffer));

describe("xlt finetune --realign-during", () => {
  it("end to end on Node and Deno: run.json, the joint loss in the log, the trained realignment head", async () => {
    const dir = tmp();
    const logs: Record<string, number[]> = {};
    for (const rt of ["node", "deno"] as const) {
      const out = join(dir, `out-${rt}`);
      const log = join(dir, `log-${rt}.jsonl`);
      const r = await xlt(rt, finetuneArgs(out, 8, 8, [], ["--log", log]));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
      expect(run.steps).toBeGreaterThan(1);
      expect(run.realign_during).toMatchObject({ weight: 0.1, freeze: "none", frozen: [], layer: 3, projection: 128, tau: 0.1, batch_size: 4, max_length: 64, aligner: "fastalign", pairs_seen: 4 * run.steps });
      const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.length).toBe(run.steps);
      for (const l of lines) {
        for (const k of ["loss", "task_loss", "realign_loss"]) expect(Number.isFinite(l[k]), `${k} ${l[k]}`).toBe(true);
        expect(Math.abs(l.loss - (l.task_loss + 0.1 * l.realign_loss))).toBeLessThan(1e-5 * l.loss);
        expect(l.realign_loss).toBeGreaterThan(0);
      }
      logs[rt] = lines.map((l) => l.loss);
      // the projection head is trained along: it left its initialisation (N(0, 0.02²) from the seed)
      const head = loadAll(join(out, "realignment_head.safetensors"));
      const w0 = head.get("realignment_head.0.weight")!;
      expect(w0.shape).toEqual([32, 32]);
      expect(head.get("realignment_head.2.weight")!.shape).toEqual([128, 32]);
      const r0 = gaussian(5);
      const init = Float32Array.from({ length: 32 * 32 }, () => 0.02 * r0());
      expect(maxRelErr(w0.data, init)).toBeGreaterThan(1e-3);
    }
    logs.node.forEach((l, i) => expect(Math.abs(l - logs.deno[i])).toBeLessThan(1e-4 * l));
  }, 300_000);

  it("--freeze lower: after one step the frozen blocks equal plain fine-tuning's bit for bit, the realigned ones differ", async () => {
    const dir = tmp();
    const models: Record<string, Map<string, any>> = {};
    for (const [name, realign] of [["plain", null], ["lower", ["--freeze", "lower"]], ["none", []]] as const) {
      const out = join(dir, name);
      const r = await xlt("node", finetuneArgs(out, 8, 64, realign === null ? null : [...realign]));
      expect(r.code, r.stderr).toBe(0);
      models[name] = loadAll(join(out, "model.safetensors"));
    }
    if (!models.lower) throw new Error("no model");
    const run = JSON.parse(readFileSync(join(dir, "lower", "run.json"), "utf8"));
    expect(run.steps).toBe(1);
    expect(run.realign_during.frozen).toEqual(["layer.0", "layer.1"]);
    const differs = { lower: new Set<string>(), none: new Set<string>() };
    for (const [n, t] of models.plain) {
      const b = blockOf(n);
      const group = b === null ? (/embeddings/.test(n) ? "embeddings" : "head") : `layer.${b}`;
      for (const k of ["lower", "none"] as const) if (!same(models[k].get(n)!, t)) differs[k].add(group);
    }
    // blocks 0-1 frozen for realignment, block 3 above the loss (hidden_states[3]): the task's gradient alone
    expect([...differs.lower].sort()).toEqual(["embeddings", "layer.2"]);
    expect([...differs.none].sort()).toEqual(["embeddings", "layer.0", "layer.1", "layer.2"]);
  }, 300_000);

  it("a resumed joint run equals an uninterrupted one (realignment head and data order restored)", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const args = (freeze: string) => finetuneArgs(out, 4, 4, ["--freeze", freeze], ["--checkpoint-every", "2"]);
    const first = await xlt("node", args("upper"));
    expect(first.code, first.stderr).toBe(0);
    const straight = loadAll(join(out, "model.safetensors"));
    const headStraight = loadAll(join(out, "realignment_head.safetensors"));
    expect(existsSync(join(out, "checkpoint"))).toBe(true);
    const resumed = await xlt("node", [...args("upper"), "--resume"]); // from step 2: step 3 runs again
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const [n, t] of straight) expect(same(loadAll(join(out, "model.safetensors")).get(n)!, t), n).toBe(true);
    for (const [n, t] of headStraight) expect(same(loadAll(join(out, "realignment_head.safetensors")).get(n)!, t), n).toBe(true);
    const changed = await xlt("node", [...args("lower"), "--resume"]);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/--resume: --freeze is frozen layer\.0,layer\.1 but the checkpoint .* was trained with frozen layer\.2,layer\.3/);
  }, 300_000);
});

describe("xlt run with the during strategy", () => {
  it("--strategies baseline,during on the built-in data", async () => {
    const dir = tmp();
    const [cmd, argv] = cliCommand("node", ["run", "--strategies", "baseline,during", "--seeds", "31", "--epochs", "1", "--train-limit", "64", "--align-pairs", "50", "--out", "exp", "--quiet"]);
    const r = await runProgram(cmd, argv, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const cell = JSON.parse(readFileSync(join(dir, "exp/cells/during-s31/result.json"), "utf8"));
    expect(cell.settings["realignment during fine-tuning"]).toMatch(/weight 0\.1, 16 pairs per step/);
    expect(cell.settings["--realign-steps"]).toBeUndefined(); // no realignment phase
    expect(Object.keys(cell.alignment).sort()).toEqual([...SHIPPED_LANGS].sort()); // the built-in target languages
    expect(Number.isFinite(cell.finetune_loss)).toBe(true);
    const log = readFileSync(join(dir, "exp/cells/during-s31/finetune.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    for (const l of log) expect(Number.isFinite(l.realign_loss)).toBe(true);
    expect(existsSync(join(dir, "exp/cells/during-s31/realigned"))).toBe(false);
    const md = readFileSync(join(dir, "exp/results.md"), "utf8");
    expect(md).toMatch(/\| during \|/);
    expect(md).toMatch(/\| baseline \|/);
    const bad = await runProgram(...cliCommand("node", ["run", "--strategies", "while", "--out", "exp2"]), { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategies 'while': 'while' is not one of baseline, full, lower, upper, during, during-lower, during-upper/);
  }, 300_000);
});
