// The training loops' per-step read (the loss with the optimizer's health flag beside it, one read per step)
// and the one-line error that stops them, for the one-step-deep pipeline of src/gpu/in_flight.ts.
import { XltError } from "../errors.ts";
import { existsSync } from "node:fs";
import { recordCopy } from "../gpu/recorder.ts";
import { Tensor } from "../gpu/tensor.ts";
import { Frame } from "../gpu/workspace.ts";
import { healthProblems } from "../kernels/optim.ts";

/** What one read per training step brings back: its loss and the optimizer's health flag (HEALTH_* bits). */
export interface StepStatus {
  loss: number;
  health: number;
  /** each loss as read, unweighted, in the order given */
  values?: number[];
  /** the values of the `extra` tensor read along, when one was given */
  extra?: Float32Array;
}

// One status buffer per run (its health flag), reused every step: read() copies it out when it is called,
// before the next step's copies into it are recorded.
const statusFrames = new WeakMap<Tensor, Frame>();

/**
 * Submits everything recorded so far and reads a step's loss and the optimizer's `health` flag in ONE read:
 * the losses (micro-batch losses with their weights; the loss is their weighted sum), the flag and the
 * `extra` tensor's values (an objective's other outputs) are copied side by side into a small buffer on the
 * GPU. The loss tensors belong to the training state.
 */
export function readStepStatus(losses: { t: Tensor; w: number }[], health: Tensor, extra?: Tensor): Promise<StepStatus> {
  const g = health.gpu;
  const n = losses.length;
  const e = extra?.size ?? 0;
  let frame = statusFrames.get(health);
  if (!frame) statusFrames.set(health, (frame = new Frame("step.status", g)));
  const status = frame.run(() => Tensor.empty(g, [n + 1 + e], "f32", "step.status"));
  losses.forEach(({ t }, i) => recordCopy(g, t.buffer, 0, status.buffer, 4 * i, 4));
  recordCopy(g, health.buffer, 0, status.buffer, 4 * n, 4);
  if (extra) recordCopy(g, extra.buffer, 0, status.buffer, 4 * (n + 1), 4 * e);
  return status.read().then((v) => ({
    loss: losses.reduce((a, { w }, i) => a + v[i] * w, 0),
    health: new Uint32Array(v.buffer, v.byteOffset, n + 1)[n],
    values: Array.from(v.subarray(0, n)),
    ...(extra ? { extra: v.slice(n + 1) } : {}),
  }));
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
