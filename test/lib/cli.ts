// Runs the `xlt` CLI as a user would: Node on the compiled dist/ (bin/xlt.js), Deno on the .ts sources.
import { spawn } from "node:child_process";
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

/**
 * Runs xlt without blocking vitest's worker. A synchronous spawn blocks the worker's event loop, and when
 * it lasts over vitest's 60 s RPC timeout (a few-second run on a busy machine, or with a cold shader
 * cache) the worker's pending RPC ("onTaskUpdate") times out and vitest stops the whole run.
 */
export function xlt(runtime: Runtime, args: string[]): Promise<CliResult> {
  return runProgram(...cliCommand(runtime, args));
}

/** The same for any program (see xlt); `env` replaces the environment. */
export function runProgram(cmd: string, argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr: cleanStderr(stderr) }));
  });
}

/** Older name of xlt, kept for callers that still use it. */
export const xltAsync = xlt;
