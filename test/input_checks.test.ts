import { describe, it } from "vitest";
import { cases } from "./cases/input_checks.ts";
describe("inputs checked when read: config values, tokenizer ids, safetensors headers, QA answers, vocab size, binary text", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
