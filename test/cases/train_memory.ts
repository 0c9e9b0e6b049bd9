// The memory estimates of fine-tuning and pre-training come from their training code (one step recorded on
// a counting device, src/train/estimate.ts), as realignment's do (test/cases/state_memory.ts): a few steps of
// `finetune` and `pretrain` on a tiny model, where every batch has the same shape, hold at most what the
// estimate for that shape says, within 10% (the process's peak GPU memory over the run).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryStats, resetPeakMemory } from "../../src/gpu/tensor.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { LABELS } from "../../src/tasks/labels.ts";
import { TASKS } from "../../src/tasks/table.ts";
import { estimateFinetune, finetune } from "../../src/train/objectives/finetune.ts";
import { estimatePretrain, pretrain } from "../../src/train/objectives/pretrain.ts";
import { presetConfig } from "../../src/pretrain/model.ts";
import { parseConfig } from "../../src/io/checkpoint.ts";
import { loadTokenizer } from "../../src/io/tokenize.ts";
import { FIXTURES } from "../lib/fixtures.ts";
import type { Cases } from "../lib/check.ts";

const MODEL = join(FIXTURES, "tiny-bert");
const WORDS = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far"];

/** The peak GPU memory of `run` above what was live before it. */
async function peakOf(run: () => Promise<unknown>): Promise<number> {
  const base = memoryStats().liveBytes;
  resetPeakMemory();
  await run();
  return memoryStats().peakBytes - base;
}

function within(what: string, peak: number, estimate: number): void {
  const ratio = peak / estimate;
  console.log(`  ${what}: peak ${peak} bytes, estimate ${estimate} (ratio ${ratio.toFixed(3)})`);
  if (!(Math.abs(ratio - 1) <= 0.1)) throw new Error(`${what}: peak ${peak} bytes vs estimate ${estimate} (ratio ${ratio.toFixed(3)})`);
}

export const cases: Cases = {
  "finetune pos: peak GPU memory within 10% of estimateFinetune for its batch shape": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-ft-mem-"));
    try {
      // 16 sentences of the same 20 words in other orders: every batch is 8 × T tokens
      const sent = (k: number) => Array.from({ length: 20 }, (_, w) => `${w + 1}\t${WORDS[(k + 3 * w) % WORDS.length]}\t_\t${LABELS.pos[(k + w) % LABELS.pos.length]}\t_\t_\t_\t_\t_\t_`).join("\n");
      const train = join(dir, "train.conllu");
      writeFileSync(train, Array.from({ length: 16 }, (_, k) => sent(k)).join("\n\n") + "\n\n");
      const peak = await peakOf(() => finetune({ task: "pos", train, model: MODEL, out: join(dir, "out"), epochs: 1, batchSize: 8, seed: 3, checkpointEvery: 0, resume: false, quiet: true }));
      const lengths = new Set(TASKS.pos.trainItems(train, loadTokenizer(MODEL), 128).map((it) => it.ids.length));
      if (lengths.size !== 1) throw new Error(`the sentences should all be as long: ${[...lengths]} tokens`);
      const [T] = lengths;
      const raw = JSON.parse(readFileSync(join(MODEL, "config.json"), "utf8"));
      within(`finetune pos 8 × ${T}`, peak, estimateFinetune(loadCheckpoint(MODEL).config, raw, "pos", 8, T).total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  "pretrain mlm: peak GPU memory within 10% of estimatePretrain for its batch shape": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-pt-mem-"));
    try {
      const corpus = join(dir, "en.txt");
      writeFileSync(corpus, Array.from({ length: 200 }, (_, k) => Array.from({ length: 12 }, (_, w) => WORDS[(k + w * 7) % WORDS.length]).join(" ")).join("\n") + "\n");
      const tok = loadTokenizer(MODEL);
      const config = presetConfig("tiny", "bert", tok.vocabSize, tok.padId, 64);
      const peak = await peakOf(() => pretrain({
        objective: "mlm", train: [corpus], derived: [], config, tokenizer: MODEL, out: join(dir, "out"), steps: 3, batchSize: 8, maxLength: 32,
        lr: 1e-3, warmup: 0, weightDecay: 0.01, maxGradNorm: 1, bilingualRate: 0.5, lambda: 10, tlmRate: 0.25, seed: 5, checkpointEvery: 0, resume: false, quiet: true,
      }));
      within("pretrain mlm 8 × 32", peak, estimatePretrain(parseConfig(config), "mlm", 8, 32).total);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
