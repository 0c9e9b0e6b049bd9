// Runs the shared kernel/model test cases (test/cases/*.ts) under Deno, which has no vitest:
// prints one line per case and a closing "N passed, N failed" line; exits non-zero on failure.
// Usage: ./node_modules/deno/deno run -A test/deno_runner.ts [name filter]
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { shutdownGpu } from "../src/gpu/device.ts";

// as vitest.config.ts: no matmul tuning in the suite (the tuner's own cases turn it on in a temp dir)
(globalThis as any).Deno.env.set("XLT_TUNE", "off");
const dir = join(dirname(fileURLToPath(import.meta.url)), "cases");
const filter = (globalThis as any).Deno?.args?.[0] ?? "";
let passed = 0;
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
  const mod = await import(join(dir, file));
  for (const [name, fn] of Object.entries(mod.cases ?? {}) as [string, () => Promise<void>][]) {
    const full = `${file.replace(/\.ts$/, "")} > ${name}`;
    if (filter && !full.includes(filter)) continue;
    const t0 = performance.now();
    try {
      await fn();
      passed++;
      console.log(`ok   ${full} (${(performance.now() - t0).toFixed(0)} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${full}: ${(e as Error).message}`);
    }
  }
}
console.log(`deno: ${passed} passed, ${failed} failed`);
await shutdownGpu();
(globalThis as any).Deno.exit(failed ? 1 : 0);
