// Softmax cross-entropy with ignore index −100 (mean over non-ignored rows, PyTorch semantics), its fused
// softmax backward, and row argmax. forward_rows and argmax use the row layout of shaders/lib/rows.wgsl;
// forward_reduce is one workgroup whose {{WG}} invocations all work on its single row (LANES = WG).
// A label outside [0, V) other than −100 is treated as ignored.
//#include {{ROW_REDUCE}}
//#include rows
//#common
fn valid_label(l: i32, V: u32) -> bool { return l >= 0 && l < i32(V); }

//#kernel forward_rows
// lse[r] = logsumexp(logits[r]) = max + log Σ exp(x − max) (every exp() argument is ≤ 0: stable for
// |logits| up to 1e4 and beyond); rowloss[r] = lse − logits[label] (0 when ignored).
struct Params { rows: u32, V: u32, gridX: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> lse: array<f32>;
@group(0) @binding(4) var<storage, read_write> rowloss: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gridX, lid, P.rows);
  let row = rs.row;
  let t = rs.lane;
  let V = P.V;
  let base = row * V;
  var m = -3.0e38;
  for (var c = t; c < V; c += LANES) { m = max(m, logits[base + c]); }
  let mx = rowMax(m, lid);
  var s = 0.0;
  for (var c = t; c < V; c += LANES) { s += exp(logits[base + c] - mx); }
  let l = mx + log(rowSum(s, lid));
  if (rs.valid && t == 0u) {
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
  for (var r = lid; r < P.rows; r += LANES) {
    s += rowloss[r];
    n += select(0.0, 1.0, valid_label(labels[r], P.V));
  }
  let t = rowSum4(vec4f(s, n, 0.0, 0.0), lid);
  if (lid == 0u) {
    let cnt = t.y;
    loss[0] = select(0.0, t.x / max(cnt, 1.0), cnt > 0.0);
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
// out[r] = index of the first maximum of row r (ties → smallest index, like torch.argmax): the row max, then
// the smallest index holding it (as −index under a max; V < 2^24, so f32 holds every index exactly).
struct Params { rows: u32, V: u32, gridX: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<i32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let rs = rowSlot(wid, P.gridX, lid, P.rows);
  let row = rs.row;
  let t = rs.lane;
  let V = P.V;
  let base = row * V;
  var m = -3.4028234663852886e38;
  for (var c = t; c < V; c += LANES) { m = max(m, logits[base + c]); }
  let mx = rowMax(m, lid);
  var first = -3.4028234663852886e38; // −(smallest index of this invocation holding mx)
  for (var c = t; c < V; c += LANES) {
    if (logits[base + c] == mx && first == -3.4028234663852886e38) { first = -f32(c); }
  }
  let idx = -rowMax(first, lid);
  // no index holds the max only when every entry is −inf (or NaN): index 0, as torch for all-equal rows
  if (rs.valid && t == 0u) { out[row] = select(0, i32(idx), idx < f32(V)); }
}
