// Draws a Vega-Lite spec: vega-lite compiles it to Vega, Vega's headless View renders SVG (no browser, no
// canvas: text widths are estimated, so Node and Deno write the same bytes). PNG goes through resvg's
// WebAssembly build, the same on both runtimes; it needs a TrueType font (src/plot/fonts.ts finds one).
// This is the one place the chart specs meet a renderer; the specs themselves are plain data.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { compile, type TopLevelSpec } from "vega-lite";
import * as vega from "vega";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { XltError } from "../errors.ts";
import type { FontFiles } from "./fonts.ts";
import { textWidth } from "./text_width.ts";

// Vega lays text out with this width function when there is no canvas (its fallback is 0.8 em a character).
// vega-scenegraph exports textMetrics (vega re-exports it), but vega's type declarations leave it out
(vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics.width = (item, text) => {
  const t = text ?? item.text;
  const weight = item.fontWeight;
  return textWidth(t === undefined || t === null ? "" : String(t), item.fontSize ?? 11, weight === "bold" || Number(weight) >= 600);
};

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

/** The chart as an SVG document (a string ending in a newline). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  let vg;
  try {
    vg = compile(spec).spec;
  } catch (e) {
    throw new XltError(`the chart spec does not compile: ${(e as Error).message}`);
  }
  let view;
  try {
    view = new vega.View(vega.parse(vg), { renderer: "none", logLevel: 0 });
    return (await view.toSVG()) + "\n";
  } catch (e) {
    // a spec that compiles can still fail to draw (an expression naming a field that is not there)
    throw new XltError(`the chart spec cannot be drawn: ${(e as Error).message}`);
  } finally {
    view?.finalize();
  }
}

let wasmReady: Promise<void> | null = null;

function loadResvg(): Promise<void> {
  if (!wasmReady) {
    const wasm = readFileSync(createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm"));
    wasmReady = initWasm(wasm);
  }
  return wasmReady;
}

/** An SVG drawn to PNG at `scale` × its size (2: sharp on slides and high-density screens). */
export async function svgToPng(svg: string, fonts: FontFiles, scale = 2): Promise<Uint8Array> {
  await loadResvg();
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { fontBuffers: fonts.buffers, defaultFontFamily: fonts.family, sansSerifFamily: fonts.family, loadSystemFonts: false },
  });
  let img;
  try {
    img = r.render();
  } catch (e) {
    // a panic inside resvg leaves its objects unusable (free() would fail and hide this message)
    throw new XltError(`PNG: resvg could not draw the chart (${(e as Error).message}); write SVG instead`);
  }
  try {
    return img.asPng();
  } finally {
    img.free();
    r.free();
  }
}
