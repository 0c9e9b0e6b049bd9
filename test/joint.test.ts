import { describe, it } from "vitest";
import { cases } from "./cases/joint.ts";
describe("realignment during fine-tuning (joint loss)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
