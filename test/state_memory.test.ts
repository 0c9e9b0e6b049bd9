import { describe, it } from "vitest";
import { cases } from "./cases/state_memory.ts";
describe("training state memory vs the estimate", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
