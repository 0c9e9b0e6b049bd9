// GPU time of whole stretches of recorded work (e.g. training steps) WITHOUT per-dispatch passes.
//
// The kernel profiler gives every dispatch its own timestamped compute pass, and a pass boundary is not
// free: on Deno/wgpu each one leaves ~45 µs of idle GPU on lavapipe, a third of a tiny model's step. To say
// how much of a step's real GPU time the per-kernel figures account for, we time the same step unprofiled:
// one timestamp before its first dispatch and one after its last, recorded as empty passes around the
// recorder's usual single pass. Without 'timestamp-query' the spans are CPU wall time (record → done).
import type { Gpu } from "../gpu/device.ts";
import { flush, recordTimestamp } from "../gpu/recorder.ts";
import { readPairDurations } from "./queries.ts";

export class SpanTimer {
  readonly timing: "gpu-timestamps" | "cpu-wall";
  private readonly set: GPUQuerySet | null;
  private readonly cpu: { start: number; end: number }[] = [];
  private used = 0;

  /** Room for `count` spans. */
  constructor(private readonly g: Gpu, readonly count: number) {
    if (!Number.isInteger(count) || count < 1 || count > 2048) throw new Error(`SpanTimer: count must be in [1, 2048], got ${count}`);
    this.timing = g.caps.timestamps ? "gpu-timestamps" : "cpu-wall";
    this.set = g.caps.timestamps ? g.device.createQuerySet({ type: "timestamp", count: 2 * count, label: "span-timer" }) : null;
  }

  /** Marks the start of span i (before its first dispatch is recorded). */
  begin(i: number): void {
    this.check(i);
    if (this.set) recordTimestamp(this.g, this.set, 2 * i);
    else this.cpu[i] = { start: performance.now(), end: NaN };
  }

  /** Marks the end of span i (after its last dispatch is recorded, before the readback that waits for it). */
  end(i: number): void {
    this.check(i);
    if (this.set) recordTimestamp(this.g, this.set, 2 * i + 1);
    this.used = Math.max(this.used, i + 1);
  }

  /** Call when span i's work is known to be done (CPU timing only; a no-op with GPU timestamps). */
  done(i: number): void {
    if (!this.set && this.cpu[i]) this.cpu[i].end = performance.now();
  }

  /** Durations in ms of spans 0..used-1; destroys the query set. */
  async read(): Promise<number[]> {
    if (!this.set) return this.cpu.slice(0, this.used).map((c) => c.end - c.start);
    flush(this.g); // the marks must be submitted before the resolve
    const ns = await readPairDurations(this.g, this.set, this.used, "span-timer");
    this.set.destroy();
    return ns.map((x) => x / 1e6);
  }

  private check(i: number) {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new Error(`SpanTimer: span ${i} out of [0, ${this.count})`);
  }
}
