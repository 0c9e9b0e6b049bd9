import { describe, it } from "vitest";
import { cases } from "./cases/f16_weights.ts";
describe("f16 frozen weights", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
