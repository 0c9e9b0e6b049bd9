// Fixed-width per-kernel table of a ProfileReport, for the terminal.
import type { KernelStats, ProfileReport } from "./report.ts";

export interface TableOptions {
  /** show only the N most expensive kernels; the rest are summed into one "(N others)" row */
  top?: number;
  /** number of training steps in the profiled region, for the per-step wall time; default: the number of
   * outermost CPU phases named "step …" */
  steps?: number;
}

const NAME_MAX = 48;

/** Name of the CPU phases in which the host waits for submitted GPU work (see formatKernelTable). */
export const GPU_WAIT_PHASE = "gpu wait";

function num(v: number | null, digits: number): string {
  if (v === null || !Number.isFinite(v)) return "-";
  return v.toFixed(digits);
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

export function formatKernelTable(report: ProfileReport, opts: TableOptions = {}): string {
  const est = report.timing === "cpu-fallback";
  const top = opts.top !== undefined && opts.top >= 0 ? Math.floor(opts.top) : report.kernels.length;
  const shown = report.kernels.slice(0, top);
  const rest = report.kernels.slice(top);
  type Row = [string, string, string, string, string, string, string];
  const row = (k: Pick<KernelStats, "name" | "calls" | "totalMs" | "share" | "gflops" | "gbps"> & { meanMs: number | null }): Row => [
    clip(k.name, NAME_MAX),
    String(k.calls),
    num(k.totalMs, 3),
    num(k.meanMs, 4),
    num(k.share * 100, 1),
    num(k.gflops, 2),
    num(k.gbps, 2),
  ];
  const rows: Row[] = shown.map((k) => row(k));
  if (rest.length) {
    const sum = (f: (k: KernelStats) => number) => rest.reduce((a, k) => a + f(k), 0);
    const totalMs = sum((k) => k.totalMs);
    rows.push(row({
      name: `(${rest.length} other kernel${rest.length > 1 ? "s" : ""})`,
      calls: sum((k) => k.calls),
      totalMs,
      meanMs: null,
      share: sum((k) => k.share),
      gflops: null,
      gbps: null,
    }));
  }
  const t = report.totals;
  const total: Row = row({ name: "total", calls: t.calls, totalMs: t.gpuMs, meanMs: t.calls ? t.gpuMs / t.calls : null, share: t.gpuMs > 0 ? 1 : 0, gflops: t.gflops, gbps: t.gbps });
  const head: Row = ["kernel", "calls", est ? "est. ms" : "total ms", "mean ms", "share %", "GFLOP/s", "GB/s"];
  const all = [head, ...rows, total];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const fmt = (r: Row) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const rule = "-".repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));

  const lines: string[] = [];
  lines.push(`profile '${report.label}' on ${report.adapter} (${report.runtime}), timing: ${report.timing}`);
  if (report.note) lines.push(`NOTE: ${report.note}`);
  if (report.passOverheadNs !== null) {
    const us = (report.passOverheadNs / 1e3).toFixed(1);
    const how = report.passOverheadSource === "paired-dispatches"
      ? `median over ${report.passOverheadSamples} pairs of dispatches of own-pass minus shared-pass time`
      : "median of empty passes, at most the shortest pass";
    const what = !report.passOverheadSubtracted ? "NOT subtracted" : report.passOverheadNs < 0 ? "negative, so nothing subtracted" : "subtracted from each dispatch";
    lines.push(`timer overhead: ${us} µs per timestamped pass (${how}), ${what}`);
  }
  lines.push(fmt(head), rule, ...rows.map(fmt), rule, fmt(total));
  const steps = opts.steps ?? report.phases.filter((p) => p.depth === 0 && !p.instant && /^step\b/i.test(p.name)).length;
  let wall = `wall ${report.wallMs.toFixed(3)} ms`;
  if (steps > 0) wall += ` over ${steps} step${steps > 1 ? "s" : ""} = ${(report.wallMs / steps).toFixed(3)} ms/step`;
  const busy = report.wallMs > 0 ? ` (${est ? "estimated " : ""}GPU kernel time ${((100 * t.gpuMs) / report.wallMs).toFixed(1)}% of wall)` : "";
  lines.push(`${wall}; ${report.submits} submit${report.submits === 1 ? "" : "s"}${busy}`);
  // where the caller marked its waits for the GPU
  const waits = report.phases.filter((p) => p.name === GPU_WAIT_PHASE && !p.instant);
  if (waits.length) {
    const waitMs = waits.reduce((a, p) => a + p.durNs, 0) / 1e6;
    // (no ratio of kernel time to it: a caller that records the next step while the GPU runs has the GPU
    // busy outside these waits too)
    lines.push(`host waiting for the GPU: ${waitMs.toFixed(3)} ms (${((100 * waitMs) / Math.max(report.wallMs, 1e-9)).toFixed(1)}% of wall)`);
  }
  return lines.join("\n");
}
