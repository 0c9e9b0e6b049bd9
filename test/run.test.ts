// `xlt run` on real data (../shared/data): a small random BERT over the real mBERT vocabulary, realigned
// on PUD en-xx pairs with MUSE dictionary links, fine-tuned on an EWT subset, evaluated on six PUD test
// sets. Checks the table and charts, that a rerun skips finished cells, that an interrupted grid resumes
// without redoing finished cells, --dry-run and --jobs, and that Deno computes the same scores.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xltAsync } from "./lib/cli.ts";
import { wordPieceTokenizerJson } from "../src/io/tokenize.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { SHARED_DATA } from "./lib/fixtures.ts";

const UD = join(SHARED_DATA, "ud");
const PUD: Record<string, string> = {
  en: "UD_English-PUD/en_pud-ud-test.conllu", de: "UD_German-PUD/de_pud-ud-test.conllu", fr: "UD_French-PUD/fr_pud-ud-test.conllu",
  es: "UD_Spanish-PUD/es_pud-ud-test.conllu", ru: "UD_Russian-PUD/ru_pud-ud-test.conllu", ar: "UD_Arabic-PUD/ar_pud-ud-test.conllu",
};

function smallMbert(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const vocab = readFileSync(join(SHARED_DATA, "tokenizers/bert-base-multilingual-cased/vocab.txt"), "utf8").split("\n").filter((l) => l !== "");
  let seed = 3;
  const r = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * 0.1;
  const H = 32, F = 64, L = 2;
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  const rand = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, r) });
  const fill = (n: number, v: number) => ({ shape: [n], data: new Float32Array(n).fill(v) });
  t.set("bert.embeddings.word_embeddings.weight", rand([vocab.length, H]));
  t.set("bert.embeddings.position_embeddings.weight", rand([160, H]));
  t.set("bert.embeddings.token_type_embeddings.weight", rand([2, H]));
  t.set("bert.embeddings.LayerNorm.weight", fill(H, 1));
  t.set("bert.embeddings.LayerNorm.bias", fill(H, 0));
  for (let i = 0; i < L; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const n of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
      t.set(`${p}${n}.weight`, rand([H, H]));
      t.set(`${p}${n}.bias`, fill(H, 0));
    }
    t.set(`${p}intermediate.dense.weight`, rand([F, H]));
    t.set(`${p}intermediate.dense.bias`, fill(F, 0));
    t.set(`${p}output.dense.weight`, rand([H, F]));
    t.set(`${p}output.dense.bias`, fill(H, 0));
    for (const n of ["attention.output.LayerNorm", "output.LayerNorm"]) {
      t.set(`${p}${n}.weight`, fill(H, 1));
      t.set(`${p}${n}.bias`, fill(H, 0));
    }
  }
  writeF32(join(dir, "model.safetensors"), t);
  writeFileSync(join(dir, "config.json"), JSON.stringify({
    model_type: "bert", hidden_size: H, num_hidden_layers: L, num_attention_heads: 2, intermediate_size: F, hidden_act: "gelu",
    max_position_embeddings: 160, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0, vocab_size: vocab.length,
    hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
  }));
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(vocab)));
}

