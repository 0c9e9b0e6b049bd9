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
// Row kernels use a 2D grid (row = wid.x + wid.y·gx) so more than 65535 rows work.
//#common
fn reduce_sum(t: u32) -> f32 {
  workgroupBarrier();
  for (var w = {{WG}}u / 2u; w > 0u; w >>= 1u) {
    if (t < w) { red[t] = red[t] + red[t + w]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier(); // everyone has read red[0] before it is reused
  return r;
}
var<workgroup> red: array<f32, {{WG}}>;

//#kernel normalize
// cn = c / max(‖c‖, 1e-12) row-wise; invn[j] = 1 / max(‖c_j‖, 1e-12) (kept for the backward)
struct Params { rows: u32, E: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> c: array<f32>;
@group(0) @binding(2) var<storage, read_write> cn: array<f32>;
@group(0) @binding(3) var<storage, read_write> invn: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.x + wid.y * P.gx;
  if (row >= P.rows) { return; } // uniform: the whole workgroup leaves
  let t = lid.x;
  let base = row * P.E;
  var ss = 0.0;
  for (var e = t; e < P.E; e += {{WG}}u) { let x = c[base + e]; ss += x * x; }
  red[t] = ss;
  let inv = 1.0 / max(sqrt(reduce_sum(t)), 1e-12);
  for (var e = t; e < P.E; e += {{WG}}u) { cn[base + e] = c[base + e] * inv; }
  if (t == 0u) { invn[row] = inv; }
}

//#kernel scores
// One workgroup per query row r. On entry probs[r,:] holds the dot products u_{query[r]}·u_j (computed by the
// matmul kernel); on exit probs[r,:] = softmax(S[r,:]) and rowloss[r] = −log probs[r, target[r]] (computed
// as logsumexp − S[r,target], not through the rounded probability).
struct Params { Q: u32, M: u32, inv_tau: f32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> query: array<i32>;
@group(0) @binding(2) var<storage, read> tgt: array<i32>;
@group(0) @binding(3) var<storage, read_write> probs: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowloss: array<f32>;
var<workgroup> s_target: f32;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.x + wid.y * P.gx;
  if (r >= P.Q) { return; }
  let t = lid.x;
  let qi = u32(query[r]);
  let ti = u32(tgt[r]);
  let base = r * P.M;
  var m = -3.4028234663852886e38;
  for (var j = t; j < P.M; j += {{WG}}u) {
    var s = probs[base + j] * P.inv_tau;
    if (j == qi) { s -= 1e6; } // as the reference code: subtract, do not fill
    if (j == ti) { s_target = s; }
    probs[base + j] = s;
    m = max(m, s);
  }
  red[t] = m;
  workgroupBarrier();
  for (var w = {{WG}}u / 2u; w > 0u; w >>= 1u) {
    if (t < w) { red[t] = max(red[t], red[t + w]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  // each invocation re-reads only the entries it wrote itself, so no storage barrier is needed
  for (var j = t; j < P.M; j += {{WG}}u) { sum += exp(probs[base + j] - mx); }
  red[t] = sum;
  let total = reduce_sum(t);
  let inv = 1.0 / total;
  for (var j = t; j < P.M; j += {{WG}}u) { probs[base + j] = exp(probs[base + j] - mx) * inv; }
  if (t == 0u) { rowloss[r] = mx + log(total) - s_target; }
}

//#kernel loss
// loss[0] = scale · Σ_r rowloss[r] (scale = 1/Q), one workgroup, fixed order
struct Params { Q: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> rowloss: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_id) lid: vec3u) {
  let t = lid.x;
  var acc = 0.0;
  for (var r = t; r < P.Q; r += {{WG}}u) { acc += rowloss[r]; }
  red[t] = acc;
  let total = reduce_sum(t);
  if (t == 0u) { loss[0] = total * P.scale; }
}

//#kernel grad_logits
// G[r,j] = coef·(P[r,j] − [j = target[r]]), coef = dloss/(Q·τ); one invocation per element (2D grid)
struct Params { Q: u32, M: u32, coef: f32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tgt: array<i32>;
@group(0) @binding(2) var<storage, read> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> gl: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.x + wid.y * P.gx;
  if (r >= P.Q) { return; }
  let ti = u32(tgt[r]);
  for (var j = lid.x; j < P.M; j += {{WG}}u) {
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
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.x + wid.y * P.gx;
  if (r >= P.Q) { return; }
  let row = u32(query[r]);
  for (var e = lid.x; e < P.E; e += {{WG}}u) { du[row * P.E + e] += dq[r * P.E + e]; }
}

//#kernel norm_backward
// In place: dc_j = (dU_j − u_j·(u_j·dU_j)) · invn[j], one workgroup per row (2D grid)
struct Params { rows: u32, E: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> cn: array<f32>;
@group(0) @binding(2) var<storage, read> invn: array<f32>;
@group(0) @binding(3) var<storage, read_write> dc: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.x + wid.y * P.gx;
  if (row >= P.rows) { return; }
  let t = lid.x;
  let base = row * P.E;
  var acc = 0.0;
  for (var e = t; e < P.E; e += {{WG}}u) { acc += cn[base + e] * dc[base + e]; }
  red[t] = acc;
  let dot = reduce_sum(t);
  let inv = invn[row];
  for (var e = t; e < P.E; e += {{WG}}u) { dc[base + e] = (dc[base + e] - cn[base + e] * dot) * inv; }
}
