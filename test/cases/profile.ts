// Kernel profiler: runs a few small real kernels (GELU, add, LayerNorm) under the profiler and checks the
// report (one event per dispatch with the right name and context, non-negative durations, per-kernel totals
// summing to the total, GPU time ≤ wall time), the Chrome trace (valid JSON, required fields, sorted, track
// names), the text table, the forced CPU-timing fallback, and that profiling is off by default and stop()
// restores the unprofiled path. No numeric tolerance beyond the profiled results matching unprofiled ones
// exactly (profiling must not change what kernels compute); time comparisons allow 0.5 ms of slack.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as recorder from "../../src/gpu/recorder.ts";
import { dispatchCount, setProfileContext } from "../../src/gpu/recorder.ts";
import { getGpu, type Gpu, Tensor } from "../../src/index.ts";
import { activationForward, add } from "../../src/kernels/elementwise.ts";
import { layernormForward } from "../../src/kernels/layernorm.ts";
import { activeProfiler, type ProfileReport, Profiler } from "../../src/profile/profiler.ts";
import { formatKernelTable } from "../../src/profile/table.ts";
import { toChromeTrace, writeChromeTrace } from "../../src/profile/trace.ts";
import { SpanTimer } from "../../src/profile/span_timer.ts";
import type { Cases } from "../lib/check.ts";
import { randn } from "../lib/check.ts";

const EPS_MS = 0.5;
const R = 5, C = 33;
const KERNELS = ["elementwise.gelu_forward", "elementwise.add", "layernorm.forward"];

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/**
 * `iters` steps of gelu → add → layernorm on a [R, C] tensor, each in a "step i" phase with an inner
 * "forward" phase and context "layer.i forward". `midRead` reads a result in the middle (an extra submit);
 * `endRead` reads at the end (so nothing is pending when the profiler stops).
 */
async function workload(g: Gpu, p: Profiler | null, iters: number, opts: { midRead?: boolean; endRead?: boolean } = {}) {
  const x = Tensor.from(g, randn(R * C, 11, 3), [R, C]);
  const gamma = Tensor.from(g, randn(C, 12), [C]);
  const beta = Tensor.from(g, randn(C, 13), [C]);
  const before = dispatchCount(g);
  const names: string[] = [];
  const contexts: string[] = [];
  const outs: number[][] = [];
  for (let i = 0; i < iters; i++) {
    const step = async () => {
      setProfileContext(g, `layer.${i} forward`);
      const body = () => {
        const h = activationForward("gelu", x);
        const s = add(h, x);
        const { y, mean, rstd } = layernormForward(s, gamma, beta, 1e-5);
        names.push(...KERNELS);
        contexts.push(...KERNELS.map(() => `layer.${i} forward`));
        return { h, s, y, mean, rstd };
      };
      const t = p ? p.phase("forward", body) : body();
      if ((opts.midRead && i === Math.floor(iters / 2)) || (opts.endRead && i === iters - 1)) {
        outs.push(Array.from(await t.y.read()));
      }
      for (const v of Object.values(t)) v.release();
    };
    if (p) await p.phase(`step ${i}`, step);
    else await step();
  }
  setProfileContext(g, undefined);
  const count = dispatchCount(g) - before;
  for (const t of [x, gamma, beta]) t.release();
  return { names, contexts, count, outs };
}

