// Matmul epilogue (shaders/matmul.wgsl, EPILOGUE define): Y[m,n] = the product.
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
fn store(z: u32, m: u32, n: u32, v: f32) { y[m * P.N + n] = v; }
