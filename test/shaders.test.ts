import { describe, it } from "vitest";
import { cases } from "./cases/shaders.ts";
describe("shader preprocessor", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
