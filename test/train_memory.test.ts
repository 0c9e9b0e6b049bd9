import { describe, it } from "vitest";
import { cases } from "./cases/train_memory.ts";
describe("fine-tuning and pre-training memory vs the estimate", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
