import { describe, it } from "vitest";
import { cases } from "./cases/finetune.ts";
describe("classification heads, finetune and evaluate", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
