// Reading timestamp query sets back to the CPU.
import type { Gpu } from "../gpu/device.ts";

export const QUERY_RESOLVE = 0x200;
export const COPY_SRC = 0x04;
export const COPY_DST = 0x08;
export const MAP_READ = 0x01;

/**
 * Resolves queries [0, 2·pairs) of a timestamp query set and returns each pair's end − begin in ns (0 when
 * a driver reports end < begin). Submits its own encoder: record and submit the timestamps first.
 */
export async function readPairDurations(g: Gpu, set: GPUQuerySet, pairs: number, label: string): Promise<number[]> {
  const n = 2 * pairs;
  const dev = g.device;
  const resolve = dev.createBuffer({ size: n * 8, usage: QUERY_RESOLVE | COPY_SRC, label: `${label}.resolve` });
  const readback = dev.createBuffer({ size: n * 8, usage: MAP_READ | COPY_DST, label: `${label}.readback` });
  const enc = dev.createCommandEncoder();
  enc.resolveQuerySet(set, 0, n, resolve, 0);
  enc.copyBufferToBuffer(resolve, 0, readback, 0, n * 8);
  g.queue.submit([enc.finish()]);
  await readback.mapAsync(MAP_READ);
  const t = new BigUint64Array(readback.getMappedRange().slice(0));
  readback.unmap();
  resolve.destroy();
  readback.destroy();
  return Array.from({ length: pairs }, (_, i) => (t[2 * i + 1] >= t[2 * i] ? Number(t[2 * i + 1] - t[2 * i]) : 0));
}
