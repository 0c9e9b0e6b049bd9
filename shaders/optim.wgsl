// Optimizer kernels: Adam/AdamW update (in place) and a deterministic sum of squares for gradient clipping.
// Tensors bigger than the binding limit are processed in chunks (the wrapper binds byte sub-ranges).
// The Adam and clip kernels also OR a bit into a small health flag when a value they see is non-finite,
// so a training loop learns of a NaN with the loss it reads anyway instead of reading every tensor.
//#include nonfinite

//#kernel adam
// PyTorch semantics (torch.optim.Adam / AdamW, single-tensor path):
//   g = grad · gradScale · scale[0]          (clip_grad_norm_ multiplies the grads first)
//   g += l2 · p                              (Adam's L2 weight decay; l2 = 0 for AdamW)
//   p  *= decay                              (AdamW's decoupled decay 1 − lr·wd; 1 for Adam)
//   m = β1·m + (1−β1)·g ;  v = β2·v + (1−β2)·g²
//   p −= stepSize · m / (sqrt(v) / bc2sqrt + eps),  stepSize = lr / (1 − β1^t), bc2sqrt = sqrt(1 − β2^t)
// param, m and v are each bound once, read_write (binding one buffer twice is a validation error).
// flag[0] |= HEALTH_GRAD when a (scaled) gradient is non-finite, HEALTH_WEIGHT when an updated weight is;
// one atomicOr per invocation at most.
struct Params {
  n: u32, stride: u32, beta1: f32, beta2: f32, omb1: f32, omb2: f32, eps: f32, l2: f32,
  decay: f32, stepSize: f32, bc2sqrt: f32, gradScale: f32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;
@group(0) @binding(6) var<storage, read_write> flag: array<atomic<u32>>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let s = P.gradScale * scale[0];
  var bad = 0u;
  for (var i = gid.x; i < P.n; i += P.stride) {
    var p = param[i];
    var g = grad[i] * s;
    if (nonFinite(g)) { bad = bad | HEALTH_GRAD; }
    g = g + P.l2 * p;
    p = p * P.decay;
    let mi = P.beta1 * m[i] + P.omb1 * g;
    let vi = P.beta2 * v[i] + P.omb2 * g * g;
    m[i] = mi;
    v[i] = vi;
    let updated = p - P.stepSize * (mi / (sqrt(vi) / P.bc2sqrt + P.eps));
    if (nonFinite(updated)) { bad = bad | HEALTH_WEIGHT; }
    param[i] = updated;
  }
  if (bad != 0u) { atomicOr(&flag[0], bad); }
}

//#kernel sumsq_partial
// partials[outOff + w] = Σ x² over the elements workgroup w visits (grid-stride, fixed order), then a
// fixed-shape tree in workgroup memory: the result does not depend on timing (deterministic).
struct Params { n: u32, groups: u32, outOff: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
var<workgroup> sh: array<f32, 256>;
@compute @workgroup_size(256) fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = wg.x * 256u + lid.x; i < P.n; i += P.groups * 256u) { let t = x[i]; s += t * t; }
  sh[lid.x] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k = k >> 1u) {
    if (lid.x < k) { sh[lid.x] = sh[lid.x] + sh[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { partials[P.outOff + wg.x] = sh[0]; }
}

//#kernel sumsq_final
// out[0] = Σ partials[0 .. n) by one workgroup in a fixed order (sqrt of it when root = 1).
struct Params { n: u32, root: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
var<workgroup> sh: array<f32, 256>;
@compute @workgroup_size(256) fn main(@builtin(local_invocation_id) lid: vec3u) {
  var s = 0.0;
  for (var i = lid.x; i < P.n; i += 256u) { s += partials[i]; }
  sh[lid.x] = s;
  workgroupBarrier();
  for (var k = 128u; k > 0u; k = k >> 1u) {
    if (lid.x < k) { sh[lid.x] = sh[lid.x] + sh[lid.x + k]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[0] = select(sh[0], sqrt(sh[0]), P.root == 1u); }
}

//#kernel clip_scale
// out[0] = min(1, maxNorm / (sqrt(normSq[0]) + 1e-6)), torch.nn.utils.clip_grad_norm_'s clamped coefficient.
// A non-finite norm sets HEALTH_GRAD_NORM: finite gradients whose squares overflow would otherwise be
// scaled by 0 and the step would silently update nothing.
struct Params { maxNorm: f32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> normSq: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> flag: array<atomic<u32>>;
@compute @workgroup_size(1) fn main() {
  if (nonFinite(normSq[0])) { atomicOr(&flag[0], HEALTH_GRAD_NORM); }
  out[0] = min(1.0, P.maxNorm / (sqrt(normSq[0]) + 1e-6));
}
