import { describe, it } from "vitest";
import { cases } from "./cases/model.ts";
describe("encoders vs PyTorch", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
