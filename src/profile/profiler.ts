// Kernel profiler: per-dispatch GPU times from timestamp queries, CPU-side phase spans, and a report.
//
// How it hooks in: setProfiler(g, this) makes the recorder give every dispatch its own compute pass and ask
// begin() for that pass's timestampWrites (two queries: start and end of the pass). Queries come from query
// sets of `querySetSize` entries; when one is full we retire it and open a new one. Retired sets are resolved
// (resolveQuerySet → copy into a MAP_READ buffer) in the next beforeSubmit(), i.e. in the same command
// encoder as their last pass, so no event is ever lost; the open set is resolved when stop() flushes. All
// readback buffers are mapped only at stop(), so profiling adds no GPU→CPU round trip to the step.
//
// Timer overhead: a timestamped pass is not free. On lavapipe an EMPTY pass spans ~20 µs between its own
// timestamps on Dawn when it runs among busy dispatches (~3 µs after idle; ~5 µs on wgpu, which instead
// leaves ~45 µs idle between passes), more than a small kernel's real time (~15 µs). Every 8th profiled
// dispatch is preceded by an empty timestamped pass, and the median of those (at most the shortest
// profiled pass, which paid the same cost) is subtracted from every dispatch's duration (clamped at 0), so per-kernel times approach what the kernels take inside
// one ordinary pass; the report states the overhead (passOverheadNs). On a real GPU it is about 0.
//
// A better estimate, where the work can be repeated (`xlt profile` runs the same step again): a PROBE run
// (probePassCost) records the same dispatches again with each adjacent pair sharing one timestamped pass.
// For a pair, (its two own-pass windows) − (its shared-pass window) is what one pass boundary adds inside
// the windows, less whatever a shared pass pays between two dispatches that split passes pay outside them
// (wgpu's barriers between passes): it can be negative. Its median over all pairs replaces the empty-pass
// figure (passOverheadSource 'paired-dispatches'). It is measured on the workload's own kernels, and it
// never looks at the one-pass step that coverage is checked against.
//
// GPU timestamps are nanoseconds in the GPU's own timebase. For the trace we anchor the first timestamp to
// performance.now() at the first submit: the GPU cannot start before that, and it usually starts right after.
//
// Without 'timestamp-query' (or with forceCpuTiming) we fall back to CPU wall time per submit: each submitted
// batch is timed from its submit (or the previous batch's completion, whichever is later) to the moment
// onSubmittedWorkDone resolves, and that time is split evenly over the batch's dispatches. Such per-kernel
// times are an ESTIMATE by dispatch count, and the report says so (timing = 'cpu-fallback', note).
import type { Gpu } from "../gpu/device.ts";
import { type DispatchInfo, type ProfilerHook, setProfiler } from "../gpu/recorder.ts";
import { COPY_DST, COPY_SRC, MAP_READ, QUERY_RESOLVE, readPairDurations } from "./queries.ts";

export type TimingSource = "gpu-timestamps" | "cpu-fallback";

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
   * See the header: on lavapipe a timestamped pass costs up to ~20 µs, more than a small kernel's real
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

/** One dispatch. Times are ns relative to Profiler.start() on the CPU clock (GPU times anchored to it). */
export interface ProfileEvent {
  name: string;
  detail?: string;
  /** the profiler context (setContext) when the dispatch was recorded, e.g. "layer.3 backward" */
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

const DEFAULT_QUERIES = 4096;
// An empty timestamped pass is recorded before every CALIBRATION_EVERY-th profiled dispatch (up to
// CALIBRATION_MAX in all), so it runs in the same state of the machine as the real passes around it: on
// lavapipe an empty pass costs ~3 µs after idle but ~20 µs between busy dispatches on Dawn.
const CALIBRATION_EVERY = 8;
const CALIBRATION_MAX = 1024;
// Pairs a probe run can time (2 queries each); more are recorded untimed.
const PROBE_MAX = 2048;

/** A pass of a probe run: its dispatches' names (1 or 2), mirroring events [first, first + names.length). */
interface ProbeGroup {
  first: number;
  names: string[];
  query: number; // pair index in the probe's query set, -1 when untimed
}

interface QuerySegment {
  set: GPUQuerySet;
  capacity: number;
  used: number; // queries written so far (2 per event)
  firstEvent: number; // index into events of the segment's first dispatch
  readback: GPUBuffer | null; // set once resolved
  resolveBuf: GPUBuffer | null;
}

interface CpuBatch {
  submitMs: number;
  firstEvent: number;
  count: number;
  doneMs?: number;
}

const active = new WeakMap<Gpu, Profiler>();

/** The profiler currently attached to g, if any (profiling is off by default). */
export function activeProfiler(g: Gpu): Profiler | null {
  return active.get(g) ?? null;
}

export class Profiler implements ProfilerHook {
  readonly label: string;
  readonly timing: TimingSource;
  private readonly startMs: number;
  private readonly querySetSize: number;
  private events: ProfileEvent[] = [];
  private spans: CpuSpan[] = [];
  private open: CpuSpan[] = [];
  private context: string | undefined;
  private segments: QuerySegment[] = [];
  private toResolve: QuerySegment[] = [];
  private finishing = false;
  private stopped = false;
  private firstSubmitMs: number | null = null;
  private submits = 0;
  private batches: CpuBatch[] = [];
  private batchStart = 0; // first event not yet in a batch
  private donePromises: Promise<void>[] = [];
  private readonly subtract: boolean;
  private readonly emptyPasses: boolean;
  private pausedAt: number | null = null;
  private pausedMs = 0;
  private calibration: { set: GPUQuerySet; used: number } | null = null;
  private probe: { set: GPUQuerySet; used: number; groups: ProbeGroup[] } | null = null;
  /** while a probe run is recording: the event index its next dispatch mirrors */
  private probing: { next: number } | null = null;

