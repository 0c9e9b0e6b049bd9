import { describe, it } from "vitest";
import { cases } from "./cases/vocab.ts";
describe("tokenizer training (xlt vocab): BPE and WordPiece trainers, tokenizer.json read alike by xlt and HF", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
