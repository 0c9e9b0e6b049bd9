// a·b, a·a and b·b of pair i's two H-wide rows starting at `base`. Reads the including kernel's `a` and `b`
// storage arrays and P.H (both align_cosine kernels that include it declare them under those names).
fn pairDots(base: u32) -> vec3f {
  var ab = 0.0;
  var aa = 0.0;
  var bb = 0.0;
  for (var k = 0u; k < P.H; k++) {
    let x = a[base + k];
    let y = b[base + k];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return vec3f(ab, aa, bb);
}
