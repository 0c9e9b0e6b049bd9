import { describe, it } from "vitest";
import { cases } from "./cases/qa.ts";
describe("question answering: span head, windows, answers, SQuAD scores", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