describe("xlt run on real data", () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-run-"));
  const model = join(dir, "model");
  const out = join(dir, "exp");
  const args = () => [
    "run", "--model", model, "--task", "pos",
    "--train", join(UD, "UD_English-EWT/en_ewt-ud-train.conllu"), "--train-limit", "120",
    ...Object.entries(PUD).flatMap(([l, f]) => ["--test", `${l}=${join(UD, f)}`]),
    ...["de", "fr", "ru"].flatMap((l) => ["--conllu", `${l}=${join(UD, PUD.en)},${join(UD, PUD[l])}`, "--dictionary", `${l}=${join(SHARED_DATA, `muse_dictionaries/en-${l}.txt`)}`]),
    "--limit", "120", "--strategies", "baseline,lower", "--seeds", "31", "--realign-steps", "4", "--epochs", "1",
    "--finetune-lr", "5e-4", "--realign-lr", "5e-4", "--align-pairs", "100", "--quiet",
  ];

  it("plans (--dry-run, --jobs), runs cell by cell, resumes, and writes the tables and charts", async () => {
    smallMbert(model);
    const plan = await xltAsync("node", [...args(), "--out", out, "--dry-run"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/2 cells, 0 already done/);
    expect(plan.stdout).toMatch(/GPU memory/);
    const jobs = await xltAsync("node", [...args(), "--out", out, "--jobs", join(dir, "jobs.txt")]);
    expect(jobs.code, jobs.stderr).toBe(0);
    const lines = readFileSync(join(dir, "jobs.txt"), "utf8").trim().split("\n");
    expect(lines.length).toBe(2);
    expect(lines[1]).toMatch(/--cell 1$/);
    expect(readFileSync(join(dir, "jobs.slurm.sh"), "utf8")).toMatch(/#SBATCH --array=0-1/);

    // an "interrupted" grid: only cell 0 ran
    const one = await xltAsync("node", [...args(), "--out", out, "--cell", "0"]);
    expect(one.code, one.stderr).toBe(0);
    const cell0 = join(out, "cells/baseline-s31/result.json");
    const t0 = statSync(cell0).mtimeMs;
    expect(existsSync(join(out, "cells/lower-s31/result.json"))).toBe(false);
    // the full run keeps cell 0 and runs cell 1
    const full = await xltAsync("node", [...args(), "--out", out]);
    expect(full.code, full.stderr).toBe(0);
    expect(statSync(cell0).mtimeMs).toBe(t0);
    for (const f of ["results.csv", "results.json", "results.md", "delta.svg", "delta.vl.json", "alignment.svg", "alignment.vl.json"]) expect(existsSync(join(out, f)), f).toBe(true);
    const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(res.cells.length).toBe(2);
    for (const c of res.cells) {
      expect(Object.keys(c.scores).sort()).toEqual(Object.keys(PUD).sort());
      for (const v of Object.values(c.scores) as number[]) expect(v).toBeGreaterThan(0.02);
      expect(Object.keys(c.alignment).sort()).toEqual(["de", "fr", "ru"]);
    }
    const md = readFileSync(join(out, "results.md"), "utf8");
    expect(md).toMatch(/\| lower \|/);
    expect(md).toMatch(/Delta against the baseline/);
    // the charts name the model and the seeds, and carry the cells' numbers (test/cases/figures.ts reads the drawing)
    const delta = JSON.parse(readFileSync(join(out, "delta.vl.json"), "utf8"));
    expect(delta.title.subtitle[0]).toBe("POS accuracy, zero-shot from en; model model (bert, 2 layers, hidden 32); seed 31");
    expect(delta.data.values.map((r: any) => `${r.strategy} ${r.language}`).sort()).toEqual(Object.keys(PUD).filter((l) => l !== "en").map((l) => `lower ${l}`).sort());
    expect(readFileSync(join(out, "delta.svg"), "utf8")).toMatch(/^<svg[^>]*>[\s\S]*<\/svg>\n$/);
    // a rerun skips everything
    const again = await xltAsync("node", [...args(), "--out", out]);
    expect(again.code).toBe(0);
    expect(statSync(cell0).mtimeMs).toBe(t0);
  });

  it("Deno computes the same scores for a cell", async () => {
    const outD = join(dir, "exp-deno");
    const r = await xltAsync("deno", [...args(), "--out", outD, "--cell", "0"]);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, "cells/baseline-s31/result.json"), "utf8"));
    const b = JSON.parse(readFileSync(join(outD, "cells/baseline-s31/result.json"), "utf8"));
    for (const l of Object.keys(a.scores)) expect(Math.abs(a.scores[l] - b.scores[l]), l).toBeLessThan(2e-3);
  });

  it("bad input: a language whose test file is missing", async () => {
    if (!existsSync(model)) smallMbert(model);
    const r = await xltAsync("node", ["run", "--model", model, "--train", join(UD, "UD_English-EWT/en_ewt-ud-train.conllu"), "--test", `xx=${join(dir, "missing.conllu")}`,
      "--conllu", `de=${join(UD, PUD.en)},${join(UD, PUD.de)}`, "--dictionary", `de=${join(SHARED_DATA, "muse_dictionaries/en-de.txt")}`, "--out", join(dir, "bad"), "--seeds", "1", "--strategies", "baseline", "--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/xx/);
  });
});
