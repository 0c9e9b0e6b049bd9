import { describe, it } from "vitest";
import { cases } from "./cases/study_report.ts";
describe("xlt run --study align-mlm: the report from hand-made cells (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