  private constructor(private readonly g: Gpu, opts: ProfilerOptions) {
    this.label = opts.label ?? "xlt";
    this.timing = g.caps.timestamps && !opts.forceCpuTiming ? "gpu-timestamps" : "cpu-fallback";
    const q = opts.querySetSize ?? DEFAULT_QUERIES;
    if (!Number.isInteger(q) || q < 2 || q % 2 || q > DEFAULT_QUERIES) {
      throw new Error(`Profiler: querySetSize must be an even integer in [2, ${DEFAULT_QUERIES}], got ${q}`);
    }
    this.querySetSize = q;
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

  /** Records one empty pass with begin/end timestamps into enc (read back by readCalibration). */
  private calibrate(enc: GPUCommandEncoder) {
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
  private async readCalibration(): Promise<number | null> {
    const c = this.calibration;
    if (!c || c.used === 0) return null;
    this.calibration = null;
    const d = await readPairDurations(this.g, c.set, c.used, "profiler.calibration");
    c.set.destroy();
    d.sort((a, b) => a - b);
    return d[d.length >> 1];
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

  /** The context attached to each following dispatch event (e.g. "layer.3 backward"); undefined clears it. */
  setContext(detail: string | undefined | null): void {
    this.context = detail ?? undefined;
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
    if (this.timing === "gpu-timestamps" && this.emptyPasses && this.events.length % CALIBRATION_EVERY === 0) this.calibrate(enc);
    const ev: ProfileEvent = { name: info.name, startNs: 0, durNs: 0, submit: this.submits };
    if (info.detail !== undefined) ev.detail = info.detail;
    if (this.context !== undefined) ev.context = this.context;
    if (info.flops !== undefined) ev.flops = info.flops;
    if (info.bytes !== undefined) ev.bytes = info.bytes;
    this.events.push(ev);
    if (this.timing !== "gpu-timestamps") return undefined;
    let seg = this.segments[this.segments.length - 1];
    if (!seg || seg.used + 2 > seg.capacity) {
      if (seg) this.toResolve.push(seg); // full: resolved in this encoder's beforeSubmit
      seg = {
        set: this.g.device.createQuerySet({ type: "timestamp", count: this.querySetSize, label: `profiler.q${this.segments.length}` }),
        capacity: this.querySetSize,
        used: 0,
        firstEvent: this.events.length - 1,
        readback: null,
        resolveBuf: null,
      };
      this.segments.push(seg);
    }
    const i = seg.used;
    seg.used += 2;
    return { querySet: seg.set, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 };
  }

  /** ProfilerHook: a probe run puts the second dispatch of each pair into the first one's pass. */
  join(info: DispatchInfo): boolean {
    const p = this.probing, last = this.probe?.groups[this.probe.groups.length - 1];
    if (!p || !last || last.names.length >= 2 || last.first + last.names.length !== p.next) return false;
    last.names.push(info.name);
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
    if (!this.probe) {
      const set = this.g.device.createQuerySet({ type: "timestamp", count: 2 * PROBE_MAX, label: "profiler.probe" });
      this.probe = { set, used: 0, groups: [] };
    }
    const pr = this.probe;
    const timed = pr.used < PROBE_MAX;
    pr.groups.push({ first: this.probing!.next++, names: [info.name], query: timed ? pr.used : -1 });
    if (!timed) return undefined;
    const i = 2 * pr.used++;
    return { querySet: pr.set, beginningOfPassWriteIndex: i, endOfPassWriteIndex: i + 1 };
  }

  /**
   * Median over the probe's pairs of (own-pass windows of the two mirrored events − the pair's window), in
   * ns, from raw (unsubtracted) event durations; null without probe pairs. Destroys the probe's query set.
   */
  private async readProbe(rawDur: number[]): Promise<{ ns: number; pairs: number } | null> {
    const pr = this.probe;
    if (!pr || pr.used === 0) return null;
    this.probe = null;
    const d = await readPairDurations(this.g, pr.set, pr.used, "profiler.probe");
    pr.set.destroy();
    const diffs: number[] = [];
    for (const gr of pr.groups) {
      if (gr.names.length !== 2 || gr.query < 0 || gr.first + 2 > this.events.length) continue;
      let own = 0;
      for (let j = 0; j < 2; j++) {
        const ev = this.events[gr.first + j];
        if (ev.name !== gr.names[j]) {
          throw new Error(`Profiler: the probe run does not repeat the profiled dispatches (${gr.names[j]} vs ${ev.name} at event ${gr.first + j})`);
        }
        own += rawDur[gr.first + j];
      }
      diffs.push(own - d[gr.query]); // two dispatches in one pass save one pass boundary
    }
    return diffs.length ? { ns: median(diffs), pairs: diffs.length } : null;
  }

  /** ProfilerHook: called right before the recorder submits an encoder. */
  beforeSubmit(enc: GPUCommandEncoder): void {
    const now = performance.now();
    if (this.firstSubmitMs === null) this.firstSubmitMs = now;
    this.submits++;
    if (this.timing === "gpu-timestamps") {
      if (this.finishing) {
        const last = this.segments[this.segments.length - 1];
        if (last && !last.readback && !this.toResolve.includes(last)) this.toResolve.push(last);
      }
      for (const seg of this.toResolve) this.resolve(enc, seg);
      this.toResolve = [];
    } else {
      this.cpuBatch(now);
    }
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
      const left = this.segments.filter((s) => !s.readback && s.used > 0);
      if (left.length) {
        const enc = g.device.createCommandEncoder();
        for (const seg of left) this.resolve(enc, seg);
        g.queue.submit([enc.finish()]);
      }
    } else if (this.batchStart < this.events.length) {
      // dispatches recorded but never submitted cannot happen after the flush above; be safe anyway
      this.cpuBatch(performance.now());
    }
    await g.queue.onSubmittedWorkDone();
    const endMs = performance.now();
    await Promise.all(this.donePromises);
    for (const b of this.batches) b.doneMs ??= endMs;
    const wallMs = endMs - this.startMs - this.pausedMs;
    let note: string | undefined;
    let passOverheadNs: number | null = null;
    let passOverheadSource: ProfileReport["passOverheadSource"] = null;
    let passOverheadSamples: number | undefined;
    if (this.timing === "gpu-timestamps") {
      ({ note, overheadNs: passOverheadNs, source: passOverheadSource, samples: passOverheadSamples } = await this.readTimestamps(await this.readCalibration()));
    }
    else {
      this.attributeCpuBatches();
      note =
        "GPU timestamp queries unavailable" + (g.caps.timestamps ? " (CPU timing forced)" : " on this adapter") +
        ": per-kernel GPU times are NOT measured; each submit's wall time is split evenly over its dispatches " +
        "(an estimate by dispatch count)";
    }
    for (const seg of this.segments) {
      seg.set.destroy();
      seg.readback?.destroy();
      seg.resolveBuf?.destroy();
    }
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

  private resolve(enc: GPUCommandEncoder, seg: QuerySegment) {
    if (seg.readback || seg.used === 0) return;
    const bytes = seg.used * 8;
    seg.resolveBuf = this.g.device.createBuffer({ size: bytes, usage: QUERY_RESOLVE | COPY_SRC, label: "profiler.resolve" });
    seg.readback = this.g.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST, label: "profiler.readback" });
    enc.resolveQuerySet(seg.set, 0, seg.used, seg.resolveBuf, 0);
    enc.copyBufferToBuffer(seg.resolveBuf, 0, seg.readback, 0, bytes);
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
    const raw: bigint[] = [];
    for (const seg of this.segments) {
      if (!seg.readback) continue;
      await seg.readback.mapAsync(MAP_READ);
      const v = new BigUint64Array(seg.readback.getMappedRange().slice(0));
      seg.readback.unmap();
      for (let i = 0; i < seg.used; i++) raw.push(v[i]);
    }
    if (raw.length !== this.events.length * 2) {
      throw new Error(`internal: profiler read ${raw.length} timestamps for ${this.events.length} dispatches`);
    }
    const rawDur = this.events.map((_, i) => (raw[2 * i + 1] >= raw[2 * i] ? Number(raw[2 * i + 1] - raw[2 * i]) : 0));
    const probed = await this.readProbe(rawDur);
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

  private cpuBatch(submitMs: number) {
    const count = this.events.length - this.batchStart;
    if (count === 0) return;
    const batch: CpuBatch = { submitMs, firstEvent: this.batchStart, count };
    this.batchStart = this.events.length;
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

  /** Splits each group of batches' wall time (submit → work done) evenly over their dispatches. */
  private attributeCpuBatches() {
    let prevDone = this.startMs;
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
          const ev = this.events[e];
          ev.startNs = (start - this.startMs) * 1e6 + idx * per;
          ev.durNs = per;
          ev.estimated = true;
        }
      }
      prevDone = end;
      i = j + 1;
    }
  }
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
