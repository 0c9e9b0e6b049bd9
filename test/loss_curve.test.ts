import { describe, it } from "vitest";
import { cases } from "./cases/loss_curve.ts";
describe("the loss curve of a --log file, read back from its SVG (no GPU)", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);
});
