import { describe, it } from "vitest";
import { cases } from "./cases/pairs.ts";
describe("realignment word pairs and batches", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
