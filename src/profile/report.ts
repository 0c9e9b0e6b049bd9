// The profiler's report: what one profiled run measured (per-dispatch events, CPU phases, the timer's own
// cost) and the per-kernel aggregates the table and the trace are made from.

export type TimingSource = "gpu-timestamps" | "cpu-fallback";

/** One dispatch. Times are ns relative to Profiler.start() on the CPU clock (GPU times anchored to it). */
export interface ProfileEvent {
  name: string;
  detail?: string;
  /** the dispatch's label (setProfileContext in the recorder) when it was recorded, e.g. "layer.3 backward" */
  context?: string;
  startNs: number;
  durNs: number;
  flops?: number;
  bytes?: number;
  /** true when durNs is a CPU-side estimate (cpu-fallback timing) */
  estimated?: boolean;
  /** which command-buffer submit (0-based, counted from start()) ran the dispatch */
  submit: number;
}

/** A CPU-side span (phase) or, with durNs = 0 and instant = true, a mark. */
export interface CpuSpan {
  name: string;
  startNs: number;
  durNs: number;
  /** nesting depth of phases (0 = outermost) */
  depth: number;
  instant?: boolean;
  /** the phase was still open at stop() and was closed there */
  unclosed?: boolean;
}

export interface KernelStats {
  name: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** fraction (0..1) of the total GPU time of all kernels */
  share: number;
  /** declared flops / time, null when the kernel declared no flops */
  gflops: number | null;
  /** declared bytes / time, null when the kernel declared no bytes */
  gbps: number | null;
  flops: number;
  bytes: number;
}

export interface ProfileReport {
  label: string;
  timing: TimingSource;
  /** set when per-kernel GPU times are unavailable or suspicious; print it next to the numbers */
  note?: string;
  adapter: string;
  runtime: string;
  /** per kernel name, sorted by total time, largest first */
  kernels: KernelStats[];
  totals: { calls: number; gpuMs: number; flops: number; bytes: number; gflops: number | null; gbps: number | null };
  events: ProfileEvent[];
  phases: CpuSpan[];
  /**
   * wall-clock time of the profiled region: start() until the GPU finished the work submitted before stop(),
   * less the time spent paused
   */
  wallMs: number;
  /**
   * the timer's own cost per pass (ns): the median begin→end time of the empty timestamped passes recorded
   * among the profiled dispatches, at most the shortest profiled pass; or, after a probe run, the median
   * over pairs of adjacent dispatches of (own-pass windows − shared-pass window), which may be negative.
   * And whether it was subtracted from every dispatch's duration (clamped at 0; a negative cost is not
   * subtracted). null without GPU timestamps
   */
  passOverheadNs: number | null;
  passOverheadSubtracted: boolean;
  /** how passOverheadNs was measured (null without GPU timestamps) */
  passOverheadSource: "empty-pass" | "paired-dispatches" | null;
  /** with 'paired-dispatches': how many pairs the median is over */
  passOverheadSamples?: number;
  /** number of command-buffer submits while profiling */
  submits: number;
  /** performance.now() at start(), for relating the trace to other logs */
  startedAtMs: number;
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** Aggregates events per kernel name. Exported for tools that merge or filter events. */
export function buildReport(r: Omit<ProfileReport, "kernels" | "totals">): ProfileReport {
  const byName = new Map<string, KernelStats & { hasFlops: boolean; hasBytes: boolean }>();
  let gpuNs = 0, flops = 0, bytes = 0;
  for (const ev of r.events) {
    let k = byName.get(ev.name);
    if (!k) {
      k = {
        name: ev.name, calls: 0, totalMs: 0, meanMs: 0, minMs: Infinity, maxMs: 0, share: 0, gflops: null, gbps: null,
        flops: 0, bytes: 0, hasFlops: false, hasBytes: false,
      };
      byName.set(ev.name, k);
    }
    const ms = ev.durNs / 1e6;
    k.calls++;
    k.totalMs += ms;
    k.minMs = Math.min(k.minMs, ms);
    k.maxMs = Math.max(k.maxMs, ms);
    if (ev.flops !== undefined) (k.flops += ev.flops), (k.hasFlops = true);
    if (ev.bytes !== undefined) (k.bytes += ev.bytes), (k.hasBytes = true);
    gpuNs += ev.durNs;
    flops += ev.flops ?? 0;
    bytes += ev.bytes ?? 0;
  }
  const gpuMs = gpuNs / 1e6;
  const rate = (amount: number, ms: number, has: boolean) => (has && ms > 0 ? amount / (ms * 1e6) : null);
  const kernels: KernelStats[] = [...byName.values()].map(({ hasFlops, hasBytes, ...k }) => ({
    ...k,
    meanMs: k.totalMs / k.calls,
    share: gpuMs > 0 ? k.totalMs / gpuMs : 0,
    gflops: rate(k.flops, k.totalMs, hasFlops),
    gbps: rate(k.bytes, k.totalMs, hasBytes),
  }));
  kernels.sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
  return {
    ...r,
    kernels,
    totals: {
      calls: r.events.length,
      gpuMs,
      flops,
      bytes,
      gflops: rate(flops, gpuMs, flops > 0),
      gbps: rate(bytes, gpuMs, bytes > 0),
    },
  };
}
