import { describe, it } from "vitest";
import { cases } from "./cases/ud_upos.ts";
describe("official word-level UPOS", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
