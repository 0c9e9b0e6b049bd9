import { describe, it } from "vitest";
import { cases } from "./cases/embed_align.ts";
describe("embeddings word aligner (GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 120_000);
});
