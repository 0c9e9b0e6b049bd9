import { describe, it } from "vitest";
import { cases } from "./cases/aligners.ts";
describe("built-in word aligners (fast_align model, grow-diag-final-and, SimAlign link extraction)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
