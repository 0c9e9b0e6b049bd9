// One step in flight: training loops (realign, finetune) and evaluation batches record and submit step n
// with a readback of its result, and only then wait for step n−1's. The host records step n while the GPU
// still runs step n−1 instead of the GPU idling while the host records. The GPU runs the same work in the
// same order, so results are identical; what changes is that a step's result (a non-finite loss) is seen
// one step late, after the next step was submitted. Callers drain before anything that must see the state
// right after a step (a checkpoint, a dev evaluation, the end).
// Each step's result is read once: its loss with the optimizer's health flag beside it (readStepStatus).
import { XltError } from "../errors.ts";
import { existsSync } from "node:fs";
import { recordCopy } from "../gpu/recorder.ts";
import { Tensor } from "../gpu/tensor.ts";
import { healthProblems } from "../kernels/optim.ts";

export class OneInFlight<T> {
  private current: T | null = null;

  /**
   * settle: waits for an item's result and uses it (may throw, e.g. on a non-finite loss);
   * pending: the item's result promise, whose rejection is ignored once the item is abandoned.
   */
  constructor(private readonly settle: (item: T) => Promise<void>, private readonly pending: (item: T) => Promise<unknown>) {}

  /** Tracks `item` (its work already submitted) and settles the one before it. */
  async push(item: T): Promise<void> {
    const previous = this.current;
    this.current = item;
    if (previous) await this.settle(previous);
  }

  /** Settles the item in flight, if any. */
  async drain(): Promise<void> {
    const f = this.current;
    this.current = null;
    if (f) await this.settle(f);
  }

  /** After a failure: forgets the item in flight (its outcome no longer matters). */
  abandon(): void {
    if (this.current) this.pending(this.current).catch(() => undefined);
    this.current = null;
  }
}

/** What one read per training step brings back: its loss and the optimizer's health flag (HEALTH_* bits). */
export interface StepStatus {
  loss: number;
  health: number;
}

/**
 * Submits everything recorded so far and reads a step's loss and the optimizer's `health` flag in ONE read:
 * the losses (micro-batch losses with their weights; the loss is their weighted sum) and the flag are copied
 * side by side into a small buffer on the GPU. Releases the loss tensors.
 */
export function readStepStatus(losses: { t: Tensor; w: number }[], health: Tensor): Promise<StepStatus> {
  const g = health.gpu;
  const n = losses.length;
  const status = Tensor.empty(g, [n + 1], "f32", "step.status");
  losses.forEach(({ t }, i) => recordCopy(g, t.buffer, 0, status.buffer, 4 * i, 4));
  recordCopy(g, health.buffer, 0, status.buffer, 4 * n, 4);
  for (const { t } of losses) t.release(); // safe: a reused buffer's next users are recorded after the copies
  return status.read().then(
    (v) => {
      status.release();
      return { loss: losses.reduce((a, { w }, i) => a + v[i] * w, 0), health: new Uint32Array(v.buffer, v.byteOffset, n + 1)[n] };
    },
    (e) => {
      status.release();
      throw e;
    },
  );
}

/**
 * Throws the one-line error of a training loop whose loss, a gradient, an updated weight or the gradient
 * norm became non-finite at `step` (nothing is saved after it).
 */
export function checkStepStatus(s: StepStatus, step: number, ckptDir: string): void {
  let what: string | null = null;
  if (!Number.isFinite(s.loss)) what = `the loss became ${s.loss}`;
  else if (s.health) {
    const where = healthProblems(s.health);
    what = `non-finite values appeared in ${where.length > 1 ? `${where.slice(0, -1).join(", ")} and ${where[where.length - 1]}` : where[0] ?? "the optimizer"}`;
  }
  if (what === null) return;
  throw new XltError(
    `${what} at step ${step}; stopped without saving this state` +
      (existsSync(ckptDir) ? `, the last good checkpoint is in ${ckptDir} (use --resume with a lower --lr)` : " (try a lower --lr)"),
  );
}
