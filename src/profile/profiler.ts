// Kernel profiler: per-dispatch GPU times from timestamp queries, CPU-side phase spans, and a report.
//
// How it hooks in: setProfiler(g, this) makes the recorder give every dispatch its own compute pass and ask
// begin() for that pass's timestampWrites; each dispatch carries the recorder's label (setProfileContext).
// The parts live beside this file: the query sets and their readback (timestamp_ring.ts), what a
// timestamped pass itself costs (pass_cost.ts), the CPU timing without timestamp queries (cpu_fallback.ts)
// and the report (report.ts).
//
// GPU timestamps are nanoseconds in the GPU's own timebase. For the trace we anchor the first timestamp to
// performance.now() at the first submit: the GPU cannot start before that, and it usually starts right after.
import type { Gpu } from "../gpu/device.ts";
import { type DispatchInfo, type ProfilerHook, setProfiler } from "../gpu/recorder.ts";
import { CpuFallbackTimer } from "./cpu_fallback.ts";
import { CALIBRATION_EVERY, EmptyPassCalibration, PassCostProbe } from "./pass_cost.ts";
import { buildReport, type CpuSpan, type ProfileEvent, type ProfileReport, type TimingSource } from "./report.ts";
import { TimestampRing } from "./timestamp_ring.ts";

export * from "./report.ts";

export interface ProfilerOptions {
  /** a name for the report and the trace's process */
  label?: string;
  /** ignore timestamp queries even when available (tests the fallback path) */
  forceCpuTiming?: boolean;
  /** queries per query set (even, ≥ 2; default 4096, the WebGPU maximum); small values exercise set rollover */
  querySetSize?: number;
  /**
   * subtract the timer's own cost per pass, measured on empty timestamped passes recorded among the
   * profiled dispatches (default true; measured and reported either way).
   * See pass_cost.ts: on lavapipe a timestamped pass costs up to ~20 µs, more than a small kernel's real
   * time (~15 µs); on a real GPU it is ~0.
   */
  subtractPassOverhead?: boolean;
  /**
   * record the empty timestamped passes that measure the timer's cost (default true). Callers that run a
   * probe (probePassCost) turn them off: the probe measures the cost better, and the extra passes would
   * disturb the dispatches it compares with.
   */
  emptyPassCalibration?: boolean;
}

const DEFAULT_QUERIES = 4096;
const active = new WeakMap<Gpu, Profiler>();

/** The profiler currently attached to g, if any (profiling is off by default). */
export function activeProfiler(g: Gpu): Profiler | null {
  return active.get(g) ?? null;
}

export class Profiler implements ProfilerHook {
  readonly label: string;
  readonly timing: TimingSource;
  private readonly startMs: number;
  private events: ProfileEvent[] = [];
  private spans: CpuSpan[] = [];
  private open: CpuSpan[] = [];
  private readonly timestamps: TimestampRing;
  private finishing = false;
  private stopped = false;
  private firstSubmitMs: number | null = null;
  private submits = 0;
  private readonly cpuTimer: CpuFallbackTimer;
  private readonly subtract: boolean;
  private readonly emptyPasses: boolean;
  private pausedAt: number | null = null;
  private pausedMs = 0;
  private readonly calibration: EmptyPassCalibration;
  private readonly probe: PassCostProbe;
  /** while a probe run is recording: the event index its next dispatch mirrors */
  private probing: { next: number } | null = null;

  private constructor(private readonly g: Gpu, opts: ProfilerOptions) {
    this.label = opts.label ?? "xlt";
    this.timing = g.caps.timestamps && !opts.forceCpuTiming ? "gpu-timestamps" : "cpu-fallback";
    const q = opts.querySetSize ?? DEFAULT_QUERIES;
    if (!Number.isInteger(q) || q < 2 || q % 2 || q > DEFAULT_QUERIES) {
      throw new Error(`Profiler: querySetSize must be an even integer in [2, ${DEFAULT_QUERIES}], got ${q}`);
    }
    this.timestamps = new TimestampRing(g, q);
    this.cpuTimer = new CpuFallbackTimer(g);
    this.calibration = new EmptyPassCalibration(g);
    this.probe = new PassCostProbe(g);
    this.subtract = opts.subtractPassOverhead ?? true;
    this.emptyPasses = opts.emptyPassCalibration ?? true;
    this.startMs = performance.now();
  }

