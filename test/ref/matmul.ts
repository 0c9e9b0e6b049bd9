// Float64 references for the matmul family (row-major, PyTorch Linear weight layout W [N,K]).

/** Y[M,N] = X[M,K]·W[N,K]ᵀ + b */
export function linearRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, M: number, N: number, K: number): Float64Array {
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = b ? b[n] : 0;
      for (let k = 0; k < K; k++) s += x[m * K + k] * w[n * K + k];
      y[m * N + n] = s;
    }
  }
  return y;
}

/** C[M,K] = A[M,N]·B[N,K] */
export function matmulNNRef(a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(M * K);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const av = a[m * N + n];
      for (let k = 0; k < K; k++) c[m * K + k] += av * b[n * K + k];
    }
  }
  return c;
}

/** C[N,K] = A[M,N]ᵀ·B[M,K] */
export function matmulTNRef(a: ArrayLike<number>, b: ArrayLike<number>, M: number, N: number, K: number): Float64Array {
  const c = new Float64Array(N * K);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const av = a[m * N + n];
      for (let k = 0; k < K; k++) c[n * K + k] += av * b[m * K + k];
    }
  }
  return c;
}

/** column sums of dy [M,N] */
export function colSumRef(dy: ArrayLike<number>, M: number, N: number): Float64Array {
  const s = new Float64Array(N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) s[n] += dy[m * N + n];
  return s;
}
