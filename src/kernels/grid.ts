// Launch geometry shared by the kernel wrappers.
import { type Gpu, isSoftwareAdapter } from "../gpu/device.ts";

/** Workgroups for a grid-stride loop over n elements: capped so huge tensors stay under the per-dimension limit. */
export function strideGrid(g: Gpu, n: number, wg = 256): { groups: number; stride: number } {
  const groups = Math.max(1, Math.min(Math.ceil(n / wg), Math.min(g.caps.maxWorkgroupsPerDim, 4096)));
  return { groups, stride: groups * wg };
}

/** `groups` workgroups on a 2D grid (group = wid.x + wid.y·gx), so more than the per-dimension limit work. */
export function rowGrid(g: Gpu, groups: number): [number, number] {
  const gx = Math.max(1, Math.min(groups, g.caps.maxWorkgroupsPerDim));
  return [gx, Math.max(1, Math.ceil(groups / gx))];
}

/**
 * Invocations per row for the row kernels on a GPU: the row length rounded up to a power of two, 32 to
 * `max`. Fewer idle invocations and fewer barrier rounds for short rows (hidden 32-128).
 */
export function rowWorkgroup(C: number, max = 256): number {
  return Math.min(max, Math.max(32, 2 ** Math.ceil(Math.log2(Math.max(1, C)))));
}

/**
 * How a row kernel (layernorm, softmax, contrastive and cross-entropy rows; shaders/lib/rows.wgsl) spreads
 * rows over invocations: WG invocations per workgroup, LANES of them per row (a power of two dividing WG),
 * so WG / LANES rows per workgroup.
 *  - GPU: one workgroup per row (LANES = WG = rowWorkgroup(C)); the row's sums are tree reductions.
 *  - software adapter (lavapipe, SwiftShader): one invocation per row, 8 rows per workgroup (one SIMD
 *    group of llvmpipe), no workgroup memory and no barrier. There a barrier suspends and resumes every
 *    8-lane group of the workgroup, and a 64-wide row reduction costs 8 of them per sum: layernorm and
 *    softmax took 20% of a realignment step's GPU time at hidden 64 before this layout.
 */
export interface RowLayout {
  WG: number;
  LANES: number;
  rowsPerGroup: number;
  /** the row reduction's library: workgroup memory, or subgroup operations (WG = LANES = one subgroup) */
  reduce: RowReduce;
  /** { WG, LANES, ROW_REDUCE } for the shader; one object per layout, so the kernel cache key is memoised */
  defines: { WG: number; LANES: number; ROW_REDUCE: RowReduce };
}
export type RowReduce = "rows_shared" | "rows_subgroup";

const layouts = new Map<string, RowLayout>();

function layout(WG: number, LANES: number, reduce: RowReduce = "rows_shared"): RowLayout {
  const key = `${WG}/${LANES}/${reduce}`;
  let l = layouts.get(key);
  if (!l) layouts.set(key, (l = { WG, LANES, rowsPerGroup: WG / LANES, reduce, defines: { WG, LANES, ROW_REDUCE: reduce } }));
  return l;
}

/** Kernel variants: for CPU adapters, for GPUs with workgroup-memory reductions, or with subgroup ones. */
export type KernelVariants = "cpu" | "gpu" | "subgroup";
let variantOverride: KernelVariants | null = null;

/**
 * Forces a kernel variant on every adapter (tests run all of them on lavapipe); null restores the choice by
 * adapter. "subgroup" is "gpu" with subgroup row reductions; on a device without usable subgroups
 * (caps.subgroupRows = 0, e.g. Deno) it is the same as "gpu".
 */
export function setKernelVariants(kind: KernelVariants | null): void {
  variantOverride = kind;
}

/** Whether kernels should use their CPU-adapter variants (see setKernelVariants). */
export function cpuVariants(g: Gpu): boolean {
  return variantOverride === "cpu" || (variantOverride === null && isSoftwareAdapter(g));
}

/**
 * The row layout for rows of length C (at most `max` invocations per row):
 *  - CPU variants: 8 rows per workgroup, one invocation each;
 *  - GPUs with subgroups that a workgroup of subgroupMinSize invocations fills (probed at device creation):
 *    one row per workgroup of that many invocations, reduced with subgroup operations (no barriers);
 *  - otherwise one row per workgroup of rowWorkgroup(C, max) invocations, reduced through workgroup memory.
 */
export function rowLayout(g: Gpu, C: number, max = 256): RowLayout {
  if (cpuVariants(g)) return layout(8, 1);
  const sg = g.caps.subgroupRows;
  if (variantOverride !== "gpu" && sg > 0 && sg <= max) return layout(sg, sg, "rows_subgroup");
  const w = rowWorkgroup(C, max);
  return layout(w, w);
}

/**
 * Launch of a row kernel over `rows` rows of length C: the layout's shader defines, and the 2D grid of
 * its workgroups (gx is what the kernels' params call gx/gridX).
 */
export function rowLaunch(g: Gpu, rows: number, C: number, max = 256): { defines: RowLayout["defines"]; gx: number; grid: [number, number] } {
  const rl = rowLayout(g, C, max);
  const grid = rowGrid(g, Math.ceil(rows / rl.rowsPerGroup));
  return { defines: rl.defines, gx: grid[0], grid };
}
