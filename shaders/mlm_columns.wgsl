// Column blocks of a row-major [m, R] matrix, for the tied MLM decoder computed in vocabulary chunks:
// put writes a [m, n] block into columns [c0, c0 + n), get reads it back out. Grid-stride over m·n.
//#common
struct Params { m: u32, n: u32, R: u32, c0: u32, stride: u32, }

//#kernel put
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.m * P.n; i += P.stride) {
    let r = i / P.n;
    dst[r * P.R + P.c0 + (i - r * P.n)] = src[i];
  }
}

//#kernel get
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.m * P.n; i += P.stride) {
    let r = i / P.n;
    dst[i] = src[r * P.R + P.c0 + (i - r * P.n)];
  }
}
