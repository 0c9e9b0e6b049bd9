// Assertions on a drawn chart, shared by the chart cases (test/cases/figures.ts, loss_curve.ts): each
// throws with what it found, so a failing case says what the reader would miss.
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../../src/plot/render.ts";
import { axes, type El, legends, marks, parseSvg, titles } from "./svg.ts";

/** The spec drawn by xlt's renderer, parsed. */
export async function draw(spec: TopLevelSpec): Promise<El> {
  return parseSvg(await renderSvg(spec));
}

export function axis(root: El, which: "X" | "Y", index = 0) {
  const a = axes(root).filter((x) => x.label.startsWith(`${which}-axis`))[index];
  if (!a) throw new Error(`no ${which} axis (axes: ${axes(root).map((x) => x.label).join(" | ")})`);
  return a;
}

/** A linear axis with at least `min` ticks, one numeric label per tick, and a title. */
export function numericAxis(root: El, which: "X" | "Y", title: RegExp, min = 4, index = 0) {
  const a = axis(root, which, index);
  if (a.ticks.length < min) throw new Error(`${which} axis: ${a.ticks.length} ticks, expected ≥ ${min}`);
  if (a.labels.length !== a.ticks.length) throw new Error(`${which} axis: ${a.labels.length} labels for ${a.ticks.length} ticks`);
  if (a.labels.some((t) => !Number.isFinite(Number(t.replace(/\u2212/g, "-"))))) throw new Error(`${which} axis labels not numbers: ${a.labels}`);
  if (!title.test(a.title)) throw new Error(`${which} axis title '${a.title}' does not match ${title}`);
  return a;
}

/** Vertical error bars: the rule of each whisker, its length in data units (the axis's scale). */
export function whiskerLengths(root: El, layer: string, ppu: number, vertical = true): number[] {
  const rules = marks(root, layer).filter((e) => e.name === "line" && e.attrs["aria-roledescription"] === "errorbar");
  return rules.map((l) => Math.abs(Number(l.attrs[vertical ? "y2" : "x2"])) / ppu).sort((a, b) => a - b);
}

export function sameLengths(got: number[], want: number[], what: string): void {
  want = [...want].sort((a, b) => a - b);
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} error bars, expected ${want.length}`);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > 0.03 * want[i] + 0.02) throw new Error(`${what}: error bar ${i} spans ${g.toFixed(3)}, expected ${want[i].toFixed(3)} (2 × std)`);
  });
}

export function legendIs(root: El, title: string, labels: string[]): void {
  const found = legends(root).find((l) => l.title === title);
  if (!found) throw new Error(`no legend titled '${title}' (legends: ${JSON.stringify(legends(root))})`);
  if (found.labels.join("|") !== labels.join("|")) throw new Error(`legend '${title}': ${found.labels}, expected ${labels}`);
}

export function titleHas(root: El, ...parts: string[]): void {
  const t = titles(root).join("\n");
  for (const p of parts) if (!t.includes(p)) throw new Error(`title lacks '${p}':\n${t}`);
}

