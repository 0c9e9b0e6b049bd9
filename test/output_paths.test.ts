import { describe, it } from "vitest";
import { cases } from "./cases/output_paths.ts";
describe("outputs never reach an input, through links or names (issue 19)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
