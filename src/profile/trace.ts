// Chrome trace event format (the JSON that chrome://tracing and ui.perfetto.dev open) from a ProfileReport.
//
// One process (pid 1) with two named tracks: tid 1 = the GPU queue (one complete 'X' event per dispatch),
// tid 2 = CPU phases and marks. ts/dur are microseconds relative to Profiler.start(); events are sorted by ts
// (ties: longer first, so nested phases open before their children), metadata first.
import type { ProfileReport } from "./report.ts";
import { fs, nodePath } from "../host.ts";

export const GPU_TID = 1;
export const CPU_TID = 2;
const PID = 1;

export interface TraceEvent {
  name: string;
  ph: "X" | "M" | "i";
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  cat?: string;
  s?: "t" | "p" | "g";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, unknown>;
}

/** ns → µs, kept to ns precision and never negative */
function us(ns: number): number {
  return Math.max(0, Math.round(ns) / 1000);
}

export function toChromeTrace(report: ProfileReport): ChromeTrace {
  const est = report.timing === "cpu-fallback";
  const meta: TraceEvent[] = [
    { name: "process_name", ph: "M", ts: 0, pid: PID, tid: 0, args: { name: `xlt ${report.label}` } },
    { name: "thread_name", ph: "M", ts: 0, pid: PID, tid: GPU_TID, args: { name: est ? "GPU queue (estimated from CPU timing)" : "GPU queue" } },
    { name: "thread_sort_index", ph: "M", ts: 0, pid: PID, tid: GPU_TID, args: { sort_index: 0 } },
    { name: "thread_name", ph: "M", ts: 0, pid: PID, tid: CPU_TID, args: { name: "CPU phases" } },
    { name: "thread_sort_index", ph: "M", ts: 0, pid: PID, tid: CPU_TID, args: { sort_index: 1 } },
  ];
  const evs: TraceEvent[] = [];
  for (const e of report.events) {
    const args: Record<string, unknown> = {
      detail: e.detail ?? null,
      flops: e.flops ?? null,
      bytes: e.bytes ?? null,
      context: e.context ?? null,
      submit: e.submit,
    };
    if (e.estimated) args.estimated = true;
    evs.push({ name: e.name, cat: "gpu", ph: "X", ts: us(e.startNs), dur: us(e.durNs), pid: PID, tid: GPU_TID, args });
  }
  for (const p of report.phases) {
    if (p.instant) evs.push({ name: p.name, cat: "cpu", ph: "i", s: "t", ts: us(p.startNs), pid: PID, tid: CPU_TID });
    else {
      const args: Record<string, unknown> = { depth: p.depth };
      if (p.unclosed) args.unclosed = true;
      evs.push({ name: p.name, cat: "cpu", ph: "X", ts: us(p.startNs), dur: us(p.durNs), pid: PID, tid: CPU_TID, args });
    }
  }
  evs.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  return {
    traceEvents: [...meta, ...evs],
    displayTimeUnit: "ms",
    otherData: {
      timing: report.timing,
      note: report.note ?? null,
      adapter: report.adapter,
      runtime: report.runtime,
      wallMs: report.wallMs,
      gpuMs: report.totals.gpuMs,
      passOverheadNs: report.passOverheadNs,
      passOverheadSubtracted: report.passOverheadSubtracted,
      passOverheadSource: report.passOverheadSource,
      ...(report.passOverheadSamples !== undefined ? { passOverheadSamples: report.passOverheadSamples } : {}),
    },
  };
}

/** Writes the trace atomically (temp file + rename), so a reader never sees a half-written file. */
export function writeChromeTrace(path: string, report: ProfileReport): void {
  const json = JSON.stringify(toChromeTrace(report));
  fs.mkdirSync(nodePath.dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    fs.writeFileSync(tmp, json);
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temp file was never created
    }
    throw e;
  }
}
