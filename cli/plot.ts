// `xlt plot`: the loss curve of a --log file, or any chart spec xlt wrote (.vl.json, e.g. after restyling
// it), drawn to SVG or PNG. No GPU. A log's chart is written with its spec beside it (FILE.vl.json).
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { XltError } from "../src/errors.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { checkOutputs } from "../src/io/outputs.ts";
import { specJson } from "../src/plot/files.ts";
import { findFonts } from "../src/plot/fonts.ts";
import { lossCurveSpec, parseTrainingLog } from "../src/plot/loss.ts";
import { renderSvg, svgToPng } from "../src/plot/render.ts";
import type { Command } from "./options.ts";

/** `path` with its extension (.vl.json counts as one) replaced by `ext`. */
const withExt = (path: string, ext: string) => join(dirname(path), basename(path).replace(/(\.vl)?\.[^.]*$/, "") + ext);

function readInput(path: string, flag: string): string {
  if (!existsSync(path)) throw new XltError(`--${flag} ${path}: file not found`);
  if (statSync(path).isDirectory()) throw new XltError(`--${flag} ${path} is a directory; give a file`);
  return readFileSync(path, "utf8");
}

function parseSpec(text: string, path: string): TopLevelSpec {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new XltError(`--spec ${path}: not JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) throw new XltError(`--spec ${path}: not a Vega-Lite spec (a JSON object)`);
  return spec as TopLevelSpec;
}

export const plotCommand: Command = {
  summary: "draw the loss curve of a --log file, or a chart spec (.vl.json) xlt wrote, to SVG or PNG (no GPU)",
  description: [
    "--log FILE: a log of xlt realign, finetune or pretrain (--log): the loss of every step and its moving average,",
    "the parts of a summed loss, the dev score per epoch and ALIGN-MLM's dictionary cosine when the log has them.",
    "The chart's Vega-Lite spec is written beside it (OUT with .vl.json), to restyle and draw again with --spec.",
    "--spec FILE.vl.json: draw a spec, e.g. one of xlt run's charts (OUT/delta.vl.json) after editing its config.",
    "PNG: drawn from the SVG with resvg (WebAssembly), with a TrueType sans-serif font found on the system or --font.",
  ].join("\n"),
  options: {
    log: { type: "string", meta: "FILE", help: "a --log file of xlt realign, finetune or pretrain" },
    spec: { type: "string", meta: "FILE.vl.json", help: "a Vega-Lite spec to draw" },
    out: { type: "string", meta: "FILE.svg|FILE.png", help: "the chart (default: the input with .svg)" },
    scale: { type: "number", min: 0.25, max: 8, default: 2, help: "PNG pixels per SVG pixel" },
    font: { type: "string", meta: "FILE.ttf", help: "PNG: the font to draw text with (default: DejaVu Sans, Liberation Sans, Arial or Noto Sans from the system)" },
    overwrite: { type: "boolean", help: "replace existing output files" },
  },
  async run(v) {
    if (!v.log === !v.spec) throw new XltError("give one of --log FILE (a training log) or --spec FILE.vl.json (a chart spec)");
    const input: string = v.log ?? v.spec;
    const out: string = v.out ?? withExt(input, ".svg");
    const format = /\.png$/i.test(out) ? "png" : /\.svg$/i.test(out) ? "svg" : null;
    if (!format) throw new XltError(`--out ${out}: give a file name ending in .svg or .png`);
    const text = readInput(input, v.log ? "log" : "spec");
    const spec = v.log ? lossCurveSpec(parseTrainingLog(text, basename(input)), basename(input)) : parseSpec(text, input);
    // a log's spec goes beside the chart; the same spec there already (the SVG drawn before the PNG) is kept
    let specOut = v.log ? withExt(out, ".vl.json") : undefined;
    if (specOut && existsSync(specOut) && !statSync(specOut).isDirectory() && readFileSync(specOut, "utf8") === specJson(spec)) specOut = undefined;
    checkOutputs({ files: { out, ...(specOut ? { "out (its spec)": specOut } : {}) }, inputs: { [v.log ? "log" : "spec"]: input }, overwrite: v.overwrite });
    // the font before any drawing, so a machine without one fails at once
    const fonts = format === "png" ? findFonts(v.font) : undefined;
    const svg = await renderSvg(spec);
    writeFileAtomic(out, fonts ? await svgToPng(svg, fonts, v.scale) : svg);
    if (specOut) writeFileAtomic(specOut, specJson(spec));
    console.log(`wrote ${[out, specOut].filter(Boolean).join(" and ")}`);
    return 0;
  },
};
