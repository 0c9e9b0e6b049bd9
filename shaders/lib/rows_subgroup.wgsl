// Row reduction with subgroup operations (//#include rows_subgroup, see rows.wgsl). Only for the layout
// where a workgroup is one row (LANES = WG) and one subgroup: WG is the adapter's subgroupMinSize, which a
// device probe (src/gpu/device.ts) checked. No workgroup memory, no barrier. Must come first in a module:
// `enable` precedes every declaration.
enable subgroups;

// Sum (or, with isMax, the max) of v over the workgroup's invocations; each of them gets the result.
// isMax is a constant at every call, so both branches stay in uniform control flow.
fn rowReduce4(v: vec4f, lid: u32, isMax: bool) -> vec4f {
  if (isMax) { return subgroupMax(v); }
  return subgroupAdd(v);
}
