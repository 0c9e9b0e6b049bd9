// Bias gradient of a Linear layer (split from matmul.wgsl because that file's //#common holds the tiled
// product main, which every kernel section of a family is compiled with).
//#kernel bias_grad
// db[N] (+)= Σ_m dY[m,n], a fixed-order sum (no atomics, so the result is deterministic).
// A 64×4 workgroup: 64 columns, 4 row-strided partial sums per column, combined in workgroup memory.
struct Params { M: u32, N: u32, acc: u32, }
@group(0) @binding(0) var<uniform> Q: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
var<workgroup> part: array<f32, 256>;
@compute @workgroup_size(64, 4) fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wg: vec3u) {
  let col = wg.x * 64u + lid.x;
  var s = 0.0;
  if (col < Q.N) {
    for (var r = lid.y; r < Q.M; r += 4u) { s += dy[r * Q.N + col]; }
  }
  part[lid.y * 64u + lid.x] = s;
  workgroupBarrier();
  if (lid.y == 0u && col < Q.N) {
    let t = (part[lid.x] + part[64u + lid.x]) + (part[128u + lid.x] + part[192u + lid.x]);
    if (Q.acc != 0u) { db[col] = db[col] + t; } else { db[col] = t; }
  }
}
