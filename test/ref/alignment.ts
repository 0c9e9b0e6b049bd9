// Naive float64 reference of the alignment retrieval accuracy, written like the reference Python
// (evaluate_alignment_with_cosim): per query, cosine against the explicit search space
// [other language ; same language], own entry set to 0, first maximum wins.
export function refAccuracy(src: ArrayLike<number>, tgt: ArrayLike<number>, P: number, H: number): number[] {
  const row = (m: ArrayLike<number>, i: number) => Array.from({ length: H }, (_, k) => m[i * H + k]);
  const cos = (a: number[], b: number[]) => {
    let d = 0, na = 0, nb = 0;
    for (let k = 0; k < H; k++) {
      d += a[k] * b[k];
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    return d / (Math.sqrt(na) * Math.sqrt(nb));
  };
  const one = (x: ArrayLike<number>, y: ArrayLike<number>, strong: boolean) => {
    let hits = 0;
    for (let i = 0; i < P; i++) {
      const q = row(x, i);
      const space = Array.from({ length: P }, (_, j) => row(y, j));
      if (strong) for (let j = 0; j < P; j++) space.push(row(x, j));
      const sims = space.map((v) => cos(q, v));
      if (strong) sims[P + i] = 0;
      let arg = 0;
      for (let j = 1; j < sims.length; j++) if (sims[j] > sims[arg]) arg = j;
      if (arg === i) hits++;
    }
    return hits / P;
  };
  return [one(src, tgt, false), one(tgt, src, false), one(src, tgt, true), one(tgt, src, true)];
}
