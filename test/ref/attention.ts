// Float64 reference of multi-head self-attention with a Hugging Face key padding mask (finfo(f32).min added
// to padded keys), forward and backward. Layouts as in src/kernels/attention.ts.

export const F32_MIN = -3.4028234663852886e38;

export interface AttnDims {
  B: number;
  T: number;
  H: number;
  D: number;
}

const idx = (dm: AttnDims, b: number, t: number, h: number, d: number) => (b * dm.T + t) * dm.H * dm.D + h * dm.D + d;

/** keep[i] of the probs element i (1 kept, 0 dropped) and the 1/(1-p) scale: attention-probability dropout */
export interface DropRef {
  keep: ArrayLike<number>;
  scale: number;
}

export function attentionForwardRef(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, mask: ArrayLike<number>, dm: AttnDims, drop?: DropRef) {
  const { B, T, H, D } = dm;
  const scale = 1 / Math.sqrt(D);
  const probs = new Float64Array(B * H * T * T);
  const out = new Float64Array(B * T * H * D);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        let mx = -Infinity;
        for (let j = 0; j < T; j++) {
          let acc = 0;
          for (let d = 0; d < D; d++) acc += q[idx(dm, b, i, h, d)] * k[idx(dm, b, j, h, d)];
          // in float64, acc + F32_MIN keeps the tiny differences f32 rounds away; a fully padded row is
          // uniform in f32 (all entries round to F32_MIN), so mirror that rounding explicitly
          s[j] = mask[b * T + j] ? acc * scale : F32_MIN;
          mx = Math.max(mx, s[j]);
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += (s[j] = Math.exp(s[j] - mx));
        const base = ((b * H + h) * T + i) * T;
        for (let j = 0; j < T; j++) probs[base + j] = s[j] / sum;
        for (let d = 0; d < D; d++) {
          let acc = 0;
          for (let j = 0; j < T; j++) acc += probs[base + j] * (drop ? drop.keep[base + j] * drop.scale : 1) * v[idx(dm, b, j, h, d)];
          out[idx(dm, b, i, h, d)] = acc;
        }
      }
    }
  }
  return { out, probs };
}

export function attentionBackwardRef(
  dout: ArrayLike<number>,
  q: ArrayLike<number>,
  k: ArrayLike<number>,
  v: ArrayLike<number>,
  probs: ArrayLike<number>,
  dm: AttnDims,
  drop?: DropRef,
) {
  const { B, T, H, D } = dm;
  const scale = 1 / Math.sqrt(D);
  const n = B * T * H * D;
  const dq = new Float64Array(n), dk = new Float64Array(n), dv = new Float64Array(n);
  const ds = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const base = ((b * H + h) * T + i) * T;
        let dot = 0;
        for (let j = 0; j < T; j++) {
          let dp = 0;
          for (let d = 0; d < D; d++) dp += dout[idx(dm, b, i, h, d)] * v[idx(dm, b, j, h, d)];
          ds[j] = drop ? dp * drop.keep[base + j] * drop.scale : dp;
          dot += ds[j] * probs[base + j];
        }
        for (let j = 0; j < T; j++) {
          const p = probs[base + j];
          const g = p * (ds[j] - dot);
          for (let d = 0; d < D; d++) {
            const pd = drop ? p * drop.keep[base + j] * drop.scale : p;
            dv[idx(dm, b, j, h, d)] += pd * dout[idx(dm, b, i, h, d)];
            dq[idx(dm, b, i, h, d)] += g * k[idx(dm, b, j, h, d)] * scale;
            dk[idx(dm, b, j, h, d)] += g * q[idx(dm, b, i, h, d)] * scale;
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}
