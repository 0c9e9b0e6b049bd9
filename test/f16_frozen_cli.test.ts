// `xlt realign --f16-frozen` end to end on Node and Deno: frozen weight matrices and embedding tables held
// in f16 on the GPU give nearly the f32 run's losses (forward-only frozen blocks and tables, and frozen
// blocks that backward passes dX through), the saved checkpoint is f32 with every frozen tensor
// bit-identical to the input, the peak GPU memory drops by what estimateRealign says, and an adapter
// without shader-f16 gets a one-line error.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliCommand, type Runtime, runProgram, xlt } from "./lib/cli.ts";
import { loadAll, readHeader } from "../src/io/safetensors.ts";
import { parseConfig } from "../src/io/checkpoint.ts";
import { estimateRealign } from "../src/train/objectives/realign.ts";
import { realignTrainable } from "../src/train/freeze.ts";
import { FIXTURES } from "./lib/fixtures.ts";

const MODEL = join(FIXTURES, "tiny-bert"); // 4 blocks: the loss reads hidden_states[3], block 3 is never trained
const cfg = parseConfig(JSON.parse(readFileSync(join(MODEL, "config.json"), "utf8")), "config.json");

function data(): string {
  const dir = mkdtempSync(join(tmpdir(), "xlt-f16-"));
  const pairs = ["the cat sat ||| die katze sass", "a dog ran ||| ein hund lief", "the dog sat ||| der hund sass", "a cat ran ||| eine katze lief"];
  writeFileSync(join(dir, "pairs.txt"), pairs.join("\n") + "\n");
  writeFileSync(join(dir, "links.txt"), pairs.map(() => "0-0 1-1 2-2").join("\n") + "\n");
  return dir;
}

async function realign(rt: Runtime, dir: string, freeze: string, name: string, extra: string[] = []) {
  const out = join(dir, name);
  const log = join(dir, `${name}.jsonl`);
  const r = await xlt(rt, [
    "realign", "--model", MODEL, "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"), "--batch-size", "4",
    "--dropout", "0", "--projection", "16", "--steps", "3", "--lr", "1e-3", "--freeze", freeze, "--quiet", "--out", out, "--log", log, ...extra,
  ]);
  expect(r.stderr, r.stderr).toBe("");
  expect(r.code).toBe(0);
  const losses = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l).loss as number);
  return { out, losses, run: JSON.parse(readFileSync(join(out, "run.json"), "utf8")) };
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.each(["node", "deno"] as Runtime[])("xlt realign --f16-frozen (%s)", (rt) => {
  // lower: frozen blocks 0-1 below the trainable embeddings (dX through f16 weights); upper: block 2 between
  // the loss and the trainable block 1; 1: a frozen middle; 0-1,embeddings: f16 table and forward-only blocks
  for (const freeze of ["lower", "upper", "1", "0-1,embeddings"]) {
    it(`--freeze ${freeze}: losses near the f32 run's, checkpoint f32 with frozen tensors bit-identical, less peak memory`, async () => {
      const dir = data();
      const f32 = await realign(rt, dir, freeze, "f32");
      const f16 = await realign(rt, dir, freeze, "f16", ["--f16-frozen"]);
      expect(f16.run.f16_frozen).toBe(true);
      expect(f32.run.f16_frozen).toBe(false);
      // f16 rounding of the frozen weights (relative 2^-11) moves the loss by ~1e-4 relative, no more
      for (let s = 0; s < 3; s++) expect(Math.abs(f16.losses[s] - f32.losses[s]), `step ${s + 1}`).toBeLessThanOrEqual(2e-3 * Math.abs(f32.losses[s]));
      expect(f16.losses[0], "the f16 run really read rounded weights").not.toBe(f32.losses[0]);
      // the checkpoint: all f32; frozen tensors bit-identical to the input, trainable ones trained
      const input = loadAll(join(MODEL, "model.safetensors"));
      const inputDtypes = readHeader(join(MODEL, "model.safetensors")).tensors;
      const header = readHeader(join(f16.out, "model.safetensors"));
      const saved = loadAll(join(f16.out, "model.safetensors"));
      const trainable = realignTrainable(freeze, 4, 3);
      for (const [name, t] of input) {
        expect(header.tensors.get(name)?.dtype, name).toBe(inputDtypes.get(name)!.dtype); // F32 (position_ids I64)
        // HF names: bert.encoder.layer.i.…, bert.embeddings.…; anything else (the MLM head) is not the encoder's
        const block = /layer\.(\d+)\./.exec(name);
        const group = block ? `layer.${block[1]}` : /\.embeddings\./.test(name) ? "embeddings" : null;
        const same = bits(saved.get(name)!.data as Float32Array).equals(bits(t.data as Float32Array));
        if (!group || !trainable.includes(group)) expect(same, `${name} (frozen) bit-identical`).toBe(true);
        else if (t.shape.length === 2 && name.endsWith(".weight")) expect(same, `${name} (trained) changed`).toBe(false);
      }
      // peak GPU memory: only the weights differ, by what the estimate says (pool buckets round a little)
      const est = (f16: boolean) => estimateRealign(cfg, 4, 96, trainable, 3, f16).weights;
      const saving = est(false) - est(true);
      expect(saving).toBeGreaterThan(0);
      const measured = f32.run.gpu_peak_bytes - f16.run.gpu_peak_bytes;
      expect(Math.abs(measured - saving), `measured ${measured} vs estimate ${saving}`).toBeLessThanOrEqual(0.05 * saving);
    });
  }

  it("an adapter without shader-f16: one-line error naming the feature and what to do, nothing written", async () => {
    const dir = data();
    const out = join(dir, "out");
    const [cmd, argv] = cliCommand(rt, [
      "realign", "--model", MODEL, "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"), "--freeze", "lower",
      "--steps", "1", "--quiet", "--out", out, "--f16-frozen",
    ]);
    const r = await runProgram(cmd, argv, { env: { ...process.env, XLT_WITHOUT_FEATURES: "shader-f16" } });
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n"), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/--f16-frozen: .*'shader-f16'.*run without --f16-frozen/);
    expect(r.stderr).not.toMatch(/ at /);
    expect(existsSync(out)).toBe(false);
    // and without the flag the same adapter realigns as before
    const ok = await runProgram(...cliCommand(rt, [
      "realign", "--model", MODEL, "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"), "--freeze", "lower",
      "--steps", "1", "--quiet", "--out", out,
    ]), { env: { ...process.env, XLT_WITHOUT_FEATURES: "shader-f16" } });
    expect(ok.stderr, ok.stderr).toBe("");
    expect(ok.code).toBe(0);
  });
});

describe("xlt profile --f16-frozen (node)", () => {
  it("the weights it reports shrink by the estimate's saving", async () => {
    const weights = async (extra: string[]) => {
      const r = await xlt("node", ["profile", "--model", MODEL, "--freeze", "lower", "--steps", "1", "--no-peak", "--batch-size", "2", "--max-length", "8", ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return Number(/^weights +([\d.]+) KiB/m.exec(r.stdout)?.[1]) * 1024;
    };
    const trainable = realignTrainable("lower", 4, 3);
    const saving = estimateRealign(cfg, 2, 8, trainable, 3, false).weights - estimateRealign(cfg, 2, 8, trainable, 3, true).weights;
    expect((await weights([])) - (await weights(["--f16-frozen"]))).toBe(saving);
  });
});
