// The profiler's timing without 'timestamp-query' (or with forceCpuTiming): CPU wall time per submit. Each
// submitted batch is timed from its submit (or the previous batch's completion, whichever is later) to
// the moment onSubmittedWorkDone resolves, and that time is split evenly over the batch's dispatches. Such
// per-kernel times are an ESTIMATE by dispatch count, and the report says so (timing = 'cpu-fallback', note).
import type { Gpu } from "../gpu/device.ts";
import type { ProfileEvent } from "./report.ts";

interface CpuBatch {
  submitMs: number;
  firstEvent: number;
  count: number;
  doneMs?: number;
}

export class CpuFallbackTimer {
  private batches: CpuBatch[] = [];
  private batchStart = 0; // first event not yet in a batch
  private donePromises: Promise<void>[] = [];

  constructor(private readonly g: Gpu) {}

  /** A submit at `submitMs` of the events recorded since the last one (up to `eventCount`). */
  submitted(submitMs: number, eventCount: number) {
    const count = eventCount - this.batchStart;
    if (count === 0) return;
    const batch: CpuBatch = { submitMs, firstEvent: this.batchStart, count };
    this.batchStart = eventCount;
    this.batches.push(batch);
    // After the caller's synchronous code (which submits this encoder right after us) ask when the queue is
    // idle. If more submits happened meanwhile, that time covers them too: all uncovered batches get it.
    const g = this.g;
    queueMicrotask(() => {
      const upTo = this.batches.length;
      this.donePromises.push(
        g.queue.onSubmittedWorkDone().then(() => {
          const t = performance.now();
          for (let i = 0; i < upTo; i++) this.batches[i].doneMs ??= t;
        }),
      );
    });
  }

  /** Whether events were recorded after the last submit. */
  hasUnsubmitted(eventCount: number): boolean {
    return this.batchStart < eventCount;
  }

  /** Waits for every batch's completion time; a batch none was seen for ends at `endMs`. */
  async settle(endMs: number): Promise<void> {
    await Promise.all(this.donePromises);
    for (const b of this.batches) b.doneMs ??= endMs;
  }

  /** Splits each group of batches' wall time (submit → work done) evenly over their dispatches. */
  attribute(events: ProfileEvent[], startMs: number) {
    let prevDone = startMs;
    let i = 0;
    while (i < this.batches.length) {
      // batches completed by the same onSubmittedWorkDone form one group
      let j = i;
      while (j + 1 < this.batches.length && this.batches[j + 1].doneMs === this.batches[i].doneMs) j++;
      const start = Math.max(this.batches[i].submitMs, prevDone);
      const end = Math.max(start, this.batches[i].doneMs!);
      let n = 0;
      for (let k = i; k <= j; k++) n += this.batches[k].count;
      const per = ((end - start) * 1e6) / n;
      let idx = 0;
      for (let k = i; k <= j; k++) {
        const b = this.batches[k];
        for (let e = b.firstEvent; e < b.firstEvent + b.count; e++, idx++) {
          const ev = events[e];
          ev.startNs = (start - startMs) * 1e6 + idx * per;
          ev.durNs = per;
          ev.estimated = true;
        }
      }
      prevDone = end;
      i = j + 1;
    }
  }
}
