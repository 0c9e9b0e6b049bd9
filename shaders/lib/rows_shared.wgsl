// Row reduction with workgroup memory (//#include rows_shared, see rows.wgsl): a tree over the row's LANES
// invocations, log2(LANES) barrier rounds; none with one invocation per row.
var<workgroup> row_red: array<vec4f, {{WG}}>;

// Sum (or, with isMax, the max of the x components) of v over the LANES consecutive invocations of a row;
// each of them gets the result. With one invocation per row: no workgroup memory, no barrier.
fn rowReduce4(v: vec4f, lid: u32, isMax: bool) -> vec4f {
  if (LANES == 1u) { return v; }
  row_red[lid] = v;
  workgroupBarrier();
  let lane = lid % LANES;
  for (var w = LANES / 2u; w > 0u; w >>= 1u) {
    if (lane < w) {
      let a = row_red[lid];
      let b = row_red[lid + w];
      row_red[lid] = select(a + b, max(a, b), isMax);
    }
    workgroupBarrier();
  }
  let r = row_red[lid - lane];
  workgroupBarrier(); // row_red may be reused right after
  return r;
}
