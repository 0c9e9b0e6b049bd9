import { describe, it } from "vitest";
import { cases } from "./cases/matmul_tune.ts";
describe("matmul tuner", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
