import { describe, it } from "vitest";
import { cases } from "./cases/figures.ts";
describe("xlt run and study charts from hand-made results, read back from their SVG (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
