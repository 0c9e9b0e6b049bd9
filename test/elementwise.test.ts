import { describe, it } from "vitest";
import { cases } from "./cases/elementwise.ts";
describe("elementwise kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
