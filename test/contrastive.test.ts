import { describe, it } from "vitest";
import { cases } from "./cases/contrastive.ts";
describe("contrastive loss kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
