// Contrastive realignment loss, strong variant (Gaschi et al. 2023 / AlignFreeze; spec §1.1), forward and
// backward. c [M,E]: every word vector of the batch (left-language words, then right-language words);
// query [Q] (i32): the row of c of each query; target [Q] (i32): the row of its aligned partner
// (bound as `tgt`: `target` is a reserved word in WGSL).
//
//   u_j    = c_j / max(‖c_j‖, 1e-12)                     (cosine similarity; the clamp only guards c_j = 0)
//   S[r,j] = u_{query[r]}·u_j / τ,   S[r, query[r]] −= 1e6  (the query's own entry; exp() of it is exactly 0)
//   loss   = mean_r −log_softmax(S[r,:])[target[r]]
//
// Backward, with G[r,j] = dloss·(P[r,j] − [j = target[r]])/(Q·τ) (P = softmax(S), P[r,query[r]] = 0):
//   dU_j = Σ_r G[r,j]·u_{query[r]}            (j as a candidate)
//        + Σ_k G[r',k]·u_k  if j = query[r']   (j as a query; query rows are distinct, so at most one r')
//   dc_j = (dU_j − u_j·(u_j·dU_j)) / max(‖c_j‖, 1e-12)   (normalisation backward)
// The products (Qn·Cnᵀ, Gᵀ·Qn, G·Cn) run on the tuned matmul kernels; the rest are row kernels here.
// Every output element is computed by one invocation with a fixed summation order: no atomics, deterministic.
// Row kernels (normalize, scores, grad_logits, scatter_rows, norm_backward) use the row layout of
// shaders/lib/rows.wgsl; `loss` is one workgroup whose {{WG}} invocations all work on its single row.
//#include {{ROW_REDUCE}}
//#include rows
//#common

//#kernel normalize
// cn = c / max(‖c‖, 1e-12) row-wise; invn[j] = 1 / max(‖c_j‖, 1e-12) (kept for the backward)
struct Params { rows: u32, E: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> c: array<f32>;
@group(0) @binding(2) var<storage, read_write> cn: array<f32>;
@group(0) @binding(3) var<storage, read_write> invn: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gx, lid, P.rows);
  let row = rs.row;
  let t = rs.lane;
  let base = row * P.E;
  var ss = 0.0;
  for (var e = t; e < P.E; e += LANES) { let x = c[base + e]; ss += x * x; }
  let inv = 1.0 / max(sqrt(rowSum(ss, lid)), 1e-12);
  if (rs.valid) {
    for (var e = t; e < P.E; e += LANES) { cn[base + e] = c[base + e] * inv; }
    if (t == 0u) { invn[row] = inv; }
  }
}

//#kernel scores
// One row per query r. On entry probs[r,:] holds the dot products u_{query[r]}·u_j (computed by the matmul
// kernel); on exit probs[r,:] = softmax(S[r,:]) and rowloss[r] = −log probs[r, target[r]] (computed as
// logsumexp − S[r,target], not through the rounded probability).
struct Params { Q: u32, M: u32, inv_tau: f32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> query: array<i32>;
@group(0) @binding(2) var<storage, read> tgt: array<i32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowloss: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gx, lid, P.Q);
  let r = rs.row;
  let t = rs.lane;
  let qi = u32(query[r]);
  let ti = u32(tgt[r]);
  let base = r * P.M;
  var m = -3.4028234663852886e38;
  var st = 0.0; // S[r, target]: only the invocation that meets j = ti adds it, so the row sum is exact
  for (var j = t; j < P.M; j += LANES) {
    var s = probs[base + j] * P.inv_tau;
    if (j == qi) { s -= 1e6; } // as the reference code: subtract, do not fill
    if (j == ti) { st += s; }
    if (rs.valid) { probs[base + j] = s; }
    m = max(m, s);
  }
  let mx = rowMax(m, lid);
  let s_target = rowSum(st, lid);
  var sum = 0.0;
  // each invocation re-reads only the entries it wrote itself, so no storage barrier is needed
  // (a surplus invocation reads its clamped row's entries unscaled: its results are never written)
  for (var j = t; j < P.M; j += LANES) { sum += exp(probs[base + j] - mx); }
  let total = rowSum(sum, lid);
  let inv = 1.0 / total;
  if (rs.valid) {
    for (var j = t; j < P.M; j += LANES) { probs[base + j] = exp(probs[base + j] - mx) * inv; }
    if (t == 0u) { rowloss[r] = mx + log(total) - s_target; }
  }
}

//#kernel loss
// loss[0] = scale · Σ_r rowloss[r] (scale = 1/Q), one workgroup (LANES = WG: a single row), fixed order
struct Params { Q: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> rowloss: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = 0.0;
  for (var r = lid; r < P.Q; r += LANES) { acc += rowloss[r]; }
  let total = rowSum(acc, lid);
  if (lid == 0u) { loss[0] = total * P.scale; }
}

//#kernel grad_logits
// G[r,j] = coef·(P[r,j] − [j = target[r]]), coef = dloss/(Q·τ)
struct Params { Q: u32, M: u32, coef: f32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tgt: array<i32>;
@group(0) @binding(2) var<storage, read> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> gl: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = rowIndex(wid, P.gx, lid);
  if (r >= P.Q) { return; } // no barrier in this kernel
  let ti = u32(tgt[r]);
  for (var j = rowLane(lid); j < P.M; j += LANES) {
    gl[r * P.M + j] = (probs[r * P.M + j] - select(0.0, 1.0, j == ti)) * P.coef;
  }
}

//#kernel scatter_rows
// du[query[r], :] += dq[r, :] — the query role of each word. Query rows are distinct, so every output row
// is written by one row of dq at most: no races, no atomics.
struct Params { Q: u32, E: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> query: array<i32>;
@group(0) @binding(2) var<storage, read> dq: array<f32>;
@group(0) @binding(3) var<storage, read_write> du: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = rowIndex(wid, P.gx, lid);
  if (r >= P.Q) { return; } // no barrier in this kernel
  let row = u32(query[r]);
  for (var e = rowLane(lid); e < P.E; e += LANES) { du[row * P.E + e] += dq[r * P.E + e]; }
}

//#kernel norm_backward
// In place: dc_j = (dU_j − u_j·(u_j·dU_j)) · invn[j]
struct Params { rows: u32, E: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> cn: array<f32>;
@group(0) @binding(2) var<storage, read> invn: array<f32>;
@group(0) @binding(3) var<storage, read_write> dc: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gx, lid, P.rows);
  let row = rs.row;
  let t = rs.lane;
  let base = row * P.E;
  var acc = 0.0;
  for (var e = t; e < P.E; e += LANES) { acc += cn[base + e] * dc[base + e]; }
  let dot = rowSum(acc, lid);
  let inv = invn[row];
  if (rs.valid) {
    for (var e = t; e < P.E; e += LANES) { dc[base + e] = (dc[base + e] - cn[base + e] * dot) * inv; }
  }
}
