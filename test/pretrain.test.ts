import { describe, it } from "vitest";
import { cases } from "./cases/pretrain.ts";
describe("pre-training objectives (MLM head, tied decoder, ALIGN-MLM)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