  /** Attaches a profiler to g: from now on every dispatch is timed on its own compute pass. */
  static start(g: Gpu, opts: ProfilerOptions = {}): Profiler {
    const prev = active.get(g);
    if (prev) throw new Error(`Profiler.start: profiler '${prev.label}' is already running on this device; stop() it first`);
    const p = new Profiler(g, opts);
    if (p.timing === "cpu-fallback" && !opts.forceCpuTiming) {
      console.warn(
        "profiler: this adapter has no 'timestamp-query'; per-kernel GPU times are unavailable, " +
          "times are estimated from CPU wall time per submit split by dispatch count",
      );
    }
    setProfiler(g, p); // flushes work recorded before start, so it is not attributed to us
    active.set(g, p);
    return p;
  }

  /**
   * Detaches from the recorder until resume(): dispatches in between run in the ordinary single pass and are
   * not recorded; the paused time is left out of the report's wallMs. `xlt profile` times unprofiled steps
   * this way, interleaved with the profiled ones so that both see the same machine state.
   */
  pause(): void {
    if (this.stopped || this.pausedAt !== null) throw new Error("Profiler.pause: not running");
    setProfiler(this.g, null); // flushes first, with this profiler still attached
    this.pausedAt = performance.now();
  }

  resume(): void {
    if (this.stopped || this.pausedAt === null) throw new Error("Profiler.resume: not paused");
    setProfiler(this.g, this); // flushes the unprofiled work first
    this.pausedMs += performance.now() - this.pausedAt;
    this.pausedAt = null;
  }

  /** Dispatch events recorded so far. */
  get eventCount(): number {
    return this.events.length;
  }

  /** An instant marker on the CPU track. */
  mark(name: string): void {
    this.spans.push({ name, startNs: this.nowNs(), durNs: 0, depth: this.open.length, instant: true });
  }

