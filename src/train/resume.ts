// Resuming a training run from OUT/checkpoint. The checkpoint records the settings that shape training
// (saveTrainingState's `settings`), and a resume with different ones is refused, naming the option: a run
// continued with another seed, lr or batch size would be recorded as if they had been used from the start.
// On resume the --log file is cut back to the checkpoint's step, so the lines of the steps that ran after
// the checkpoint (and are run again now) do not appear twice.
import { XltError } from "../errors.ts";
import { recoverDir, writeFileAtomic } from "../io/atomic.ts";
import { readHeader } from "../io/safetensors.ts";
import { crypto, fs, nodePath } from "../host.ts";

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
  const path = nodePath.join(ckptDir, STATE_FILE);
  if (!hasTrainingState(ckptDir)) throw new XltError(`--resume: no checkpoint to resume in ${ckptDir} (run without --resume to start from step 1)`);
  const meta = readHeader(path).metadata;
  const step = Number(meta.step);
  const saved: RunSettings | null = meta[SETTINGS_KEY] ? JSON.parse(meta[SETTINGS_KEY]) : null;
  // a checkpoint written before settings were recorded cannot be checked; its tensors still are at load
  if (saved) {
    for (const k of new Set([...Object.keys(saved), ...Object.keys(settings)])) {
      // a checkpoint written before a setting was recorded (the model's fingerprint, --steps) cannot be
      // checked on it; the settings it does record still are
      if (!(k in saved)) continue;
      const was = saved[k] ?? null;
      const now = settings[k] ?? null;
      if (JSON.stringify(was) === JSON.stringify(now)) continue;
      const show = (v: unknown) => (v === null ? "unset" : String(v));
      if (k === MODEL_KEY) {
        throw new XltError(`--resume: --model has other weights (${show(now)}) than the model the checkpoint in ${ckptDir} was trained from (${show(was)}); resume with that --model or start a new --out`);
      }
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
  recoverDir(nodePath.dirname(ckptDir));
  recoverDir(ckptDir);
  return fs.existsSync(nodePath.join(ckptDir, STATE_FILE));
}

/** The settings key of the input model's fingerprint (checkpoint.ts modelFingerprint). */
export const MODEL_KEY = "--model";

/**
 * A JSON side file of OUT/checkpoint (the losses so far), read when a resume starts, before any GPU work;
 * a damaged one is a one-line error naming it. `valid` checks its shape.
 */
export function readResumeJson<T>(ckptDir: string, name: string, valid: (v: any) => boolean): T {
  const path = nodePath.join(ckptDir, name);
  const fix = "restore it, or start again without --resume (or with a new --out)";
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch {
    throw new XltError(`--resume: ${path} is missing or unreadable; ${fix}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new XltError(`--resume: ${path} is not valid JSON (damaged checkpoint); ${fix}`);
  }
  if (!valid(v)) throw new XltError(`--resume: ${path} does not hold what xlt saved there (damaged checkpoint); ${fix}`);
  return v as T;
}

/** A checkpoint's side file of the training seconds up to its step, so a resumed run's clock goes on. */
export const CLOCK_FILE = "clock.json";

/**
 * The training seconds a checkpoint records (CLOCK_FILE); 0 for a checkpoint written before xlt recorded
 * them, or a damaged file: the clock is information, not state, so it never stops a resume.
 */
export function readCheckpointClock(ckptDir: string): number {
  try {
    const v = JSON.parse(fs.readFileSync(nodePath.join(ckptDir, CLOCK_FILE), "utf8"));
    return typeof v?.elapsed === "number" && Number.isFinite(v.elapsed) && v.elapsed >= 0 ? v.elapsed : 0;
  } catch {
    return 0;
  }
}

/** A list of finite numbers (the losses a checkpoint records). */
export const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");

/**
 * Appends one JSON line to a --log file, creating its directory first (a --log inside an --out that the run
 * creates only at its end). Lines are appended, so earlier ones survive if the run dies.
 */
export function appendLog(path: string, rec: Record<string, unknown>): void {
  fs.mkdirSync(nodePath.dirname(path), { recursive: true });
  fs.appendFileSync(path, JSON.stringify(rec) + "\n");
}

/** A short fingerprint of the training data, so a resume on other data is refused (cheap: one hash pass). */
export function dataFingerprint(items: Iterable<unknown>): string {
  const h = crypto.createHash("sha256");
  for (const it of items) h.update(JSON.stringify(it) + "\n");
  return h.digest("hex").slice(0, 16);
}

/**
 * Keeps only the --log lines `keep` accepts (those of steps up to the checkpoint), rewriting the file
 * atomically; a line cut short by a kill is dropped. Nothing happens when the file does not exist.
 */
export function truncateLog(path: string, keep: (rec: Record<string, unknown>) => boolean): void {
  if (!fs.existsSync(path)) return;
  const lines = fs.readFileSync(path, "utf8").split("\n").filter((l) => {
    if (!l.trim()) return false;
    try {
      return keep(JSON.parse(l));
    } catch {
      return false;
    }
  });
  writeFileAtomic(path, lines.map((l) => l + "\n").join(""));
}
