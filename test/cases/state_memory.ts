// The training state is allocated once per shape (src/gpu/workspace.ts) and src/memory.ts describes it:
// realigning a small model for a few steps, the most GPU memory held at once (memoryStats' peak over the
// run: weights, gradients, Adam state, the training state) is within 10% of estimateRealign's figure for
// the largest batch the run met, the figure `xlt info` prints for that shape.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realign } from "../../src/train/objectives/realign.ts";
import type { PairExample } from "../../src/data/side_batch.ts";
import { FIXTURES } from "../lib/fixtures.ts";
import type { Cases } from "../lib/check.ts";

// sentences of 20-40 words (the tiny model's 64 positions), the same on both sides so both pad alike
function examples(): PairExample[] {
  const lines = readFileSync(join(FIXTURES, "parallel-tiny.txt"), "utf8").split("\n").filter(Boolean).map((l) => l.split("|||")[0].trim());
  return Array.from({ length: 16 }, (_, i) => {
    const words = [lines[i % 12], lines[(i + 5) % 12], lines[(i + 7) % 12], ...(i % 3 ? [] : [lines[(i + 2) % 12]])].join(" ").split(/\s+/);
    return { src: words, tgt: words, links: words.map((_, j) => [j, j] as [number, number]) };
  });
}

export const cases: Cases = {};
// none and lower back-propagate through every block; 0-1,embeddings runs blocks 0-1 in the frames of
// blocks that keep nothing
for (const freeze of ["none", "lower", "0-1,embeddings"]) {
  cases[`realign --freeze ${freeze}: peak GPU memory within 10% of the estimate`] = async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-mem-"));
    try {
      const r = await realign({
        model: join(FIXTURES, "tiny-bert"), examples: examples(), out: join(dir, "out"), freeze, projection: 16, tau: 0.1, steps: 4,
        batchSize: 8, seed: 3, checkpointEvery: 0, resume: false, quiet: true,
      });
      const m = r.memory;
      const ratio = m.peakBytes / m.estimateBytes;
      if (!(m.seq >= 30)) throw new Error(`the batches are too short to weigh activations: ${m.seq} tokens`);
      if (!(Math.abs(ratio - 1) <= 0.1)) {
        throw new Error(`peak ${m.peakBytes} bytes vs estimate ${m.estimateBytes} (ratio ${ratio.toFixed(3)}) for batch ${m.batch} × ${m.seq}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
