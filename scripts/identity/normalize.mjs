// Prints "sha256  path" for every file under the given directories, in path order. JSON and JSON-lines
// files are hashed after removing what changes from run to run on the same seeds (wall-clock timings, the
// run's own paths), so two runs on fixed seeds hash alike exactly when what they computed is identical.
// Usage: node normalize.mjs ROOT [SCRUB] (paths are printed relative to ROOT; SCRUB, the run's temporary
// directory, is replaced by <tmp> inside JSON strings).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = process.argv[2];
const scrubbed = process.argv[3] ?? root;
const TIMING = new Set(["elapsed", "seconds", "pairs_per_second"]);

function scrub(v) {
  if (Array.isArray(v)) return v.map(scrub);
  if (v && typeof v === "object") {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (!TIMING.has(k)) out[k] = scrub(x);
    return out;
  }
  // absolute paths differ between runs in different temporary directories
  return typeof v === "string" ? v.split(scrubbed).join("<tmp>") : v;
}

function walk(dir) {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

for (const p of walk(root)) {
  if (p.endsWith(".csv")) continue; // results.csv carries each cell's seconds; results.json has the same numbers
  let bytes = readFileSync(p);
  if (p.endsWith(".json")) bytes = Buffer.from(JSON.stringify(scrub(JSON.parse(bytes.toString("utf8")))));
  else if (p.endsWith(".jsonl")) {
    bytes = Buffer.from(bytes.toString("utf8").split("\n").filter(Boolean).map((l) => JSON.stringify(scrub(JSON.parse(l)))).join("\n"));
  }
  console.log(`${createHash("sha256").update(bytes).digest("hex")}  ${relative(root, p)}`);
}
