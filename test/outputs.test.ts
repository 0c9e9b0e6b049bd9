// Nothing the user has is deleted or overwritten unasked (issue 12, items 2-5): every command checks its
// outputs before any work, --overwrite replaces only what xlt writes, outputs never hit inputs, bad paths
// are one-line errors that leave no temp files, an interrupted checkpoint swap is resumed, embed never reads
// past the position table, and `xlt info` rejects a truncated checkpoint.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram, type Runtime, xlt } from "./lib/cli.ts";
import { leftovers, oneLineError } from "./lib/outcomes.ts";
import { FIXTURES } from "./lib/fixtures.ts";
import { loadAll } from "../src/io/safetensors.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-out-"));
const MODEL = join(FIXTURES, "tiny-bert");

/** Four sentence pairs with links (words outside the tiny vocabulary are [UNK]: fine for these tests). */
function data(dir: string): string[] {
  writeFileSync(join(dir, "pairs.txt"), "a b c ||| d e f\nb c ||| e f\nc a ||| f d\na b ||| d e\n");
  writeFileSync(join(dir, "links.txt"), "0-0 1-1\n0-0\n0-0 1-1\n1-1\n");
  return ["realign", "--model", MODEL, "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"), "--batch-size", "4", "--projection", "8", "--quiet"];
}

describe("--out never deletes or overwrites what the user did not ask xlt to write", () => {
  for (const rt of ["node", "deno"] as Runtime[]) {
    it(`${rt}: --out that is a file is an error and the file is kept`, async () => {
      const d = tmp();
      const f = join(d, "afile.txt");
      writeFileSync(f, "user data\n");
      oneLineError((await xlt(rt, [...data(d), "--out", f, "--steps", "1"])), /--out .*afile\.txt is a file; give a directory/);
      expect(readFileSync(f, "utf8")).toBe("user data\n");
      expect(leftovers(d)).toEqual([]);
    });
  }

  it("a non-empty --out needs --overwrite, which replaces xlt's files and keeps the user's", async () => {
    const d = tmp();
    const out = join(d, "sandbox");
    mkdirSync(out);
    writeFileSync(join(out, "notes.txt"), "mine\n");
    writeFileSync(join(out, "run.json"), "an old run\n");
    const log = join(d, "log.jsonl");
    oneLineError((await xlt("node", [...data(d), "--out", out, "--steps", "1", "--log", log])), /sandbox exists and is not empty; pass --overwrite/);
    expect(existsSync(log), "the check comes before any training").toBe(false);
    expect(readdirSync(out).sort()).toEqual(["notes.txt", "run.json"]);
    const r = (await xlt("node", [...data(d), "--out", out, "--steps", "1", "--overwrite"]));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine\n");
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).command).toBe("realign");
    expect(existsSync(join(out, "model.safetensors"))).toBe(true);
    expect(leftovers(d)).toEqual([]);
  });

  it("--out may not be an input or contain one, even with --overwrite", async () => {
    const d = tmp();
    const model = join(d, "model");
    mkdirSync(model);
    for (const f of readdirSync(MODEL)) copyFileSync(join(MODEL, f), join(model, f));
    const before = readdirSync(model).sort();
    const args = data(d).map((a) => (a === MODEL ? model : a));
    oneLineError((await xlt("node", [...args, "--out", model, "--steps", "1", "--overwrite"])), /--out .*model is also the input --model/);
    expect(readdirSync(model).sort()).toEqual(before);
    // the user's data directory, holding the --pairs file
    oneLineError((await xlt("node", [...args, "--out", d, "--steps", "1", "--overwrite"])), /contains the input --model|contains the input --pairs/);
    expect(existsSync(join(d, "pairs.txt"))).toBe(true);
  });

  it("--out under a file, or the current directory, fails before any work and leaves no temp", async () => {
    const d = tmp();
    const args = data(d);
    writeFileSync(join(d, "plainfile"), "x");
    const log = join(d, "log.jsonl");
    oneLineError((await xlt("node", [...args, "--out", join(d, "plainfile", "sub"), "--steps", "1", "--log", log])), /plainfile is a file, not a directory/);
    expect(existsSync(log)).toBe(false);
    const work = join(d, "work");
    mkdirSync(work);
    const r = await runProgram("node", [join(ROOT, "bin/xlt.js"), ...args, "--out", ".", "--steps", "1"], { cwd: work });
    oneLineError(r, /--out \. is the current directory/);
    expect(leftovers(d)).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
  });

  it("finetune and run check --out too; run continues its own experiment directory", async () => {
    const d = tmp();
    const out = join(d, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "en-de.txt"), "user data\n");
    oneLineError((await xlt("node", ["finetune", "--task", "pos", "--model", MODEL, "--train", join(d, "none.conllu"), "--out", out])), /busy exists and is not empty/);
    oneLineError((await xlt("node", ["run", "--out", out, "--jobs", join(d, "jobs.txt")])), /busy exists and is not empty/);
    const exp = join(d, "exp");
    mkdirSync(join(exp, "cells"), { recursive: true });
    const r = (await xlt("node", ["run", "--out", exp, "--jobs", join(d, "jobs.txt"), "--seeds", "1", "--strategies", "baseline"]));
    expect(r.code, r.stderr).toBe(0);
    // the jobs file now exists: writing it again needs --overwrite
    oneLineError((await xlt("node", ["run", "--out", exp, "--jobs", join(d, "jobs.txt")])), /jobs\.txt exists; pass --overwrite/);
    expect(readFileSync(join(out, "en-de.txt"), "utf8")).toBe("user data\n");
  });
});

