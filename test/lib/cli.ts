// Runs the `xlt` CLI as a user would: Node on the compiled dist/ (bin/xlt.js), Deno on the .ts sources.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
export const DENO = join(ROOT, "node_modules/deno/deno");

export type Runtime = "node" | "deno";
export interface CliResult {
  code: number | null;
  stdout: string;
  /** stderr without Dawn's start-up warnings about dynamic-offset limits */
  stderr: string;
}

/** The program and arguments that run `xlt ARGS` on a runtime. */
export function cliCommand(runtime: Runtime, args: string[]): [string, string[]] {
  return runtime === "node" ? ["node", [join(ROOT, "bin/xlt.js"), ...args]] : [DENO, ["run", "-A", join(ROOT, "cli/xlt.ts"), ...args]];
}

/**
 * stderr without empty lines and without Dawn's two limit warnings: Node's child pipes are socket pairs, where
 * xlt cannot keep them off (src/gpu/adapter_log.ts; test/cli.test.ts checks a pipe and a terminal)
 */
const cleanStderr = (s: string) => s.split("\n").filter((l) => l && !/^Warning: maxDynamic\w+ artificially reduced/.test(l)).join("\n");

/** For short runs (seconds). */
export function xlt(runtime: Runtime, args: string[]): CliResult {
  const [cmd, argv] = cliCommand(runtime, args);
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout ?? "", stderr: cleanStderr(r.stderr ?? "") };
}

/** For long runs: a long spawnSync would block vitest's worker past its RPC timeout. */
export function xltAsync(runtime: Runtime, args: string[]): Promise<CliResult> {
  const [cmd, argv] = cliCommand(runtime, args);
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr: cleanStderr(stderr) }));
  });
}
