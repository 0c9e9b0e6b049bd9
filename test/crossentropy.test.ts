import { describe, it } from "vitest";
import { cases } from "./cases/crossentropy.ts";
describe("crossentropy kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
