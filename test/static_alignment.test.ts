import { describe, it } from "vitest";
import { cases } from "./cases/static_alignment.ts";
describe("ALIGN-MLM static-embedding alignment", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
