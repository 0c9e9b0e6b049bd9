// A chart as the two files xlt writes beside the results: NAME.vl.json, the Vega-Lite spec with its data
// (restyle it and draw it again with `xlt plot --spec NAME.vl.json`, or open it in the Vega editor), and
// NAME.svg, drawn from it. Returns the files' contents by name; the caller writes them.
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "./render.ts";

export const specJson = (spec: TopLevelSpec) => JSON.stringify(spec, null, 2) + "\n";

export async function chartFiles(charts: Record<string, TopLevelSpec>): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const [name, spec] of Object.entries(charts)) {
    files[`${name}.vl.json`] = specJson(spec);
    files[`${name}.svg`] = await renderSvg(spec);
  }
  return files;
}
