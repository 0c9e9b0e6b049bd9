import { describe, it } from "vitest";
import { cases } from "./cases/run_config.ts";
describe("one run config per command (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
