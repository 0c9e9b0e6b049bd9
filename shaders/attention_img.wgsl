// Attention's four batched products for CPU adapters, with operands read from images: the image-path
// counterpart of shaders/attention.wgsl (same layouts, same arithmetic and epilogues, so bit-identical
// results; why images: shaders/matmul_img.wgsl). q, k, v and dO ([B*T, H*D], head h in columns h*D …) are
// copied into linear images (src/kernels/matmul_img.ts); the probabilities (and their gradient dS, both
// [B, H, T, T]) are read from their buffer, 4 floats at a time, zero past a row's end (any T). Batch
// z = b*H + h is the workgroup's z; the register block is lib/img_tile.wgsl's.
//#include {{SUBGROUPS}}
//#include img_tile
//#common
struct Params { M: u32, N: u32, K: u32, T: u32, H: u32, D: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;

const NEG_MAX: f32 = -3.4028234663852886e38; // torch.finfo(torch.float32).min, as attention.wgsl

/** texel index of (b, t, h, 4·d4) in a [B*T, H*D] image, for batch z = b*H + h (D % 4 == 0) */
fn tokTexel(z: u32, t: u32, d4: u32) -> u32 {
  return ((z / P.H) * P.T + t) * (P.H * P.D / 4u) + (z % P.H) * (P.D / 4u) + d4;
}
/** index of (b, t, h, d) in a [B*T, H*D] buffer */
fn tok(z: u32, t: u32, d: u32) -> u32 {
  return ((z / P.H) * P.T + t) * P.H * P.D + (z % P.H) * P.D + d;
}

//#kernel scores
// S_z[i,j] = scale · q_z[i,:]·k_z[j,:] + (1 − mask[b,j])·NEG_MAX      (nt: M = N = T, K = D)
@group(0) @binding(1) var tq: texture_storage_2d<rgba32float, read>;
@group(0) @binding(2) var tk: texture_storage_2d<rgba32float, read>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<storage, read_write> s: array<f32>;
fn loadA(z: u32, i: u32, d4: u32) -> vec4f { return textureLoad(tq, texel(tokTexel(z, i, d4))); }
fn loadB(z: u32, j: u32, d4: u32) -> vec4f { return textureLoad(tk, texel(tokTexel(z, j, d4))); }
fn store(z: u32, i: u32, j: u32, v: f32) {
  let bias = (1.0 - mask[(z / P.H) * P.T + j]) * NEG_MAX;
  s[(z * P.T + i) * P.T + j] = max(v * P.scale + bias, NEG_MAX);
}

//#kernel dprobs
// dP_z[i,j] = dO_z[i,:]·v_z[j,:]      (nt: M = N = T, K = D)
@group(0) @binding(1) var tdo: texture_storage_2d<rgba32float, read>;
@group(0) @binding(2) var tv: texture_storage_2d<rgba32float, read>;
@group(0) @binding(3) var<storage, read_write> dp: array<f32>;
fn loadA(z: u32, i: u32, d4: u32) -> vec4f { return textureLoad(tdo, texel(tokTexel(z, i, d4))); }
fn loadB(z: u32, j: u32, d4: u32) -> vec4f { return textureLoad(tv, texel(tokTexel(z, j, d4))); }
fn store(z: u32, i: u32, j: u32, val: f32) { dp[(z * P.T + i) * P.T + j] = val; }

//#kernel pv
// out_z[i,d] = scale · Σ_j p_z[i,j]·x_z[j,d]      (nn: M = T, N = D, K = T): out = P·V, dq = dS·K/√D
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var tx: texture_storage_2d<rgba32float, read>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
/** p_z[i, 4·j4 … 4·j4+3], 0 past the row's end */
fn loadA(z: u32, i: u32, j4: u32) -> vec4f {
  let e = (z * P.T + i) * P.T + j4 * 4u;
  var a = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) { if (j4 * 4u + c < P.T) { a[c] = p[e + c]; } }
  return a;
}
fn loadB(z: u32, j: u32, d4: u32) -> vec4f { return textureLoad(tx, texel(tokTexel(z, j, d4))); }
fn store(z: u32, i: u32, d: u32, val: f32) { out[tok(z, i, d)] = val * P.scale; }

//#kernel pv_t
// out_z[j,d] = scale · Σ_i p_z[i,j]·x_z[i,d]      (tn: M = T, N = D, K = T): dv = Pᵀ·dO, dk = dSᵀ·Q/√D
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var tx: texture_storage_2d<rgba32float, read>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
/** p_z[i, 4·j4 … 4·j4+3] (4 output rows at reduction step i), 0 past the row's end */
fn loadA(z: u32, i: u32, j4: u32) -> vec4f {
  let e = (z * P.T + i) * P.T + j4 * 4u;
  var a = vec4f(0.0);
  for (var c = 0u; c < 4u; c++) { if (j4 * 4u + c < P.T) { a[c] = p[e + c]; } }
  return a;
}
fn loadB(z: u32, i: u32, d4: u32) -> vec4f { return textureLoad(tx, texel(tokTexel(z, i, d4))); }
fn store(z: u32, j: u32, d: u32, val: f32) { out[tok(z, j, d)] = val * P.scale; }
