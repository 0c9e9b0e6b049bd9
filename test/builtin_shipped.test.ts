// The shipped built-in model and data (builtin/, made by scripts/builtin/make.sh): found from the sources,
// complete, attributed, with the evaluation sentences held out of everything the model and the realignment
// saw; and `xlt realign` with no arguments uses it (not the old generated out/builtin).
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliCommand, ROOT, runProgram } from "./lib/cli.ts";
import { SHARED_DATA } from "./lib/fixtures.ts";
import { SHIPPED_LANGS, shippedBuiltin, shippedSpec } from "../src/builtin/shipped.ts";
import { XltError } from "../src/errors.ts";

const b = shippedBuiltin();
const sentIds = (file: string) => [...readFileSync(file, "utf8").matchAll(/^# sent_id = (.+)$/gm)].map((m) => m[1].trim());
const texts = (file: string) => [...readFileSync(file, "utf8").matchAll(/^# text = (.+)$/gm)].map((m) => m[1].trim());

describe("the shipped built-in model and data", () => {
  it("lies in builtin/ at the package root, with its attribution and license", () => {
    expect(b.dir).toBe(join(ROOT, "builtin"));
    expect(readFileSync(join(b.dir, "ATTRIBUTION.md"), "utf8")).toMatch(/CC BY-SA 4\.0/);
    expect(existsSync(join(b.dir, "LICENSE-CC-BY-SA-4.0.txt"))).toBe(true);
    for (const f of ["config.json", "model.safetensors", "tokenizer.json"]) expect(existsSync(join(b.model, f)), f).toBe(true);
    const cfg = JSON.parse(readFileSync(join(b.model, "config.json"), "utf8"));
    expect([cfg.model_type, cfg.hidden_size, cfg.num_hidden_layers, cfg.vocab_size]).toEqual(["bert", 128, 4, 16000]);
    expect(statSync(join(b.model, "model.safetensors")).size).toBeLessThan(20 * 2 ** 20);
  });

  it("is what scripts/builtin/extract.mjs makes, and holds PUD 801-1000 out of pre-training, pairs and POS training", async () => {
    // the recipe's first step, rerun: the shipped data files are its output byte for byte, and its
    // pre-training text (not shipped) is what the held-out sentences are checked against
    const dir = mkdtempSync(join(tmpdir(), "xlt-builtin-data-"));
    const r = await runProgram("node", [join(ROOT, "scripts", "builtin", "extract.mjs"), join(SHARED_DATA, "ud"), join(SHARED_DATA, "xquad"), dir]);
    expect(r.code, r.stderr).toBe(0);
    const shipped = readdirSync(join(b.dir, "data")).filter((f) => !f.startsWith("align."));
    expect(shipped.sort()).toEqual(readdirSync(dir).filter((f) => f !== "pretrain.txt").sort());
    for (const f of shipped) expect(readFileSync(join(b.dir, "data", f)).equals(readFileSync(join(dir, f))), f).toBe(true);
    const train = new Set(sentIds(b.conllu.en));
    expect(train.size).toBe(800 + 4000); // PUD 1-800 and EWT's first 4000 training sentences
    const pretrain = readFileSync(join(dir, "pretrain.txt"), "utf8");
    const pairs = SHIPPED_LANGS.map((l) => readFileSync(b.pairs[l], "utf8").split("\n").length - 1);
    expect(pairs).toEqual(SHIPPED_LANGS.map(() => 800));
    for (const l of ["en_test", ...SHIPPED_LANGS] as const) {
      const ids = sentIds(b.conllu[l]);
      expect(ids.length).toBe(200);
      for (const id of ids) expect(train.has(id), `${l} ${id}`).toBe(false);
      for (const t of texts(b.conllu[l])) expect(pretrain.includes(t), `${l}: ${t}`).toBe(false);
    }
    // the Pharaoh links are line-aligned with the pairs
    for (const l of SHIPPED_LANGS) expect(readFileSync(b.alignments[l], "utf8").split("\n").length - 1).toBe(800);
  }, 600_000);

  it("realigns on the shipped links by default, and rejects the dictionary aligner it has no dictionary for", () => {
    expect(shippedSpec(b, "de", undefined)).toEqual({ lang: "de", pairs: b.pairs.de, alignments: b.alignments.de });
    expect(shippedSpec(b, "fr", "fastalign")).toEqual({ lang: "fr", pairs: b.pairs.fr, aligner: "fastalign" });
    expect(() => shippedSpec(b, "de", "dictionary")).toThrow(XltError);
  });

  it("`xlt realign` without arguments realigns the shipped model (nothing generated in the working directory)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-builtin-"));
    const r = await runProgram(...cliCommand("node", ["realign", "--freeze", "lower", "--steps", "2", "--batch-size", "2", "--out", "r"]), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`built-in default: ${b.dir}/`);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, "r", "config.json"), "utf8")).hidden_size).toBe(128);
    const run = JSON.parse(readFileSync(join(dir, "r", "run.json"), "utf8"));
    expect(JSON.stringify(run)).toContain('"builtin":true');
  }, 300_000);
  it("`xlt finetune` without --model fine-tunes the shipped model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-builtin-ft-"));
    const r = await runProgram(...cliCommand("node", ["finetune", "--task", "pos", "--train", b.conllu.en, "--limit", "8", "--epochs", "1", "--batch-size", "4", "--out", "ft", "--quiet"]), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "ft", "run.json"), "utf8")).model).toBe(b.model);
    expect(JSON.parse(readFileSync(join(dir, "ft", "config.json"), "utf8")).hidden_size).toBe(128);
  }, 300_000);
});
