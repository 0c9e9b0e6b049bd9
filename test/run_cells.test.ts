import { describe, it } from "vitest";
import { cases } from "./cases/run_cells.ts";
describe("xlt run's cells: duplicates and recorded settings (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
