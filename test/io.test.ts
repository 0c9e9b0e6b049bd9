import { describe, it } from "vitest";
import { cases } from "./cases/io.ts";
describe("checkpoint, tokenizer and word I/O", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
