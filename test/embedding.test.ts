import { describe, it } from "vitest";
import { cases } from "./cases/embedding.ts";
describe("embedding kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
