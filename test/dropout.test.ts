import { describe, it } from "vitest";
import { cases } from "./cases/dropout.ts";
describe("dropout kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
