// The install a fresh clone does (`npm ci`, which CI runs) refuses a lockfile that lacks any package
// a locked package may ask for — including the other platforms' optional binaries (deno, rollup,
// esbuild), which `npm install` on one machine can leave out. Checked offline, from the files alone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./lib/cli.ts";

interface LockedPackage {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), "utf8"));

/** Node's lookup as the lockfile records it: `dir/node_modules/name`, then each enclosing folder's. */
function resolves(packages: Record<string, LockedPackage>, from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (packages[`${dir ? dir + "/" : ""}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf("/node_modules/");
    dir = cut < 0 ? "" : dir.slice(0, cut);
  }
}

describe("package-lock.json", () => {
  const lock = readJson("package-lock.json");
  const packages: Record<string, LockedPackage> = lock.packages;

  it("records package.json's dependencies as they are", () => {
    const pkg = readJson("package.json");
    expect(packages[""].dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(packages[""].devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
  });

  it("holds every package a locked package may need, on every platform", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
      const wanted = {
        ...entry.dependencies, ...entry.optionalDependencies,
        ...(path === "" ? entry.devDependencies : {}),
        ...Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([n]) => !optionalPeers.has(n))),
      };
      for (const name of Object.keys(wanted)) if (!resolves(packages, path, name)) missing.push(`${name} (for ${path || "the project"})`);
    }
    expect(missing).toEqual([]);
  });

  it("is what CI installs from, and the install scripts the tests need may run", () => {
    expect(readFileSync(join(ROOT, ".ci/run"), "utf8")).toMatch(/^npm ci\b/m);
    // npm blocks dependencies' install scripts unless package.json allows them; deno's puts the
    // binary at node_modules/deno/deno, which `npm test` runs
    expect(readJson("package.json").allowScripts?.deno).toBe(true);
  });
});
