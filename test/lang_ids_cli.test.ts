// `xlt finetune` / `xlt evaluate --lang-id` on a tiny XLM-R with a language table (as the ALIGN-MLM authors'
// XLM / DICT-MLM checkpoints carry it), Node and Deno: the table is fine-tuned with the encoder (only the fed
// row moves) and saved; finetune's dev score and evaluate feed the id (2 and 3 give different predictions); a model with the table
// and no --lang-id, a model without it and --lang-id, and an id past the table are one-line errors.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { withOptions } from "./lib/args.ts";
import { type CliResult, xlt } from "./lib/cli.ts";
import { PARALLEL_TINY, TINY_BERT } from "./lib/fixtures.ts";
import { loadAll } from "../src/io/safetensors.ts";
import { tinyXlmWithLanguages } from "./cases/lang_ids.ts";

const dir = mkdtempSync(join(tmpdir(), "xlt-lang-ids-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SENTENCES: [string, string][][] = [
  [["The", "DET"], ["dog", "NOUN"], ["runs", "VERB"], [".", "PUNCT"]],
  [["A", "DET"], ["big", "ADJ"], ["cat", "NOUN"], ["sleeps", "VERB"], ["here", "ADV"], [".", "PUNCT"]],
  [["She", "PRON"], ["reads", "VERB"], ["the", "DET"], ["old", "ADJ"], ["book", "NOUN"], ["!", "PUNCT"]],
  [["We", "PRON"], ["saw", "VERB"], ["two", "NUM"], ["red", "ADJ"], ["cars", "NOUN"], ["in", "ADP"], ["Paris", "PROPN"], [".", "PUNCT"]],
  [["They", "PRON"], ["and", "CCONJ"], ["I", "PRON"], ["walk", "VERB"], ["slowly", "ADV"], [".", "PUNCT"]],
  [["Birds", "NOUN"], ["fly", "VERB"], ["over", "ADP"], ["the", "DET"], ["green", "ADJ"], ["hills", "NOUN"], [".", "PUNCT"]],
];

function posFile(name: string): string {
  const p = join(dir, name);
  writeFileSync(p, SENTENCES.map((s, k) => [`# sent_id = s${k}`, ...s.map(([w, t], i) => `${i + 1}\t${w}\t_\t${t}\t_\t_\t0\t_\t_\t_`), ""].join("\n")).join("\n") + "\n");
  return p;
}

function oneLine(r: CliResult, re: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.stderr.trim()).toMatch(re);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
}

const LANG = "roberta.embeddings.lang_type_embeddings.weight";

