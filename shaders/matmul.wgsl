// Matrix products for Linear layers, forward and backward side by side. All tensors row-major f32.
//
// Every kernel is the tiled product of lib/matmul_tile.wgsl (shared with attention's products), which
// computes C[M,N] = Σ_k A(m,k)·B(k,n); each kernel section only says how A and B are laid out in memory
// (readA/readB, A_KMAJOR/B_KMAJOR), and the EPILOGUE define picks what is done with a finished value
// (lib/matmul_epilogue*.wgsl: plain store, + bias, + bias then GELU, × GELU'). The layouts:
//   nt : forward   Y  = X·Wᵀ (+b, GELU)   A = X [M,K],   B(k,n) = W[n,k]  (PyTorch Linear weight [N,K])
//   nn : backward dX = dY·W (·GELU')      A = dY [M,K],  B = W [K,N]
//   tn : backward dW = dYᵀ·X (+=)         A(m,k) = dY[k,m] (dY is [K,M]), B = X [K,N]
// Vector variants of the direct (CPU) path, picked by src/kernels/matmul.ts when the shape allows:
//   nt with VEC = 4 ("k4", K % 4 == 0): X and W bound as array<vec4<f32>> along k (readA4/readB4)
//   nn4, tn with VEC = 4 ("n4", N % 4 == 0): B and C as array<vec4<f32>> along n (readB4/store4); each
//   thread owns 4 consecutive columns and stores them itself (STORE_ACC = false)
// Their scalar readA/readB/store exist only so the shared (staged, here dead) code compiles.
// WEIGHT picks the weight element type WT (lib/weight_f32 or lib/weight_f16) of nt's W and nn's B (the
// Linear weight in dX = dY·W): frozen weights stored in f16 are read as f16 and converted on load. The f16
// variants are scalar (VEC = 1); tn never reads a weight.
//#include {{WEIGHT}}
//#include gelu
//#include matmul_tile
//#common
struct Params { M: u32, N: u32, K: u32, acc: u32, }
@group(0) @binding(0) var<uniform> P: Params;

//#kernel nt
// Y[M,N] = X[M,K]·W[N,K]ᵀ, then the epilogue (bias, GELU). VEC = 4: X and W as vec4 along k.
//#include {{EPILOGUE}}
alias XV = {{XV}}; // f32 or vec4<f32>
alias WV = {{WV}}; // XV, or WT (f16) for f16 weights
const VEC = {{VEC}}u;
@group(0) @binding(1) var<storage, read> x: array<XV>;
@group(0) @binding(2) var<storage, read> w: array<WV>;
const A_KMAJOR = true;
const B_KMAJOR = true;
fn readA4(z: u32, m: u32, k4: u32) -> XV { return x[m * (P.K / VEC) + k4]; }
fn readB4(z: u32, k4: u32, n: u32) -> WV { return w[n * (P.K / VEC) + k4]; }
fn readA(z: u32, m: u32, k: u32) -> f32 { let i = m * P.K + k; let v = x[i / VEC]; return {{LANE}}; }
fn readB(z: u32, k: u32, n: u32) -> f32 { let i = n * P.K + k; let v = w[i / VEC]; return f32({{LANE}}); }

//#kernel nn
// C[M,N] = A[M,K]·B[K,N] (dX = dY·W), then the epilogue (× GELU' of the pre-activation for the FFN).
// B is the weight: WT elements, f16 for frozen weights stored in f16.
//#include {{EPILOGUE}}
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<WT>;
const A_KMAJOR = true;
const B_KMAJOR = false;
fn readA(z: u32, m: u32, k: u32) -> f32 { return a[m * P.K + k]; }
fn readB(z: u32, k: u32, n: u32) -> f32 { return f32(b[k * P.N + n]); }

//#kernel tn
// C[M,N] (+)= A[K,M]ᵀ·B[K,N] (dW = dYᵀ·X); P.acc ≠ 0 adds into C (gradient accumulation).
// One section for the scalar and the vec4 ("n4") variant (the profiler counts weight-gradient products by
// the kernel name matmul.tn): VEC = 1 binds B and C as array<f32>; VEC = 4 (N % 4 == 0, direct path) binds
// them as array<vec4<f32>> along n, read by readB4 and written by store4 from DIRECT_BODY. With VEC = 4
// the scalar store() is dead code (STORE_ACC = false), kept only so the shared main compiles.
alias BV = {{BV}}; // f32 or vec4<f32>
const VEC = {{VEC}}u;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<BV>;
@group(0) @binding(3) var<storage, read_write> c: array<BV>;
const A_KMAJOR = false;
const B_KMAJOR = false;
fn readA(z: u32, m: u32, k: u32) -> f32 { return a[k * P.M + m]; }
fn readB4(z: u32, k: u32, n: u32) -> BV { return b[(k * P.N + n) / VEC]; }
fn readB(z: u32, k: u32, n: u32) -> f32 { let i = k * P.N + n; let v = b[i / VEC]; return {{LANE}}; }
fn store4(z: u32, m: u32, n: u32, v: BV) {
  let i = (m * P.N + n) / VEC;
  if (P.acc != 0u) { c[i] = c[i] + v; } else { c[i] = v; }
}
fn store(z: u32, m: u32, n: u32, v: f32) { store4(z, m, n, BV(v)); }

//#kernel nn4
// nn with N % 4 == 0: B and C as vec4 along n
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> c: array<vec4<f32>>;
const A_KMAJOR = true;
const B_KMAJOR = false;
fn readA(z: u32, m: u32, k: u32) -> f32 { return a[m * P.K + k]; }
fn readB4(z: u32, k: u32, n: u32) -> vec4<f32> { return b[(k * P.N + n) / 4u]; }
fn store4(z: u32, m: u32, n: u32, v: vec4<f32>) { c[(m * P.N + n) / 4u] = v; }
fn readB(z: u32, k: u32, n: u32) -> f32 { let i = k * P.N + n; return b[i / 4u][i % 4u]; }
fn store(z: u32, m: u32, n: u32, v: f32) { let i = m * P.N + n; c[i / 4u][i % 4u] = v; }
