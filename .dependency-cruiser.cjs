// The import rules `npm test` checks (npm run check:deps) before vitest. The folders form one order,
//   gpu → kernels → models → io/data/tasks/builtin (and align, synthetic, pretrain, vocab, plot) → train/eval → run → cli/bench
// and a folder may import only from folders before it (or its own): the kernels never see a model, a
// model never sees a training loop. src/profile depends on src/gpu only (a dispatch's label lives in the
// recorder, src/gpu/recorder.ts, and the profiler reads it from there), so every layer above may time its
// work. src/errors.ts and src/rng.ts import nothing of ours and are open to all; src/memory.ts estimates
// GPU memory from a checkpoint's config and sits with io, as does src/plot (chart specs as data, and
// their rendering to SVG and PNG: it needs nothing of the GPU). Type-only imports count too: a model that
// needs io's types depends on io as much as one that calls it.
const LEVELS = [
  { name: "gpu", path: "^src/gpu/" },
  { name: "kernels", path: "^src/kernels/" },
  { name: "models", path: "^models/" },
  { name: "io/data/tasks", path: "^src/(io|data|tasks|builtin|align|synthetic|pretrain|vocab|plot)/|^src/memory\\.ts$" },
  { name: "train/eval", path: "^src/(train|eval)/" },
  { name: "run", path: "^src/run/" },
  { name: "cli", path: "^(cli|bench)/|^src/index\\.ts$" },
];

const upward = LEVELS.slice(0, -1).map((level, i) => ({
  name: `${level.name}-imports-upward`,
  comment: `${level.name} may import only from the levels before it: ${LEVELS.slice(0, i).map((l) => l.name).join(", ") || "none"}`,
  severity: "error",
  from: { path: level.path },
  to: { path: LEVELS.slice(i + 1).map((l) => `(${l.path})`).join("|") },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "an import cycle: the modules cannot be loaded, read or changed one at a time",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...upward,
    {
      name: "profile-imports-only-gpu",
      comment: "the profiler times whatever runs on the GPU; it knows the recorder, not what is recorded",
      severity: "error",
      from: { path: "^src/profile/" },
      to: { path: "^(src/(?!(profile|gpu)/|errors\\.ts$)|models/|cli/|bench/)" },
    },
    {
      name: "eval-imports-train",
      comment: "training evaluates on its dev set (train → eval), so evaluation must not need a training loop",
      severity: "error",
      from: { path: "^src/eval/" },
      to: { path: "^src/train/" },
    },
    {
      name: "only-profile-above-gpu-imports-profile",
      comment: "the recorder and the kernels do not call up into the profiler",
      severity: "error",
      from: { path: "^src/(gpu|kernels)/" },
      to: { path: "^src/profile/" },
    },
    {
      name: "chart-specs-browser-safe",
      comment: "the chart specs are pure data, drawn by xlt and, unchanged, by a browser page: no Node modules (the rendering, src/plot/render.ts, reads files)",
      severity: "error",
      from: { path: "^src/(run/(figures|study_figures|report|study_report)|plot/(theme|loss)|tasks/metrics|eval/metrics)\\.ts$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "an import that resolves to no file",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // "exports" as Node reads it: vega-lite names its entry point there only (no "main")
    enhancedResolveOptions: { extensions: [".ts", ".js"], exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
