import { describe, it } from "vitest";
import { cases } from "./cases/profile.ts";
describe("kernel profiler", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
