import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // one process: Dawn must be created once per process, and lavapipe uses every core anyway
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    // the matmul tuner (src/kernels/matmul_tune.ts) stays out of the suite: it would write to the user's
    // cache and time kernels in every fresh process; test/matmul_tune.test.ts turns it on in a temp dir
    env: { XLT_TUNE: "off" },
  },
});