function checkReport(rep: ProfileReport, w: { names: string[]; contexts: string[]; count: number }, outerWallMs: number, timing: string) {
  assert(rep.timing === timing, `timing is '${rep.timing}', expected '${timing}'`);
  assert(rep.events.length === w.count, `${rep.events.length} events for ${w.count} dispatches`);
  assert(w.names.length === w.count, `workload recorded ${w.count} dispatches, expected ${w.names.length}`);
  rep.events.forEach((e, i) => {
    assert(e.name === w.names[i], `event ${i} is '${e.name}', expected '${w.names[i]}'`);
    assert(e.context === w.contexts[i], `event ${i} context '${e.context}', expected '${w.contexts[i]}'`);
    assert(Number.isFinite(e.durNs) && e.durNs >= 0, `event ${i} (${e.name}) has duration ${e.durNs}`);
    assert(Number.isFinite(e.startNs) && e.startNs >= 0, `event ${i} (${e.name}) starts at ${e.startNs}`);
    assert(e.flops! > 0 && e.bytes! > 0 && typeof e.detail === "string", `event ${i} lacks flops/bytes/detail`);
  });
  const names = rep.kernels.map((k) => k.name).sort();
  assert(JSON.stringify(names) === JSON.stringify([...KERNELS].sort()), `kernels in report: ${names}`);
  let sum = 0, calls = 0, share = 0;
  for (const k of rep.kernels) {
    sum += k.totalMs;
    calls += k.calls;
    share += k.share;
    assert(k.minMs <= k.meanMs + 1e-12 && k.meanMs <= k.maxMs + 1e-12, `${k.name}: min/mean/max ${k.minMs}/${k.meanMs}/${k.maxMs}`);
    assert(Math.abs(k.meanMs * k.calls - k.totalMs) <= 1e-9 * Math.max(1, k.totalMs), `${k.name}: mean·calls ≠ total`);
    if (k.totalMs > 0) assert(k.gflops! > 0 && k.gbps! > 0, `${k.name}: gflops ${k.gflops}, gbps ${k.gbps}`);
  }
  assert(Math.abs(sum - rep.totals.gpuMs) <= 1e-9 * Math.max(1, sum), `per-kernel totals ${sum} ≠ total ${rep.totals.gpuMs}`);
  assert(calls === rep.totals.calls && calls === w.count, `calls ${calls} vs totals ${rep.totals.calls}`);
  assert(rep.totals.gpuMs > 0, `total kernel time is ${rep.totals.gpuMs} ms, expected > 0`);
  assert(Math.abs(share - 1) < 1e-9, `shares sum to ${share}`);
  assert(rep.totals.gpuMs <= rep.wallMs + EPS_MS, `kernel time ${rep.totals.gpuMs} ms > report wall ${rep.wallMs} ms`);
  assert(rep.wallMs <= outerWallMs + EPS_MS, `report wall ${rep.wallMs} ms > measured ${outerWallMs} ms`);
  const steps = rep.phases.filter((p) => p.name.startsWith("step ") && p.depth === 0);
  const fwd = rep.phases.filter((p) => p.name === "forward" && p.depth === 1);
  assert(steps.length === w.count / 3 && fwd.length === steps.length, `phases: ${rep.phases.map((p) => p.name)}`);
  for (const p of rep.phases) assert(p.durNs >= 0 && !p.unclosed, `phase ${p.name}: dur ${p.durNs} unclosed ${p.unclosed}`);
}

