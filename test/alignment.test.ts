import { describe, it } from "vitest";
import { cases } from "./cases/alignment.ts";
describe("alignment metric", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
