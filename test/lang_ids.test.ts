import { describe, it } from "vitest";
import { cases } from "./cases/lang_ids.ts";
describe("language ids in fine-tuning and evaluation; POS seqeval F1", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
