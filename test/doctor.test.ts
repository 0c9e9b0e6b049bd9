// `xlt doctor` on Node and Deno: every section of the report with an adapter (lavapipe here), and the
// no-adapter path (the Vulkan loader pointed at a driver manifest that does not exist): exit 1, one line
// that says what to install.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DENO, ROOT, type Runtime } from "./lib/cli.ts";

function doctor(runtime: Runtime, args: string[], env: Record<string, string> = {}) {
  const [cmd, argv] = runtime === "node" ? ["node", [join(ROOT, "bin/xlt.js")]] : [DENO, ["run", "-A", join(ROOT, "cli/xlt.ts")]];
  // awaited, not synchronous: a slow probe on a busy machine would block vitest's worker past its RPC timeout
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(cmd, [...argv, "doctor", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "", err = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => {
      const stderr = err.split("\n").filter((l) => l && !l.startsWith("Warning:") && !l.startsWith("    at ") && l.trim()).join("\n");
      resolve({ code, stdout, stderr });
    });
  });
}

// wgpu (Deno) falls back to OpenGL when Vulkan has no driver; pinning its backend makes "no Vulkan" "no adapter"
const NO_DRIVER = { VK_ICD_FILENAMES: "/nonexistent/xlt_icd.json", VK_DRIVER_FILES: "/nonexistent/xlt_icd.json", DENO_WEBGPU_BACKEND: "vulkan" };

describe.each(["node", "deno"] as Runtime[])("xlt doctor (%s)", (runtime) => {
  it("reports the adapter, its limits and features, the Vulkan files, the kernel variants and a GFLOP/s probe", async () => {
    const r = await doctor(runtime, []);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^runtime +(node|deno) /m);
    expect(out).toMatch(/^adapter +\S.*llvmpipe/m);
    expect(out).toMatch(/^software +yes/m);
    expect(out).toMatch(/^features +.*shader-f16/m);
    expect(out).toMatch(/^limits +.*maxBindGroups \d+/m);
    expect(out).toMatch(/maxStorageBufferBindingSize \d/);
    expect(out).toMatch(/^vulkan loader +\/\S*libvulkan\.so\.1/m);
    expect(out).toMatch(/^vulkan ICDs +\//m);
    expect(out).toMatch(/lvp_icd\S*\.json \([^)]*\): library libvulkan_lvp\.so found/);
    expect(out).toMatch(/^kernels +CPU variants/m);
    expect(out).toMatch(/matmul tile: 12×96 per workgroup/);
    expect(out).toMatch(/^probe +matmul \d+\.\d GFLOP\/s/m);
  });

  it("prints the matmul tuning table, and --retune measures the built-in model's shapes", async () => {
    const cache = mkdtempSync(join(tmpdir(), "xlt-doctor-tune-"));
    const env = { XLT_CACHE_DIR: cache, XLT_TUNE: "" };
    const before = await doctor(runtime, ["--no-probe"], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^matmul tuning +none measured yet \(.*matmul-tuning\.json\); until then nt image \d+x\d+/m);
    const r = await doctor(runtime, ["--no-probe", "--retune"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tuned matmul nt N128 K128 \(\d+×128×128\): /);
    expect(r.stdout).toMatch(/^matmul tuning +\S*matmul-tuning\.json \(xlt doctor --retune measures again\)$/m);
    // the built-in model's 3 weight shapes × nt, nn, tn
    const rows = r.stdout.split("\n").filter((l) => /^ +(nt|nn|tn) N\d+ K\d+ +(buffer|image)/.test(l));
    expect(rows).toHaveLength(9);
    expect(existsSync(join(cache, "matmul-tuning.json"))).toBe(true);
  });

  it("without an adapter: exits 1 with one line saying what to install", async () => {
    const r = await doctor(runtime, ["--no-probe"], NO_DRIVER);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^adapter +none$/m);
    expect(r.stdout).toMatch(/^vulkan ICDs +\/nonexistent\/xlt_icd\.json \(VK_DRIVER_FILES\): MISSING/m);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^xlt doctor: no WebGPU adapter: VK_DRIVER_FILES names no usable driver manifest .*mesa-vulkan-drivers/);
  });
});
