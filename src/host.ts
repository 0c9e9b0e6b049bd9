// What the host runtime offers beyond WebGPU: Node's built-in modules (files, paths, the environment, the
// process) on Node and Deno, nothing in a browser. The modules that touch a file reach node:fs and its peers
// through here, when a call first needs them (process.getBuiltinModule: Node ≥ 20.16 and Deno), instead of
// importing them: the same module graph then loads in a browser (the library's browser build, web/), where
// only a call that needs a file fails, with one message naming what to pass instead.
import type * as NodeFs from "node:fs";
import type * as NodePath from "node:path";
import type * as NodeOs from "node:os";
import type * as NodeCrypto from "node:crypto";
import type * as NodeUrl from "node:url";

export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostError";
  }
}

const proc = (): any => (globalThis as any).process;

/** Whether Node's built-in modules are there (Node, Deno), i.e. not a browser. */
export function hasNodeBuiltins(): boolean {
  return typeof proc()?.getBuiltinModule === "function";
}

function builtin<T extends object>(name: string): T {
  const get = proc()?.getBuiltinModule;
  if (typeof get !== "function") {
    throw new HostError(`${name} is not available here (a browser): read files with the page's file picker or fetch, and pass their bytes to xlt`);
  }
  return get(name) as T;
}

/** A module object whose properties are looked up in the built-in module `name` on first access. */
function lazy<T extends object>(name: string): T {
  let mod: T | null = null;
  return new Proxy({} as T, { get: (_, key) => (mod ??= builtin<T>(name))[key as keyof T] });
}

export const fs: typeof NodeFs = lazy("node:fs");
export const nodePath: typeof NodePath = lazy("node:path");
export const os: typeof NodeOs = lazy("node:os");
export const crypto: typeof NodeCrypto = lazy("node:crypto");
export const url: typeof NodeUrl = lazy("node:url");

/** An environment variable (undefined in a browser). */
export function env(name: string): string | undefined {
  return proc()?.env?.[name];
}

/** This process's id (0 in a browser): tells apart the temporary files of processes writing side by side. */
export function pid(): number {
  return proc()?.pid ?? 0;
}
