// The look every xlt chart shares, as Vega-Lite config: a colour-blind-safe palette (Okabe & Ito 2008,
// without its yellow, which vanishes on white), gridlines on both axes, and titles large enough for a
// slide. Each spec carries this config, so a .vl.json file renders the same anywhere and a user restyles
// one chart by editing its "config".
import type { Config } from "vega-lite";

/** Okabe–Ito: blue, orange, bluish green, vermillion, reddish purple, sky blue, black. */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"];

/** Point shapes to tell a second nominal field apart without relying on colour. */
export const SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"];

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

export const CONFIG: Config = {
  background: "white",
  padding: 12,
  font: "sans-serif",
  range: { category: PALETTE },
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: "#444", anchor: "start", offset: 12 },
  // labelFlush off: the last tick label sits under its tick rather than being pushed into its neighbour
  axis: { labelFlush: false, labelFontSize: 12, titleFontSize: 13, grid: true, gridColor: "#e4e4e4", tickColor: "#888", domainColor: "#888", titleFontWeight: "normal" },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: "normal" },
  header: { labelFontSize: 13, titleFontSize: 13, titleFontWeight: "normal" },
  view: { stroke: "#bbb" },
};

/** A chart title: what it shows, then what was run (lines of the subtitle). */
export function chartTitle(text: string, subtitle: string[]): { text: string; subtitle: string[] } {
  return { text, subtitle };
}

/** Points with one decimal, and a real minus sign for negative values (as the tables print them). */
export const signed1 = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(1)}`;
