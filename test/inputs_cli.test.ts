// Issue 19 end to end: inputs are never touched. Outputs inside the model directory (item 1), a symbolic
// link as --out (items 2, 6), derive's, run's and realign's own names (item 3) are refused before any work
// with every input byte-identical; --resume refuses another model of the same shapes (item 7); --log inside
// an --out still to be created, and a damaged checkpoint side file (item 19); `deno task xlt` from another
// directory (item 20); tests read shared data only through ../shared (item 21).
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DENO, ROOT, runProgram, type Runtime, xlt } from "./lib/cli.ts";
import { leftovers, oneLineError } from "./lib/outcomes.ts";
import { SHARED_DATA, TINY_BERT } from "./lib/fixtures.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-inputs-"));

/** sha256 of every file under `dir`, by path relative to it. */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const p = join(dir, f);
    if (lstatSync(p).isFile()) out[f] = createHash("sha256").update(readFileSync(p)).digest("hex");
  }
  return out;
}

/** A copy of tiny-bert in d/m and four sentence pairs with links: the realign command line on them (no --steps). */
function setup(d: string): { model: string; realign: string[] } {
  const model = join(d, "m");
  cpSync(TINY_BERT, model, { recursive: true });
  writeFileSync(join(d, "pairs.txt"), "a b c ||| d e f\nb c ||| e f\nc a ||| f d\na b ||| d e\n");
  writeFileSync(join(d, "links.txt"), "0-0 1-1\n0-0\n0-0 1-1\n1-1\n");
  const realign = ["realign", "--model", model, "--pairs", join(d, "pairs.txt"), "--alignments", join(d, "links.txt"), "--batch-size", "4", "--projection", "8", "--quiet"];
  return { model, realign };
}

describe("item 1: no output lands inside an input directory, not even with --overwrite", () => {
  for (const rt of ["node", "deno"] as Runtime[]) {
    it(`${rt}: the four commands of the issue exit non-zero before any work; every file of --model is byte-identical`, async () => {
      const d = tmp();
      const { model, realign } = setup(d);
      const before = hashes(d);
      const cases: [string[], RegExp][] = [
        [[...realign, "--steps", "1", "--out", join(d, "o1"), "--log", join(model, "config.json")], /--log .*config\.json lies inside the input --model/],
        [[...realign, "--steps", "1", "--out", join(d, "o2"), "--dump-grads", join(model, "model.safetensors"), "--overwrite"], /--dump-grads .*model\.safetensors lies inside the input --model/],
        [[...realign, "--steps", "1", "--out", join(d, "o3"), "--profile", join(model, "tokenizer.json"), "--overwrite"], /--profile .*tokenizer\.json lies inside the input --model/],
        [["align", "--method", "embeddings", "--model", model, "--pairs", join(d, "pairs.txt"), "--out", join(model, "config.json"), "--overwrite"], /--out .*config\.json lies inside the input --model/],
      ];
      for (const [args, re] of rt === "node" ? cases : cases.slice(0, 1)) oneLineError(await xlt(rt, args), re);
      expect(hashes(d)).toEqual(before); // no output directory created either: nothing ran
    });
  }
});

