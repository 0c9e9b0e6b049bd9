// Softmax cross-entropy with ignore index −100 (mean over non-ignored rows, PyTorch semantics), its fused
// softmax backward, and row argmax. Row kernels use one workgroup of {{WG}} threads per row on a 2D grid
// (row = wid.x + wid.y·gridX); surplus workgroups compute a clamped row and skip their writes so that
// every barrier stays in uniform control flow. A label outside [0, V) other than −100 is treated as ignored.
//#common
var<workgroup> rm: array<f32, {{WG}}>;
var<workgroup> rs: array<f32, {{WG}}>;

fn valid_label(l: i32, V: u32) -> bool { return l >= 0 && l < i32(V); }

//#kernel forward_rows
// lse[r] = logsumexp(logits[r]) by an online max/sum (numerically stable for |logits| up to 1e4 and beyond:
// every exp() argument is ≤ 0); rowloss[r] = lse − logits[label] (0 when ignored).
struct Params { rows: u32, V: u32, gridX: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowloss: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row0 = wid.x + wid.y * P.gridX;
  let valid = row0 < P.rows;
  let row = min(row0, P.rows - 1u);
  let V = P.V;
  let base = row * V;
  // per-thread running (max, Σ exp(x − max)); an empty thread holds (−inf-like, 0)
  var m = -3.0e38;
  var s = 0.0;
  for (var c = lid; c < V; c += {{WG}}u) {
    let v = logits[base + c];
    if (v > m) { s = s * exp(m - v) + 1.0; m = v; } else { s += exp(v - m); }
  }
  rm[lid] = m;
  rs[lid] = s;
  workgroupBarrier();
  for (var k = {{WG}}u / 2u; k > 0u; k = k / 2u) {
    if (lid < k) {
      let m1 = rm[lid];
      let m2 = rm[lid + k];
      let mm = max(m1, m2);
      rs[lid] = rs[lid] * exp(m1 - mm) + rs[lid + k] * exp(m2 - mm);
      rm[lid] = mm;
    }
    workgroupBarrier();
  }
  if (valid && lid == 0u) {
    let l = rm[0] + log(rs[0]);
    lse[row] = l;
    let lab = labels[row];
    rowloss[row] = select(0.0, l - logits[base + u32(max(lab, 0))], valid_label(lab, V));
  }
}

//#kernel forward_reduce
// One workgroup: loss = Σ rowloss / count over non-ignored rows (0 when none), in a fixed order
// (deterministic, no atomics). count is written as f32 for the backward.
struct Params { rows: u32, V: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> rowloss: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> count: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  var n = 0.0;
  for (var r = lid; r < P.rows; r += {{WG}}u) {
    s += rowloss[r];
    n += select(0.0, 1.0, valid_label(labels[r], P.V));
  }
  rm[lid] = s;
  rs[lid] = n;
  workgroupBarrier();
  for (var k = {{WG}}u / 2u; k > 0u; k = k / 2u) {
    if (lid < k) {
      rm[lid] += rm[lid + k];
      rs[lid] += rs[lid + k];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let cnt = rs[0];
    loss[0] = select(0.0, rm[0] / max(cnt, 1.0), cnt > 0.0);
    count[0] = cnt;
  }
}

//#kernel backward
// dlogits[r, v] = dloss/count · (softmax(r)[v] − [v == label]) for non-ignored rows, 0 for ignored ones.
// Grid-stride over the flat [R·V] range.
struct Params { n: u32, V: u32, stride: u32, dloss: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> count: array<f32>;
@group(0) @binding(5) var<storage, read_write> dlogits: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let cnt = count[0];
  let scale = select(0.0, P.dloss / max(cnt, 1.0), cnt > 0.0);
  for (var i = gid.x; i < P.n; i += P.stride) {
    let r = i / P.V;
    let v = i - r * P.V;
    let lab = labels[r];
    let p = exp(logits[i] - lse[r]);
    let onehot = select(0.0, 1.0, i32(v) == lab);
    dlogits[i] = select(0.0, scale * (p - onehot), valid_label(lab, P.V));
  }
}

//#kernel argmax
// out[r] = index of the first maximum of row r (ties → smallest index, like torch.argmax).
struct Params { rows: u32, V: u32, gridX: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
var<workgroup> ri: array<u32, {{WG}}>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row0 = wid.x + wid.y * P.gridX;
  let valid = row0 < P.rows;
  let row = min(row0, P.rows - 1u);
  let V = P.V;
  let base = row * V;
  var m = -3.0e38;
  var mi = 0xffffffffu;
  // each thread scans increasing indices, so a strict > keeps its first maximum
  for (var c = lid; c < V; c += {{WG}}u) {
    let v = logits[base + c];
    if (v > m || mi == 0xffffffffu) { m = v; mi = c; }
  }
  rm[lid] = m;
  ri[lid] = mi;
  workgroupBarrier();
  for (var k = {{WG}}u / 2u; k > 0u; k = k / 2u) {
    if (lid < k) {
      let m2 = rm[lid + k];
      let i2 = ri[lid + k];
      let i1 = ri[lid];
      // take the other if ours is empty, or it is larger, or equal with a smaller index
      if (i2 != 0xffffffffu && (i1 == 0xffffffffu || m2 > rm[lid] || (m2 == rm[lid] && i2 < i1))) {
        rm[lid] = m2;
        ri[lid] = i2;
      }
    }
    workgroupBarrier();
  }
  if (valid && lid == 0u) { out[row] = i32(ri[0]); }
}
