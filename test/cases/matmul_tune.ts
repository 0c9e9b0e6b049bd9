// The matmul tuner (src/kernels/matmul_tune.ts): per shape class it times the buffer kernels and the image
// tiles, keeps the fastest in the cache file, reuses it without measuring again, measures again when asked,
// ignores a corrupt file (and rewrites it), and a product of a class follows the stored choice. Runs with
// XLT_CACHE_DIR in a temp dir and XLT_TUNE on (the suite turns it off elsewhere).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { getGpu, Tensor } from "../../src/index.ts";
import { linear, linearShapes, tuneMatmuls } from "../../src/kernels/matmul.ts";
import { adapterKey, candidates, choiceLabel, classKey, resetTuneCache, tunedChoice, tuneFile, tuneTable } from "../../src/kernels/matmul_tune.ts";
import { setProfiler, sync } from "../../src/gpu/recorder.ts";
import { type Cases, randn } from "../lib/check.ts";

export const cases: Cases = {};

/** Runs fn with tuning on and the cache in a fresh temp dir, then restores the environment. */
async function inTempCache(fn: (dir: string) => Promise<void>): Promise<void> {
  const saved = { dir: process.env.XLT_CACHE_DIR, tune: process.env.XLT_TUNE };
  const dir = mkdtempSync(join(tmpdir(), "xlt-tune-"));
  process.env.XLT_CACHE_DIR = dir;
  delete process.env.XLT_TUNE;
  resetTuneCache();
  try {
    await fn(dir);
  } finally {
    for (const [k, v] of [["XLT_CACHE_DIR", saved.dir], ["XLT_TUNE", saved.tune]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetTuneCache();
  }
}

cases["tuner: measures each class once, keeps the fastest in the cache file, measures again on request"] = () => inTempCache(async (dir) => {
  const g = await getGpu();
  const shapes = linearShapes([[64, 32], [32, 64]], 96);
  const first = await tuneMatmuls(g, shapes, { reps: 1 });
  // nt, nn and tn of two weight shapes: six classes
  if (first.length !== 6) throw new Error(`measured ${first.length} classes: ${first.join(", ")}`);
  const file = tuneFile()!;
  if (file !== join(dir, "matmul-tuning.json") || !existsSync(file)) throw new Error(`no cache file at ${file}`);
  const saved = JSON.parse(readFileSync(file, "utf8"));
  const entries = saved.adapters[adapterKey(g)];
  for (const key of first) {
    const e = entries[key];
    const labels = candidates(key.split(" ")[0] as "nt", g.caps.subgroupRows > 0).map(choiceLabel);
    if (!e || !labels.includes(choiceLabel(e.choice))) throw new Error(`class ${key}: choice ${JSON.stringify(e?.choice)} not among ${labels}`);
    if (Object.keys(e.ms).sort().join() !== [...labels].sort().join()) throw new Error(`class ${key}: timed ${Object.keys(e.ms)}, expected ${labels}`);
    const best = Math.min(...Object.values(e.ms as Record<string, number>));
    if (e.ms[choiceLabel(e.choice)] !== best) throw new Error(`class ${key}: kept ${choiceLabel(e.choice)} (${e.ms[choiceLabel(e.choice)]} ms), fastest was ${best} ms`);
  }
  if ((await tuneMatmuls(g, shapes, { reps: 1 })).length !== 0) throw new Error("measured again without being asked");
  resetTuneCache(); // a new process reads the file
  if (tuneTable(g).length !== 6) throw new Error(`the file holds ${tuneTable(g).length} classes`);
  if ((await tuneMatmuls(g, shapes, { reps: 1 })).length !== 0) throw new Error("measured again after reading the file");
  if ((await tuneMatmuls(g, shapes.slice(0, 1), { reps: 1, retune: true })).length !== 1) throw new Error("--retune did not measure again");
});

cases["tuner: a corrupt cache file is ignored with a warning and rewritten"] = () => inTempCache(async () => {
  const g = await getGpu();
  writeFileSync(tuneFile()!, "{ not json");
  if (tunedChoice(g, "nt", 64, 32) !== undefined) throw new Error("a corrupt file gave a choice");
  await tuneMatmuls(g, linearShapes([[64, 32]], 64).slice(0, 1), { reps: 1 });
  const saved = JSON.parse(readFileSync(tuneFile()!, "utf8"));
  if (!saved.adapters[adapterKey(g)][classKey("nt", 64, 32)]) throw new Error("not rewritten");
});

cases["tuner: a product follows the stored choice of its class (buffer or an image tile)"] = () => inTempCache(async () => {
  const g = await getGpu();
  const key = classKey("nt", 128, 64);
  const details: string[] = [];
  const x = Tensor.from(g, randn(20 * 64, 1), [20, 64]), w = Tensor.from(g, randn(128 * 64, 2), [128, 64]);
  setProfiler(g, { begin: (info) => (details.push(info.detail ?? ""), undefined), beforeSubmit: () => {} });
  try {
    for (const choice of ["buffer", { RM: 4, RN: 2, sg: false }] as const) {
      writeFileSync(tuneFile()!, JSON.stringify({ version: 1, adapters: { [adapterKey(g)]: { [key]: { choice, shape: [20, 128, 64], ms: {}, at: "" } } } }));
      resetTuneCache();
      details.length = 0;
      linear(x, w).release();
      await sync(g);
      const want = choice === "buffer" ? "" : "(image 4×2)";
      if (want ? !details[0].includes(want) : details[0].includes("(image")) throw new Error(`choice ${choiceLabel(choice)}: ran ${details[0]}`);
    }
  } finally {
    setProfiler(g, null);
    x.release();
    w.release();
  }
});