describe("items 2 and 6: a symbolic link as --out", () => {
  it("is refused with --overwrite before any work: the link, its target and the user's file stay as they were", async () => {
    const d = tmp();
    const { model, realign } = setup(d);
    const before = hashes(model);
    const target = join(d, "tgt");
    mkdirSync(target);
    writeFileSync(join(target, "user.txt"), "mine\n");
    symlinkSync(target, join(d, "outl"));
    const log = join(d, "log.jsonl");
    oneLineError(await xlt("node", [...realign, "--steps", "1", "--out", join(d, "outl"), "--overwrite", "--log", log]),
      /--out .*outl is a symbolic link to .*tgt; give that directory itself/);
    expect(existsSync(log), "refused before training").toBe(false);
    expect(lstatSync(join(d, "outl")).isSymbolicLink()).toBe(true);
    expect(readdirSync(target)).toEqual(["user.txt"]);
    expect(readFileSync(join(target, "user.txt"), "utf8")).toBe("mine\n");
    expect(hashes(model)).toEqual(before);
    expect(leftovers(d)).toEqual([]);
  });

  it("that points nowhere is a one-line error before any work, and leaves no temp", async () => {
    const d = tmp();
    const { realign } = setup(d);
    symlinkSync(join(d, "nowhere"), join(d, "outlink2"));
    const log = join(d, "log.jsonl");
    for (let i = 0; i < 2; i++) {
      oneLineError(await xlt("node", [...realign, "--steps", "1", "--out", join(d, "outlink2"), "--log", log]), /--out .*outlink2 is a symbolic link to .*nowhere, which does not exist; create .*nowhere first or give another path/);
    }
    expect(existsSync(log), "refused before training").toBe(false);
    expect(leftovers(d)).toEqual([]);
    expect(existsSync(join(d, "nowhere"))).toBe(false);
  });
});

