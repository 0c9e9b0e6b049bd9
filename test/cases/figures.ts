// The charts of `xlt run` and `xlt run --study align-mlm`, rendered from hand-made results and read back
// from their SVG as a reader would see them: axes with numeric ticks and titles, the bars and points,
// error bars whose drawn length is 2 × the std over seeds, the legend's entries and a title that names
// what was run. (The loss curve: loss_curve.ts.)
import { deltaRows, summarize, toMarkdown, type CellResult } from "../../src/run/report.ts";
import { alignmentSpec, deltaSpec, type RunContext } from "../../src/run/figures.ts";
import { summarizeStudy, type StudyCellResult } from "../../src/run/study_report.ts";
import { studyAlignmentSpec, studyScoresSpec } from "../../src/run/study_figures.ts";
import { axes, marks, pixelsPerUnit, titles } from "../lib/svg.ts";
import { axis, draw, legendIs, numericAxis, sameLengths, titleHas, whiskerLengths } from "../lib/chart_checks.ts";
import type { Cases } from "../lib/check.ts";

const CTX: RunContext = { model: "tiny-xlmr (xlm-roberta, 2 layers, hidden 32)", task: "pos", metric: "accuracy" };
const LANGS = ["de", "fr", "zh"];

/** A grid: baseline, full, lower × seeds 1-3; each strategy and seed moves each language by a known amount. */
function gridCells(seeds = [1, 2, 3]): CellResult[] {
  const shift: Record<string, number[]> = { baseline: [0, 0, 0], full: [-0.02, -0.01, -0.03], lower: [0.03, 0.04, 0.02] };
  return Object.keys(shift).flatMap((strategy) => seeds.map((seed, k) => ({
    strategy, seed, task: "pos", metric: "accuracy", seconds: 1,
    scores: { en: 0.9 + 0.01 * k, ...Object.fromEntries(LANGS.map((l, i) => [l, 0.4 + 0.1 * i + 0.005 * seed * (i + 1) + shift[strategy][k] * (i + 1)])) },
    alignment: Object.fromEntries(LANGS.map((l, i) => [l, { before: 0.2, after: 0.3 + 0.15 * i + shift[strategy][k] + 0.01 * seed }])),
  })));
}

const STUDY: StudyCellResult[] = [
  ["mlm", "trans", 42, 0.95, 0.946, 0.9], ["mlm", "trans", 43, 0.93, 0.9, 0.85],
  ["mlm", "trans+inv", 42, 0.95, 0.565, 0.003], ["mlm", "trans+inv", 43, 0.94, 0.555, 0.005],
  ["align-mlm", "trans", 42, 0.949, 0.948, 0.984], ["align-mlm", "trans", 43, 0.95, 0.94, 0.97],
  ["align-mlm", "trans+inv", 42, 0.95, 0.92, 0.952], ["align-mlm", "trans+inv", 43, 0.96, 0.9, 0.94],
].map(([objective, transform, seed, bs, bz, alignment]) => ({
  objective, transform, seed, bs, bz, alignment, delta: (bz as number) - (bs as number), task: "pos", metric: "accuracy", seconds: 1,
} as StudyCellResult));

