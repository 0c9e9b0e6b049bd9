// Non-finite test by the exponent bits: WGSL lets a compiler assume no NaN or infinity at run time, so
// `x != x` or a comparison with infinity may be folded away; a bit test cannot be.
// The health flag's bits (src/kernels/optim.ts HEALTH_*): which kind of value became non-finite.
const HEALTH_GRAD = 1u;
const HEALTH_WEIGHT = 2u;
const HEALTH_GRAD_NORM = 4u;
fn nonFinite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}