describe("file outputs: an existing file needs --overwrite, a directory is a one-line error", () => {
  it("embed, align, --dump-grads and --log", async () => {
    const d = tmp();
    const args = data(d);
    const input = join(d, "in.txt");
    writeFileSync(input, "a b c\n");
    const dirOut = join(d, "adir");
    mkdirSync(dirOut);
    oneLineError((await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", dirOut])), /--out .*adir is a directory; give a file name/);
    writeFileSync(join(d, "dict.txt"), "a d\nb e\n");
    oneLineError((await xlt("node", ["align", "--pairs", join(d, "pairs.txt"), "--dictionary", join(d, "dict.txt"), "--out", dirOut])), /adir is a directory/);
    oneLineError((await xlt("node", [...args, "--out", join(d, "o"), "--steps", "1", "--dump-grads", dirOut])), /--dump-grads .*adir is a directory/);
    oneLineError((await xlt("node", [...args, "--out", join(d, "o"), "--steps", "1", "--log", dirOut])), /--log .*adir is a directory/);
    expect(readdirSync(dirOut)).toEqual([]);
    const old = join(d, "old.safetensors");
    writeFileSync(old, "user data");
    oneLineError((await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", old])), /old\.safetensors exists; pass --overwrite/);
    expect(readFileSync(old, "utf8")).toBe("user data");
    const r = (await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", old, "--overwrite"]));
    expect(r.code, r.stderr).toBe(0);
    expect(loadAll(old).has("s0.layer0")).toBe(true);
    oneLineError((await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", input, "--overwrite"])), /is also the input --input/);
    expect(leftovers(d)).toEqual([]);
  });
});

describe("--resume after a kill during the checkpoint swap", () => {
  it("finds the state that was being swapped in instead of starting over", async () => {
    const d = tmp();
    const out = join(d, "out");
    const args = [...data(d), "--out", out, "--lr", "1e-3", "--checkpoint-every", "2"];
    expect((await xlt("node", [...args, "--steps", "3"])).code).toBe(0); // leaves OUT/checkpoint at step 2
    // the kill: OUT/checkpoint moved aside, the new state complete in its temp (sentinel written), not yet renamed
    const dead = 2147483646;
    renameSync(join(out, "checkpoint"), join(out, `checkpoint.old-${dead}-a`));
    mkdirSync(join(out, `checkpoint.tmp-${dead}-b`));
    for (const f of readdirSync(join(out, `checkpoint.old-${dead}-a`))) copyFileSync(join(out, `checkpoint.old-${dead}-a`, f), join(out, `checkpoint.tmp-${dead}-b`, f));
    writeFileSync(join(out, `checkpoint.tmp-${dead}-b`, ".xlt-complete"), "");
    const r = (await xlt("node", [...args.filter((a) => a !== "--quiet"), "--steps", "4", "--resume"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming from step 2/);
    expect(leftovers(d)).toEqual([]);
    expect(readdirSync(join(out, "checkpoint")).sort()).toEqual(["clock.json", "losses.json", "state.safetensors"]);
  });
});

describe("embed and finetune stay within the position table; info checks the weights", () => {
  it("embed's default length is capped at the model's 64 positions; a larger --max-length is an error", async () => {
    const d = tmp();
    const input = join(d, "long.txt");
    writeFileSync(input, Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ") + "\n");
    const out = join(d, "e.safetensors");
    const r = (await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", out, "--layer", "0"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/truncated to 64 tokens/);
    expect(loadAll(out).get("s0.layer0")!.shape[0]).toBe(64);
    oneLineError((await xlt("node", ["embed", "--model", MODEL, "--input", input, "--out", join(d, "f.safetensors"), "--max-length", "128"])), /--max-length 128: the model has 64 positions/);
  });

  it("finetune: the default length is capped at the positions, a larger --max-length is an error (not a silent cap)", async () => {
    const d = tmp();
    const train = join(d, "train.conllu");
    const words = Array.from({ length: 80 }, (_, i) => `${i + 1}\tw${i}\tw\tNOUN\t_\t_\t0\tdep\t_\t_`).join("\n");
    writeFileSync(train, `# sent_id = 1\n${words}\n\n# sent_id = 2\n1\ta\ta\tDET\t_\t_\t0\tdep\t_\t_\n\n`);
    const args = ["finetune", "--task", "pos", "--model", MODEL, "--train", train, "--epochs", "1", "--batch-size", "2", "--quiet"];
    oneLineError((await xlt("node", [...args, "--out", join(d, "a"), "--max-length", "100"])), /--max-length 100: the model has 64 positions/);
    const r = (await xlt("node", [...args, "--out", join(d, "b")]));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(d, "b", "run.json"), "utf8")).max_length).toBe(64);
  });

  it("xlt info exits non-zero on a truncated checkpoint", async () => {
    const d = tmp();
    for (const f of ["config.json", "tokenizer.json"]) copyFileSync(join(MODEL, f), join(d, f));
    const bytes = readFileSync(join(MODEL, "model.safetensors"));
    writeFileSync(join(d, "model.safetensors"), bytes.subarray(0, bytes.length - 64));
    oneLineError((await xlt("node", ["info", "--model", d])), /model\.safetensors: tensor \S+ ends at byte \d+ .*\(truncated\)/);
    expect(statSync(join(d, "model.safetensors")).size).toBe(bytes.length - 64);
  });
});
