// Row softmax and its backward for multi-head self-attention (the products are in shaders/attention.wgsl).
// Rows are the [B,H,T,T] probability rows, both kernels work in place, in the row layout of
// shaders/lib/rows.wgsl.
//#include {{ROW_REDUCE}}
//#include rows
//#common
// torch.finfo(torch.float32).min, the masked-score value (see attention.wgsl)
const NEG_MAX: f32 = -3.4028234663852886e38;

//#kernel softmax
// In-place softmax over each row of `s` ([rows, T]).
struct Params { rows: u32, T: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> s: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gx, lid, P.rows);
  let base = rs.row * P.T;
  let t = rs.lane;
  var m = NEG_MAX;
  for (var j = t; j < P.T; j += LANES) { m = max(m, s[base + j]); }
  let mx = rowMax(m, lid);
  var sum = 0.0;
  for (var j = t; j < P.T; j += LANES) { sum += exp(s[base + j] - mx); }
  let inv = 1.0 / rowSum(sum, lid); // ≥ 1: the max element contributes exp(0)
  // each invocation rewrites exactly the elements it read, so no storage barrier is needed
  if (rs.valid) {
    for (var j = t; j < P.T; j += LANES) { s[base + j] = exp(s[base + j] - mx) * inv; }
  }
}

//#kernel softmax_backward
// In place: dp ← p∘(dp − Σ_j dp∘p) per row (the softmax Jacobian-vector product).
struct Params { rows: u32, T: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> dp: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gx, lid, P.rows);
  let base = rs.row * P.T;
  let t = rs.lane;
  var acc = 0.0;
  for (var j = t; j < P.T; j += LANES) { acc += dp[base + j] * p[base + j]; }
  let dot = rowSum(acc, lid);
  if (rs.valid) {
    for (var j = t; j < P.T; j += LANES) { dp[base + j] = p[base + j] * (dp[base + j] - dot); }
  }
}
