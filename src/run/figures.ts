// The figures of an `xlt run` grid as Vega-Lite specs (plain data; src/plot/render.ts draws them):
// - delta: per target language, each strategy's Δ against the baseline, mean ± std over seeds (AlignFreeze's
//   figure). Δ is paired by seed (strategy − baseline of the same seed), so the bar shows the effect of the
//   strategy and the whisker its spread over seeds, not the spread of the scores themselves.
// - alignment: alignment after fine-tuning against relative transfer, one point per cell and language,
//   labelled with the language, a least-squares line and Spearman's ρ with its n (Gaschi et al. 2023).
// Pure functions: no file system, so the browser page draws the same specs.
import type { TopLevelSpec } from "vega-lite";
import { CONFIG, SHAPES, VEGA_LITE_SCHEMA } from "../plot/theme.ts";
import { fittedLine, whiskersAndZero } from "../plot/layers.ts";
import { alignedTargets, type CellResult, deltaRows, type Summary } from "./report.ts";

/** What was run, for the charts' subtitles (the seeds and the source language come from the cells). */
export interface RunContext {
  /** the model as a reader knows it: its folder name and shape */
  model: string;
  task: string;
  metric: string;
}

/** The run's description, the subtitle's first line: task and metric, source, model and seeds. */
export function describeRun(cells: CellResult[], s: Summary, ctx: RunContext): string {
  const seeds = [...new Set(cells.map((c) => c.seed))].sort((a, b) => a - b);
  const per = [...new Set(s.strategies.map((st) => cells.filter((c) => c.strategy === st).length))].sort((a, b) => a - b);
  // how many seeds each strategy has, when that differs (a grid still running, or a cell that failed)
  const uneven = per.length > 1 || per[0] !== seeds.length ? ` (${per.join("–")} per strategy)` : "";
  return `${ctx.task.toUpperCase()} ${ctx.metric}, zero-shot from ${s.source}; model ${ctx.model}; ${seeds.length === 1 ? "seed" : "seeds"} ${seeds.join(", ")}${uneven}`;
}

/** AlignFreeze's figure: Δ vs the baseline per target language, bars grouped by strategy, ± 1 std whiskers. */
export function deltaSpec(cells: CellResult[], s: Summary, ctx: RunContext): TopLevelSpec {
  const rows = deltaRows(cells, s);
  const strategies = s.strategies.filter((x) => x !== "baseline");
  const spread = rows.some((r) => r.n > 1)
    ? "bars: mean over seeds of Δ paired by seed; whiskers: ± 1 sample std over seeds"
    : "bars: Δ of the one seed (no whiskers: the spread needs 2 or more seeds)";
  const x = { field: "language", type: "nominal", title: "target language", sort: s.languages, axis: { labelAngle: 0, grid: false } } as const;
  const xOffset = { field: "strategy", type: "nominal", sort: strategies } as const;
  const y = { field: "delta", type: "quantitative", title: `Δ ${ctx.metric} vs baseline (points)` } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Zero-shot change against the baseline per target language, by strategy", subtitle: [describeRun(cells, s, ctx), spread] },
    config: CONFIG,
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: { step: 26 }, // per bar: Vega-Lite's step counts the xOffset bands
    height: 300,
    layer: [
      {
        name: "bars",
        mark: { type: "bar", width: { band: 0.9 } },
        encoding: {
          x, xOffset, y,
          color: { field: "strategy", type: "nominal", sort: strategies, title: "strategy", legend: { orient: "right" } },
          tooltip: [{ field: "language" }, { field: "strategy" }, { field: "delta", format: "+.2f", title: "Δ (points)" }, { field: "std", format: ".2f" }, { field: "n", title: "seeds" }],
        },
      },
      ...whiskersAndZero(x, xOffset, y.title, 6),
    ],
  } as TopLevelSpec;
}

export interface AlignmentPoint {
  strategy: string;
  seed: number;
  language: string;
  /** strong-alignment accuracy after fine-tuning, % */
  alignment: number;
  /** (target − source) / source, % */
  transfer: number;
}

/** The points Summary.correlation is computed on: every cell with alignment, every target language. */
export function alignmentPoints(cells: CellResult[], source: string): AlignmentPoint[] {
  return alignedTargets(cells, source).map((p) => ({
    strategy: p.cell.strategy, seed: p.cell.seed, language: p.language, alignment: 100 * p.after, transfer: (100 * (p.score - p.src)) / p.src,
  }));
}

/** Gaschi et al.'s figure: alignment after fine-tuning vs relative transfer, per-language labels, fitted line, ρ and n. */
export function alignmentSpec(cells: CellResult[], s: Summary, ctx: RunContext): TopLevelSpec {
  const pts = alignmentPoints(cells, s.source);
  const rho = s.correlation ? `Spearman ρ = ${s.correlation.rho.toFixed(3)} (n = ${s.correlation.n} strategy × seed × language points)` : "Spearman ρ: needs 3 or more points";
  // a line through two points says nothing: the fit, as ρ, from 3 points
  const fit = pts.length >= 3;
  const x = { field: "alignment", type: "quantitative", title: "strong alignment after fine-tuning (%)", scale: { zero: false, nice: true } } as const;
  const y = { field: "transfer", type: "quantitative", title: `relative transfer (${ctx.metric}): (target − ${s.source}) / ${s.source} (%)`, scale: { zero: false, nice: true } } as const;
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: "Alignment vs cross-lingual transfer", subtitle: [describeRun(cells, s, ctx), `${rho}${fit ? "; dashed: least-squares line" : ""}`] },
    config: CONFIG,
    data: { values: pts as unknown as Record<string, unknown>[] },
    width: 420,
    height: 320,
    layer: [
      ...fittedLine(x, y, fit),
      {
        name: "points",
        mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
        encoding: {
          x, y,
          color: { field: "strategy", type: "nominal", sort: s.strategies, title: "strategy" },
          shape: { field: "strategy", type: "nominal", sort: s.strategies, scale: { range: SHAPES } },
          tooltip: [{ field: "strategy" }, { field: "seed" }, { field: "language" }, { field: "alignment", format: ".1f" }, { field: "transfer", format: "+.1f" }],
        },
      },
      // one label per language, above its highest point (each language has a point per strategy and
      // seed); a white halo first keeps it readable over the points and the fitted line
      ...["labelHalo", "labels"].map((name) => ({
        name,
        transform: [{ aggregate: [{ op: "mean", field: "alignment", as: "alignment" }, { op: "max", field: "transfer", as: "transfer" }], groupby: ["language"] }],
        mark: { type: "text", dy: -12, fontSize: 12, fontWeight: "bold", color: "#333", ...(name === "labelHalo" ? { stroke: "white", strokeWidth: 4, strokeJoin: "round" } : {}) },
        encoding: { x, y, text: { field: "language" } },
      })),
    ],
  } as TopLevelSpec;
}