describe("--lang-id: fine-tuning and evaluating an XLM / DICT-MLM checkpoint", () => {
  const model = tinyXlmWithLanguages(dir);
  const train = posFile("train.conllu");
  const ft = (out: string, ...extra: string[]) => withOptions(["finetune", "--task", "pos", "--model", model, "--train", train, "--batch-size", "2", "--epochs", "3", "--lr", "3e-3", "--quiet", "--out", out], extra);

  it("Node: finetune trains and saves the language table (only the fed row moves); evaluate with 2 and 3 differs; errors are one line", async () => {
    const out = join(dir, "pos");
    oneLine(await xlt("node", ft(out)), /^xlt finetune: .*xlm has language embeddings \(an XLM \/ DICT-MLM checkpoint\): give --lang-id 2 for the original language or --lang-id 3 for the derived one$/);
    oneLine(await xlt("node", ft(out, "--lang-id", "4")), /^xlt finetune: --lang-id 4: .*xlm's language table has rows 0-3$/);
    oneLine(await xlt("node", [...ft(out, "--lang-id", "2").map((a) => (a === model ? TINY_BERT : a))]), /^xlt finetune: --lang-id 2: .*tiny-bert has no language embeddings/);
    expect(existsSync(out)).toBe(false);

    const r = await xlt("node", ft(out, "--lang-id", "2", "--dev", train));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).lang_id).toBe(2);
    const before = loadAll(join(model, "model.safetensors")).get(LANG)!;
    const after = loadAll(join(out, "model.safetensors")).get(LANG)!;
    expect(after.shape).toEqual([4, 48]);
    const row = (t: typeof after, i: number) => Array.from(t.data.slice(i * 48, (i + 1) * 48));
    for (const i of [0, 1, 3]) expect(row(after, i), `row ${i} gets no gradient`).toEqual(row(before, i));
    expect(row(after, 2)).not.toEqual(row(before, 2));

    const ev = (id: string | null, name: string) =>
      xlt("node", ["evaluate", "--model", out, "--test", `en=${train}`, ...(id ? ["--lang-id", id] : []), "--predictions", join(dir, `pred-${name}`), "--json", join(dir, `${name}.json`)]);
    oneLine(await ev(null, "none"), /^xlt evaluate: .*pos has language embeddings .*give --lang-id 2 for the original language or --lang-id 3/);
    const e2 = await ev("2", "2");
    expect(e2.code, e2.stderr).toBe(0);
    expect(e2.stdout).toMatch(/seqeval F1/);
    const e3 = await ev("3", "3");
    expect(e3.code, e3.stderr).toBe(0);
    const j2 = JSON.parse(readFileSync(join(dir, "2.json"), "utf8"));
    expect(j2.langId).toBe(2);
    expect(j2.perLang.en.seqevalF1).toBeGreaterThanOrEqual(0);
    // the dev score after the last epoch ran with the id too: the same weights, the same figure as evaluate --lang-id 2
    const dev = JSON.parse(readFileSync(join(out, "run.json"), "utf8")).dev_scores;
    expect(dev[dev.length - 1].value).toBe(j2.perLang.en.value);
    // the same words read as the original language (the id trained with) and as the derived one
    expect(readFileSync(join(dir, "pred-3", "en.conllu"), "utf8")).not.toBe(readFileSync(join(dir, "pred-2", "en.conllu"), "utf8"));
  }, 600_000);

  it("Deno: finetune --lang-id 3 and evaluate --lang-id 3; evaluate without it is one line", async () => {
    const out = join(dir, "pos-deno");
    const r = await xlt("deno", ft(out, "--lang-id", "3", "--epochs", "1"));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).lang_id).toBe(3);
    expect(loadAll(join(out, "model.safetensors")).get(LANG)!.shape).toEqual([4, 48]);
    const e = await xlt("deno", ["evaluate", "--model", out, "--test", `en=${train}`, "--lang-id", "3"]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^en\s+accuracy/m);
    oneLine(await xlt("deno", ["evaluate", "--model", out, "--test", `en=${train}`]), /^xlt evaluate: .*give --lang-id 2 for the original language or --lang-id 3/);
  }, 600_000);

  it("xlt run (the realignment grid, which feeds no language ids) refuses such a model before any work", async () => {
    const out = join(dir, "grid");
    oneLine(await xlt("node", ["run", "--model", model, "--task", "pos", "--train", train, "--test", `en=${train}`, "--strategies", "baseline", "--out", out]),
      /^xlt run: --model .*xlm has language embeddings \(an XLM \/ DICT-MLM checkpoint\): the realignment grid feeds no language ids; .*--lang-id 2\|3/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it("realignment (xlt realign, finetune --realign-during) feeds no language ids and refuses such a model, writing nothing", async () => {
    const out = join(dir, "realigned");
    oneLine(await xlt("node", ["realign", "--model", model, "--pairs", PARALLEL_TINY, "--aligner", "fastalign", "--steps", "1", "--quiet", "--out", out]),
      /^xlt realign: .*xlm has language embeddings \(an XLM \/ DICT-MLM checkpoint\): realignment feeds no language ids to its sentence pairs/);
    expect(existsSync(out)).toBe(false);
    const ftOut = join(dir, "pos-during");
    oneLine(await xlt("node", ft(ftOut, "--lang-id", "2", "--realign-during", "--pairs", PARALLEL_TINY, "--aligner", "fastalign")),
      /^xlt finetune: --realign-during feeds no language ids to its sentence pairs: fine-tune .*xlm \(an XLM \/ DICT-MLM checkpoint\) without it$/);
    expect(existsSync(ftOut)).toBe(false);
  }, 120_000);
});
