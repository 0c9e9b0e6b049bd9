// vitest's worker answers its RPC within 60 s or the whole run stops ("Timeout calling onTaskUpdate").
// A synchronous child process blocks the worker's event loop for as long as it runs, and on a busy
// machine a CLI run that takes seconds takes minutes, so tests run programs through test/lib/cli.ts
// (xlt, runProgram), which do not block.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./lib/cli.ts";

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "fixtures" ? [] : tsFiles(join(dir, e.name))) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

describe("the test suite on a busy machine", () => {
  it("no test runs a child process synchronously", () => {
    const blocking = /\b(spawnSync|execSync|execFileSync)\s*\(/;
    const offenders = tsFiles(join(ROOT, "test")).filter((f) => blocking.test(readFileSync(f, "utf8"))).map((f) => f.slice(ROOT.length + 1));
    expect(offenders).toEqual([]);
  });
});
