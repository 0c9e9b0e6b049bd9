import { describe, it } from "vitest";
import { cases } from "./cases/vulkan.ts";
describe("Vulkan driver discovery (xlt doctor)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn, 60_000);
});
