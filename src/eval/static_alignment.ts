// Static-embedding alignment of ALIGN-MLM (align-mlm-spec.md §5.1, analysis/alignedmlm_paper_analysis/):
// with E the word embedding table (2V × H) of a two-language model, A = E[0:V] and B = E[V:2V] (each plus
// its language embedding when the model has them), rows L2-normalised; for each query id i,
// pred_i = argmax_j A[i]·B[j] over ALL V derived rows, and alignment = mean over the queries of
// [pred_i == i]. The queries are the authors' fixed set: np.random.seed(42), shuffle(arange(V)), the last
// ⌊0.4·V⌋ ids (rare, never-seen and dictionary ids included; there is no held-out split).

/** MT19937 as numpy's legacy RandomState seeds it from an integer (init_genrand). */
export class Mt19937 {
  private mt = new Uint32Array(624);
  private i = 624;
  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let k = 1; k < 624; k++) {
      const prev = this.mt[k - 1] ^ (this.mt[k - 1] >>> 30);
      // 1812433253 * prev + k, in 32 bits (split to stay exact in doubles)
      this.mt[k] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + k) >>> 0;
    }
  }
  nextU32(): number {
    const mt = this.mt;
    if (this.i >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.i = 0;
    }
    let y = mt[this.i++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
  /** numpy's random_sample(): 53-bit double from two draws */
  nextDouble(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
  /** numpy's legacy random_interval(max): uniform in [0, max] by masked rejection (max < 2^32) */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    while ((v = (this.nextU32() & mask) >>> 0) > max);
    return v;
  }
}

/** `np.random.seed(seed); idx = np.arange(n); np.random.shuffle(idx)` */
export function numpyShuffledRange(n: number, seed: number): Int32Array {
  const r = new Mt19937(seed);
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = r.interval(i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** The authors' query ids: the last ⌊0.4·V⌋ of the seed-42 shuffle of 0..V−1. */
export function staticAlignmentQueries(v: number, seed = 42, fraction = 0.4): Int32Array {
  const idx = numpyShuffledRange(v, seed);
  return idx.slice(v - Math.floor(fraction * v));
}

export interface StaticAlignment {
  /** share of queries whose nearest derived row is their own twin */
  accuracy: number;
  queries: number;
  vocab: number;
  /** nearest derived id of each query (in query order) */
  predictions: Int32Array;
}

export function normalisedRows(table: Float32Array, h: number, from: number, count: number, add: Float32Array | null): Float32Array {
  const out = new Float32Array(count * h);
  for (let r = 0; r < count; r++) {
    let s = 0;
    for (let k = 0; k < h; k++) {
      const x = table[(from + r) * h + k] + (add ? add[k] : 0);
      out[r * h + k] = x;
      s += x * x;
    }
    // sklearn/np normalisation: a zero row stays zero
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < h; k++) out[r * h + k] *= inv;
  }
  return out;
}

/**
 * Static alignment of a two-language table (2V × H, row-major). `lang` (optional) is the pair of language
 * embedding rows [original, derived] added to A and B, for models with language embeddings (XLM,
 * DICT-MLM). A blocked CPU loop, the reference of staticAlignmentGpu (which `xlt alignment --static`
 * uses): on the 2-core test machine 15 s on the CPU vs 8 s through lavapipe's matmul for V = 8k, H = 256.
 */
export function staticAlignment(table: Float32Array, rows: number, h: number, opts: { lang?: [Float32Array, Float32Array]; queries?: Int32Array } = {}): StaticAlignment {
  if (rows % 2 !== 0 || table.length !== rows * h) throw new RangeError(`the table must be 2V × H, got ${rows} rows × ${h} (${table.length} values)`);
  const v = rows / 2;
  const q = opts.queries ?? staticAlignmentQueries(v);
  const a = normalisedRows(table, h, 0, v, opts.lang?.[0] ?? null);
  const b = normalisedRows(table, h, v, v, opts.lang?.[1] ?? null);
  const preds = new Int32Array(q.length);
  // the queries' rows gathered contiguously, padded to a multiple of 4 by repeating the last one
  const nq = Math.ceil(q.length / 4) * 4;
  const aq = new Float32Array(nq * h);
  for (let t = 0; t < nq; t++) aq.set(a.subarray(q[Math.min(t, q.length - 1)] * h, (q[Math.min(t, q.length - 1)] + 1) * h), t * h);
  const best = new Float64Array(nq).fill(-Infinity);
  const arg = new Int32Array(nq);
  // 4 queries × 2 candidates per inner step: 6 loads for 8 products
  for (let qi = 0; qi < nq; qi += 4) {
    const o0 = qi * h;
    const o1 = o0 + h;
    const o2 = o1 + h;
    const o3 = o2 + h;
    for (let j = 0; j < v; j += 2) {
      const b0 = j * h;
      const b1 = j + 1 < v ? b0 + h : b0;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < h; k++) {
        const x = b[b0 + k];
        const y = b[b1 + k];
        const p0 = aq[o0 + k];
        const p1 = aq[o1 + k];
        const p2 = aq[o2 + k];
        const p3 = aq[o3 + k];
        s00 += p0 * x;
        s01 += p0 * y;
        s10 += p1 * x;
        s11 += p1 * y;
        s20 += p2 * x;
        s21 += p2 * y;
        s30 += p3 * x;
        s31 += p3 * y;
      }
      // first maximum wins, as np.argmax
      if (s00 > best[qi]) ((best[qi] = s00), (arg[qi] = j));
      if (s10 > best[qi + 1]) ((best[qi + 1] = s10), (arg[qi + 1] = j));
      if (s20 > best[qi + 2]) ((best[qi + 2] = s20), (arg[qi + 2] = j));
      if (s30 > best[qi + 3]) ((best[qi + 3] = s30), (arg[qi + 3] = j));
      if (j + 1 < v) {
        if (s01 > best[qi]) ((best[qi] = s01), (arg[qi] = j + 1));
        if (s11 > best[qi + 1]) ((best[qi + 1] = s11), (arg[qi + 1] = j + 1));
        if (s21 > best[qi + 2]) ((best[qi + 2] = s21), (arg[qi + 2] = j + 1));
        if (s31 > best[qi + 3]) ((best[qi + 3] = s31), (arg[qi + 3] = j + 1));
      }
    }
  }
  let hits = 0;
  for (let t = 0; t < q.length; t++) {
    preds[t] = arg[t];
    if (arg[t] === q[t]) hits++;
  }
  return { accuracy: q.length ? hits / q.length : 0, queries: q.length, vocab: v, predictions: preds };
}