describe("item 3: the names a command writes into its directory meet neither each other nor its inputs", () => {
  it("derive: an input and another's .orig twin, an input named tokenizer.json or derive.json", async () => {
    const d = tmp();
    mkdirSync(join(d, "b"));
    writeFileSync(join(d, "t.txt"), "the cat sat . it was happy !\n");
    writeFileSync(join(d, "b", "t.orig.txt"), "a b c .\n");
    writeFileSync(join(d, "tokenizer.json"), "a b c .\n");
    writeFileSync(join(d, "derive.json"), "a b c .\n");
    const before = hashes(d);
    const derive = (out: string, ...args: string[]) => xlt("node", ["derive", ...args, "--out", join(d, out)]);
    oneLineError(await derive("o1", "--transform", "inv", "--input", join(d, "t.txt"), "--input", join(d, "b", "t.orig.txt")),
      /the original sentences of --input .*t\.txt and the derived --input .*t\.orig\.txt would both be written to .*o1.t\.orig\.txt/);
    oneLineError(await derive("o2", "--transform", "trans", "--tokenizer", TINY_BERT, "--format", "text", "--input", join(d, "tokenizer.json")),
      /the derived --input .*tokenizer\.json and derive's tokenizer\.json would both be written to/);
    oneLineError(await derive("o3", "--transform", "inv", "--format", "text", "--input", join(d, "derive.json")), /the derived --input .*derive\.json and derive's derive\.json would both be written to/);
    oneLineError(await derive("o4", "--transform", "inv", "--input", join(d, "t.txt"), "--input", join(d, "b", "..", "t.txt")), /would both be written to .*o4.t\.txt/);
    expect(hashes(d)).toEqual(before);
  });

  it("run's --jobs and its Slurm script, realign's --log: never on a name xlt writes or an input", async () => {
    const d = tmp();
    const { realign } = setup(d);
    writeFileSync(join(d, "j.slurm.sh"), "#!/bin/bash\n");
    const before = hashes(d);
    oneLineError(await xlt("node", ["run", "--out", join(d, "e"), "--jobs", join(d, "e", "results.csv")]), /--jobs .*results\.csv is where xlt writes run's results\.csv/);
    oneLineError(await xlt("node", ["run", "--out", join(d, "e"), "--jobs", join(d, "j.txt"), "--train", join(d, "j.slurm.sh")]), /j\.slurm\.sh is also the input --train/);
    oneLineError(await xlt("node", [...realign, "--steps", "1", "--out", join(d, "o"), "--log", join(d, "o", "run.json")]), /--log .*run\.json is where xlt writes realign's run\.json/);
    oneLineError(await xlt("node", [...realign, "--steps", "1", "--out", join(d, "o"), "--log", join(d, "x.jsonl"), "--profile", join(d, "x.jsonl")]), /are the same path/);
    expect(hashes(d)).toEqual(before);
  });
});

describe("item 7: --resume refuses another --model of the same shapes", () => {
  it("a copy with other weights is refused naming --model; an identical copy resumes", async () => {
    const d = tmp();
    const { model, realign } = setup(d);
    const out = join(d, "out");
    const args = (m: string, steps: string) => [...realign.map((a) => (a === model ? m : a)), "--steps", steps, "--freeze", "lower", "--checkpoint-every", "2", "--out", out];
    expect((await xlt("node", args(model, "3"))).code).toBe(0);
    const other = join(d, "other");
    cpSync(model, other, { recursive: true });
    const w = readFileSync(join(other, "model.safetensors"));
    w[w.length - 3] ^= 0x40; // one byte of one weight: same shapes, other model
    writeFileSync(join(other, "model.safetensors"), w);
    oneLineError(await xlt("node", [...args(other, "4"), "--resume"]), /--resume: --model has other weights .* than the model the checkpoint in .* was trained from/);
    const same = join(d, "same");
    cpSync(model, same, { recursive: true });
    const r = await xlt("node", [...args(same, "4"), "--resume"]);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe("item 19: --log inside a new --out; a damaged checkpoint side file", () => {
  it("--log in an --out that does not exist yet is written, and kept beside the outputs", async () => {
    const d = tmp();
    const { realign } = setup(d);
    const out = join(d, "new", "out");
    const r = await xlt("node", [...realign, "--steps", "2", "--out", out, "--log", join(out, "log.jsonl")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).step)).toEqual([1, 2]);
    expect(existsSync(join(out, "model.safetensors"))).toBe(true);
  });

  it("a corrupt checkpoint/losses.json is a one-line error naming the file", async () => {
    const d = tmp();
    const { realign } = setup(d);
    const out = join(d, "out");
    const args = [...realign, "--steps", "3", "--out", out, "--checkpoint-every", "2"];
    expect((await xlt("node", args)).code).toBe(0);
    writeFileSync(join(out, "checkpoint", "losses.json"), "[1.5, 2");
    oneLineError(await xlt("node", [...args, "--resume"]), /--resume: .*checkpoint.losses\.json is not valid JSON/);
    writeFileSync(join(out, "checkpoint", "losses.json"), '{"a": 1}');
    oneLineError(await xlt("node", [...args, "--resume"]), /checkpoint.losses\.json does not hold what xlt saved there/);
  });
});

describe("item 20: `deno task xlt` resolves relative paths against the caller's directory", () => {
  it("a model given relative to another directory is found, as on Node", async () => {
    const d = tmp();
    cpSync(TINY_BERT, join(d, "tb"), { recursive: true });
    const env = { ...process.env };
    delete env.INIT_CWD; // a fresh shell: deno task sets it to the calling directory
    const r = await runProgram(DENO, ["task", "--quiet", "--config", join(ROOT, "deno.json"), "xlt", "info", "--model", "tb"], { cwd: d, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/architecture\s+bert: 4 layers/);
    const node = await runProgram("node", [join(ROOT, "bin/xlt.js"), "info", "--model", "tb"], { cwd: d });
    expect(r.stdout).toBe(node.stdout);
  });
});

describe("item 21: tests read shared data only through ../shared beside the repository", () => {
  it("SHARED_DATA is ../shared/data and no test names a fixed absolute data path", () => {
    expect(SHARED_DATA).toBe(join(ROOT, "..", "shared", "data"));
    const files = readdirSync(join(ROOT, "test"), { recursive: true }).map(String).filter((f) => f.endsWith(".ts") && !f.startsWith("fixtures"));
    const fixed = files.filter((f) => /["'`]\/[^"'`\s]*\/shared\/data/.test(readFileSync(join(ROOT, "test", f), "utf8")));
    expect(fixed.map((f) => relative(ROOT, join(ROOT, "test", f)))).toEqual([]);
  });
});
