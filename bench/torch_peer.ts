// The PyTorch peer of section realign-full: runs scripts/bench/torch_realign_step.py with /usr/bin/python3 (the
// system's torch, on the CPU) on the same batch and shapes, and reads back its timings (one JSON line).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelConfig } from "../src/io/checkpoint.ts";
import type { PairBatch } from "../src/data/pairs.ts";

export interface TorchJob {
  cfg: ModelConfig;
  batch: PairBatch;
  freeze: string;
  layer: number;
  projection: number;
  tau: number;
  lr: number;
  steps: number;
  /** torch.set_num_threads (default: torch's own choice) */
  threads?: number;
}

export interface TorchResult {
  /** why it did not run (no python3, no torch, no OpenBLAS) */
  skipped?: string;
  version?: string;
  blas?: string;
  threads?: number;
  firstMs?: number;
  stepMs?: number;
  loss?: number;
}

const PYTHON = "/usr/bin/python3";

export async function runTorchStep(root: string, job: TorchJob): Promise<TorchResult> {
  const dir = mkdtempSync(join(tmpdir(), "xlt-torch-"));
  try {
    const side = (s: PairBatch["left"]) => ({ B: s.B, T: s.T, ids: Array.from(s.ids), mask: Array.from(s.mask), rows: Array.from(s.wordRows) });
    const input = join(dir, "job.json");
    writeFileSync(input, JSON.stringify({
      config: job.cfg, freeze: job.freeze, layer: job.layer, projection: job.projection, tau: job.tau, lr: job.lr, steps: job.steps, threads: job.threads,
      left: side(job.batch.left), right: side(job.batch.right), links: job.batch.links.map(({ l, r }) => [l, r]),
    }));
    const { code, stdout, stderr } = await run(PYTHON, [join(root, "scripts/bench/torch_realign_step.py"), input]);
    if (code === null) return { skipped: `${PYTHON} not found` };
    const last = stdout.trim().split("\n").pop() ?? "";
    if (code !== 0 || !last.startsWith("{")) return { skipped: `${PYTHON} exited ${code}: ${(stderr.trim().split("\n").pop() ?? "").slice(0, 200)}` };
    return JSON.parse(last) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", () => resolve({ code: null, stdout, stderr }));
    p.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface TorchMatmul {
  skipped?: string;
  version?: string;
  blas?: string;
  threads?: number;
  /** GFLOP/s per shape and layout */
  gflops?: ({ M: number; N: number; K: number } & Record<"NT" | "NN" | "TN", number>)[];
}

/** OpenBLAS (through torch on the CPU) at the matmul section's shapes and layouts, at `threads` threads. */
export async function runTorchMatmul(root: string, shapes: { M: number; N: number; K: number; iters: number }[], threads: number): Promise<TorchMatmul> {
  const dir = mkdtempSync(join(tmpdir(), "xlt-torch-"));
  try {
    const input = join(dir, "job.json");
    writeFileSync(input, JSON.stringify({ threads, shapes }));
    const { code, stdout, stderr } = await run(PYTHON, [join(root, "scripts/bench/torch_matmul.py"), input]);
    if (code === null) return { skipped: `${PYTHON} not found` };
    const last = stdout.trim().split("\n").pop() ?? "";
    if (code !== 0 || !last.startsWith("{")) return { skipped: `${PYTHON} exited ${code}: ${(stderr.trim().split("\n").pop() ?? "").slice(0, 200)}` };
    return JSON.parse(last) as TorchMatmul;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
