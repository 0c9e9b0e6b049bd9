import { describe, it } from "vitest";
import { cases } from "./cases/attention.ts";
describe("attention kernels", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
