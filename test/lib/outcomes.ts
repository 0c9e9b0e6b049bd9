// Checks of what a failed CLI run leaves behind, shared by the vitest files that test bad input and outputs
// (vitest only: it asserts with vitest's expect).
import { readdirSync } from "node:fs";
import { expect } from "vitest";

/** Everything under `dir` whose name marks a temp or old copy. */
export const leftovers = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(tmp|old)-/.test(f));

/** Exit 1 with one line of stderr matching `re`, and not the "bug in xlt" message. */
export function oneLineError(r: { code: number | null; stderr: string }, re: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.split("\n").length, r.stderr).toBe(1);
  expect(r.stderr).toMatch(re);
  expect(r.stderr).not.toMatch(/bug in xlt/);
}
