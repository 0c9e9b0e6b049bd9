// Dropout with a counter-based RNG: the keep/drop decision of element i is a pure function of
// (seed, stream, i), so the backward recomputes the forward's mask instead of storing it. The forward
// (y = x·mask·scale) and the backward (dx = dy·mask·scale) are the same kernel.
//
// Hash: two rounds of the "lowbias32" integer mixer (a bijection on u32) keyed by k1, k2, which the host
// derives from seed and stream (src/kernels/dropout.ts; its CPU twin `dropoutMask` repeats this exactly):
//   h = mix(mix(i ^ k1) + k2);  keep ⇔ h ≥ T,  T = ⌊p·2³²⌋  (integer compare: no float rounding questions)
// Tensors above the binding limit are processed in chunks bound as sub-ranges; `base` is the chunk's first
// element so the hash sees the element's index in the whole tensor.
//#include dropout_hash
//#common
struct Params { n: u32, stride: u32, base: u32, k1: u32, k2: u32, T: u32, scale: f32, }
@group(0) @binding(0) var<uniform> P: Params;

fn keep(i: u32) -> bool { return dropKeep(i, P.k1, P.k2, P.T); }

//#kernel apply
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { y[i] = select(0.0, x[i] * P.scale, keep(P.base + i)); }
}

//#kernel apply_inplace
// x bound once read_write (binding one buffer twice in a dispatch is a validation error)
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { x[i] = select(0.0, x[i] * P.scale, keep(P.base + i)); }
}
