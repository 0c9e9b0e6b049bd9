// Profiling of whole training steps: `realign --profile` writes a valid Chrome trace whose GPU events carry
// layer/phase contexts and whose CPU track has one "step i" phase per step; per-kernel, per-context and
// per-step GPU totals agree with each other; freezing the lower half removes exactly the weight-gradient
// matmuls of the frozen blocks (counts and declared FLOPs, never timings); `xlt profile` prints every section.
//
// Time accounting (no numeric tolerance beyond float summation, 1e-6 relative). Two ratios per run:
//  - span coverage = Σ dispatch durations / (last dispatch end − first dispatch start) of a profiled step,
//    ≤ 1 by construction; it shows idle GPU time between the per-dispatch passes the profiler needs. On
//    lavapipe with this case's model (hidden 32, B=4, T=8): Dawn 0.97-0.99, wgpu 0.64-0.68 (wgpu leaves
//    ~45 µs idle between passes, a third of a step whose kernels take ~0.1 ms).
//  - unprofiled coverage = Σ dispatch durations of a profiled step / GPU time of the same step run right
//    after it in the ordinary single pass (timestamps around the whole step): whether the per-kernel figures
//    account for the step's real GPU time. The timer's cost per pass comes from a probe run of the same step
//    with dispatches paired in shared passes. Measured (8 steps, median, three runs; all figures in
//    bench/results/lavapipe-profile.txt): this model Dawn 1.05-1.29, wgpu 0.94-1.09; the built-in model
//    (`xlt profile`, B=16, T=32) Dawn 0.985-0.996, wgpu 0.99-1.03.
// `finetune --profile` and `evaluate --profile`: valid traces with their phases and contexts, the steady-state
// account of the steps after the first, and the same dev score from evaluate as from finetune.
// Both are logged; the case asserts only their structure (no timing assertions in tests).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realign } from "../../src/train/objectives/realign.ts";
import type { PairExample } from "../../src/data/side_batch.ts";
import { profileRealignStep, type StepProfile } from "../../src/train/profile_step.ts";
import { profileCommand } from "../../cli/profile.ts";
import { invoke } from "../../cli/options.ts";
import { formatKernelTable, GPU_WAIT_PHASE } from "../../src/profile/table.ts";
import { FIXTURES } from "../lib/fixtures.ts";
import { finetune } from "../../src/train/objectives/finetune.ts";
import { evaluateModel } from "../../src/eval/evaluate.ts";
import { LABELS } from "../../src/tasks/labels.ts";
import type { Cases } from "../lib/check.ts";

const MODEL = join(FIXTURES, "tiny-bert"); // 4 blocks, hidden 32: the loss reads hidden_states[3]

