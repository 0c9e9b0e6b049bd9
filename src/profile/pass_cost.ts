// What a timestamped pass itself costs, measured two ways.
//
// Timer overhead: a timestamped pass is not free. On lavapipe an EMPTY pass spans ~20 µs between its own
// timestamps on Dawn when it runs among busy dispatches (~3 µs after idle; ~5 µs on wgpu, which instead
// leaves ~45 µs idle between passes), more than a small kernel's real time (~15 µs). Every 8th profiled
// dispatch is preceded by an empty timestamped pass (EmptyPassCalibration), and the median of those (at
// most the shortest profiled pass, which paid the same cost) is subtracted from every dispatch's duration
// (clamped at 0), so per-kernel times approach what the kernels take inside one ordinary pass; the report
// states the overhead (passOverheadNs). On a real GPU it is about 0.
//
// A better estimate, where the work can be repeated (`xlt profile` runs the same step again): a PROBE run
// (PassCostProbe) records the same dispatches again with each adjacent pair sharing one timestamped pass.
// For a pair, (its two own-pass windows) − (its shared-pass window) is what one pass boundary adds inside
// the windows, less whatever a shared pass pays between two dispatches that split passes pay outside them
// (wgpu's barriers between passes): it can be negative. Its median over all pairs replaces the empty-pass
// figure (passOverheadSource 'paired-dispatches'). It is measured on the workload's own kernels, and it
// never looks at the one-pass step that coverage is checked against.
import type { Gpu } from "../gpu/device.ts";
import { readPairDurations } from "./queries.ts";
import { median, type ProfileEvent } from "./report.ts";

// An empty timestamped pass is recorded before every CALIBRATION_EVERY-th profiled dispatch (up to
// CALIBRATION_MAX in all), so it runs in the same state of the machine as the real passes around it: on
// lavapipe an empty pass costs ~3 µs after idle but ~20 µs between busy dispatches on Dawn.
export const CALIBRATION_EVERY = 8;
const CALIBRATION_MAX = 1024;
// Pairs a probe run can time (2 queries each); more are recorded untimed.
const PROBE_MAX = 2048;

export class EmptyPassCalibration {
  private calibration: { set: GPUQuerySet; used: number } | null = null;

  constructor(private readonly g: Gpu) {}

  /** Records one empty pass with begin/end timestamps into enc (read back by read()). */
  record(enc: GPUCommandEncoder) {
    if (!this.calibration) {
      const set = this.g.device.createQuerySet({ type: "timestamp", count: 2 * CALIBRATION_MAX, label: "profiler.calibration" });
      this.calibration = { set, used: 0 };
    }
    const c = this.calibration;
    if (c.used >= CALIBRATION_MAX) return;
    enc.beginComputePass({ timestampWrites: { querySet: c.set, beginningOfPassWriteIndex: 2 * c.used, endOfPassWriteIndex: 2 * c.used + 1 } }).end();
    c.used++;
  }

  /** Median empty-pass duration in ns (null if none was recorded); destroys the calibration buffers. */
  async read(): Promise<number | null> {
    const c = this.calibration;
    if (!c || c.used === 0) return null;
    this.calibration = null;
    const d = await readPairDurations(this.g, c.set, c.used, "profiler.calibration");
    c.set.destroy();
    d.sort((a, b) => a - b);
    return d[d.length >> 1];
  }
}

/** A pass of a probe run: its dispatches' names (1 or 2), mirroring events [first, first + names.length). */
interface ProbeGroup {
  first: number;
  names: string[];
  query: number; // pair index in the probe's query set, -1 when untimed
}

export class PassCostProbe {
  private probe: { set: GPUQuerySet; used: number; groups: ProbeGroup[] } | null = null;

  constructor(private readonly g: Gpu) {}

  /** A new pass of the probe run for the dispatch mirroring event `first`: its timestamp writes, if timed. */
  beginGroup(first: number, name: string): GPUComputePassTimestampWrites | undefined {
    if (!this.probe) {
      const set = this.g.device.createQuerySet({ type: "timestamp", count: 2 * PROBE_MAX, label: "profiler.probe" });
      this.probe = { set, used: 0, groups: [] };
    }
    const pr = this.probe;
    const timed = pr.used < PROBE_MAX;
    pr.groups.push({ first, names: [name], query: timed ? pr.used : -1 });
    if (!timed) return undefined;
    const i = 2 * pr.used++;
    return { querySet: pr.set, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 };
  }

  /** Whether the dispatch mirroring event `next` becomes the second of the last pass's pair. */
  join(next: number, name: string): boolean {
    const last = this.probe?.groups[this.probe.groups.length - 1];
    if (!last || last.names.length >= 2 || last.first + last.names.length !== next) return false;
    last.names.push(name);
    return true;
  }

  /**
   * Median over the probe's pairs of (own-pass windows of the two mirrored events − the pair's window), in
   * ns, from raw (unsubtracted) event durations; null without probe pairs. Destroys the probe's query set.
   */
  async read(events: readonly ProfileEvent[], rawDur: number[]): Promise<{ ns: number; pairs: number } | null> {
    const pr = this.probe;
    if (!pr || pr.used === 0) return null;
    this.probe = null;
    const d = await readPairDurations(this.g, pr.set, pr.used, "profiler.probe");
    pr.set.destroy();
    const diffs: number[] = [];
    for (const gr of pr.groups) {
      if (gr.names.length !== 2 || gr.query < 0 || gr.first + 2 > events.length) continue;
      let own = 0;
      for (let j = 0; j < 2; j++) {
        const ev = events[gr.first + j];
        if (ev.name !== gr.names[j]) {
          throw new Error(`Profiler: the probe run does not repeat the profiled dispatches (${gr.names[j]} vs ${ev.name} at event ${gr.first + j})`);
        }
        own += rawDur[gr.first + j];
      }
      diffs.push(own - d[gr.query]); // two dispatches in one pass save one pass boundary
    }
    return diffs.length ? { ns: median(diffs), pairs: diffs.length } : null;
  }
}
