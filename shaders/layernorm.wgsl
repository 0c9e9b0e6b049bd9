// LayerNorm over the last dimension: y = (x − mean)·rstd·gamma + beta, forward and backward side by side.
// The row kernels (forward, backward_dx) use the row layout of shaders/lib/rows.wgsl: {{LANES}} invocations
// per row stride over its columns, so any C works.
// A transformer block's "dropout(branch) + residual, then LayerNorm" is one forward pass here (residual
// form), and the backward's dx comes with the dropout's backward applied as a second output: dropout as
// shaders/dropout.wgsl, the same hash of each element's index in the whole tensor (lib/dropout_hash.wgsl).
//#include {{ROW_REDUCE}}
//#include rows
//#include dropout_hash
//#common

//#kernel forward
// x = a, or in the residual form x = drop(a) + b (P.residual = 1; dropout when P.drop = 1), which is also
// written to r for the backward. Unused bindings (b, r without the residual form) are 1-element dummies.
// Accuracy with a large offset (values around 1e3, spread around 1): summing raw values would lose the
// spread in the f32 rounding of a sum near 1e6. We shift by the row's first element x0 (x − x0 is exact when
// the values are close: Sterbenz), take m' = mean(x − x0), then the corrected two-pass variance
// var = (Σd² − (Σd)²/C)/C with d = (x − x0) − m'. y uses d itself, so it does not suffer from the f32
// rounding of the stored mean x0 + m'.
struct Params { rows: u32, C: u32, eps: f32, gridX: u32, residual: u32, drop: u32, k1: u32, k2: u32, T: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<storage, read_write> mean: array<f32>;
@group(0) @binding(7) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(8) var<storage, read_write> r: array<f32>;
// the normalised input at element i (recomputed in each pass rather than re-read from r: surplus invocations
// of a clamped row must not read what the row's own invocations write)
fn xin(i: u32) -> f32 {
  if (P.residual == 0u) { return a[i]; }
  var v = a[i];
  if (P.drop != 0u) { v = select(0.0, v * P.scale, dropKeep(i, P.k1, P.k2, P.T)); }
  return v + b[i];
}
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gridX, lid, P.rows);
  let row = rs.row;
  let lane = rs.lane;
  let C = P.C;
  let base = row * C;
  let x0 = xin(base);
  var s = 0.0;
  for (var c = lane; c < C; c += LANES) { s += xin(base + c) - x0; }
  let m = rowSum4(vec4f(s, 0.0, 0.0, 0.0), lid).x / f32(C);
  var acc = vec2f(0.0);
  for (var c = lane; c < C; c += LANES) {
    let d = (xin(base + c) - x0) - m;
    acc += vec2f(d, d * d);
  }
  let t = rowSum4(vec4f(acc, 0.0, 0.0), lid);
  let variance = max((t.y - t.x * t.x / f32(C)) / f32(C), 0.0);
  let rv = inverseSqrt(variance + P.eps);
  if (rs.valid) {
    for (var c = lane; c < C; c += LANES) {
      let xv = xin(base + c);
      let d = (xv - x0) - m;
      y[base + c] = d * rv * gamma[c] + beta[c];
      if (P.residual != 0u) { r[base + c] = xv; }
    }
    if (lane == 0u) {
      mean[row] = x0 + m;
      rstd[row] = rv;
    }
  }
}

//#kernel backward_dx
// With xhat = (x − mean)·rstd and g = dy·gamma:
//   dx = rstd · (g − mean(g) − xhat·mean(g·xhat))
// The stored f32 mean is off by up to half an ulp of the mean (3e-5 at 1e3), which matters when the row's
// spread is small. With d = x − mean_f32 (exact, Sterbenz) we also reduce δ = mean(d), the residual of the
// stored mean, so xhat = (d − δ)·rstd is accurate: one pass reduces Σd, Σg and Σg·d together, and
// mean(g·xhat) = rstd·(mean(g·d) − δ·mean(g)). δ goes to `mres` for the dgamma kernel.
// With P.drop = 1, da = dropout's backward of dx (the gradient of the residual form's branch a) is written
// too; otherwise da is a 1-element dummy.
struct Params { rows: u32, C: u32, gridX: u32, drop: u32, k1: u32, k2: u32, T: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read> gamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
@group(0) @binding(7) var<storage, read_write> mres: array<f32>;
@group(0) @binding(8) var<storage, read_write> da: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gridX, lid, P.rows);
  let row = rs.row;
  let lane = rs.lane;
  let C = P.C;
  let base = row * C;
  let mu = mean[row];
  let r = rstd[row];
  var acc = vec4f(0.0);
  for (var c = lane; c < C; c += LANES) {
    let d = x[base + c] - mu;
    let gv = dy[base + c] * gamma[c];
    acc += vec4f(d, gv, gv * d, 0.0);
  }
  let t = rowSum4(acc, lid) / f32(C);
  let delta = t.x;
  let mg = t.y;
  let mgx = r * (t.z - delta * mg);
  if (rs.valid) {
    for (var c = lane; c < C; c += LANES) {
      let xhat = (x[base + c] - mu - delta) * r;
      let gv = dy[base + c] * gamma[c];
      let v = r * (gv - mg - xhat * mgx);
      dx[base + c] = v;
      if (P.drop != 0u) { da[base + c] = select(0.0, v * P.scale, dropKeep(base + c, P.k1, P.k2, P.T)); }
    }
    if (lane == 0u) { mres[row] = delta; }
  }
}

//#kernel backward_params_partial
// Stage 1 of the deterministic dgamma/dbeta column sums (no float atomics in WGSL): workgroup (bx, chunk)
// covers 64 columns × a chunk of rows; its 4 row lanes stride the chunk, then combine in a fixed order.
// xhat uses the mean residual mres from backward_dx (see there).
// part[0][chunk][c] = Σ dy·xhat, part[1][chunk][c] = Σ dy over the chunk's rows.
struct Params { rows: u32, C: u32, rowsPerChunk: u32, nChunks: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read> mres: array<f32>;
@group(0) @binding(6) var<storage, read_write> part: array<f32>;
var<workgroup> pg: array<vec2f, 256>;
@compute @workgroup_size(64, 4) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let c = wid.x * 64u + l.x;
  let chunk = wid.y;
  let r0 = chunk * P.rowsPerChunk;
  let r1 = min(r0 + P.rowsPerChunk, P.rows);
  var acc = vec2f(0.0);
  if (c < P.C) {
    for (var r = r0 + l.y; r < r1; r += 4u) {
      let g = dy[r * P.C + c];
      acc += vec2f(g * (x[r * P.C + c] - mean[r] - mres[r]) * rstd[r], g);
    }
  }
  pg[l.y * 64u + l.x] = acc;
  workgroupBarrier();
  if (l.y == 0u && c < P.C) {
    let t = (pg[l.x] + pg[64u + l.x]) + (pg[128u + l.x] + pg[192u + l.x]);
    part[chunk * P.C + c] = t.x;
    part[(P.nChunks + chunk) * P.C + c] = t.y;
  }
}

//#kernel backward_params_reduce
// Stage 2: out[c] (+)= Σ_chunk part[which][chunk][c], summed in chunk order (deterministic).
struct Params { C: u32, nChunks: u32, which: u32, accumulate: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= P.C) { return; }
  var s = 0.0;
  let base = P.which * P.nChunks * P.C;
  for (var k = 0u; k < P.nChunks; k++) { s += part[base + k * P.C + c]; }
  if (P.accumulate != 0u) { s += out[c]; }
  out[c] = s;
}
