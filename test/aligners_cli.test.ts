// End to end: `xlt align --method fastalign|embeddings`, `xlt realign --aligner fastalign` (no external
// tool), their one-line errors, and `xlt evaluate --task pos` printing the papers' row accuracy and UD's
// word-level UPOS, both checked against an independent scorer (scripts/score/ud_upos.py) run on the
// written predictions.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram, xlt } from "./lib/cli.ts";
import { FIXTURES, PARALLEL_TINY, SHARED_DATA } from "./lib/fixtures.ts";
import { fastAlign } from "../src/align/fastalign.ts";
import { readParallel } from "../src/io/words.ts";
import { syntheticCorpus } from "./cases/aligners.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-aligners-"));
const TINY = join(FIXTURES, "tiny-bert");
const pharaoh = (ls: [number, number][][]) => ls.map((l) => l.map(([i, j]) => `${i}-${j}`).join(" ") + "\n").join("");

describe("xlt align --method", () => {
  it("fastalign writes the library's symmetrised links, the same on Node and Deno", async () => {
    const d = tmp();
    const { pairs } = syntheticCorpus(300, 80, 5);
    const file = join(d, "corpus.txt");
    writeFileSync(file, pairs.map((p) => `${p.src.join(" ")} ||| ${p.tgt.join(" ")}`).join("\n") + "\n");
    const want = pharaoh(fastAlign(readParallel(file)));
    for (const rt of ["node", "deno"] as const) {
      const out = join(d, `${rt}.align`);
      const r = (await xlt(rt, ["align", "--method", "fastalign", "--pairs", file, "--out", out]));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/xlt align \(fastalign\): 300 sentence pairs read/);
      expect(readFileSync(out, "utf8")).toBe(want);
    }
  });

  it("embeddings (tiny-bert, GPU) writes one Pharaoh line per pair, argmax links one-to-one", async () => {
    const d = tmp();
    for (const match of ["argmax", "itermax"]) {
      const out = join(d, `${match}.align`);
      const r = (await xlt("node", ["align", "--method", "embeddings", "--model", TINY, "--layer", "1", "--match", match, "--pairs", PARALLEL_TINY, "--out", out]));
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(out, "utf8").split("\n");
      expect(lines.pop()).toBe("");
      expect(lines.length).toBe(12);
      const links = lines.map((l) => (l ? l.split(" ").map((x) => x.split("-").map(Number)) : []));
      expect(links.flat().length).toBeGreaterThan(0);
      if (match === "argmax") {
        for (const ls of links) {
          expect(new Set(ls.map(([i]) => i)).size).toBe(ls.length);
          expect(new Set(ls.map(([, j]) => j)).size).toBe(ls.length);
        }
      }
    }
  });

  it("embeddings warns (as embed does) when words past the model's length get no links", async () => {
    const d = tmp();
    const file = join(d, "long.txt");
    const long = Array.from({ length: 90 }, (_, i) => `w${i}`).join(" ");
    writeFileSync(file, `the cat ||| die katze\n${long} ||| ${long}\na dog ||| ein hund\n`);
    const out = join(d, "long.align");
    const r = await xlt("node", ["align", "--method", "embeddings", "--model", TINY, "--pairs", file, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning:"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: en-\w+: 1 of 3 sentence pairs are longer than 64 tokens \(first: pair 2\); their \d+ words past the limit get no links$/);
    const links = readFileSync(out, "utf8").split("\n")[1].split(" ").map((l) => l.split("-").map(Number));
    expect(Math.max(...links.flat())).toBeLessThan(64);
    // within the limit: no warning
    const short = await xlt("node", ["align", "--method", "embeddings", "--model", TINY, "--pairs", PARALLEL_TINY, "--out", join(d, "short.align")]);
    expect(short.stderr).not.toMatch(/warning/);
  });

  it("bad method or missing inputs: one line, no output", async () => {
    const d = tmp();
    const out = join(d, "x.align");
    for (const [args, msg] of [
      [["--method", "giza"], /--method must be one of dictionary, fastalign, embeddings, got 'giza'/],
      [["--method", "embeddings"], /--model DIR is required with --method embeddings/],
      [["--method", "fastalign", "--dictionary", PARALLEL_TINY], /drop --dictionary/],
      [["--method", "embeddings", "--model", TINY, "--layer", "9"], /layer must be an integer in \[0, 4\]/],
    ] as [string[], RegExp][]) {
      const r = (await xlt("node", ["align", "--pairs", PARALLEL_TINY, "--out", out, ...args]));
      expect(r.code).toBe(msg.source.includes("layer must be") ? 1 : 2); // usage errors exit 2; a layer the model lacks, 1
      expect(r.stderr.split("\n").length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("xlt realign --aligner fastalign", () => {
  it("links the pairs itself and realigns tiny-bert end to end (no dictionary, no external tool)", async () => {
    const d = tmp();
    const out = join(d, "out");
    const r = (await xlt("node", ["realign", "--model", TINY, "--pairs", PARALLEL_TINY, "--aligner", "fastalign", "--steps", "2", "--batch-size", "4", "--out", out, "--quiet"]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/realigned 2 steps/);
    expect(existsSync(join(out, "model.safetensors"))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).aligner).toBe("fastalign");
    const bad = (await xlt("node", ["realign", "--model", TINY, "--pairs", PARALLEL_TINY, "--aligner", "fastalign", "--dictionary", PARALLEL_TINY, "--steps", "2", "--out", join(d, "bad"), "--quiet"]));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--aligner fastalign computes the links itself/);
    expect(existsSync(join(d, "bad"))).toBe(false);
  });
});

const PYTHON = "/usr/bin/python3";
const EN_PUD = join(SHARED_DATA, "ud/UD_English-PUD/en_pud-ud-test.conllu");
const EWT_TRAIN = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");

describe("xlt evaluate --task pos: row accuracy and official word-level UPOS", () => {
  const skip = !existsSync(PYTHON) ? "no /usr/bin/python3" : !existsSync(EN_PUD) || !existsSync(EWT_TRAIN) ? "no ../shared/data" : "";
  if (skip) console.warn(`skipping the official-UPOS comparison: ${skip}`);
  it.skipIf(!!skip)("both printed figures equal the independent scorer's on the written predictions", async () => {
    const d = tmp();
    // 40 English PUD sentences: the first 30 and every one with an empty node; with multi-word ranges too
    const blocks = readFileSync(EN_PUD, "utf8").split(/\n\n/).filter((b) => b.trim());
    const chosen = blocks.filter((b, k) => k < 30 || /^\d+\.\d+\t/m.test(b));
    const test = join(d, "en_pud.conllu");
    writeFileSync(test, chosen.join("\n\n") + "\n\n");
    expect(chosen.join("\n")).toMatch(/^\d+-\d+\t/m);
    expect(chosen.join("\n")).toMatch(/^\d+\.\d+\t/m);
    const model = join(d, "model");
    const ft = (await xlt("node", ["finetune", "--task", "pos", "--model", TINY, "--train", EWT_TRAIN, "--limit", "40", "--epochs", "1", "--lr", "1e-3",
      "--max-length", "48", "--out", model, "--quiet"]));
    expect(ft.code, ft.stderr).toBe(0);
    const preds = join(d, "pred");
    const json = join(d, "scores.json");
    const ev = (await xlt("node", ["evaluate", "--task", "pos", "--model", model, "--test", `en=${test}`, "--predictions", preds, "--json", json]));
    expect(ev.code, ev.stderr).toBe(0);
    const sc = await runProgram(PYTHON, [join(ROOT, "scripts/score/ud_upos.py"), test, join(preds, "en.conllu")]);
    expect(sc.code, sc.stderr).toBe(0);
    const ref = JSON.parse(sc.stdout);
    // printed table: lang metric score n "UD UPOS" words "seqeval F1" (ALIGN-MLM's, test/cases/lang_ids.ts)
    const [head, row] = ev.stdout.trim().split("\n");
    expect(head.split(/\s{2,}/)).toEqual(["lang", "metric", "score", "n", "UD UPOS", "words", "seqeval F1"]);
    const cells = row.trim().split(/\s+/);
    expect(cells[2]).toBe((100 * ref.rows.accuracy).toFixed(2));
    expect(Number(cells[3])).toBe(ref.rows.total);
    expect(cells[4]).toBe((100 * ref.words.f1).toFixed(2));
    expect(Number(cells[5])).toBe(ref.words.gold);
    const r = JSON.parse(readFileSync(json, "utf8")).perLang.en;
    expect(Math.abs(r.value - ref.rows.accuracy)).toBeLessThan(1e-12);
    expect(Math.abs(r.official.value - ref.words.f1)).toBeLessThan(1e-12);
    expect(r.official.n).toBe(ref.words.gold);
    expect(row.trim().split(/\s+/)[6]).toBe((100 * r.seqevalF1).toFixed(2));
    // the two figures count different lines here (ranges and empty nodes), so the check tells them apart
    expect(ref.rows.total).toBeGreaterThan(ref.words.gold);
    // UD's own eval.py, when a copy is given (UniversalDependencies/tools; not shipped): its UPOS F1 line
    const evalPy = process.env.UD_EVAL_PY;
    if (evalPy) {
      const ud = await runProgram(PYTHON, [evalPy, test, join(preds, "en.conllu"), "-v"]);
      expect(ud.code, ud.stderr).toBe(0);
      const upos = /^UPOS\s*\|\s*[\d.]+\s*\|\s*[\d.]+\s*\|\s*([\d.]+)/m.exec(ud.stdout);
      expect(upos?.[1]).toBe(cells[4]);
    }
  });
});

describe("xlt run --aligner fastalign", () => {
  const skip = !existsSync(EN_PUD) || !existsSync(EWT_TRAIN);
  it.skipIf(skip)("runs the experiment grid with links from the built-in aligner (tiny-bert, 2 cells)", async () => {
    const d = tmp();
    const test = join(d, "en_pud.conllu");
    writeFileSync(test, readFileSync(EN_PUD, "utf8").split(/\n\n/).slice(0, 15).join("\n\n") + "\n\n");
    const out = join(d, "exp");
    const r = (await xlt("node", ["run", "--model", TINY, "--task", "pos", "--train", EWT_TRAIN, "--train-limit", "20", "--test", `en=${test}`,
      "--pairs", `de=${PARALLEL_TINY}`, "--aligner", "fastalign", "--strategies", "baseline,lower", "--seeds", "31", "--realign-steps", "2",
      "--epochs", "1", "--align-pairs", "10", "--out", out, "--quiet"]));
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(JSON.stringify(res)).toMatch(/lower/);
  });
});
