// The ALIGN-MLM study's figures as Vega-Lite specs (plain data; src/plot/render.ts draws them):
// - scores: BS, BZ and Δ = BZ − BS per objective, one panel per transformation, mean ± std over seeds;
// - alignment: static alignment of the pre-trained embeddings against Δ, one point per objective ×
//   transformation with ± std whiskers both ways, a least-squares line and Spearman's ρ with its n
//   (align-mlm-spec.md §5.2).
// Pure functions: no file system, so the browser page draws the same specs.
import type { TopLevelSpec } from "vega-lite";
import { CONFIG, SHAPES, VEGA_LITE_SCHEMA } from "../plot/theme.ts";
import { fittedLine, whiskersAndZero } from "../plot/layers.ts";
import type { StudySummary } from "./study_report.ts";

/** What was run, for the subtitles: task and metric, model, pre-training, seeds. */
export interface StudyContext {
  task: string;
  metric: string;
  /** e.g. "RoBERTa tiny, 150 pre-training steps × 32 × 64 tokens" */
  model: string;
}

const MEASURES = ["BS", "BZ", "Δ = BZ − BS"];

/** The paper's order of the objectives (spec §6), weakest alignment signal first; others follow as they come. */
const PAPER_ORDER = ["mlm", "xlm", "dict-mlm", "align-mlm"];

function objectivesOf(s: StudySummary): string[] {
  const seen = [...new Set(s.rows.map((r) => r.objective))];
  return [...PAPER_ORDER.filter((o) => seen.includes(o)), ...seen.filter((o) => !PAPER_ORDER.includes(o))];
}

/** The seeds, and how many each point has when that differs (a study still running, a cell that failed). */
function seedsLine(s: StudySummary): string {
  const seeds = [...new Set(s.rows.flatMap((r) => r.seeds))].sort((a, b) => a - b);
  const per = [...new Set(s.rows.map((r) => r.seeds.length))].sort((a, b) => a - b);
  const uneven = per.length > 1 || per[0] !== seeds.length ? ` (${per.join("–")} per objective × transformation)` : "";
  return `${seeds.length === 1 ? "seed" : "seeds"} ${seeds.join(", ")}${uneven}`;
}

const spreadLine = (s: StudySummary, what: string) =>
  s.rows.some((r) => r.seeds.length > 1) ? `${what}: mean over seeds; whiskers: ± 1 sample std over seeds` : `${what}: one seed each (no whiskers: the spread needs 2 or more seeds)`;

export function describeStudy(s: StudySummary, ctx: StudyContext): string {
  return `${ctx.task.toUpperCase()} ${ctx.metric} on the derived language; ${ctx.model}; ${seedsLine(s)}`;
}

export interface StudyScoreRow {
  objective: string;
  transform: string;
  measure: string;
  /** points */
  value: number;
  std: number;
  lo: number;
  hi: number;
  n: number;
}

export function studyScoreRows(s: StudySummary): StudyScoreRow[] {
  return s.rows.flatMap((r) => [r.bs, r.bz, r.delta].map((st, k) => ({
    objective: r.objective, transform: r.transform, measure: MEASURES[k],
    value: 100 * st.mean, std: 100 * st.std, lo: 100 * (st.mean - st.std), hi: 100 * (st.mean + st.std), n: r.seeds.length,
  })));
}

/** BS / BZ / Δ bars per objective, a panel per transformation. */
export function studyScoresSpec(s: StudySummary, ctx: StudyContext): TopLevelSpec {
  const objectives = objectivesOf(s);
  const transforms = [...new Set(s.rows.map((r) => r.transform))];
  const x = { field: "objective", type: "nominal", sort: objectives, title: "pre-training objective", axis: { labelAngle: 0, grid: false } } as const;
  const xOffset = { field: "measure", type: "nominal", sort: MEASURES } as const;
  const y = { field: "value", type: "quantitative", title: `${ctx.metric} (%); Δ in points` } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Supervised (BS) vs zero-shot (BZ) on the derived language", subtitle: [describeStudy(s, ctx), `Δ = BZ − BS; ${spreadLine(s, "bars")}`] },
    config: CONFIG,
    data: { values: studyScoreRows(s) as unknown as Record<string, unknown>[] },
    facet: { column: { field: "transform", type: "nominal", sort: transforms, title: "derived language (transformation)" } },
    spec: {
      width: { step: 28 },
      height: 280,
      layer: [
        {
          name: "bars",
          mark: { type: "bar", width: { band: 0.9 } },
          encoding: {
            x, xOffset, y,
            color: { field: "measure", type: "nominal", sort: MEASURES, title: null, legend: { orient: "top", direction: "horizontal" } },
            tooltip: [{ field: "objective" }, { field: "transform" }, { field: "measure" }, { field: "value", format: ".1f" }, { field: "std", format: ".1f" }, { field: "n", title: "seeds" }],
          },
        },
        ...whiskersAndZero(x, xOffset, y.title, 5),
      ],
    },
  } as TopLevelSpec;
}

