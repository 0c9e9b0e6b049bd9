// ALIGN-MLM's static alignment term over dictionary pairs (a[i], b[i]) = (E[d_i], E[d_i + V]), gathered rows:
//   loss = −λ/n · Σ_i cos_i,   cos_i = a·b / max(|a|·|b|, eps)   (torch cosine_similarity with eps 1e-8).
// One invocation per pair walks its H-wide rows (n ≈ thousands, H ≤ 1024: no reduction across lanes needed);
// the mean is one workgroup summing in a fixed order (deterministic, no atomics).
//#include {{ROW_REDUCE}}
//#include rows
//#common
struct Params { n: u32, H: u32, stride: u32, scale: f32, eps: f32, }

//#kernel forward_rows
// cos[i] for every pair.
//#include pair_dots
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> cosv: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    let base = i * P.H;
    let d = pairDots(base);
    cosv[i] = d.x / max(sqrt(d.y) * sqrt(d.z), P.eps);
  }
}

//#kernel forward_reduce
// loss[0] = scale · Σ cos (scale = −λ/n); mean_cos[0] = Σ cos / n, for the log.
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> cosv: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < P.n; i += LANES) { s += cosv[i]; }
  let t = rowSum(s, lid);
  if (lid == 0u) {
    out[0] = P.scale * t;
    out[1] = select(0.0, t / f32(P.n), P.n > 0u);
  }
}

//#kernel backward
//#include pair_dots
// da = g·(b/d − cos·a/|a|²), db = g·(a/d − cos·b/|b|²) with g = scale·dloss, d = |a||b| (above eps);
// below eps the denominator is the constant eps: da = g·b/eps, db = g·a/eps.
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> da: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;
@compute @workgroup_size({{WG}}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  for (var i = gid.x; i < P.n; i += P.stride) {
    let base = i * P.H;
    let dots = pairDots(base);
    let ab = dots.x;
    let aa = dots.y;
    let bb = dots.z;
    let d = sqrt(aa) * sqrt(bb);
    let g = P.scale;
    if (d > P.eps) {
      let c = ab / d;
      for (var k = 0u; k < P.H; k++) {
        let x = a[base + k];
        let y = b[base + k];
        da[base + k] = g * (y / d - c * x / aa);
        db[base + k] = g * (x / d - c * y / bb);
      }
    } else {
      for (var k = 0u; k < P.H; k++) {
        da[base + k] = g * b[base + k] / P.eps;
        db[base + k] = g * a[base + k] / P.eps;
      }
    }
  }
}
