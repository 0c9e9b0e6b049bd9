// Float64 references for the embedding gather and its backward.

/** out[i, :] = table[ids[i], :]; ids outside [0, V) give zero rows */
export function embeddingForwardRef(table: ArrayLike<number>, V: number, H: number, ids: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ids.length * H);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= V) continue;
    for (let h = 0; h < H; h++) out[i * H + h] = table[id * H + h];
  }
  return out;
}

/** grad (V×H, float64, += in place) += scatter-add of dOut rows by id */
export function embeddingBackwardRef(dOut: ArrayLike<number>, ids: ArrayLike<number>, H: number, grad: Float64Array): Float64Array {
  for (let i = 0; i < ids.length; i++) {
    for (let h = 0; h < H; h++) grad[ids[i] * H + h] += dOut[i * H + h];
  }
  return grad;
}