export interface StudyAlignmentRow {
  objective: string;
  transform: string;
  label: string;
  /** % */
  alignment: number;
  alignmentLo: number;
  alignmentHi: number;
  /** points */
  delta: number;
  deltaLo: number;
  deltaHi: number;
  n: number;
}

export function studyAlignmentRows(s: StudySummary): StudyAlignmentRow[] {
  return s.rows.map((r) => ({
    objective: r.objective, transform: r.transform, label: `${r.objective}, ${r.transform}`,
    alignment: 100 * r.alignment.mean, alignmentLo: 100 * (r.alignment.mean - r.alignment.std), alignmentHi: 100 * (r.alignment.mean + r.alignment.std),
    delta: 100 * r.delta.mean, deltaLo: 100 * (r.delta.mean - r.delta.std), deltaHi: 100 * (r.delta.mean + r.delta.std), n: r.seeds.length,
  }));
}

/** Static alignment vs Δ, one point per objective × transformation. */
export function studyAlignmentSpec(s: StudySummary, ctx: StudyContext): TopLevelSpec {
  const rows = studyAlignmentRows(s);
  const objectives = objectivesOf(s);
  const transforms = [...new Set(s.rows.map((r) => r.transform))];
  const rho = s.correlation ? `Spearman ρ = ${s.correlation.rho.toFixed(3)} (n = ${s.correlation.n} objective × transformation points)` : "Spearman ρ: needs 3 or more points";
  // a line through two points says nothing: the fit, as ρ, from 3 points
  const fit = rows.length >= 3;
  const x = { field: "alignment", type: "quantitative", title: "static alignment of the pre-trained embeddings (%)", scale: { domain: [0, 100] } } as const;
  const y = { field: "delta", type: "quantitative", title: `Δ = BZ − BS (${ctx.metric} points)`, scale: { zero: true, nice: true } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Embedding alignment vs the zero-shot gap", subtitle: [describeStudy(s, ctx), `${rho}${fit ? "; dashed: least-squares line" : ""}`, spreadLine(s, "points")] },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: 420,
    height: 300,
    layer: [
      ...fittedLine(x, y, fit, { clip: true }),
      {
        name: "xerrorbars",
        transform: [{ filter: "datum.n > 1" }],
        mark: { type: "errorbar", ticks: { width: 5 }, color: "#222" },
        encoding: { x: { field: "alignmentLo", type: "quantitative", title: x.title }, x2: { field: "alignmentHi" }, y },
      },
      {
        name: "yerrorbars",
        transform: [{ filter: "datum.n > 1" }],
        mark: { type: "errorbar", ticks: { width: 5 }, color: "#222" },
        encoding: { x, y: { field: "deltaLo", type: "quantitative", title: y.title }, y2: { field: "deltaHi" } },
      },
      {
        name: "points",
        mark: { type: "point", filled: true, size: 90, opacity: 0.9 },
        encoding: {
          x, y,
          color: { field: "objective", type: "nominal", sort: objectives, title: "objective" },
          shape: { field: "transform", type: "nominal", sort: transforms, title: "transformation", scale: { range: SHAPES } },
          tooltip: [{ field: "objective" }, { field: "transform" }, { field: "alignment", format: ".1f" }, { field: "delta", format: "+.1f" }, { field: "n", title: "seeds" }],
        },
      },
      // each point named, so the chart reads without matching colours to the legend; a white halo
      // first keeps a name readable where it crosses the fitted line or a gridline
      ...["labelHalo", "labels"].map((name) => ({
        name,
        mark: { type: "text", align: "left", dx: 9, dy: -7, fontSize: 11, color: "#333", ...(name === "labelHalo" ? { stroke: "white", strokeWidth: 4, strokeJoin: "round" } : {}) },
        encoding: { x, y, text: { field: transforms.length > 1 ? "label" : "objective" } },
      })),
    ],
  } as TopLevelSpec;
}

/** The study's charts by file name (without extension). */
export function studyCharts(s: StudySummary, ctx: StudyContext): Record<string, TopLevelSpec> {
  return { scores: studyScoresSpec(s, ctx), alignment: studyAlignmentSpec(s, ctx) };
}
