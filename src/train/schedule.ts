// The learning-rate schedule of fine-tuning and pre-training: linear warm-up, then linear decay to 0.

/** LR factor of optimizer step k (1-based): HF get_linear_schedule_with_warmup as LambdaLR applies it. */
export function linearScheduleFactor(k: number, total: number, warmup = Math.floor(0.1 * total)): number {
  const s = k - 1;
  if (s < warmup) return s / Math.max(1, warmup);
  return Math.max(0, (total - s) / Math.max(1, total - warmup));
}
