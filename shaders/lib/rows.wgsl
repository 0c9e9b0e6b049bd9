// Row kernels' layout (//#include rows), shared by layernorm, attention_softmax, contrastive and
// crossentropy. Workgroups of {{WG}} invocations, {{LANES}} of them per row, so {{WG}}/{{LANES}} rows per
// workgroup (src/kernels/grid.ts rowLayout: a whole workgroup per row on GPUs, one invocation per row on
// CPU adapters), on a 2D grid of groups (group = wid.x + wid.y·gx) so more than 65535 groups work.
// The reduction across a row's lanes, rowReduce4, comes from the library that the ROW_REDUCE define names
// (included before this one): rows_shared (workgroup memory and barriers) or rows_subgroup (subgroup
// operations, when a workgroup is one subgroup).
// Kernels compute surplus rows clamped (rowIndex ≥ rows) and skip their writes instead of returning early:
// every barrier stays in uniform control flow, as Naga requires.
const LANES: u32 = {{LANES}}u;
const ROWS_PER_GROUP: u32 = {{WG}}u / LANES;

/** The row of invocation lid in workgroup wid (may be ≥ rows for surplus invocations). */
fn rowIndex(wid: vec3u, gx: u32, lid: u32) -> u32 {
  return (wid.x + wid.y * gx) * ROWS_PER_GROUP + lid / LANES;
}

/** The invocation's place among its row's LANES invocations: it strides the row from here by LANES. */
fn rowLane(lid: u32) -> u32 {
  return lid % LANES;
}

/** Where invocation lid works: its row (clamped to rows − 1 for surplus invocations, whose `valid` is
 *  false: they compute but must not write), and its lane in the row. */
struct RowSlot { row: u32, lane: u32, valid: bool, }
fn rowSlot(wid: vec3u, gx: u32, lid: u32, rows: u32) -> RowSlot {
  let r = rowIndex(wid, gx, lid);
  return RowSlot(min(r, rows - 1u), lid % LANES, r < rows);
}

fn rowSum4(v: vec4f, lid: u32) -> vec4f { return rowReduce4(v, lid, false); }
fn rowSum(v: f32, lid: u32) -> f32 { return rowReduce4(vec4f(v, 0.0, 0.0, 0.0), lid, false).x; }
fn rowMax(v: f32, lid: u32) -> f32 { return rowReduce4(vec4f(v, 0.0, 0.0, 0.0), lid, true).x; }
