// Float64 references for the optimizer kernels (torch.optim.Adam / AdamW single-tensor semantics).

export interface AdamRefOpts {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
  step: number;
  gradScale?: number;
}

/** One Adam/AdamW step on float64 arrays, in place. */
export function adamRef(p: Float64Array, grad: ArrayLike<number>, m: Float64Array, v: Float64Array, o: AdamRefOpts): void {
  const bc1 = 1 - o.beta1 ** o.step;
  const bc2 = 1 - o.beta2 ** o.step;
  const s = o.gradScale ?? 1;
  for (let i = 0; i < p.length; i++) {
    let g = grad[i] * s;
    if (o.decoupled) p[i] *= 1 - o.lr * o.weightDecay;
    else g += o.weightDecay * p[i];
    m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
    v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
    p[i] -= (o.lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + o.eps));
  }
}

export function sumOfSquaresRef(xs: ArrayLike<number>[]): number {
  let s = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** torch.nn.utils.clip_grad_norm_'s clamped coefficient */
export function clipCoefRef(normSq: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (Math.sqrt(normSq) + 1e-6));
}
