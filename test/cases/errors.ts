// Bad use of the GPU layer gives one clear GpuError: shape mismatch, a buffer over the device limit, a
// binding over the binding limit, a WGSL compile error naming the shader file and line, a lost device.
import { getGpu, GpuError, Tensor } from "../../src/index.ts";
import { dispatch, kernel, sync } from "../../src/gpu/recorder.ts";
import { registerShaderSource } from "../../src/gpu/shaders.ts";
import { activationForward, add } from "../../src/kernels/elementwise.ts";
import type { Cases } from "../lib/check.ts";

async function expectError(what: string, fn: () => unknown, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (!(e instanceof GpuError)) throw new Error(`${what}: expected a GpuError, got ${(e as Error).name}: ${(e as Error).message}`);
    if (!re.test(e.message)) throw new Error(`${what}: message '${e.message}' does not match ${re}`);
    if (e.message.includes("\n")) throw new Error(`${what}: message is not one line`);
    return;
  }
  throw new Error(`${what}: no error was raised`);
}

/** Compiles a one-kernel family from `lines` and expects the compile error to match `re`. */
async function compileError(family: string, lines: string[], defines: Record<string, number>, re: RegExp) {
  const g = await getGpu();
  registerShaderSource(family, lines.join("\n"));
  const y = Tensor.zeros(g, [64]);
  await expectError("compile", async () => {
    dispatch(g, kernel(g, family, "main", defines), [{ buffer: y.buffer }], [], [1]);
    await sync(g);
  }, re);
  await sync(g); // the error was reported once; the device keeps working
  y.release();
}

export const cases: Cases = {
  "shape mismatch names the op and both shapes": async () => {
    const g = await getGpu();
    const a = Tensor.zeros(g, [3]);
    const b = Tensor.zeros(g, [4]);
    await expectError("add", () => add(a, b), /add: b has shape \[4\] but \[3\] was expected/);
    a.release();
    b.release();
  },
  "a tensor over the adapter's maximum buffer size": async () => {
    const g = await getGpu();
    const n = Math.floor(g.caps.maxBuffer / 4) + 1024;
    await expectError("alloc", () => Tensor.empty(g, [n], "f32", "huge"), /tensor 'huge' needs .* over this adapter's maximum buffer size/);
  },
  "a binding over the binding limit says to split the tensor": async () => {
    const g = await getGpu();
    const n = Math.floor(g.caps.maxBinding / 4) + 64;
    const x = Tensor.empty(g, [n]);
    await expectError("bind", () => activationForward("relu", x), /over the adapter's \d+-byte binding limit/);
    x.release();
  },
  "a WGSL compile error names the shader file and line": () =>
    compileError("broken_for_test", [
      "//#kernel main",
      "@group(0) @binding(0) var<storage, read_write> y: array<f32>;",
      "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u) {",
      "  y[gid.x] = undefined_function(1.0);",
      "}",
    ], {}, /WGSL compile error in shaders\/broken_for_test\.wgsl:4 .*undefined_function/),
  "a WGSL compile error after an //#include still names the family file's own line": () =>
    compileError("broken_include_for_test", [
      "// a family that includes the row libraries",
      "//#include rows_shared",
      "//#include rows",
      "//#common",
      "const K: u32 = 1u;",
      "//#kernel main",
      "@group(0) @binding(0) var<storage, read_write> y: array<f32>;",
      "@compute @workgroup_size({{WG}}) fn main(@builtin(local_invocation_index) lid: u32) {",
      "  y[lid] = rowSum(1.0, lid) + another_undefined_function(1.0);",
      "}",
    ], { WG: 64, LANES: 64 }, /WGSL compile error in shaders\/broken_include_for_test\.wgsl:9 .*another_undefined_function/),
  "a lost device fails every later call with one message": async () => {
    const g = await getGpu();
    g.lost = "the GPU device was lost (test); restart the command";
    try {
      await expectError("lost", () => Tensor.empty(g, [4]), /device was lost/);
    } finally {
      g.lost = undefined;
    }
  },
};
