// Launch geometry shared by the kernel wrappers.
import type { Gpu } from "../gpu/device.ts";

/** Workgroups for a grid-stride loop over n elements: capped so huge tensors stay under the per-dimension limit. */
export function strideGrid(g: Gpu, n: number, wg = 256): { groups: number; stride: number } {
  const groups = Math.max(1, Math.min(Math.ceil(n / wg), Math.min(g.caps.maxWorkgroupsPerDim, 4096)));
  return { groups, stride: groups * wg };
}