  /** Opens a CPU phase span; call the returned function to close it. Phases nest. */
  startPhase(name: string): () => void {
    const span: CpuSpan = { name, startNs: this.nowNs(), durNs: 0, depth: this.open.length };
    this.open.push(span);
    this.spans.push(span);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      span.durNs = Math.max(0, this.nowNs() - span.startNs);
      const i = this.open.lastIndexOf(span);
      if (i >= 0) this.open.splice(i, 1);
    };
  }

  /** Runs fn inside a CPU phase span (sync or async); the span closes when fn returns or its promise settles. */
  phase<T>(name: string, fn: () => T): T {
    const end = this.startPhase(name);
    let r: T;
    try {
      r = fn();
    } catch (e) {
      end();
      throw e;
    }
    if (r && typeof (r as any).then === "function") {
      return (r as any).then(
        (v: unknown) => {
          end();
          return v;
        },
        (e: unknown) => {
          end();
          throw e;
        },
      ) as T;
    }
    end();
    return r;
  }

  /** ProfilerHook: called by the recorder for each dispatch, before its pass begins. */
  begin(info: DispatchInfo, enc: GPUCommandEncoder): GPUComputePassTimestampWrites | undefined {
    if (this.stopped) return undefined;
    if (this.probing) return this.beginProbeGroup(info);
    if (this.timing === "gpu-timestamps" && this.emptyPasses && this.events.length % CALIBRATION_EVERY === 0) this.calibration.record(enc);
    const ev: ProfileEvent = { name: info.name, startNs: 0, durNs: 0, submit: this.submits };
    if (info.detail !== undefined) ev.detail = info.detail;
    if (info.context !== undefined) ev.context = info.context;
    if (info.flops !== undefined) ev.flops = info.flops;
    if (info.bytes !== undefined) ev.bytes = info.bytes;
    this.events.push(ev);
    if (this.timing !== "gpu-timestamps") return undefined;
    return this.timestamps.next(this.events.length - 1);
  }

  /** ProfilerHook: a probe run puts the second dispatch of each pair into the first one's pass. */
  join(info: DispatchInfo): boolean {
    const p = this.probing;
    if (!p || !this.probe.join(p.next, info.name)) return false;
    p.next++;
    return true;
  }

  /**
   * Starts a probe run of the timer's cost per pass: the dispatches recorded until endProbe() must repeat
   * those recorded from event index `mirrorOf` on (the same step again). They run in pairs, each pair in one
   * timestamped pass, and are not events of the report. A clear, copy or submit between two dispatches
   * splits a pair. At stop(), each pair's window is compared with its two dispatches' own-pass windows.
   * Without GPU timestamps the probe's dispatches just run.
   */
  probePassCost(mirrorOf: number): void {
    if (this.stopped || this.pausedAt !== null || this.probing) throw new Error("Profiler.probePassCost: not running, paused or already probing");
    if (!Number.isInteger(mirrorOf) || mirrorOf < 0 || mirrorOf > this.events.length) throw new Error(`Profiler.probePassCost: no event ${mirrorOf}`);
    setProfiler(this.g, this); // ends the open pass (flushes) so the first pair starts fresh
    this.probing = { next: mirrorOf };
  }

  /** Ends a probe run; the following dispatches are profiled events again. */
  endProbe(): void {
    if (!this.probing) throw new Error("Profiler.endProbe: no probe run");
    setProfiler(this.g, this); // ends the last pair's pass
    this.probing = null;
  }

  private beginProbeGroup(info: DispatchInfo): GPUComputePassTimestampWrites | undefined {
    if (this.timing !== "gpu-timestamps") return undefined; // CPU timing has no pass windows to calibrate
    return this.probe.beginGroup(this.probing!.next++, info.name);
  }

  /** ProfilerHook: called right before the recorder submits an encoder. */
  beforeSubmit(enc: GPUCommandEncoder): void {
    const now = performance.now();
    if (this.firstSubmitMs === null) this.firstSubmitMs = now;
    this.submits++;
    if (this.timing === "gpu-timestamps") this.timestamps.beforeSubmit(enc, this.finishing);
    else this.cpuTimer.submitted(now, this.events.length);
  }

  /**
   * Detaches the profiler (restoring the recorder's one-pass fast path), waits for the GPU, reads back all
   * timestamps and builds the report. Open phases are closed here and flagged `unclosed`.
   */
  async stop(): Promise<ProfileReport> {
    if (this.stopped) throw new Error("Profiler.stop: already stopped");
    for (const s of this.open) {
      s.durNs = Math.max(0, this.nowNs() - s.startNs);
      s.unclosed = true;
    }
    this.open = [];
    if (this.pausedAt !== null) this.resume();
    this.probing = null;
    this.finishing = true;
    setProfiler(this.g, null); // flushes first: our beforeSubmit resolves the open query set
    this.stopped = true;
    active.delete(this.g);
    const g = this.g;
    if (this.timing === "gpu-timestamps") {
      // resolve whatever the final flush did not see (nothing was pending to submit)
      this.timestamps.resolveRest();
    } else if (this.cpuTimer.hasUnsubmitted(this.events.length)) {
      // dispatches recorded but never submitted cannot happen after the flush above; be safe anyway
      this.cpuTimer.submitted(performance.now(), this.events.length);
    }
    await g.queue.onSubmittedWorkDone();
    const endMs = performance.now();
    await this.cpuTimer.settle(endMs);
    const wallMs = endMs - this.startMs - this.pausedMs;
    let note: string | undefined;
    let passOverheadNs: number | null = null;
    let passOverheadSource: ProfileReport["passOverheadSource"] = null;
    let passOverheadSamples: number | undefined;
    if (this.timing === "gpu-timestamps") {
      ({ note, overheadNs: passOverheadNs, source: passOverheadSource, samples: passOverheadSamples } = await this.readTimestamps(await this.calibration.read()));
    }
    else {
      this.cpuTimer.attribute(this.events, this.startMs);
      note =
        "GPU timestamp queries unavailable" + (g.caps.timestamps ? " (CPU timing forced)" : " on this adapter") +
        ": per-kernel GPU times are NOT measured; each submit's wall time is split evenly over its dispatches " +
        "(an estimate by dispatch count)";
    }
    this.timestamps.destroy();
    return buildReport({
      label: this.label,
      timing: this.timing,
      note,
      adapter: g.caps.adapterName,
      runtime: g.caps.runtime,
      events: this.events,
      phases: this.spans,
      passOverheadNs,
      passOverheadSubtracted: this.subtract && passOverheadNs !== null,
      passOverheadSource,
      ...(passOverheadSamples !== undefined ? { passOverheadSamples } : {}),
      wallMs,
      submits: this.submits,
      startedAtMs: this.startMs,
    });
  }

  private nowNs(): number {
    return (performance.now() - this.startMs) * 1e6;
  }

  /**
   * Maps all readback buffers and fills in the events' times. The timer's own cost per pass is the empty
   * passes' median (`measuredNs`), capped at the shortest profiled pass: every such pass paid it and did
   * some work besides, so an estimate above that is wrong for this run (lavapipe's pass cost swings with
   * what ran just before). With subtraction on, each duration is reduced by it (clamped at 0). Returns that
   * cost and a note when timestamps look wrong.
   */
  private async readTimestamps(measuredNs: number | null): Promise<{
    note?: string;
    overheadNs: number | null;
    source: ProfileReport["passOverheadSource"];
    samples?: number;
  }> {
    const raw = await this.timestamps.read();
    if (raw.length !== this.events.length * 2) {
      throw new Error(`internal: profiler read ${raw.length} timestamps for ${this.events.length} dispatches`);
    }
    const rawDur = this.events.map((_, i) => (raw[2 * i + 1] >= raw[2 * i] ? Number(raw[2 * i + 1] - raw[2 * i]) : 0));
    const probed = await this.probe.read(this.events, rawDur);
    if (!raw.length) return { overheadNs: measuredNs, source: measuredNs === null ? null : "empty-pass" };
    let overheadNs: number | null;
    let source: ProfileReport["passOverheadSource"];
    if (probed) {
      overheadNs = probed.ns;
      source = "paired-dispatches";
    } else {
      let minPass = Infinity;
      for (let i = 0; i < raw.length; i += 2) if (raw[i + 1] >= raw[i]) minPass = Math.min(minPass, Number(raw[i + 1] - raw[i]));
      overheadNs = measuredNs === null ? null : Math.min(measuredNs, minPass);
      source = overheadNs === null ? null : "empty-pass";
    }
    // A negative cost (the probe's shared passes were slower than the split ones) is reported but not
    // added: a dispatch's time stays inside its own pass's timestamps, so trace events never overlap.
    const subtractNs = this.subtract ? Math.max(0, overheadNs ?? 0) : 0;
    let t0 = raw[0];
    for (let i = 0; i < raw.length; i += 2) if (raw[i] < t0) t0 = raw[i];
    const anchorNs = ((this.firstSubmitMs ?? this.startMs) - this.startMs) * 1e6;
    let bad = 0;
    for (let i = 0; i < this.events.length; i++) {
      const b = raw[2 * i], e = raw[2 * i + 1];
      const ev = this.events[i];
      ev.startNs = anchorNs + Number(b - t0);
      // a driver may report end < begin (or zeros) for passes it did not time: keep durations non-negative
      if (e < b) bad++;
      ev.durNs = e >= b ? Math.max(0, Number(e - b) - subtractNs) : 0;
    }
    const note = bad ? `${bad} of ${this.events.length} dispatches had end < begin timestamps (driver issue); their durations were set to 0` : undefined;
    return { note, overheadNs, source, ...(probed ? { samples: probed.pairs } : {}) };
  }
}
