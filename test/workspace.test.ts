import { describe, it } from "vitest";
import { cases } from "./cases/workspace.ts";
describe("training-state frames", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
