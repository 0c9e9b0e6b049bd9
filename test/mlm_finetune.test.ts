// `xlt finetune --task mlm`: masked-LM fine-tuning of an encoder on plain text, the objective of
// src/train/objectives/mlm_finetune.ts run by the one training loop. On tiny-bert: the loss falls over the
// epochs, the output is a BertForMaskedLM checkpoint whose weights Node and Deno write byte for byte alike, a
// resumed run equals an uninterrupted one, `xlt finetune --task pos` takes the output as its model, and
// the options of labelled tasks are refused in one line.
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withOptions } from "./lib/args.ts";
import { xlt } from "./lib/cli.ts";
import { PARALLEL_TINY, TINY_BERT } from "./lib/fixtures.ts";
import { LABELS } from "../src/tasks/labels.ts";

const dir = mkdtempSync(join(tmpdir(), "xlt-mlm-ft-"));
const corpus = join(dir, "en.txt");
writeFileSync(corpus, readFileSync(PARALLEL_TINY, "utf8").trim().split("\n").map((l) => l.split(" ||| ")[0]).join("\n") + "\n");
const args = (out: string, ...extra: string[]) => withOptions(["finetune", "--task", "mlm", "--model", TINY_BERT, "--train", corpus, "--epochs", "4", "--batch-size", "4",
  "--lr", "2e-3", "--max-length", "24", "--seed", "3", "--quiet", "--out", out], extra);
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");
const losses = (log: string) => readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((r) => typeof r.step === "number");

describe("xlt finetune --task mlm", () => {
  it("trains the MLM head and the encoder on plain text: the loss falls, a BertForMaskedLM checkpoint, Node = Deno", async () => {
    for (const rt of ["node", "deno"] as const) {
      const r = await xlt(rt, args(join(dir, rt), "--log", join(dir, `${rt}.jsonl`)));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^fine-tuned mlm: \d+ lines, 4 epochs, \d+ steps; loss /);
    }
    const lines = losses(join(dir, "node.jsonl"));
    const run = JSON.parse(readFileSync(join(dir, "node", "run.json"), "utf8"));
    expect(run).toMatchObject({ command: "finetune", task: "mlm", epochs: 4, steps: lines.length });
    const perEpoch = lines.length / 4;
    const mean = (xs: { loss: number }[]) => xs.reduce((a, x) => a + x.loss, 0) / xs.length;
    expect(mean(lines.slice(-perEpoch))).toBeLessThan(mean(lines.slice(0, perEpoch)));
    expect(JSON.parse(readFileSync(join(dir, "node", "config.json"), "utf8")).architectures).toEqual(["BertForMaskedLM"]);
    expect(sha(join(dir, "deno", "model.safetensors"))).toBe(sha(join(dir, "node", "model.safetensors")));
    expect(losses(join(dir, "deno.jsonl")).map((l) => l.loss)).toEqual(lines.map((l) => l.loss));
  }, 300_000);

  it("a resumed run equals an uninterrupted one", async () => {
    const out = join(dir, "resumed");
    const first = await xlt("node", args(out, "--epochs", "2", "--checkpoint-every", "3"));
    expect(first.code, first.stderr).toBe(0);
    const straight = sha(join(out, "model.safetensors"));
    const again = await xlt("node", args(out, "--epochs", "2", "--checkpoint-every", "3", "--resume"));
    expect(again.code, again.stderr).toBe(0);
    expect(sha(join(out, "model.safetensors"))).toBe(straight);
  }, 300_000);

  it("--resume refuses another --model of the same shapes, and a damaged progress.json, in one line", async () => {
    const out = join(dir, "other-model");
    const first = await xlt("node", args(out, "--epochs", "2", "--checkpoint-every", "3"));
    expect(first.code, first.stderr).toBe(0);
    const other = join(dir, "other");
    cpSync(TINY_BERT, other, { recursive: true });
    const w = readFileSync(join(other, "model.safetensors"));
    w[w.length - 3] ^= 0x40; // one byte of one weight: same shapes, other model
    writeFileSync(join(other, "model.safetensors"), w);
    const resume = (model: string) => xlt("node", args(out, "--epochs", "2", "--checkpoint-every", "3", "--resume").map((a) => (a === TINY_BERT ? model : a)));
    const refused = await resume(other);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--resume: --model has other weights .* than the model the checkpoint in .* was trained from/);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    writeFileSync(join(out, "checkpoint", "progress.json"), '{"losses": [1.5, 2');
    const damaged = await resume(TINY_BERT);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/--resume: .*checkpoint.progress\.json is not valid JSON/);
    expect(damaged.stderr.trim().split("\n")).toHaveLength(1);
  }, 300_000);

  it("its output is a model `xlt finetune --task pos` fine-tunes", async () => {
    const words = ["the", "cat", "sat", "on", "a", "mat"];
    const conllu = join(dir, "pos.conllu");
    writeFileSync(conllu, Array.from({ length: 8 }, (_, k) => words.map((w, i) => `${i + 1}\t${w}\t_\t${LABELS.pos[(k + i) % LABELS.pos.length]}\t_\t_\t_\t_\t_\t_`).join("\n")).join("\n\n") + "\n\n");
    const r = await xlt("node", ["finetune", "--task", "pos", "--model", join(dir, "node"), "--train", conllu, "--epochs", "1", "--batch-size", "4", "--quiet", "--out", join(dir, "pos")]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "pos", "config.json"), "utf8")).architectures).toEqual(["BertForTokenClassification"]);
  }, 300_000);

  it("the options of labelled tasks are refused in one line, as usage errors (exit 2)", async () => {
    for (const [extra, msg] of [
      [["--dev", corpus], /^xlt finetune: --dev applies only with --task pos\|ner\|xnli\|qa, not --task mlm: drop --dev /],
      [["--lang-id", "2"], /^xlt finetune: --lang-id applies only with --task pos\|ner\|xnli\|qa, not --task mlm: drop --lang-id /],
      [["--realign-during", "--pairs", PARALLEL_TINY], /^xlt finetune: --realign-during applies only with --task pos\|ner\|xnli\|qa, not --task mlm/],
      [["--pairs", PARALLEL_TINY], /^xlt finetune: --pairs applies only with --realign-during/],
    ] as const) {
      const r = await xlt("node", args(join(dir, "bad"), ...extra));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  }, 300_000);
});
