// GELU as Hugging Face BERT/XLM-R/DistilBERT compute it (the exact erf form), shared by the elementwise
// kernels and the matmul epilogues that fuse bias + GELU and GELU's backward (//#include gelu).

// erf with |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev fit): WGSL has no built-in erf.
fn erf_(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
          t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
          t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}

/** x·Φ(x) = 0.5·x·(1 + erf(x/√2)) */
fn gelu(v: f32) -> f32 { return 0.5 * v * (1.0 + erf_(v * 0.70710678118654752)); }

/** GELU'(x) = Φ(x) + x·φ(x), φ the standard normal density */
fn geluGrad(v: f32) -> f32 {
  let cdf = 0.5 * (1.0 + erf_(v * 0.70710678118654752));
  let pdf = 0.3989422804014327 * exp(-0.5 * v * v);
  return cdf + v * pdf;
}
