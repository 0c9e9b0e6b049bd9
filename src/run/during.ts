// The `xlt run` strategies that realign during fine-tuning (Gaschi et al. 2023's joint "during"; with the
// lower or upper half kept out of the realignment loss, AlignFreeze's "during_partial_freeze"): no
// realignment phase, the cell's fine-tuning adds 0.1 × one realignment batch's loss to every step.
import type { PairExample } from "../data/side_batch.ts";
import { realignStream } from "../data/pairs.ts";
import { REALIGN_WEIGHT, type RealignDuringOptions } from "../train/objectives/joint.ts";

/** Strategy name → the groups the realignment loss does not update. */
export const DURING_STRATEGIES: Record<string, string> = { during: "none", "during-lower": "lower", "during-upper": "upper" };

/** The published joint setup: 16 pairs per step, projection head 128, τ 0.1, weight 0.1, loss at hidden_states[N-1]. */
export function duringOptions(data: Record<string, PairExample[]>, seed: number, freeze: string): RealignDuringOptions {
  return { examples: realignStream(Object.values(data), seed), freeze, projection: 128, tau: 0.1, batchSize: 16, weight: REALIGN_WEIGHT };
}

/** What a during cell's result depends on besides the fine-tuning settings (see cellSettings). */
export function duringSettings(): Record<string, string> {
  return { "realignment during fine-tuning": `weight ${REALIGN_WEIGHT}, 16 pairs per step, projection 128, tau 0.1` };
}
