// Float64 references for layernorm, softmax cross-entropy (ignore index −100) and dropout.

/** LayerNorm over rows of length C (biased variance, as PyTorch). */
export function layernormRef(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, C: number, eps: number) {
  const R = x.length / C;
  const y = new Float64Array(x.length), mean = new Float64Array(R), rstd = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    let m = 0;
    for (let c = 0; c < C; c++) m += x[r * C + c];
    m /= C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (x[r * C + c] - m) ** 2;
    v /= C;
    const rs = 1 / Math.sqrt(v + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let c = 0; c < C; c++) y[r * C + c] = (x[r * C + c] - m) * rs * gamma[c] + beta[c];
  }
  return { y, mean, rstd };
}

export function layernormBackwardRef(dy: ArrayLike<number>, x: ArrayLike<number>, gamma: ArrayLike<number>, C: number, eps: number) {
  const R = x.length / C;
  const { mean, rstd } = layernormRef(x, gamma, new Float64Array(C), C, eps);
  const dx = new Float64Array(x.length), dgamma = new Float64Array(C), dbeta = new Float64Array(C);
  for (let r = 0; r < R; r++) {
    let a = 0, b = 0;
    for (let c = 0; c < C; c++) {
      const xh = (x[r * C + c] - mean[r]) * rstd[r];
      const g = dy[r * C + c] * gamma[c];
      a += g;
      b += g * xh;
      dgamma[c] += dy[r * C + c] * xh;
      dbeta[c] += dy[r * C + c];
    }
    a /= C;
    b /= C;
    for (let c = 0; c < C; c++) {
      const xh = (x[r * C + c] - mean[r]) * rstd[r];
      dx[r * C + c] = rstd[r] * (dy[r * C + c] * gamma[c] - a - xh * b);
    }
  }
  return { dx, dgamma, dbeta };
}

/** F.cross_entropy(logits, labels, ignore_index=-100) and its gradient (times dloss). */
export function crossEntropyRef(logits: ArrayLike<number>, labels: ArrayLike<number>, V: number, dloss = 1) {
  const R = labels.length;
  const lse = new Float64Array(R), dlogits = new Float64Array(R * V);
  let sum = 0, count = 0;
  const ok = (l: number) => l >= 0 && l < V;
  for (let r = 0; r < R; r++) {
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, logits[r * V + v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(logits[r * V + v] - m);
    lse[r] = m + Math.log(s);
    if (ok(labels[r])) {
      sum += lse[r] - logits[r * V + labels[r]];
      count++;
    }
  }
  const loss = count ? sum / count : 0;
  for (let r = 0; r < R; r++) {
    if (!ok(labels[r]) || !count) continue;
    for (let v = 0; v < V; v++) {
      const p = Math.exp(logits[r * V + v] - lse[r]);
      dlogits[r * V + v] = (dloss / count) * (p - (v === labels[r] ? 1 : 0));
    }
  }
  return { loss, lse, count, dlogits };
}

/** torch.argmax over rows: first maximum on ties. */
export function argmaxRef(logits: ArrayLike<number>, V: number): Int32Array {
  const R = logits.length / V;
  const out = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[r * V + v] > logits[r * V + best]) best = v;
    out[r] = best;
  }
  return out;
}

/** y = x·mask·scale with scale = f32(1/(1−p)), computed exactly as the f32 GPU product. */
export function dropoutRef(x: ArrayLike<number>, mask: Uint8Array, p: number): Float64Array {
  const scale = p >= 1 ? 0 : Math.fround(1 / (1 - p));
  return Float64Array.from(x, (v, i) => (p === 0 ? v : mask[i] ? Math.fround(Math.fround(v) * scale) : 0));
}
