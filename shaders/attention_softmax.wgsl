// Row softmax and its backward for multi-head self-attention (the products are in shaders/attention.wgsl).
// Rows are the [B,H,T,T] probability rows: one workgroup per row, on a 2D grid (row = wid.x + wid.y·gx)
// so more than 65535 rows work; both kernels work in place.
//#common
// torch.finfo(torch.float32).min, the masked-score value (see attention.wgsl)
const NEG_MAX: f32 = -3.4028234663852886e38;

//#kernel softmax
// In-place softmax over each row of `s` ([rows, T]); one workgroup per row, rows laid out on a 2D grid
// (row = wid.x + wid.y·gx) so more than 65535 rows work.
struct Params { rows: u32, T: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> s: array<f32>;
var<workgroup> red: array<f32, {{WG}}>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.x + wid.y * P.gx;
  if (row >= P.rows) { return; } // uniform: the whole workgroup leaves
  let base = row * P.T;
  let t = lid.x;
  var m = NEG_MAX;
  for (var j = t; j < P.T; j += {{WG}}u) { m = max(m, s[base + j]); }
  red[t] = m;
  workgroupBarrier();
  for (var w = {{WG}}u / 2u; w > 0u; w >>= 1u) {
    if (t < w) { red[t] = max(red[t], red[t + w]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = t; j < P.T; j += {{WG}}u) { sum += exp(s[base + j] - mx); }
  red[t] = sum;
  workgroupBarrier();
  for (var w = {{WG}}u / 2u; w > 0u; w >>= 1u) {
    if (t < w) { red[t] = red[t] + red[t + w]; }
    workgroupBarrier();
  }
  let inv = 1.0 / red[0]; // ≥ 1: the max element contributes exp(0)
  // each invocation rewrites exactly the elements it read, so no storage barrier is needed
  for (var j = t; j < P.T; j += {{WG}}u) { s[base + j] = exp(s[base + j] - mx) * inv; }
}

//#kernel softmax_backward
// In place: dp ← p∘(dp − Σ_j dp∘p) per row (the softmax Jacobian-vector product); 2D grid as `softmax`.
struct Params { rows: u32, T: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> p: array<f32>;
@group(0) @binding(2) var<storage, read_write> dp: array<f32>;
var<workgroup> red: array<f32, {{WG}}>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.x + wid.y * P.gx;
  if (row >= P.rows) { return; }
  let base = row * P.T;
  let t = lid.x;
  var acc = 0.0;
  for (var j = t; j < P.T; j += {{WG}}u) { acc += dp[base + j] * p[base + j]; }
  red[t] = acc;
  workgroupBarrier();
  for (var w = {{WG}}u / 2u; w > 0u; w >>= 1u) {
    if (t < w) { red[t] = red[t] + red[t + w]; }
    workgroupBarrier();
  }
  let dot = red[0];
  for (var j = t; j < P.T; j += {{WG}}u) { dp[base + j] = p[base + j] * (dp[base + j] - dot); }
}