function assert(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

function close(a: number, b: number, what: string) {
  assert(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function examples(): PairExample[] {
  const lines = readFileSync(join(FIXTURES, "parallel-tiny.txt"), "utf8").split("\n").filter(Boolean).slice(0, 4);
  return lines.map((l) => {
    const [a, b] = l.split("|||").map((s) => s.trim().split(/\s+/));
    const n = Math.min(a.length, b.length);
    return { src: a, tgt: b, links: Array.from({ length: n }, (_, i) => [i, i] as [number, number]) };
  });
}

function ctx(p: StepProfile, name: string) {
  return p.byContext.find((t) => t.name === name) ?? { name, calls: 0, gpuMs: 0, flops: 0, matmuls: 0, weightGradMatmuls: 0 };
}

export const cases: Cases = {
  "realign --profile writes a valid Chrome trace with layer/phase contexts and step phases": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-prof-"));
    try {
      const trace = join(dir, "trace.json");
      const err = console.error;
      const printed: string[] = [];
      console.error = (...a: unknown[]) => void printed.push(a.join(" ")); // the kernel table goes to stderr
      let r;
      try {
        r = await realign({
          model: MODEL, examples: examples(), out: join(dir, "out"), freeze: "none", projection: 16, tau: 0.1, steps: 2,
          batchSize: 2, seed: 1, checkpointEvery: 0, resume: false, quiet: true, dropout: 0, profile: trace,
        });
      } finally {
        console.error = err;
      }
      assert(r.profile, "result has the profile report");
      const t = JSON.parse(readFileSync(trace, "utf8"));
      assert(Array.isArray(t.traceEvents) && t.traceEvents.length > 0, "traceEvents array");
      let lastTs = -1;
      for (const e of t.traceEvents) {
        for (const k of ["name", "ph", "ts", "pid", "tid"]) assert(e[k] !== undefined, `event ${JSON.stringify(e)} lacks ${k}`);
        assert(["X", "M", "i"].includes(e.ph), `ph ${e.ph}`);
        assert(e.ts >= 0 && Number.isFinite(e.ts), `ts ${e.ts}`);
        if (e.ph === "X") assert(typeof e.dur === "number" && e.dur >= 0, `dur of ${e.name}: ${e.dur}`);
        if (e.ph !== "M") {
          assert(e.ts >= lastTs, `events not sorted at ${e.name} (${e.ts} < ${lastTs})`);
          lastTs = e.ts;
        }
      }
      const gpu = t.traceEvents.filter((e: any) => e.ph === "X" && e.cat === "gpu");
      assert(gpu.length === r.profile.events.length, "one GPU event per dispatch");
      const contexts = new Set(gpu.map((e: any) => e.args.context));
      for (const c of ["embeddings forward", "layer.0 forward", "layer.2 forward", "head", "loss", "layer.2 backward", "layer.0 backward", "embeddings backward", "optimizer"]) {
        assert(contexts.has(c), `context '${c}' in the trace (have ${[...contexts].join(", ")})`);
      }
      assert(!contexts.has("layer.3 forward"), "the last block never runs during realignment");
      assert(!contexts.has(null), "every dispatch of a step has a context");
      const steps = t.traceEvents.filter((e: any) => e.cat === "cpu" && /^step \d+$/.test(e.name)).map((e: any) => e.name);
      assert(steps.join() === "step 1,step 2", `CPU step phases: ${steps}`);
      // each step is split into host work and the wait for the GPU
      for (const name of ["batch", "record", GPU_WAIT_PHASE]) {
        const n = t.traceEvents.filter((e: any) => e.cat === "cpu" && e.name === name).length;
        assert(n >= 2, `${n} '${name}' phases in the trace, expected one or more per step`);
      }
      assert(formatKernelTable(r.profile).includes("host waiting for the GPU"), "the kernel table states the host's waits for the GPU");
      // step 2 (after the compiling first step): its kernels ran inside its phase (it ends with the final wait)
      const st = r.steady;
      assert(st && st.first === 2 && st.last === 2 && st.kernelMs > 0 && st.betweenPassesMs >= 0 && st.kernelMs + st.betweenPassesMs <= st.wallMs, `steady state ${JSON.stringify(st)}`);
      assert(printed.some((l) => l.startsWith("steps 2-2 (after the first") && l.includes("between timed passes")), `steady-state line missing:\n${printed.join("\n")}`);
      // every dispatch names its submit, in order
      const subs = r.profile.events.map((e) => e.submit);
      assert(subs.every((x, i) => Number.isInteger(x) && x >= 0 && (i === 0 || x >= subs[i - 1])), `submits ${subs}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  "per-kernel, per-context and per-step GPU totals agree; step coverage measured": async () => {
    const p = await profileRealignStep({ model: MODEL, batch: 4, seq: 8, steps: 2, projection: 16, peak: false });
    const r = p.report;
    close(r.kernels.reduce((a, k) => a + k.totalMs, 0), r.totals.gpuMs, "Σ per-kernel ms vs total");
    close(p.byContext.reduce((a, k) => a + k.gpuMs, 0), r.totals.gpuMs, "Σ per-context ms vs total");
    close(p.byPhase.reduce((a, k) => a + k.gpuMs, 0), r.totals.gpuMs, "Σ per-phase ms vs total");
    close(p.steps.reduce((a, s) => a + s.kernelMs, 0), r.totals.gpuMs, "Σ per-step kernel ms vs total");
    assert(p.steps.reduce((a, s) => a + s.dispatches, 0) === r.events.length, "every dispatch belongs to a step");
    assert(p.steps[0].dispatches === p.steps[1].dispatches, "identical steps, identical dispatches");
    close(p.steps[0].flops, p.steps[1].flops, "declared FLOPs per step");
    for (const s of p.steps) {
      assert(s.kernelMs > 0 && s.gpuSpanMs > 0, `step ${s.step} has GPU time`);
      const coverage = s.kernelMs / s.gpuSpanMs;
      console.log(`  step ${s.step}: kernels ${s.kernelMs.toFixed(2)} ms / GPU span ${s.gpuSpanMs.toFixed(2)} ms = ${coverage.toFixed(3)}; wall ${s.wallMs.toFixed(2)} ms (${r.timing})`);
      assert(coverage > 0 && coverage <= 1 + 1e-6, `coverage ${coverage}`);
      if (r.timing === "gpu-timestamps") assert(s.gpuSpanMs <= s.wallMs + 1, `GPU span ${s.gpuSpanMs} within the step's wall ${s.wallMs}`);
    }
    const u = p.unprofiled;
    console.log(`  unprofiled: GPU ${u.gpuMs.toFixed(2)} ms (${u.timing}), wall ${u.wallMs.toFixed(2)} ms; per-kernel total / unprofiled GPU = ${u.coverage.toFixed(3)}`);
    assert(u.steps === 2 && u.gpuMs > 0 && u.wallMs > 0 && Number.isFinite(u.coverage) && u.coverage > 0, "unprofiled steps timed");
    if (u.timing === "gpu-timestamps") assert(u.gpuMs <= u.wallMs + 1, `unprofiled GPU ${u.gpuMs} ms within its wall ${u.wallMs} ms`);
    assert(p.tokensPerStep === 64 && p.tokensPerSecond > 0, "tokens/s");
  },

  "freezing the lower half drops the frozen blocks' weight-gradient matmuls (counts and declared FLOPs)": async () => {
    const opts = { model: MODEL, batch: 2, seq: 6, steps: 1, projection: 16, peak: false } as const;
    const none = await profileRealignStep({ ...opts, freeze: "none" });
    const lower = await profileRealignStep({ ...opts, freeze: "lower" });
    // tiny-bert: blocks 0,1 frozen by "lower"; block 3 never runs; the embeddings stay trainable, so the
    // gradient still flows through blocks 0,1 (input gradients) but without weight gradients.
    for (const l of [0, 1]) {
      const n = ctx(none, `layer.${l} backward`), f = ctx(lower, `layer.${l} backward`);
      assert(n.weightGradMatmuls === 12, `unfrozen layer.${l}: 6 weight-grad matmuls × 2 sides, got ${n.weightGradMatmuls}`);
      assert(f.weightGradMatmuls === 0, `frozen layer.${l}: no weight-grad matmul, got ${f.weightGradMatmuls}`);
      assert(f.matmuls > 0 && f.matmuls < n.matmuls, `frozen layer.${l} still passes input gradients: ${f.matmuls} vs ${n.matmuls}`);
      assert(f.flops < n.flops, `frozen layer.${l} backward FLOPs ${f.flops} < ${n.flops}`);
      assert(f.calls < n.calls, `frozen layer.${l} backward dispatches ${f.calls} < ${n.calls}`);
    }
    const n2 = ctx(none, "layer.2 backward"), f2 = ctx(lower, "layer.2 backward");
    assert(n2.calls === f2.calls && n2.flops === f2.flops, "trainable layer.2 backward unchanged");
    assert(lower.flopsPerStep < none.flopsPerStep, `declared FLOPs per step ${lower.flopsPerStep} < ${none.flopsPerStep}`);
    assert(lower.steps[0].dispatches < none.steps[0].dispatches, `dispatches ${lower.steps[0].dispatches} < ${none.steps[0].dispatches}`);
    assert(lower.memory.grads < none.memory.grads && lower.memory.optimizer < none.memory.optimizer, "fewer grads and Adam state");
  },

  "xlt profile prints every section and writes the trace": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-prof-"));
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
      const trace = join(dir, "t.json");
      const code = await invoke(profileCommand, ["--model", MODEL, "--batch-size", "2", "--max-length", "6", "--freeze", "lower", "--projection", "16", "--steps", "2", "--profile", trace]);
      assert(code === 0, `exit ${code}`);
      const out = lines.join("\n");
      for (const s of ["== kernels", "matmul.tn", "== time per layer and phase", "layer.0 backward", "head+loss", "optimizer", "embeddings",
        "== memory per buffer group", "weights", "optimizer state", "activations", "== throughput", "tokens/s", "model FLOP utilisation"]) {
        assert(out.includes(s), `output has '${s}':\n${out}`);
      }
      assert(/model FLOP utilisation: \d+\.\d%/.test(out), `MFU printed:\n${out}`);
      assert(JSON.parse(readFileSync(trace, "utf8")).traceEvents.length > 0, "trace written");
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
  },

  "finetune --profile and evaluate --profile: valid traces with step, dev and test phases and head/loss/optimizer contexts": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-prof-ft-"));
    const err = console.error;
    const printed: string[] = [];
    try {
      // 24 synthetic POS sentences (CoNLL-U): 3 steps of 8, then a dev evaluation on the first 8
      const words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far"];
      const sent = (k: number) =>
        Array.from({ length: 5 }, (_, w) => `${w + 1}\t${words[(k + 3 * w) % words.length]}\t_\t${LABELS.pos[(k + w) % LABELS.pos.length]}\t_\t_\t_\t_\t_\t_`).join("\n");
      const train = join(dir, "train.conllu"), dev = join(dir, "dev.conllu");
      writeFileSync(train, Array.from({ length: 24 }, (_, k) => sent(k)).join("\n\n") + "\n\n");
      writeFileSync(dev, Array.from({ length: 8 }, (_, k) => sent(k)).join("\n\n") + "\n\n");
      const out = join(dir, "model"), ftTrace = join(dir, "ft.json"), evTrace = join(dir, "ev.json");
      console.error = (...a: unknown[]) => void printed.push(a.join(" "));
      const r = await finetune({
        task: "pos", train, dev, model: MODEL, out, epochs: 1, lr: 1e-3, batchSize: 8, maxLength: 16, seed: 3,
        checkpointEvery: 0, resume: false, quiet: true, profile: ftTrace,
      });
      const ev = await evaluateModel({ model: out, tests: [{ lang: "xx", path: dev }], profile: evTrace });
      console.error = err;
      assert(r.steps === 3 && r.profile && r.steady, `finetune result: ${r.steps} steps, profile ${!!r.profile}, steady ${JSON.stringify(r.steady)}`);
      const st = r.steady;
      assert(st.first === 2 && st.last === 3 && st.kernelMs > 0 && st.kernelMs + st.betweenPassesMs <= st.wallMs, `steady state ${JSON.stringify(st)}`);
      assert(printed.some((l) => l.startsWith("steps 2-3 (after the first")), `steady-state line missing:\n${printed.join("\n")}`);
      // evaluating the fine-tuned model gives the dev score finetune reported (both pipelined batches)
      close(ev.perLang.xx.value, r.dev[0].value, "evaluate vs finetune's dev score");
      const load = (f: string) => {
        const t = JSON.parse(readFileSync(f, "utf8"));
        assert(Array.isArray(t.traceEvents), `${f}: no traceEvents`);
        const cpu = new Set(t.traceEvents.filter((e: any) => e.ph === "X" && e.cat === "cpu").map((e: any) => e.name));
        const ctx = new Set(t.traceEvents.filter((e: any) => e.ph === "X" && e.cat === "gpu").map((e: any) => e.args.context));
        return { cpu, ctx };
      };
      const ft = load(ftTrace);
      for (const p of ["step 1", "step 2", "step 3", "batch", "record", "submit", GPU_WAIT_PHASE, "dev 1"]) assert(ft.cpu.has(p), `finetune trace lacks phase '${p}' (${[...ft.cpu].join(", ")})`);
      for (const c of ["layer.0 forward", "head forward", "loss", "head backward", "layer.0 backward", "optimizer"]) assert(ft.ctx.has(c), `finetune trace lacks context '${c}' (${[...ft.ctx].join(", ")})`);
      const et = load(evTrace);
      assert(et.cpu.has("test xx") && et.ctx.has("head forward") && !et.ctx.has("optimizer"), `evaluate trace: ${[...et.cpu].join(", ")} | ${[...et.ctx].join(", ")}`);
    } finally {
      console.error = err;
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
