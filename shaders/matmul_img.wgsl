// Linear-layer matrix products for CPU adapters (lavapipe/llvmpipe), operands read from images.
//
// The same products as shaders/matmul.wgsl (nt: Y = X·Wᵀ, nn: dX = dY·W, tn: dW (+)= dYᵀ·X, same
// epilogues), with the same arithmetic: every output is fma(a_k, b_k, s) over k = 0, 1, … K−1 from
// s = 0, so results equal matmul.wgsl's bit for bit. What differs is how operands arrive. On llvmpipe an
// invocation is one SIMD lane, and a storage-buffer load with a per-lane address becomes a loop over the
// lanes with a mask test, a bounds test and a scalar load each (~15 instructions per float), whereas an
// image load is one call to a branch-free function that gathers a 16-byte texel per lane (~2
// instructions per float). So src/kernels/matmul_img.ts copies both operands into rgba32float images
// (4 consecutive floats of a row per texel; rgba16float for f16 weights) and these kernels read only
// images; outputs and epilogue operands stay in buffers (one access per output, amortised over K).
//
// A workgroup is one SIMD group of LANES invocations. It owns RM output rows, uniform across the group,
// and RN columns (nt) or RN texels of 4 columns (nn, tn) per lane, interleaved across lanes. BODY is
// generated (src/kernels/matmul_img.ts: the register block fully unrolled, so accumulators are plain
// values). With subgroups, each lane loads the texel of a different output row and subgroupBroadcast
// hands it to the others: one image load for LANES rows instead of one per row.
// Texel layouts (texel (x, y) = floats 4x..4x+3 of row y of the operand matrix):
//   nt: ta = X [M, K], tb = W [N, K]     both along the reduction k
//   nn: ta = dY [M, K], tb = W [K, N]    ta along k, tb along the output columns n
//   tn: ta = dY [K, M], tb = X [K, N]    both along the outputs (rows m, columns n) at reduction row k
//#include {{SUBGROUPS}}
//#include gelu
//#common
struct Params { M: u32, N: u32, K: u32, acc: u32, }
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var ta: texture_storage_2d<rgba32float, read>;
@group(0) @binding(2) var tb: texture_storage_2d<{{BFORMAT}}, read>;

@compute @workgroup_size({{LANES}}) fn main(@builtin(local_invocation_index) l: u32, @builtin(workgroup_id) wg: vec3u) {
{{BODY}}
}

//#kernel nt
//#include {{EPILOGUE}}

//#kernel nn
//#include {{EPILOGUE}}

//#kernel tn
// C (+)= the product: P.acc ≠ 0 adds into C (gradient accumulation, later row chunks)
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn store(z: u32, m: u32, n: u32, v: f32) {
  let i = m * P.N + n;
  if (P.acc != 0u) { c[i] = c[i] + v; } else { c[i] = v; }
}
