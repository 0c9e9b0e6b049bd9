import { describe, it } from "vitest";
import { cases } from "./cases/profile_step.ts";
describe("profiling training steps", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
