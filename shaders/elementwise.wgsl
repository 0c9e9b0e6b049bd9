// Elementwise activations and residual adds, forward and backward side by side.
// Every kernel walks a flat range with a grid-stride loop so any length works with a capped grid.
//#include gelu
//#common
struct Params { n: u32, stride: u32, }
@group(0) @binding(0) var<uniform> P: Params;

//#kernel gelu_forward
// y = x·Φ(x) = 0.5·x·(1 + erf(x/√2)), the exact form Hugging Face BERT/XLM-R/DistilBERT use.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    y[i] = gelu(x[i]);
  }
}

//#kernel gelu_backward
// dx = dy · (Φ(x) + x·φ(x)), φ the standard normal density.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    dx[i] = dy[i] * geluGrad(x[i]);
  }
}

//#kernel relu_forward
// NaN passes through (max(NaN, 0) may give 0, which would hide a NaN from the loss and its guard)
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { let v = x[i]; y[i] = select(v, 0.0, v <= 0.0); }
}

//#kernel relu_backward
// uses the forward OUTPUT (y > 0 iff x > 0), so the input need not be kept
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { dx[i] = select(0.0, dy[i], y[i] > 0.0); }
}

//#kernel tanh_forward
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  // clamp: tanh(±10) is ±1 in f32, and some drivers overflow exp() inside tanh for large |x|
  for (var i = gid.x; i < P.n; i += P.stride) { y[i] = tanh(clamp(x[i], -10.0, 10.0)); }
}

//#kernel tanh_backward
// dx = dy·(1 − y²), from the forward output
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { let t = y[i]; dx[i] = dy[i] * (1.0 - t * t); }
}

//#kernel add
// out = a + b (residual add; the backward of an add is a copy of dy into both branches)
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { out[i] = a[i] + b[i]; }
}

//#kernel accumulate
// acc += a, in place (acc bound once, read_write: binding one buffer twice is a validation error)
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> acc: array<f32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) { acc[i] = acc[i] + a[i]; }
}
