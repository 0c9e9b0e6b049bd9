// Matmul epilogue (shaders/matmul.wgsl, EPILOGUE define): Y[m,n] = the product ⊙ GELU'(F[m,n]), the
// gradient through the GELU that produced the product's input (F its pre-activation), without a separate
// GELU-backward pass. Needs lib/gelu.wgsl.
@group(0) @binding(3) var<storage, read> pre: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
fn store(z: u32, m: u32, n: u32, v: f32) { y[m * P.N + n] = v * geluGrad(pre[m * P.N + n]); }
