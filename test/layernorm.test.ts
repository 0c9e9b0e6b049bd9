import { describe, it } from "vitest";
import { cases } from "./cases/layernorm.ts";
describe("layernorm kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