export const cases: Cases = {
  "delta chart: per-language Δ vs the baseline by strategy, whiskers of ± 1 std over seeds, ticks and legend": async () => {
    const cells = gridCells();
    const s = summarize(cells);
    const rows = deltaRows(cells, s);
    // lower vs baseline on zh (i = 2): shifts 3, 4, 2 points × 3 → 9, 12, 6: mean 9, std 3
    const zh = rows.find((r) => r.strategy === "lower" && r.language === "zh")!;
    if (Math.abs(zh.delta - 9) > 1e-9 || Math.abs(zh.std - 3) > 1e-9 || zh.n !== 3) throw new Error(`lower zh: ${JSON.stringify(zh)}`);
    const root = await draw(deltaSpec(cells, s, CTX));
    const y = numericAxis(root, "Y", /^Δ accuracy vs baseline \(points\)$/);
    if (!axis(root, "Y").labels.includes("0")) throw new Error("the Δ axis has no 0 tick");
    if (axis(root, "X").labels.join() !== LANGS.join()) throw new Error(`x axis: ${axis(root, "X").labels}`);
    const bars = marks(root, "bars").filter((e) => e.name === "path");
    if (bars.length !== 6) throw new Error(`${bars.length} bars, expected 2 strategies × 3 languages`);
    sameLengths(whiskerLengths(root, "errorbars", pixelsPerUnit(y)), rows.map((r) => 2 * r.std), "delta");
    legendIs(root, "strategy", ["full", "lower"]);
    titleHas(root, "change against the baseline", "POS accuracy, zero-shot from en", "tiny-xlmr", "seeds 1, 2, 3", "± 1 sample std");
    // a grid with a cell missing says how many seeds each strategy has
    const fewer = cells.filter((c) => !(c.strategy === "lower" && c.seed === 3));
    titleHas(await draw(deltaSpec(fewer, summarize(fewer), CTX)), "seeds 1, 2, 3 (2–3 per strategy)");
  },
  "delta chart, one seed: bars without whiskers, and the subtitle says why": async () => {
    const cells = gridCells([7]);
    const root = await draw(deltaSpec(cells, summarize(cells), CTX));
    if (marks(root, "bars").filter((e) => e.name === "path").length !== 6) throw new Error("bars");
    if (whiskerLengths(root, "errorbars", 1).length) throw new Error("whiskers drawn for one seed");
    titleHas(root, "; seed 7", "no whiskers");
  },
  "alignment chart: a point per cell and language, a label per language, the fitted line, ρ and n": async () => {
    const cells = gridCells();
    const s = summarize(cells);
    const root = await draw(alignmentSpec(cells, s, CTX));
    numericAxis(root, "X", /^strong alignment after fine-tuning \(%\)$/, 3);
    numericAxis(root, "Y", /^relative transfer \(accuracy\): \(target − en\) \/ en \(%\)$/, 3);
    const points = marks(root, "points").filter((e) => e.name === "path");
    if (points.length !== 27) throw new Error(`${points.length} points, expected 3 strategies × 3 seeds × 3 languages`);
    const labels = marks(root, "labels").filter((e) => e.name === "text").map((t) => t.text).sort();
    if (labels.join() !== LANGS.join()) throw new Error(`language labels ${labels}`);
    const fit = marks(root, "fit").filter((e) => e.name === "path");
    if (fit.length !== 1 || !/^M[-\d.]+,[-\d.]+L[-\d.]+,[-\d.]+/.test(fit[0].attrs.d ?? "")) throw new Error(`fitted line: ${JSON.stringify(fit.map((f) => f.attrs.d))}`);
    legendIs(root, "strategy", ["baseline", "full", "lower"]);
    titleHas(root, `Spearman ρ = ${s.correlation!.rho.toFixed(3)} (n = 27 `, "least-squares");
  },
  "study scores chart: BS, BZ and Δ per objective, a panel per transformation, ± std whiskers": async () => {
    const s = summarizeStudy(STUDY);
    const root = await draw(studyScoresSpec(s, { task: "pos", metric: "accuracy", model: "RoBERTa tiny" }));
    const y = numericAxis(root, "Y", /^accuracy \(%\); Δ in points$/);
    if (marks(root, "bars").filter((e) => e.name === "path").length !== 12) throw new Error("expected 4 rows × 3 measures bars");
    const want = s.rows.flatMap((r) => [r.bs, r.bz, r.delta].map((st) => 200 * st.std));
    sameLengths(whiskerLengths(root, "errorbars", pixelsPerUnit(y)), want, "study scores");
    legendIs(root, "", ["BS", "BZ", "Δ = BZ − BS"]);
    const xs = axes(root).filter((a) => a.label.startsWith("X-axis"));
    if (xs.length !== 2 || xs.some((a) => a.labels.join() !== "mlm,align-mlm")) throw new Error(`expected an x axis of the objectives per transformation panel, got ${xs.map((a) => a.labels)}`);
    titleHas(root, "POS accuracy on the derived language; RoBERTa tiny; seeds 42, 43", "Δ = BZ − BS; bars: mean over seeds");
  },
  "study alignment chart: a point per objective × transformation, whiskers both ways, ρ and n": async () => {
    const s = summarizeStudy(STUDY);
    const root = await draw(studyAlignmentSpec(s, { task: "pos", metric: "accuracy", model: "RoBERTa tiny" }));
    const x = numericAxis(root, "X", /^static alignment of the pre-trained embeddings \(%\)$/);
    const y = numericAxis(root, "Y", /^Δ = BZ − BS \(accuracy points\)$/);
    if (marks(root, "points").filter((e) => e.name === "path").length !== 4) throw new Error("4 points");
    sameLengths(whiskerLengths(root, "yerrorbars", pixelsPerUnit(y)), s.rows.map((r) => 200 * r.delta.std), "Δ whiskers");
    sameLengths(whiskerLengths(root, "xerrorbars", pixelsPerUnit(x), false), s.rows.map((r) => 200 * r.alignment.std), "alignment whiskers");
    legendIs(root, "objective", ["mlm", "align-mlm"]);
    legendIs(root, "transformation", ["trans", "trans+inv"]);
    const labels = marks(root, "labels").map((t) => t.text).sort();
    if (labels.join("|") !== "align-mlm, trans|align-mlm, trans+inv|mlm, trans|mlm, trans+inv") throw new Error(`labels ${labels}`);
    titleHas(root, `Spearman ρ = ${s.correlation!.rho.toFixed(3)} (n = 4 `);
  },
  "two points: no fitted line and no ρ (a line through two points says nothing)": async () => {
    const s = summarizeStudy(STUDY.filter((c) => c.transform === "trans+inv"));
    const root = await draw(studyAlignmentSpec(s, { task: "pos", metric: "accuracy", model: "RoBERTa tiny" }));
    if (marks(root, "points").filter((e) => e.name === "path").length !== 2) throw new Error("2 points");
    if (marks(root, "fit").length) throw new Error("a fitted line through 2 points");
    titleHas(root, "Spearman ρ: needs 3 or more points");
    if (titles(root).some((t) => t.includes("least-squares"))) throw new Error("the subtitle names a line that is not drawn");
  },
};

cases["results.md: Δ against the baseline paired by seed, with its std, marked * where |Δ| exceeds it"] = () => {
  const cell = (strategy: string, seed: number, de: number, fr: number): CellResult => ({ strategy, seed, task: "pos", metric: "accuracy", scores: { en: 0.9, de, fr }, seconds: 1 });
  // full: de +10, +12, +11 over the baseline of each seed (mean 11, std 1): marked; fr +1, −1, +3 (mean 1, std 2): not
  const cells = [cell("baseline", 1, 0.5, 0.5), cell("baseline", 2, 0.6, 0.6), cell("baseline", 3, 0.4, 0.4),
    cell("full", 1, 0.6, 0.51), cell("full", 2, 0.72, 0.59), cell("full", 3, 0.51, 0.43)];
  const md = toMarkdown(summarize(cells), "t", cells);
  const row = md.split("\n").filter((l) => l.startsWith("| full |")).pop()!; // the Δ table comes last
  const [de, fr] = row.split("|").slice(2, 4).map((c) => c.trim());
  if (de !== "+11.0 ± 1.0 *") throw new Error(`de: ${de}`);
  if (fr !== "+1.0 ± 2.0") throw new Error(`fr: ${fr}`);
};
