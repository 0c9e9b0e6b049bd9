// End to end: `xlt finetune --task qa` on a few XQuAD-en paragraphs with tiny-bert, then `xlt evaluate` on
// en and de with --predictions; the EM/F1 xlt prints equal those of an independent SQuAD v1.1 scorer
// (scripts/score/squad_v11.py, the official evaluate-v1.1.py logic) run on the written predictions, on
// Node and Deno. The same scorer also checks xlt's EM/F1 on hand-made predictions for every XQuAD
// language (articles, punctuation, non-Latin scripts). Then `xlt run --task qa` runs a small grid.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram, xlt } from "./lib/cli.ts";
import { FIXTURES, PARALLEL_TINY, SHARED_DATA } from "./lib/fixtures.ts";
import { readSquad, splitContext, squadScores } from "../src/tasks/squad.ts";

const PYTHON = "/usr/bin/python3";
const SCORER = join(ROOT, "scripts/score/squad_v11.py");
const XQUAD = join(SHARED_DATA, "xquad");
const TINY = join(FIXTURES, "tiny-bert");
const tmp = () => mkdtempSync(join(tmpdir(), "xlt-qa-"));

/** The first `paragraphs` paragraphs of XQuAD's first article in `lang`, as SQuAD JSON. */
function subset(dir: string, lang: string, paragraphs: number): string {
  const d = JSON.parse(readFileSync(join(XQUAD, `xquad.${lang}.json`), "utf8"));
  const out = join(dir, `xquad.${lang}.json`);
  writeFileSync(out, JSON.stringify({ version: d.version, data: [{ ...d.data[0], paragraphs: d.data[0].paragraphs.slice(0, paragraphs) }] }));
  return out;
}

