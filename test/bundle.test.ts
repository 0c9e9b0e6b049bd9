// `npm run bundle` end to end: the archive is built (about 10 s), unpacked outside the repository and run
// with nothing but sh, dirname and readlink on the PATH (no node, no deno, no node_modules), on this
// machine's Vulkan driver (lavapipe): `xlt doctor`, the built-in realignment, and the no-driver error.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./lib/cli.ts";

/** A child process, awaited: a synchronous one would block vitest's worker past its 60 s RPC timeout. */
function runAsync(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string | undefined> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, opts);
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const which = async (cmd: string) => (await runAsync("sh", ["-c", `command -v ${cmd}`], { cwd: ROOT, env: process.env })).stdout.trim();

describe("the linux-x64 bundle, without Node or Deno", () => {
  let dir = "";
  let unpacked = "";
  let bin = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xlt-bundle-test-"));
    const build = await runAsync("bash", [join(ROOT, "scripts/bundle.sh")], { cwd: ROOT, env: { ...process.env, XLT_BUNDLE_OUT: join(dir, "out") } });
    expect(build.stderr).toBe("");
    expect(build.code).toBe(0);
    unpacked = join(dir, "xlt");
    mkdirSync(unpacked);
    expect((await runAsync("tar", ["-xzf", join(dir, "out/xlt-linux-x64.tar.gz"), "-C", unpacked], { cwd: dir, env: process.env })).code).toBe(0);
    bin = join(dir, "bin");
    mkdirSync(bin);
    for (const tool of ["sh", "dirname", "readlink"]) symlinkSync(await which(tool), join(bin, tool));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the unpacked launcher with a bare environment: PATH = sh, dirname, readlink; HOME in the temp dir. */
  const run = (args: string[], env: Record<string, string> = {}) => runAsync(join(unpacked, "xlt"), args, { cwd: dir, env: { PATH: bin, HOME: join(dir, "home"), ...env } });

  it("is one archive under 60 MiB with the xlt launcher at its top", async () => {
    expect(statSync(join(dir, "out/xlt-linux-x64.tar.gz")).size).toBeLessThan(60 * 1024 * 1024);
    expect(readdirSync(unpacked).sort()).toEqual(["README.txt", "gpu-check.sh", "lib", "xlt"]);
    expect(existsSync(join(unpacked, "lib/shaders/matmul.wgsl"))).toBe(true);
    expect((await runAsync(join(bin, "sh"), ["-c", "command -v node || command -v deno"], { cwd: dir, env: { PATH: bin } })).code).not.toBe(0);
  });

  it("runs xlt doctor", async () => {
    const r = await run(["doctor"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^runtime +deno .*DENO_WEBGPU_BACKEND=vulkan/m);
    expect(r.stdout).toMatch(/^adapter +.*llvmpipe/m);
    expect(r.stdout).toMatch(/^probe +matmul \d+\.\d GFLOP\/s/m);
  });

  it("runs the built-in realignment", async () => {
    const r = await run(["realign", "--steps", "5", "--out", join(dir, "realigned")]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/realigned 5 steps/);
    expect(existsSync(join(dir, "realigned/model.safetensors"))).toBe(true);
  });

  it("draws a loss curve to SVG and PNG (the chart libraries travel in the bundle)", async () => {
    const log = join(dir, "pretrain.jsonl");
    copyFileSync(join(ROOT, "results/align-mlm-small/bpe/cells/align-mlm-trans+inv-s42/pretrain.jsonl"), log);
    for (const out of ["loss.svg", "loss.png"]) {
      const r = await run(["plot", "--log", log, "--out", join(dir, out)]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(readFileSync(join(dir, "loss.svg"), "utf8")).toMatch(/^<svg[\s\S]*role-axis-tick[\s\S]*<\/svg>\n$/);
    expect([...readFileSync(join(dir, "loss.png")).subarray(1, 4)]).toEqual([80, 78, 71]); // "PNG"
  });

  it("says what to install when Vulkan has no driver (no silent OpenGL fallback)", async () => {
    const r = await run(["doctor", "--no-probe"], { VK_ICD_FILENAMES: "/nonexistent/icd.json" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^xlt doctor: no WebGPU adapter: VK_ICD_FILENAMES names no usable driver manifest/);
  });
});
