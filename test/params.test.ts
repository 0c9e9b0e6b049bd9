import { describe, it } from "vitest";
import { cases } from "./cases/params.ts";
describe("typed kernel parameters", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
