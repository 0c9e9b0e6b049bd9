// Layers that charts of grouped bars share (xlt run's delta, the study's scores).
import type { TopLevelSpec } from "vega-lite";

/** One layer of a layered Vega-Lite spec. */
type Layer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/**
 * The layers drawn over grouped bars of means over seeds: a ± 1 std whisker (fields lo and hi) on each bar
 * that averages 2 or more seeds (field n), and the zero line. `x` and `xOffset` are the bars' encodings.
 */
export function whiskersAndZero(x: object, xOffset: object, yTitle: string, tickWidth: number): Layer[] {
  return [
    {
      name: "errorbars",
      transform: [{ filter: "datum.n > 1" }],
      mark: { type: "errorbar", ticks: { width: tickWidth }, color: "#222" },
      encoding: { x, xOffset, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" } },
    },
    { name: "zero", mark: { type: "rule", color: "#222" }, encoding: { y: { datum: 0 } } },
  ] as Layer[];
}

/**
 * The dashed least-squares line of `y` on `x` as a layer list: empty unless `fit` (a line through two points
 * says nothing; the charts fit, as they give Spearman's ρ, from 3 points). `mark`: extra mark properties.
 */
export function fittedLine(x: { field: string }, y: { field: string }, fit: boolean, mark: Record<string, unknown> = {}): Layer[] {
  if (!fit) return [];
  return [{
    name: "fit",
    transform: [{ regression: y.field, on: x.field }],
    mark: { type: "line", color: "#555", strokeDash: [6, 4], strokeWidth: 1.5, ...mark },
    encoding: { x, y },
  }] as Layer[];
}
