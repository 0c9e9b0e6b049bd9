// Resuming a training run from OUT/checkpoint. The checkpoint records the settings that shape training
// (saveTrainingState's `settings`), and a resume with different ones is refused, naming the option: a run
// continued with another seed, lr or batch size would be recorded as if they had been used from the start.
// On resume the --log file is cut back to the checkpoint's step, so the lines of the steps that ran after
// the checkpoint (and are run again now) do not appear twice.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { XltError } from "../errors.ts";
import { recoverDir, writeFileAtomic } from "../io/atomic.ts";
import { readHeader } from "../io/safetensors.ts";

/** Settings that must match on resume, keyed by the option the user changes ("--lr", or "the training data"). */
export type RunSettings = Record<string, string | number | boolean | null>;

export const STATE_FILE = "state.safetensors";
/** the safetensors metadata key saveTrainingState stores the settings under */
export const SETTINGS_KEY = "settings";

/**
 * Checks that `ckptDir` holds a checkpoint this run may continue: it exists, it was trained with the same
 * settings, and `steps` (when given) is not below its step. Returns the checkpoint's step. `why` explains a
 * setting in the refusal (why it must match, or where a value the user did not give came from).
 */
export function checkResume(ckptDir: string, settings: RunSettings, steps?: number, why: Record<string, string> = {}): number {
  const path = join(ckptDir, STATE_FILE);
  if (!hasTrainingState(ckptDir)) throw new XltError(`--resume: no checkpoint to resume in ${ckptDir} (run without --resume to start from step 1)`);
  const meta = readHeader(path).metadata;
  const step = Number(meta.step);
  const saved: RunSettings | null = meta[SETTINGS_KEY] ? JSON.parse(meta[SETTINGS_KEY]) : null;
  // a checkpoint written before settings were recorded cannot be checked; its tensors still are at load
  if (saved) {
    for (const k of new Set([...Object.keys(saved), ...Object.keys(settings)])) {
      const was = saved[k] ?? null;
      const now = settings[k] ?? null;
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      const show = (v: unknown) => (v === null ? "unset" : String(v));
      const because = why[k] ? ` (${why[k]})` : "";
      throw new XltError(
        `--resume: ${k} is ${show(now)} but the checkpoint in ${ckptDir} was trained with ${show(was)}${because}; resume with the same settings or start a new --out`,
      );
    }
  }
  if (steps !== undefined && steps < step) throw new XltError(`--resume: --steps ${steps} is below the checkpoint's step ${step} (${ckptDir})`);
  return step;
}

/**
 * Whether `ckptDir` holds a training state. A kill during a directory swap (of OUT or of OUT/checkpoint)
 * leaves the state under a temporary name: the swap is finished first (recoverDir), so resume finds it.
 */
export function hasTrainingState(ckptDir: string): boolean {
  recoverDir(dirname(ckptDir));
  recoverDir(ckptDir);
  return existsSync(join(ckptDir, STATE_FILE));
}

/** A short fingerprint of the training data, so a resume on other data is refused (cheap: one hash pass). */
export function dataFingerprint(items: Iterable<unknown>): string {
  const h = createHash("sha256");
  for (const it of items) h.update(JSON.stringify(it) + "\n");
  return h.digest("hex").slice(0, 16);
}

/**
 * Keeps only the --log lines `keep` accepts (those of steps up to the checkpoint), rewriting the file
 * atomically; a line cut short by a kill is dropped. Nothing happens when the file does not exist.
 */
export function truncateLog(path: string, keep: (rec: Record<string, unknown>) => boolean): void {
  if (!existsSync(path)) return;
  const lines = readFileSync(path, "utf8").split("\n").filter((l) => {
    if (!l.trim()) return false;
    try {
      return keep(JSON.parse(l));
    } catch {
      return false;
    }
  });
  writeFileAtomic(path, lines.map((l) => l + "\n").join(""));
}
