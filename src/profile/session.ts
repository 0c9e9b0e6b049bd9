// `--profile FILE` on the commands that run the GPU (realign, finetune, evaluate, embed): one profiler for the
// command's whole run, CPU phases the command names, and at the end the kernel table on stderr and the
// Chrome trace in FILE. Training loops also get a per-step account of the steps after the first (which
// compiles the kernels): wall time = kernels + GPU time between the timed passes + GPU without work.
import type { Gpu } from "../gpu/device.ts";
import { type ProfileReport, Profiler } from "./profiler.ts";
import { formatKernelTable } from "./table.ts";
import { writeChromeTrace } from "./trace.ts";

/** Training steps after the first, per step. */
export interface SteadyState {
  first: number;
  last: number;
  /** the step phases' wall time (pipelined; the last one includes the final wait for the GPU) */
  wallMs: number;
  /** kernel time of the dispatches these steps recorded */
  kernelMs: number;
  /**
   * GPU time between consecutive timed passes of one submit (with the timer's cost subtracted from the
   * kernels, that cost too): what profiling itself adds. The rest of the wall time the GPU had no work:
   * the host was building or recording the next step (or, where submit runs the work in the calling
   * thread, as wgpu on lavapipe does, it could not record during it)
   */
  betweenPassesMs: number;
}

/**
 * The account of steps `first`..`last` (phases "step N"), whose dispatches are the events from `fromEvent` on
 * except the ranges in `skip` ([from, to) event indices).
 */
export function steadyState(report: ProfileReport, fromEvent: number, first: number, last: number, skip: [number, number][] = []): SteadyState {
  const names = new Set(Array.from({ length: last - first + 1 }, (_, i) => `step ${first + i}`));
  const n = last - first + 1;
  const wallMs = report.phases.filter((p) => p.depth === 0 && names.has(p.name)).reduce((a, p) => a + p.durNs, 0) / 1e6;
  // dispatches recorded outside the steps (e.g. a dev evaluation between epochs) are not theirs
  const evs = report.events.slice(fromEvent).filter((_, i) => !skip.some(([a, b]) => fromEvent + i >= a && fromEvent + i < b));
  const kernelMs = evs.reduce((a, e) => a + e.durNs, 0) / 1e6;
  let between = 0;
  for (let i = 1; i < evs.length; i++) {
    const a = evs[i - 1], b = evs[i];
    if (a.submit === b.submit) between += Math.max(0, b.startNs - (a.startNs + a.durNs));
  }
  return { first, last, wallMs: wallMs / n, kernelMs: kernelMs / n, betweenPassesMs: between / 1e6 / n };
}

export function formatSteadyState(s: SteadyState): string {
  const pc = (x: number) => `${((100 * x) / Math.max(s.wallMs, 1e-9)).toFixed(1)}%`;
  const idle = Math.max(0, s.wallMs - s.kernelMs - s.betweenPassesMs);
  return `steps ${s.first}-${s.last} (after the first, which compiles the kernels), per step: wall ${s.wallMs.toFixed(3)} ms = ` +
    `kernels ${s.kernelMs.toFixed(3)} ms (${pc(s.kernelMs)}) + between timed passes ${s.betweenPassesMs.toFixed(3)} ms (${pc(s.betweenPassesMs)}, profiling's own cost) + ` +
    `GPU without work ${idle.toFixed(3)} ms (${pc(idle)}, host building, recording, submitting)`;
}

/** A command's profiling, or its absence (every method is a cheap no-op without a FILE). */
export class ProfileSession {
  private readonly prof: Profiler | null;
  private steady: { fromEvent: number; first: number } | null = null;
  private skip: [number, number][] = [];

  constructor(g: Gpu, readonly file: string | undefined, label: string) {
    this.prof = file ? Profiler.start(g, { label }) : null;
  }

  /** Runs fn inside a CPU phase (sync or async). */
  phase<T>(name: string, fn: () => T): T {
    return this.prof ? this.prof.phase(name, fn) : fn();
  }

  /** Opens a CPU phase; call the result to close it. */
  startPhase(name: string): () => void {
    return this.prof ? this.prof.startPhase(name) : () => {};
  }

  /** Training loops: call at the start of step `step` (phase "step N") to account from there on. */
  steadyFrom(step: number): void {
    if (this.prof && !this.steady) this.steady = { fromEvent: this.prof.eventCount, first: step };
  }

  /** Runs fn (recording GPU work that is not part of any step, e.g. a dev evaluation) inside phase `name`. */
  async outsideSteps<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.prof) return fn();
    const from = this.prof.eventCount;
    try {
      return await this.prof.phase(name, fn);
    } finally {
      this.skip.push([from, this.prof.eventCount]);
    }
  }

  /** After a failure: detaches the profiler so the device can be profiled again; writes nothing. */
  async abort(): Promise<void> {
    if (this.prof) await this.prof.stop().catch(() => undefined);
  }

  /**
   * Stops, prints the kernel table (and, given the last step, the steady-state account) to stderr and writes
   * the trace. Returns the report and the account (undefined without profiling).
   */
  async finish(o: { quiet?: boolean; lastStep?: number } = {}): Promise<{ report?: ProfileReport; steady?: SteadyState }> {
    if (!this.prof) return {};
    const report = await this.prof.stop();
    console.error(formatKernelTable(report));
    let steady: SteadyState | undefined;
    if (this.steady && o.lastStep !== undefined && o.lastStep >= this.steady.first) {
      steady = steadyState(report, this.steady.fromEvent, this.steady.first, o.lastStep, this.skip);
      console.error(formatSteadyState(steady));
    }
    writeChromeTrace(this.file!, report);
    if (!o.quiet) console.error(`wrote Chrome trace to ${this.file}`);
    return { report, steady };
  }
}
