import { describe, it } from "vitest";
import { cases } from "./cases/masking.ts";
describe("MLM masking (15%, 80/10/10, counter-based RNG)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
