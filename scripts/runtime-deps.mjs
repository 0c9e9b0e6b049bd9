// Prints, one per line, the folders (relative to the repository root) of every package the runtime needs:
// package.json's "dependencies" and theirs, resolved as Node does (a nested node_modules first, then each
// enclosing one). scripts/bundle.sh copies these into the bundle; "webgpu" (Node's Dawn addon) is left out,
// since the bundle runs on Deno, which has WebGPU built in.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NODE_ONLY = new Set(["webgpu"]);
const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));

function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, "node_modules", name);
    if (existsSync(join(p, "package.json"))) return p;
    if (dir === ROOT || dirname(dir) === dir) throw new Error(`runtime-deps: ${name} (needed by ${relative(ROOT, from) || "xlt"}) is not installed; run npm ci`);
  }
}

const seen = new Set();
const visit = (dir, deps) => {
  for (const name of Object.keys(deps ?? {})) {
    if (NODE_ONLY.has(name)) continue;
    const p = locate(name, dir);
    if (seen.has(p)) continue;
    seen.add(p);
    const pkg = readJson(join(p, "package.json"));
    visit(p, pkg.dependencies);
  }
};
visit(ROOT, readJson(join(ROOT, "package.json")).dependencies);
for (const p of [...seen].sort()) console.log(relative(ROOT, p));
