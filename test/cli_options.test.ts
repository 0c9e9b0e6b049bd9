import { describe, it } from "vitest";
import { cases } from "./cases/cli_options.ts";
describe("xlt option table (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
