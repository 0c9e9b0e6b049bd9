// Linear-layer matrix products for CPU adapters (lavapipe/llvmpipe), operands read from images.
//
// The same products as shaders/matmul.wgsl (nt: Y = X·Wᵀ, nn: dX = dY·W, tn: dW (+)= dYᵀ·X, same
// epilogues) with the same arithmetic: every output is fma(a_k, b_k, s) over k = 0 … K−1 from s = 0, so
// results equal matmul.wgsl's bit for bit. What differs is how operands arrive. On llvmpipe an invocation
// is one SIMD lane, and a storage-buffer load with a per-lane address is a loop over the lanes with a mask
// test, a bounds test and a scalar load each (~12 instructions a float), whereas an image load is one call
// to a branch-free function that gathers a 16-byte texel per lane (~2 instructions a float; the assembly
// is quoted in bench/results/lavapipe-matmul-ceiling.md). So src/kernels/matmul_img.ts copies both
// operands into linear rgba32float images (rgba16float for f16 weights) and the register block
// (lib/img_tile.wgsl) reads only images; outputs and epilogue operands stay in buffers (one access per
// output, amortised over K). Operand rows are whole texels: K % 4 == 0 (nt, nn), and the output
// columns (nn, tn) and rows (tn) a multiple of 4.
//#include {{SUBGROUPS}}
//#include gelu
//#include img_tile
//#common
struct Params { M: u32, N: u32, K: u32, acc: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var ta: texture_storage_2d<rgba32float, read>;
@group(0) @binding(2) var tb: texture_storage_2d<{{BFORMAT}}, read>;

//#kernel nt
// Y[M,N] = X[M,K]·W[N,K]ᵀ, then the epilogue: ta = X, tb = W, rows of K / 4 texels
//#include {{EPILOGUE}}
fn loadA(z: u32, m: u32, k4: u32) -> vec4f { return textureLoad(ta, texel(m * (P.K / 4u) + k4)); }
fn loadB(z: u32, n: u32, k4: u32) -> vec4f { return textureLoad(tb, texel(n * (P.K / 4u) + k4)); }

//#kernel nn
// C[M,N] = A[M,K]·B[K,N] (dX = dY·W), then the epilogue: ta = dY (rows of K / 4 texels), tb = W (N / 4)
//#include {{EPILOGUE}}
fn loadA(z: u32, m: u32, k4: u32) -> vec4f { return textureLoad(ta, texel(m * (P.K / 4u) + k4)); }
fn loadB(z: u32, k: u32, n4: u32) -> vec4f { return textureLoad(tb, texel(k * (P.N / 4u) + n4)); }

//#kernel tn
// C[M,N] (+)= A[K,M]ᵀ·B[K,N] (dW = dYᵀ·X): ta = dY (rows of M / 4 texels), tb = X (N / 4); P.acc ≠ 0
// adds into C (gradient accumulation, later row chunks)
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn loadA(z: u32, k: u32, m4: u32) -> vec4f { return textureLoad(ta, texel(k * (P.M / 4u) + m4)); }
fn loadB(z: u32, k: u32, n4: u32) -> vec4f { return textureLoad(tb, texel(k * (P.N / 4u) + n4)); }
fn store(z: u32, m: u32, n: u32, v: f32) {
  let i = m * P.N + n;
  if (P.acc != 0u) { c[i] = c[i] + v; } else { c[i] = v; }
}
