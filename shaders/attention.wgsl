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
// workgroup-z, computed by the matmul family's tiled main (lib/matmul_tile.wgsl: staged slabs on GPUs,
// the generated register-block body on CPU adapters); each section only says how A and B are read
// (readA/readB, with A_KMAJOR/B_KMAJOR telling which index is contiguous so the slab loads coalesce)
// and what the epilogue does (store). Every global access is bounds-checked, so any T and D work; every
// output element is written exactly once (no clearing, deterministic).
//#include matmul_tile
//#common
struct Params { M: u32, N: u32, K: u32, T: u32, H: u32, D: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;

// torch.finfo(torch.float32).min: what Hugging Face adds to the scores of padded keys
const NEG_MAX: f32 = -3.4028234663852886e38;

/** index of (b, t, h, d) in a [B*T, H*D] tensor, for batch z = b*H + h */
fn tok(z: u32, t: u32, d: u32) -> u32 {
  return ((z / P.H) * P.T + t) * P.H * P.D + (z % P.H) * P.D + d;
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
