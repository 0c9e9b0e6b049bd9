// Matmul epilogue (shaders/matmul.wgsl, EPILOGUE define): F = the product + b[n] and G = GELU(F), both
// written (GELU's backward needs F): a Linear followed by GELU, as in a transformer's FFN, without a
// separate GELU pass over F. Needs lib/gelu.wgsl.
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> act: array<f32>;
fn store(z: u32, m: u32, n: u32, v: f32) {
  let f = v + bias[n];
  y[m * P.N + n] = f;
  act[m * P.N + n] = gelu(f);
}
