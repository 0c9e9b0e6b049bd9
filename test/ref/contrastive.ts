// Float64 reference of the strong contrastive realignment loss (spec §1.1), forward and backward, written
// straight from the reference code: sim = (q·c)/(‖q‖‖c‖)/τ, self entry −1e6, log-softmax, mean NLL.

export function contrastiveRef(
  c: ArrayLike<number>,
  M: number,
  E: number,
  query: ArrayLike<number>,
  target: ArrayLike<number>,
  tau: number,
  dloss = 1,
): { loss: number; dc: Float64Array } {
  const Q = query.length;
  const norm = new Float64Array(M);
  for (let j = 0; j < M; j++) {
    let ss = 0;
    for (let e = 0; e < E; e++) ss += c[j * E + e] ** 2;
    norm[j] = Math.max(Math.sqrt(ss), 1e-12);
  }
  const u = new Float64Array(M * E);
  for (let j = 0; j < M; j++) for (let e = 0; e < E; e++) u[j * E + e] = c[j * E + e] / norm[j];
  const du = new Float64Array(M * E);
  let loss = 0;
  const s = new Float64Array(M);
  for (let r = 0; r < Q; r++) {
    const qi = query[r], ti = target[r];
    let mx = -Infinity;
    for (let j = 0; j < M; j++) {
      let d = 0;
      for (let e = 0; e < E; e++) d += u[qi * E + e] * u[j * E + e];
      s[j] = d / tau - (j === qi ? 1e6 : 0);
      mx = Math.max(mx, s[j]);
    }
    let sum = 0;
    for (let j = 0; j < M; j++) sum += Math.exp(s[j] - mx);
    const lse = mx + Math.log(sum);
    loss += (lse - s[ti]) / Q;
    // dloss/dS[r,j] = (softmax − onehot)/Q; S = u_q·u_j/τ (the −1e6 constant has no gradient effect)
    for (let j = 0; j < M; j++) {
      const gr = (dloss * (Math.exp(s[j] - lse) - (j === ti ? 1 : 0))) / (Q * tau);
      for (let e = 0; e < E; e++) {
        du[j * E + e] += gr * u[qi * E + e];
        du[qi * E + e] += gr * u[j * E + e];
      }
    }
  }
  const dc = new Float64Array(M * E);
  for (let j = 0; j < M; j++) {
    let d = 0;
    for (let e = 0; e < E; e++) d += u[j * E + e] * du[j * E + e];
    for (let e = 0; e < E; e++) dc[j * E + e] = (du[j * E + e] - u[j * E + e] * d) / norm[j];
  }
  return { loss, dc };
}
