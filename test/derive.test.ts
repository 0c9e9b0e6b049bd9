import { describe, it } from "vitest";
import { cases } from "./cases/derive.ts";
describe("synthetic languages (xlt derive): Inv, Trans, the doubled model", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
