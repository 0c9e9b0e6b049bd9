// The profiler's per-dispatch timestamps: each profiled dispatch's own pass writes two queries (start and
// end of the pass). Queries come from query sets of `setSize` entries; when one is full it is retired and a
// new one opened. Retired sets are resolved (resolveQuerySet → copy into a MAP_READ buffer) in the next
// submit, i.e. in the same command encoder as their last pass, so no timestamp is ever lost; the open set
// is resolved when the profiler stops. All readback buffers are mapped only at the end, so profiling adds no
// GPU→CPU round trip to the step.
import type { Gpu } from "../gpu/device.ts";
import { COPY_DST, COPY_SRC, MAP_READ, QUERY_RESOLVE } from "./queries.ts";

interface QuerySegment {
  set: GPUQuerySet;
  capacity: number;
  used: number; // queries written so far (2 per event)
  firstEvent: number; // index into events of the segment's first dispatch
  readback: GPUBuffer | null; // set once resolved
  resolveBuf: GPUBuffer | null;
}

export class TimestampRing {
  private segments: QuerySegment[] = [];
  private toResolve: QuerySegment[] = [];

  constructor(private readonly g: Gpu, private readonly setSize: number) {}

  /** The timestamp writes of the pass of event `event` (opens a new query set when the current one is full). */
  next(event: number): GPUComputePassTimestampWrites {
    let seg = this.segments[this.segments.length - 1];
    if (!seg || seg.used + 2 > seg.capacity) {
      if (seg) this.toResolve.push(seg); // full: resolved in this encoder's beforeSubmit
      seg = {
        set: this.g.device.createQuerySet({ type: "timestamp", count: this.setSize, label: `profiler.q${this.segments.length}` }),
        capacity: this.setSize,
        used: 0,
        firstEvent: event,
        readback: null,
        resolveBuf: null,
      };
      this.segments.push(seg);
    }
    const i = seg.used;
    seg.used += 2;
    return { querySet: seg.set, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 };
  }

  /** Records into `enc` (about to be submitted) the resolves of the full sets, and with `finishing` the open one. */
  beforeSubmit(enc: GPUCommandEncoder, finishing: boolean): void {
    if (finishing) {
      const last = this.segments[this.segments.length - 1];
      if (last && !last.readback && !this.toResolve.includes(last)) this.toResolve.push(last);
    }
    for (const seg of this.toResolve) this.resolve(enc, seg);
    this.toResolve = [];
  }

  /** Resolves, in a submit of its own, whatever the last submit did not (nothing was pending to submit). */
  resolveRest(): void {
    const left = this.segments.filter((s) => !s.readback && s.used > 0);
    if (!left.length) return;
    const enc = this.g.device.createCommandEncoder();
    for (const seg of left) this.resolve(enc, seg);
    this.g.queue.submit([enc.finish()]);
  }

  /** Every timestamp written, in order (begin and end of each pass); call after the GPU finished. */
  async read(): Promise<bigint[]> {
    const raw: bigint[] = [];
    for (const seg of this.segments) {
      if (!seg.readback) continue;
      await seg.readback.mapAsync(MAP_READ);
      const v = new BigUint64Array(seg.readback.getMappedRange().slice(0));
      seg.readback.unmap();
      for (let i = 0; i < seg.used; i++) raw.push(v[i]);
    }
    return raw;
  }

  destroy(): void {
    for (const seg of this.segments) {
      seg.set.destroy();
      seg.readback?.destroy();
      seg.resolveBuf?.destroy();
    }
  }

  private resolve(enc: GPUCommandEncoder, seg: QuerySegment) {
    if (seg.readback || seg.used === 0) return;
    const bytes = seg.used * 8;
    seg.resolveBuf = this.g.device.createBuffer({ size: bytes, usage: QUERY_RESOLVE | COPY_SRC, label: "profiler.resolve" });
    seg.readback = this.g.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST, label: "profiler.readback" });
    enc.resolveQuerySet(seg.set, 0, seg.used, seg.resolveBuf, 0);
    enc.copyBufferToBuffer(seg.resolveBuf, 0, seg.readback, 0, bytes);
  }
}
