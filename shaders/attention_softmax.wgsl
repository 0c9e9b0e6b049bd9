// Row softmax and its backward for multi-head self-attention (the products are in shaders/attention.wgsl).
// Rows are the [B,H,T,T] probability rows, both kernels work in place. Workgroups of {{WG}} invocations,
// {{LANES}} per row (src/kernels/grid.ts rowLayout: a whole workgroup per row on GPUs, one invocation per
// row on CPU adapters), on a 2D grid (group = wid.x + wid.y·gx) so more than 65535 groups work. Surplus
// invocations compute a clamped row and skip their writes, keeping barriers in uniform control flow.
//#common
// torch.finfo(torch.float32).min, the masked-score value (see attention.wgsl)
const NEG_MAX: f32 = -3.4028234663852886e38;
const LANES: u32 = {{LANES}}u;
const ROWS_PER_GROUP: u32 = {{WG}}u / LANES;
var<workgroup> red: array<f32, {{WG}}>;

// Max (isMax) or sum of v over the LANES consecutive invocations of a row; each of them gets the result.
// With one invocation per row there is nothing to combine: no workgroup memory, no barrier.
fn rowReduce(v: f32, lid: u32, isMax: bool) -> f32 {
  if (LANES == 1u) { return v; }
  red[lid] = v;
  workgroupBarrier();
  let lane = lid % LANES;
  for (var w = LANES / 2u; w > 0u; w >>= 1u) {
    if (lane < w) { red[lid] = select(red[lid] + red[lid + w], max(red[lid], red[lid + w]), isMax); }
    workgroupBarrier();
  }
  let r = red[lid - lane];
  workgroupBarrier(); // red may be reused right after
  return r;
}

//#kernel softmax
// In-place softmax over each row of `s` ([rows, T]).
struct Params { rows: u32, T: u32, gx: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> s: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row0 = (wid.x + wid.y * P.gx) * ROWS_PER_GROUP + lid / LANES;
  let valid = row0 < P.rows;
  let base = min(row0, P.rows - 1u) * P.T;
  let t = lid % LANES;
  var m = NEG_MAX;
  for (var j = t; j < P.T; j += LANES) { m = max(m, s[base + j]); }
  let mx = rowReduce(m, lid, true);
  var sum = 0.0;
  for (var j = t; j < P.T; j += LANES) { sum += exp(s[base + j] - mx); }
  let inv = 1.0 / rowReduce(sum, lid, false); // ≥ 1: the max element contributes exp(0)
  // each invocation rewrites exactly the elements it read, so no storage barrier is needed
  if (valid) {
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
  let row0 = (wid.x + wid.y * P.gx) * ROWS_PER_GROUP + lid / LANES;
  let valid = row0 < P.rows;
  let base = min(row0, P.rows - 1u) * P.T;
  let t = lid % LANES;
  var acc = 0.0;
  for (var j = t; j < P.T; j += LANES) { acc += dp[base + j] * p[base + j]; }
  let dot = rowReduce(acc, lid, false);
  if (valid) {
    for (var j = t; j < P.T; j += LANES) { dp[base + j] = p[base + j] * (dp[base + j] - dot); }
  }
}
