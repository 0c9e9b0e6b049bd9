import { describe, it } from "vitest";
import { cases } from "./cases/matmul.ts";
describe("matmul kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
