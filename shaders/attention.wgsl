// Multi-head self-attention for BERT-style encoders (bidirectional, key padding mask): the four batched
// matrix products, forward and backward side by side. The row softmax and its backward live in
// shaders/attention_softmax.wgsl (they need a different main, and a family file has one common part).
//
// Layouts: q, k, v, out, dO, dq, dk, dv are [B*T, H*D] row-major, the outputs of the Q/K/V linear layers,
// head h in columns h*D .. h*D+D-1, so element (b, t, h, d) sits at (b*T + t)*H*D + h*D + d.
// probs/scores are [B, H, T, T]: element (b, h, i, j) at ((b*H + h)*T + i)*T + j.
//
// Forward:  scores (S = QKᵀ/√D + mask bias) → softmax (in place) → pv (out = P·V).
// Backward: dprobs (dP = dO·Vᵀ) → softmax_backward (in place, dS) → pv_t (dv = Pᵀ·dO, dk = dSᵀ·Q/√D)
//           and pv (dq = dS·K/√D).
//
// Every kernel is a batched product C_z[M,N] = Σ_k A_z(m,k)·B_z(k,n), one batch z = b*H + h per
// workgroup-z, computed by the tiled main in //#common; each section only says how A and B are read
// (readA/readB, with A_KMAJOR/B_KMAJOR telling which index is contiguous so the slab loads coalesce)
// and what the epilogue does (store). A workgroup owns a BM×BN output tile and walks K in BK-deep slabs
// staged in workgroup memory; each thread keeps an RM×RN register block, owning rows ty + i·WY and
// columns tx + j·WX (interleaved, so neighbouring threads touch neighbouring words). Every global access
// is bounds-checked, so any T and D work; every output element is written exactly once (no clearing,
// deterministic).
// DIRECT (CPU adapters, src/kernels/attention.ts): no staging, each thread reads its A rows and B columns
// straight from the storage buffers, k by k. On llvmpipe a workgroup-memory load costs as much as a storage
// load, and each barrier suspends every 8-lane group of the workgroup, so staging only adds work there.
//#common
struct Params { M: u32, N: u32, K: u32, T: u32, H: u32, D: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;

// torch.finfo(torch.float32).min: what Hugging Face adds to the scores of padded keys
const NEG_MAX: f32 = -3.4028234663852886e38;

const BM = {{BM}}u;
const BN = {{BN}}u;
const BK = {{BK}}u;
const RM = {{RM}}u;
const RN = {{RN}}u;
const WX = {{WX}}u; // BN / RN
const WY = {{WY}}u; // BM / RM
const WG = {{WG}}u; // WX * WY
const DIRECT = {{DIRECT}};

var<workgroup> As: array<f32, {{AS}}>; // As[k·BM + m]
var<workgroup> Bs: array<f32, {{BS}}>; // Bs[k·BN + n]

/** index of (b, t, h, d) in a [B*T, H*D] tensor, for batch z = b*H + h */
fn tok(z: u32, t: u32, d: u32) -> u32 {
  return ((z / P.H) * P.T + t) * P.H * P.D + (z % P.H) * P.D + d;
}

@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let z = wg.z;
  let tx = li % WX;
  let ty = li / WX;
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  var acc: array<array<f32, RN>, RM>;
  if (DIRECT) {
    // out-of-range rows/columns read a clamped (valid) element; their results are never stored
    for (var kk = 0u; kk < P.K; kk++) {
      var a: array<f32, RM>;
      var b: array<f32, RN>;
      for (var i = 0u; i < RM; i++) { a[i] = readA(z, min(row0 + ty + i * WY, P.M - 1u), kk); }
      for (var j = 0u; j < RN; j++) { b[j] = readB(z, kk, min(col0 + tx + j * WX, P.N - 1u)); }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
  } else {
  for (var k0 = 0u; k0 < P.K; k0 += BK) {
    for (var i = li; i < BM * BK; i += WG) {
      var r: u32;
      var kk: u32;
      if (A_KMAJOR) { r = i / BK; kk = i % BK; } else { kk = i / BM; r = i % BM; }
      var v = 0.0;
      if (row0 + r < P.M && k0 + kk < P.K) { v = readA(z, row0 + r, k0 + kk); }
      As[kk * BM + r] = v;
    }
    for (var i = li; i < BN * BK; i += WG) {
      var c: u32;
      var kk: u32;
      if (B_KMAJOR) { c = i / BK; kk = i % BK; } else { kk = i / BN; c = i % BN; }
      var v = 0.0;
      if (col0 + c < P.N && k0 + kk < P.K) { v = readB(z, k0 + kk, col0 + c); }
      Bs[kk * BN + c] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var a: array<f32, RM>;
      var b: array<f32, RN>;
      for (var i = 0u; i < RM; i++) { a[i] = As[kk * BM + ty + i * WY]; }
      for (var j = 0u; j < RN; j++) { b[j] = Bs[kk * BN + tx + j * WX]; }
      for (var i = 0u; i < RM; i++) {
        for (var j = 0u; j < RN; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  }
  for (var i = 0u; i < RM; i++) {
    let r = row0 + ty + i * WY;
    if (r >= P.M) { break; }
    for (var j = 0u; j < RN; j++) {
      let c = col0 + tx + j * WX;
      if (c < P.N) { store(z, r, c, acc[i][j]); }
    }
  }
}

//#kernel scores
// S_z[i,j] = scale · q_z[i,:]·k_z[j,:] + (1 − mask[b,j])·NEG_MAX      (M = N = T, K = D)
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read_write> s: array<f32>;
const A_KMAJOR = true;
const B_KMAJOR = true;
fn readA(z: u32, i: u32, d: u32) -> f32 { return q[tok(z, i, d)]; }
fn readB(z: u32, d: u32, j: u32) -> f32 { return k[tok(z, j, d)]; }
fn store(z: u32, i: u32, j: u32, v: f32) {
  // (1 − m)·NEG_MAX is exactly 0 for real keys and NEG_MAX for padding; the max() keeps a hugely negative
  // score from rounding past NEG_MAX to −inf, so a fully padded row stays finite (uniform softmax, as in HF).
  let bias = (1.0 - mask[(z / P.H) * P.T + j]) * NEG_MAX;
  s[(z * P.T + i) * P.T + j] = max(v * P.scale + bias, NEG_MAX);
}

//#kernel dprobs
// dP_z[i,j] = dO_z[i,:]·v_z[j,:]      (M = N = T, K = D)
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> dp: array<f32>;
const A_KMAJOR = true;
const B_KMAJOR = true;
fn readA(z: u32, i: u32, d: u32) -> f32 { return dout[tok(z, i, d)]; }
fn readB(z: u32, d: u32, j: u32) -> f32 { return v[tok(z, j, d)]; }
fn store(z: u32, i: u32, j: u32, val: f32) { dp[(z * P.T + i) * P.T + j] = val; }

//#kernel pv
// out_z[i,d] = scale · Σ_j p_z[i,j]·x_z[j,d]      (M = T, N = D, K = T): out = P·V, dq = dS·K/√D
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
const A_KMAJOR = true;
const B_KMAJOR = false;
fn readA(z: u32, i: u32, j: u32) -> f32 { return p[(z * P.T + i) * P.T + j]; }
fn readB(z: u32, j: u32, d: u32) -> f32 { return x[tok(z, j, d)]; }
fn store(z: u32, i: u32, d: u32, val: f32) { out[tok(z, i, d)] = val * P.scale; }

//#kernel pv_t
// out_z[j,d] = scale · Σ_i p_z[i,j]·x_z[i,d]      (M = T, N = D, K = T): dv = Pᵀ·dO, dk = dSᵀ·Q/√D
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
const A_KMAJOR = false;
const B_KMAJOR = false;
fn readA(z: u32, j: u32, i: u32) -> f32 { return p[(z * P.T + i) * P.T + j]; }
fn readB(z: u32, i: u32, d: u32) -> f32 { return x[tok(z, i, d)]; }
fn store(z: u32, j: u32, d: u32, val: f32) { out[tok(z, j, d)] = val * P.scale; }
