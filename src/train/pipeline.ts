// The training loops' shared pieces of the one-step-deep pipeline (src/gpu/in_flight.ts): the error a
// non-finite loss stops them with.
import { XltError } from "../errors.ts";
import { existsSync } from "node:fs";

/** The one-line error of a training loop whose loss became non-finite at `step` (nothing is saved after it). */
export function nonFiniteLossError(loss: number, step: number, ckptDir: string): XltError {
  return new XltError(
    `the loss became ${loss} at step ${step}; stopped without saving this state` +
      (existsSync(ckptDir) ? `, the last good checkpoint is in ${ckptDir} (use --resume with a lower --lr)` : " (try a lower --lr)"),
  );
}
