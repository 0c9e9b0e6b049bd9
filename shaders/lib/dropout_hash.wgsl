// The dropout mask's hash (//#include dropout_hash; shaders/dropout.wgsl explains it), shared with the
// kernels that fuse dropout (LayerNorm's residual forward and its backward): an element's keep/drop
// decision is the same wherever it is computed.
fn dropMix(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

/** Whether element i (its index in the whole tensor) is kept: hash ≥ T, keys k1, k2 from the host. */
fn dropKeep(i: u32, k1: u32, k2: u32, T: u32) -> bool { return dropMix(dropMix(i ^ k1) + k2) >= T; }
