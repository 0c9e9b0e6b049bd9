import { describe, it } from "vitest";
import { cases } from "./cases/errors.ts";
describe("GPU error reporting", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
