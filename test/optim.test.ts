import { describe, it } from "vitest";
import { cases } from "./cases/optim.ts";
describe("optimizer kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
