// `xlt info` prints what fine-tuning (every task) and pre-training need beside realignment, and `xlt run
// --dry-run` (grid and study) prints the fine-tuning and pre-training figures of its cells: the same
// numbers the estimates measure (src/train/estimate.ts), on Node and Deno.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Runtime, xlt } from "./lib/cli.ts";
import { FIXTURES, PARALLEL_TINY } from "./lib/fixtures.ts";
import { loadCheckpoint, parseConfig } from "../src/io/checkpoint.ts";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { fmtBytes } from "../src/gpu/tensor.ts";
import { TASK_NAMES } from "../src/tasks/table.ts";
import { LABELS } from "../src/tasks/labels.ts";
import { presetConfig } from "../src/pretrain/model.ts";
import { estimateFinetune } from "../src/train/objectives/finetune.ts";
import { estimatePretrain } from "../src/train/objectives/pretrain.ts";

const MODEL = join(FIXTURES, "tiny-bert"); // 64 positions: estimates at --max-length 96 measure 64 tokens
const cfg = loadCheckpoint(MODEL).config;
const raw = JSON.parse(readFileSync(join(MODEL, "config.json"), "utf8"));
const total = (m: { total: number }) => `~${fmtBytes(m.total)}`;
/** info pads the figure to a column: "~   8.5 MiB" */
const column = (m: { total: number }) => `~ *${escape(fmtBytes(m.total))}`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe.each(["node", "deno"] as Runtime[])("xlt info: fine-tuning and pre-training memory (%s)", (rt) => {
  it("one line per task and one for pre-training, with the estimates' totals, at the model's positions", async () => {
    const r = await xlt(rt, ["info", "--model", MODEL, "--batch-size", "8"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fine-tuning and pre-training memory \(batch 8 × 64 tokens \(the model's 64 positions\), everything trained\):$/m);
    for (const task of TASK_NAMES) {
      expect(r.stdout).toMatch(new RegExp(`^ {2}finetune --task ${task} +${column(estimateFinetune(cfg, raw, task, 8, 96))} {2}\\(weights `, "m"));
    }
    expect(r.stdout).toMatch(new RegExp(`^ {2}pretrain --objective mlm +${column(estimatePretrain(cfg, "mlm", 8, 96))} {2}\\(weights `, "m"));
  });
});

describe("xlt run --dry-run: the cells' fine-tuning and pre-training memory", () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-dry-"));
  const words = ["the", "cat", "sat", "on", "a", "mat"];
  const conllu = join(dir, "pos.conllu");
  writeFileSync(conllu, Array.from({ length: 6 }, (_, k) => words.map((w, i) => `${i + 1}\t${w}\t_\t${LABELS.pos[(k + i) % LABELS.pos.length]}\t_\t_\t_\t_\t_\t_`).join("\n")).join("\n\n") + "\n\n");

  it("the grid: realignment and fine-tuning (the task's length, --batch-size)", async () => {
    const r = await xlt("node", ["run", "--model", MODEL, "--task", "pos", "--train", conllu, "--test", `en=${conllu}`, "--pairs", PARALLEL_TINY,
      "--aligner", "fastalign", "--strategies", "baseline", "--seeds", "1", "--batch-size", "8", "--out", join(dir, "grid"), "--dry-run", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    // pos trains on 96 tokens (the task table's length), capped at the model's 64 positions
    expect(r.stdout).toContain(`fine-tune ${total(estimateFinetune(cfg, raw, "pos", 8, 64))} (batch 8 × 64)`);
  });

  it("the study: pre-training per objective and fine-tuning, on the preset model over the doubled vocabulary", async () => {
    const r = await xlt("node", ["run", "--study", "align-mlm", "--objectives", "mlm,xlm,align-mlm", "--transforms", "trans", "--seeds", "7",
      "--corpus", conllu, "--tokenizer", MODEL, "--train", conllu, "--test", conllu, "--size", "tiny", "--arch", "bert",
      "--pretrain-batch-size", "4", "--max-length", "16", "--batch-size", "8", "--out", join(dir, "study"), "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    const tok = loadTokenizer(MODEL);
    const preset = presetConfig("tiny", "bert", 2 * tok.vocabSize, tok.padId, 128);
    const c = parseConfig(preset);
    const pre = ["mlm", "xlm", "align-mlm"].map((o) => `${o} ${total(estimatePretrain(c, o as "mlm", 4, 16, { paired: true }))}`).join(", ");
    expect(r.stdout).toContain(`GPU memory per cell: pre-train ${pre} (batch 4 × 16); fine-tune ${total(estimateFinetune(c, preset, "pos", 8, 96))} (batch 8 × 96)`);
  });
});
