import { describe, it } from "vitest";
import { cases } from "./cases/tasks.ts";
describe("task data, metrics and predictions", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