async function official(dataset: string, predictions: string): Promise<{ exact_match: number; f1: number }> {
  const r = await runProgram(PYTHON, [SCORER, dataset, predictions]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe("xlt QA (SQuAD v1.1 / XQuAD)", () => {
  it("EM and F1 equal the official v1.1 scorer's on hand-made predictions in every XQuAD language", async () => {
    const d = tmp();
    for (const lang of ["en", "de", "el", "ru", "zh", "th", "ar", "hi", "vi", "tr", "es", "ro"]) {
      const path = join(XQUAD, `xquad.${lang}.json`);
      const exs = readSquad(path).slice(0, 300);
      const preds: Record<string, string> = {};
      exs.forEach((ex, i) => {
        const gold = ex.answers[0].text;
        const ctx = splitContext(ex.context);
        // exact, with article/punctuation/case noise, a longer span, an unrelated span, empty, missing
        const k = i % 6;
        if (k === 0) preds[ex.id] = gold;
        else if (k === 1) preds[ex.id] = `The ${gold.toUpperCase()}.`;
        else if (k === 2) preds[ex.id] = ctx.words.slice(0, 3).join(" ") + " " + gold;
        else if (k === 3) preds[ex.id] = ctx.words.slice(2, 5).join(" ");
        else if (k === 4) preds[ex.id] = "";
      });
      const dataset = join(d, `${lang}.json`);
      writeFileSync(dataset, JSON.stringify({ version: "1.1", data: [{ title: "t", paragraphs: exs.map((ex) => ({ context: ex.context, qas: [{ id: ex.id, question: ex.question, answers: ex.answers.map((a) => ({ text: a.text, answer_start: a.start })) }] })) }] }));
      const predFile = join(d, `${lang}.pred.json`);
      writeFileSync(predFile, JSON.stringify(preds));
      const want = await official(dataset, predFile);
      const got = squadScores(exs, preds);
      expect(100 * got.exactMatch, lang).toBeCloseTo(want.exact_match, 9);
      expect(100 * got.f1, lang).toBeCloseTo(want.f1, 9);
      expect(want.f1, lang).toBeGreaterThan(0);
    }
  }, 120_000);

  it("finetune --task qa (tiny-bert, XQuAD-en), evaluate en/de: printed EM/F1 equal the official scorer's on the written predictions", async () => {
    const d = tmp();
    const en = subset(d, "en", 2);
    const de = subset(d, "de", 2);
    const model = join(d, "qa");
    const ft = await xlt("node", ["finetune", "--task", "qa", "--model", TINY, "--train", en, "--out", model, "--epochs", "1", "--batch-size", "8", "--lr", "1e-3", "--quiet"]);
    expect(ft.code, ft.stderr).toBe(0);
    expect(ft.stdout).toMatch(/fine-tuned qa: \d+ examples/);
    const cfg = JSON.parse(readFileSync(join(model, "config.json"), "utf8"));
    expect(cfg.architectures).toEqual(["BertForQuestionAnswering"]);
    expect(cfg.finetuning_task).toBe("qa");
    const scores: Record<string, Record<string, { value: number; exactMatch: number; n: number }>> = {};
    for (const rt of ["node", "deno"] as const) {
      const preds = join(d, `pred-${rt}`);
      const json = join(d, `scores-${rt}.json`);
      const ev = await xlt(rt, ["evaluate", "--model", model, "--test", `en=${en}`, "--test", `de=${de}`, "--predictions", preds, "--json", json]);
      expect(ev.code, ev.stderr).toBe(0);
      expect(ev.stdout).toMatch(/lang\s+metric\s+score\s+n\s+EM/);
      scores[rt] = JSON.parse(readFileSync(json, "utf8")).perLang;
      for (const [lang, file] of [["en", en], ["de", de]]) {
        const predFile = join(preds, `${lang}.json`);
        expect(existsSync(predFile)).toBe(true);
        const written: Record<string, string> = JSON.parse(readFileSync(predFile, "utf8"));
        const exs = readSquad(file);
        expect(Object.keys(written).sort()).toEqual(exs.map((e) => e.id).sort());
        for (const ex of exs) expect(ex.context.includes(written[ex.id]), `${ex.id}: ${written[ex.id]}`).toBe(true);
        expect(Object.values(written).every((a) => a.trim() !== "")).toBe(true); // some valid span always exists
        const want = await official(file, predFile);
        const s = scores[rt][lang];
        expect(s.n).toBe(exs.length);
        expect(100 * s.value).toBeCloseTo(want.f1, 9);
        expect(100 * s.exactMatch).toBeCloseTo(want.exact_match, 9);
      }
    }
    expect(scores.deno).toEqual(scores.node);
  }, 600_000);

  it("bad QA data: one line naming the file (and the question), no output", async () => {
    const d = tmp();
    const noJson = join(d, "train.txt");
    writeFileSync(noJson, "The cat sleeps . ||| Die Katze schläft .\n");
    const noStart = join(d, "bad.json");
    writeFileSync(noStart, JSON.stringify({ data: [{ paragraphs: [{ context: "a b", qas: [{ id: "q1", question: "q", answers: [{ text: "b" }] }] }] }] }));
    for (const [train, msg] of [[noJson, /train\.txt: not SQuAD JSON/], [noStart, /bad\.json: data\[0\]\.paragraphs\[0\]: question q1: an answer without "text" or integer "answer_start"/]] as const) {
      const out = join(d, "out");
      const r = await xlt("node", ["finetune", "--task", "qa", "--model", TINY, "--train", train, "--out", out, "--quiet"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split("\n").length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);

  it("xlt run --task qa: a baseline and a realigned cell, F1 per language in the results table", async () => {
    const d = tmp();
    const en = subset(d, "en", 1);
    const de = subset(d, "de", 1);
    const out = join(d, "exp");
    const r = await xlt("node", ["run", "--model", TINY, "--task", "qa", "--train", en, "--test", `en=${en}`, "--test", `de=${de}`,
      "--pairs", `de=${PARALLEL_TINY}`, "--aligner", "fastalign", "--strategies", "baseline,lower", "--seeds", "1", "--realign-steps", "2",
      "--epochs", "1", "--batch-size", "8", "--align-pairs", "20", "--out", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(res.cells.length).toBe(2);
    for (const c of res.cells) {
      expect(c.task).toBe("qa");
      expect(c.metric).toBe("f1");
      expect(Object.keys(c.scores).sort()).toEqual(["de", "en"]);
    }
    expect(readFileSync(join(out, "results.md"), "utf8")).toMatch(/QA zero-shot transfer from en \(f1\)/);
  }, 600_000);
});
