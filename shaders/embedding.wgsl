// Embedding gather (forward) and its deterministic backward (no float atomics exist in WGSL).
// Tables can be bigger than the 128 MiB storage-binding limit (mBERT: 367 MB, XLM-R: 768 MB), so every kernel
// sees only a chunk of table rows [row0, row0 + rows), bound as a byte sub-range; the wrapper dispatches once
// per chunk and each dispatch handles only the ids that fall in its range.

//#kernel forward
// out[i, h] = table[ids[i], h]  (or += with acc = 1). Ids outside [0, V) read nothing: the chunk flagged
// `first` writes 0 for them (leaves out unchanged when accumulating), so a bad id can never read out of bounds.
// The table's elements are WT (lib/weight_*.wgsl): f16 for a frozen table stored in f16, converted on load.
//#include {{WEIGHT}}
// A 2-D grid: x over the columns, y (striding by P.ystride) over the positions, so no invocation divides
// (a CPU adapter runs a per-lane integer division as eight scalar ones).
struct Params { n: u32, H: u32, row0: u32, rows: u32, V: u32, acc: u32, first: u32, ystride: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> table: array<WT>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let h = gid.x;
  if (h >= P.H) { return; }
  for (var t = gid.y; t < P.n; t += P.ystride) {
    let i = t * P.H + h;
    let id = ids[t];
    if (id < 0 || u32(id) >= P.V) {
      if (P.first == 1u && P.acc == 0u) { out[i] = 0.0; }
      continue;
    }
    let uid = u32(id);
    if (uid < P.row0 || uid >= P.row0 + P.rows) { continue; }
    let v = f32(table[(uid - P.row0) * P.H + h]);
    if (P.acc == 1u) { out[i] = out[i] + v; } else { out[i] = v; }
  }
}

//#kernel backward
// grad[id, :] += Σ_{t: ids[t] = id} dOut[t, :], summed in increasing position order (deterministic).
// csr (built on the CPU) = [uniqueIds (U, sorted ascending) | rowStart (U + 1) | positions (N)].
// One workgroup per unique id (grid-stride over unique ids), its threads striding over H. This dispatch
// handles the unique ids u0 .. u0+count-1, which all lie in the chunk's row range.
struct Params { u0: u32, count: u32, U: u32, H: u32, row0: u32, groups: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> dOut: array<f32>;
@group(0) @binding(2) var<storage, read> csr: array<u32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var k = wg.x; k < P.count; k += P.groups) {
    let u = P.u0 + k;
    let row = csr[u] - P.row0;
    let s0 = csr[P.U + u];
    let s1 = csr[P.U + u + 1u];
    let pos0 = 2u * P.U + 1u;
    for (var h = lid.x; h < P.H; h += 64u) {
      var s = 0.0;
      for (var j = s0; j < s1; j++) { s += dOut[csr[pos0 + j] * P.H + h]; }
      let gi = row * P.H + h;
      grad[gi] = grad[gi] + s;
    }
  }
}