function checkTrace(rep: ProfileReport) {
  const text = JSON.stringify(toChromeTrace(rep));
  const t = JSON.parse(text);
  assert(t.displayTimeUnit === "ms" && Array.isArray(t.traceEvents), "trace lacks traceEvents/displayTimeUnit");
  const meta = t.traceEvents.filter((e: any) => e.ph === "M");
  const threads = meta.filter((e: any) => e.name === "thread_name");
  assert(threads.length === 2 && threads.every((e: any) => typeof e.args?.name === "string"), "thread_name metadata missing");
  const gpuTid = threads.find((e: any) => e.args.name.startsWith("GPU"))?.tid;
  const cpuTid = threads.find((e: any) => e.args.name.startsWith("CPU"))?.tid;
  assert(gpuTid !== undefined && cpuTid !== undefined && gpuTid !== cpuTid, "GPU and CPU tracks must differ");
  let last = -Infinity;
  for (const e of t.traceEvents) {
    for (const f of ["name", "ph", "ts", "pid", "tid"]) assert(e[f] !== undefined, `trace event lacks '${f}': ${JSON.stringify(e)}`);
    assert(e.pid === 1 && typeof e.ts === "number" && e.ts >= 0, `bad event ${JSON.stringify(e)}`);
    assert(e.ts >= last, `trace not sorted by ts at ${JSON.stringify(e)}`);
    last = e.ts;
    if (e.ph === "X") assert(typeof e.dur === "number" && e.dur >= 0, `bad duration ${JSON.stringify(e)}`);
  }
  const gpu = t.traceEvents.filter((e: any) => e.ph === "X" && e.tid === gpuTid);
  assert(gpu.length === rep.events.length, `${gpu.length} GPU trace events for ${rep.events.length} dispatches`);
  for (const e of gpu) {
    for (const f of ["detail", "flops", "bytes", "context"]) assert(f in e.args, `GPU event lacks args.${f}`);
  }
  const cpu = t.traceEvents.filter((e: any) => e.ph === "X" && e.tid === cpuTid);
  assert(cpu.length === rep.phases.filter((p) => !p.instant).length, "CPU phase events missing");
  assert(t.traceEvents.some((e: any) => e.ph === "i" && e.name === "end"), "mark 'end' missing from trace");

  const dir = mkdtempSync(join(tmpdir(), "xlt-profile-"));
  try {
    const path = join(dir, "sub", "trace.json");
    writeChromeTrace(path, rep);
    const back = JSON.parse(readFileSync(path, "utf8"));
    assert(back.traceEvents.length === t.traceEvents.length, "written trace differs");
    const left = readdirSync(join(dir, "sub"));
    assert(left.length === 1, `temp files left behind: ${left}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkTable(rep: ProfileReport) {
  const table = formatKernelTable(rep);
  for (const k of KERNELS) assert(table.includes(k), `table lacks ${k}:\n${table}`);
  for (const h of ["calls", "GFLOP/s", "GB/s", "share %", "total", "wall", "ms/step"]) assert(table.includes(h), `table lacks '${h}':\n${table}`);
  const top1 = formatKernelTable(rep, { top: 1 });
  assert(top1.includes(rep.kernels[0].name) && top1.includes("(2 other kernels)"), `top-1 table:\n${top1}`);
  if (rep.timing === "cpu-fallback") assert(table.includes("NOTE") && table.includes("estimate"), `fallback table lacks note:\n${table}`);
  return table;
}

async function profiled(g: Gpu, opts: Parameters<typeof Profiler.start>[1], iters: number, w: { midRead?: boolean; endRead?: boolean }) {
  const t0 = performance.now();
  const p = Profiler.start(g, opts);
  let res: Awaited<ReturnType<typeof workload>>;
  try {
    res = await workload(g, p, iters, w);
    p.mark("end");
  } catch (e) {
    await p.stop();
    throw e;
  }
  const rep = await p.stop();
  return { rep, res, outerWallMs: performance.now() - t0 };
}

export const cases: Cases = {};

cases["profiling is off by default"] = async () => {
  const g = await getGpu();
  assert(activeProfiler(g) === null, "a profiler is attached before any start()");
  const get = (recorder as any).getProfiler as ((g: Gpu) => unknown) | undefined;
  if (get) assert(get(g) === null, "recorder has a profiler hook by default");
  const w = await workload(g, null, 1, { endRead: true });
  assert(w.count === 3 && w.outs.length === 1, "unprofiled workload failed");
};

// The label a dispatch carries lives in the recorder: one set before the profiler starts (an encoder
// layer already under way) still reaches the profiler's events.
cases["a dispatch's label is the recorder's, whenever it was set"] = async () => {
  const g = await getGpu();
  const x = Tensor.from(g, randn(R * C, 21, 3), [R, C]);
  setProfileContext(g, "set before start");
  const p = Profiler.start(g);
  let rep: ProfileReport;
  try {
    activationForward("gelu", x).release();
    setProfileContext(g, undefined);
    add(x, x).release();
  } finally {
    rep = await p.stop();
    setProfileContext(g, undefined);
    x.release();
  }
  const contexts = rep.events.map((e) => e.context ?? null);
  assert(JSON.stringify(contexts) === JSON.stringify(["set before start", null]), `contexts ${JSON.stringify(contexts)}`);
};

cases["gpu timestamps: one event per dispatch, totals, trace, table (query-set rollover)"] = async () => {
  const g = await getGpu();
  const timing = g.caps.timestamps ? "gpu-timestamps" : "cpu-fallback";
  const ref = await workload(g, null, 4, { midRead: true, endRead: true });
  // 8 queries per set = 4 dispatches: 12 dispatches span 3 sets, the last one exactly full at stop()
  const { rep, res, outerWallMs } = await profiled(g, { label: "test", querySetSize: 8 }, 4, { midRead: true, endRead: true });
  checkReport(rep, res, outerWallMs, timing);
  assert(JSON.stringify(res.outs) === JSON.stringify(ref.outs), "profiling changed kernel results");
  if (timing === "gpu-timestamps") {
    assert(rep.note === undefined, `unexpected note: ${rep.note}`);
    assert(rep.events.every((e) => !e.estimated), "gpu-timestamp events marked estimated");
  }
  checkTrace(rep);
  checkTable(rep);
};

cases["gpu timestamps: work pending at stop(), default query set"] = async () => {
  const g = await getGpu();
  const timing = g.caps.timestamps ? "gpu-timestamps" : "cpu-fallback";
  const { rep, res, outerWallMs } = await profiled(g, { label: "pending" }, 3, {});
  checkReport(rep, res, outerWallMs, timing);
  assert(rep.submits >= 1, `submits ${rep.submits}`);
  checkTrace(rep);
};

cases["forced CPU timing fallback"] = async () => {
  const g = await getGpu();
  const { rep, res, outerWallMs } = await profiled(g, { label: "cpu", forceCpuTiming: true }, 3, { midRead: true });
  checkReport(rep, res, outerWallMs, "cpu-fallback");
  assert(typeof rep.note === "string" && /estimate/.test(rep.note), `fallback note: ${rep.note}`);
  assert(rep.events.every((e) => e.estimated), "fallback events must be marked estimated");
  checkTrace(rep);
  checkTable(rep);
  const t = toChromeTrace(rep) as any;
  assert(t.traceEvents.some((e: any) => e.name === "thread_name" && /estimated/.test(e.args.name)), "GPU track not marked estimated");
};

cases["stop() detaches the profiler and restores the unprofiled path"] = async () => {
  const g = await getGpu();
  const p = Profiler.start(g);
  let threw = false;
  try {
    Profiler.start(g);
  } catch {
    threw = true;
  }
  assert(threw, "a second concurrent Profiler.start should throw");
  assert(activeProfiler(g) === p, "activeProfiler does not return the running profiler");
  const get = (recorder as any).getProfiler as ((g: Gpu) => unknown) | undefined;
  if (get) assert(get(g) === p, "recorder hook is not the profiler");
  const a = await workload(g, p, 1, {});
  const rep = await p.stop();
  assert(rep.events.length === a.count, `${rep.events.length} events for ${a.count} dispatches`);
  assert(activeProfiler(g) === null, "profiler still attached after stop()");
  if (get) assert(get(g) === null, "recorder hook not cleared by stop()");
  // the recorder no longer calls the stopped profiler: no new events appear anywhere
  const b = await workload(g, null, 2, { endRead: true });
  assert(b.count === 6 && rep.events.length === a.count, "dispatches after stop() reached the profiler");
  assert((p as any).events.length === a.count, "stopped profiler received events");
  threw = false;
  try {
    await p.stop();
  } catch {
    threw = true;
  }
  assert(threw, "stop() twice should throw");
  assert(!existsSync("trace.json.tmp"), "stray temp file");
};

cases["pause() leaves dispatches unrecorded and out of the wall time; resume() records again"] = async () => {
  const g = await getGpu();
  const timing = g.caps.timestamps ? "gpu-timestamps" : "cpu-fallback";
  const t0 = performance.now();
  const p = Profiler.start(g, { label: "pause" });
  let rep: ProfileReport;
  let a, b, pausedMs;
  try {
    a = await workload(g, p, 1, { endRead: true });
    p.pause();
    assert(activeProfiler(g) === p, "a paused profiler is still the device's profiler");
    const tp = performance.now();
    const mid = await workload(g, null, 3, { endRead: true }); // not recorded
    await new Promise((r) => setTimeout(r, 30));
    pausedMs = performance.now() - tp;
    assert(mid.count === 9 && p.eventCount === a.count, `paused: ${p.eventCount} events after ${a.count} + ${mid.count} dispatches`);
    p.resume();
    b = await workload(g, p, 1, { endRead: true });
  } catch (e) {
    await p.stop();
    throw e;
  }
  rep = await p.stop();
  const outer = performance.now() - t0;
  assert(rep.timing === timing && rep.events.length === a.count + b.count, `${rep.events.length} events for ${a.count}+${b.count} profiled dispatches`);
  assert(rep.wallMs <= outer - pausedMs + EPS_MS, `wall ${rep.wallMs} ms includes the ${pausedMs} ms paused (outer ${outer})`);
  let threw = false;
  try {
    p.resume();
  } catch {
    threw = true;
  }
  assert(threw, "resume() after stop() should throw");
};

cases["timer overhead: measured on empty passes, subtracted unless disabled, reported"] = async () => {
  const g = await getGpu();
  for (const subtract of [true, false]) {
    const { rep } = await profiled(g, { label: "overhead", subtractPassOverhead: subtract }, 2, { endRead: true });
    const table = formatKernelTable(rep);
    if (rep.timing === "gpu-timestamps") {
      assert(rep.passOverheadNs !== null && Number.isFinite(rep.passOverheadNs) && rep.passOverheadNs >= 0, `overhead ${rep.passOverheadNs}`);
      assert(rep.passOverheadSubtracted === subtract, `subtracted flag ${rep.passOverheadSubtracted} for option ${subtract}`);
      assert(table.includes("timer overhead") && table.includes(subtract ? "subtracted" : "NOT subtracted"), `table:\n${table}`);
      const t = toChromeTrace(rep) as any;
      assert(t.otherData.passOverheadNs === rep.passOverheadNs, "trace lacks the overhead");
    } else {
      assert(rep.passOverheadNs === null && !rep.passOverheadSubtracted && !table.includes("timer overhead"), "no overhead without timestamps");
    }
  }
};

cases["timer overhead probe: the repeated work runs in paired passes, is no event, and calibrates the overhead"] = async () => {
  const g = await getGpu();
  const timed = g.caps.timestamps;
  const p = Profiler.start(g, { label: "probe", emptyPassCalibration: false });
  let a: Awaited<ReturnType<typeof workload>>, probe: Awaited<ReturnType<typeof workload>>;
  try {
    a = await workload(g, p, 2, { endRead: true });
    p.probePassCost(0);
    probe = await workload(g, p, 2, { endRead: true }); // 6 dispatches, then a read: 3 pairs
    p.endProbe();
  } catch (e) {
    await p.stop();
    throw e;
  }
  const rep = await p.stop();
  assert(rep.events.length === a.count && a.count === 6, `${rep.events.length} events: the probe's dispatches must not be events`);
  assert(JSON.stringify(probe.outs) === JSON.stringify(a.outs), "the probe run computed something else");
  if (timed) {
    assert(rep.passOverheadSource === "paired-dispatches" && rep.passOverheadSamples === 3, `source ${rep.passOverheadSource}, ${rep.passOverheadSamples} pairs`);
    assert(Number.isFinite(rep.passOverheadNs) && rep.passOverheadSubtracted, `overhead ${rep.passOverheadNs}`);
    assert(formatKernelTable(rep).includes("median over 3 pairs of dispatches"), formatKernelTable(rep));
    assert((toChromeTrace(rep) as any).otherData.passOverheadSource === "paired-dispatches", "trace lacks the overhead's source");
  } else {
    assert(rep.passOverheadSource === null && rep.passOverheadNs === null, "no overhead without timestamps");
  }

  // a probe that does not repeat the profiled dispatches is an error, and the device is free afterwards
  const q = Profiler.start(g, { label: "probe-mismatch" });
  await workload(g, q, 1, { endRead: true });
  q.probePassCost(1); // mirrors add, layernorm but runs gelu, add, layernorm
  await workload(g, q, 1, { endRead: true });
  q.endProbe();
  let err = "";
  await q.stop().catch((e) => (err = String(e)));
  assert(!timed || /does not repeat/.test(err), `mismatch not reported: '${err}'`);
  assert(activeProfiler(g) === null, "the profiler stayed attached after a failed stop()");

  // with CPU timing the probe's dispatches just run: no events, no overhead
  const c = Profiler.start(g, { label: "probe-cpu", forceCpuTiming: true });
  const w = await workload(g, c, 1, { endRead: true });
  c.probePassCost(0);
  await workload(g, c, 1, { endRead: true });
  c.endProbe();
  const crep = await c.stop();
  assert(crep.events.length === w.count && crep.passOverheadNs === null && crep.passOverheadSource === null, `cpu timing: ${crep.events.length} events, overhead ${crep.passOverheadNs}`);
};

cases["SpanTimer times stretches of ordinary one-pass work"] = async () => {
  const g = await getGpu();
  const timer = new SpanTimer(g, 3);
  const counts = [1, 4, 16];
  const before = dispatchCount(g);
  for (let i = 0; i < 3; i++) {
    timer.begin(i);
    await workload(g, null, counts[i], {}); // no reads inside: one pass until the next flush
    timer.end(i);
    await recorder.sync(g);
    timer.done(i);
  }
  assert(dispatchCount(g) - before === 3 * 21, "dispatches recorded");
  const ms = await timer.read();
  assert(ms.length === 3 && ms.every((x) => Number.isFinite(x) && x > 0), `spans ${ms}`);
  console.log(`  spans of 3/12/48 dispatches (${timer.timing}): ${ms.map((x) => x.toFixed(3)).join(", ")} ms`);
  let threw = false;
  try {
    timer.begin(3);
  } catch {
    threw = true;
  }
  assert(threw, "span index out of range should throw");
};
