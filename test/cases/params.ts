// The typed kernel contract (src/gpu/params.ts): uniform parameters go by name, laid out from the kernel's
// WGSL `struct Params` by WGSL's uniform rules, and a missing, extra or wrongly typed field is a one-line
// GpuError naming the kernel and the field.
import { getGpu, GpuError, Tensor } from "../../src/index.ts";
import { dispatch, kernel, sync } from "../../src/gpu/recorder.ts";
import { registerShaderSource } from "../../src/gpu/shaders.ts";
import { paramLayout } from "../../src/gpu/params.ts";
import { layernormForward } from "../../src/kernels/layernorm.ts";
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

// Copies every parameter into a storage buffer as raw words, so the test sees the bytes the shader reads.
const ECHO = [
  "//#kernel echo",
  "struct Params {",
  "  n: u32, // a comment, with a comma",
  "  dir: vec3<f32>,",
  "  scale: f32, off: i32,",
  "  pair: vec2u,",
  "}",
  "@group(0) @binding(0) var<uniform> P: Params;",
  "@group(0) @binding(1) var<storage, read_write> out: array<u32>;",
  "@compute @workgroup_size(1) fn main() {",
  "  out[0] = P.n;",
  "  out[1] = bitcast<u32>(P.dir.x); out[2] = bitcast<u32>(P.dir.y); out[3] = bitcast<u32>(P.dir.z);",
  "  out[4] = bitcast<u32>(P.scale); out[5] = bitcast<u32>(P.off);",
  "  out[6] = P.pair.x; out[7] = P.pair.y;",
  "}",
];
const GOOD = { n: 7, dir: [0.5, -1, 2], scale: 0.25, off: -3, pair: [9, 4294967295] };

async function echo() {
  const g = await getGpu();
  registerShaderSource("test_params_echo", ECHO.join("\n"));
  return { g, k: kernel(g, "test_params_echo", "echo") };
}

export const cases: Cases = {
  "layout follows WGSL's uniform rules (vec3 aligned to 16, a scalar after it in the same 16, size rounded to 16)": () => {
    const l = paramLayout(ECHO.join("\n"), "Params", "test.echo");
    const got = l.fields.map((f) => `${f.name}:${f.scalar}x${f.components}@${f.offset}`).join(" ");
    const want = "n:u32x1@0 dir:f32x3@16 scale:f32x1@28 off:i32x1@32 pair:u32x2@40";
    if (got !== want) throw new Error(`layout ${got}, expected ${want}`);
    if (l.size !== 48) throw new Error(`struct size ${l.size}, expected 48`);
  },
  "parameters reach the shader by name at the layout's offsets": async () => {
    const { g, k } = await echo();
    const out = Tensor.zeros(g, [8], "u32");
    const f = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];
    for (const [scale, what] of [[0.25, "0.25"], [1e39, "1e39 (rounds to +∞ in f32, as the shader would compute it)"]] as const) {
      dispatch(g, k, [{ buffer: out.buffer }], { ...GOOD, scale }, [1]);
      const got = Array.from(new Uint32Array((await out.readInt()).buffer));
      const want = [7, f(0.5), f(-1), f(2), f(scale), (-3) >>> 0, 9, 4294967295];
      if (got.join() !== want.join()) throw new Error(`scale ${what}: shader read [${got}], expected [${want}]`);
    }
    out.release();
  },
  "a missing field names the kernel and the field": async () => {
    const { g, k } = await echo();
    const out = Tensor.zeros(g, [8], "u32");
    const { scale: _, ...noScale } = GOOD;
    await expectError("missing", () => dispatch(g, k, [{ buffer: out.buffer }], noScale, [1]),
      /kernel test_params_echo\.echo: parameter 'scale' \(f32\) is missing/);
    // also when the dispatch is empty (the bug would otherwise show only on big inputs)
    await expectError("missing, empty grid", () => dispatch(g, k, [{ buffer: out.buffer }], noScale, [0]), /'scale' \(f32\) is missing/);
    await sync(g);
    out.release();
  },
  "an extra field names the kernel and the field": async () => {
    const { g, k } = await echo();
    const out = Tensor.zeros(g, [8], "u32");
    await expectError("extra", () => dispatch(g, k, [{ buffer: out.buffer }], { ...GOOD, sclae: 1 }, [1]),
      /kernel test_params_echo\.echo: parameter 'sclae' not in its struct Params \{ n, dir, scale, off, pair \}/);
    await expectError("params for a kernel without a uniform", async () => {
      registerShaderSource("test_params_none", "//#kernel main\n@group(0) @binding(0) var<storage, read_write> o: array<u32>;\n@compute @workgroup_size(1) fn main() { o[0] = 1u; }");
      dispatch(g, kernel(g, "test_params_none", "main"), [{ buffer: out.buffer }], { n: 1 }, [1]);
    }, /kernel test_params_none\.main has no uniform parameters, got 'n'/);
    await sync(g);
    out.release();
  },
  "a wrongly typed field names the kernel, the field and the value": async () => {
    const { g, k } = await echo();
    const out = Tensor.zeros(g, [8], "u32");
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ["negative u32", { n: -1 }, /parameter 'n' \(u32\) = -1 is outside u32's range/],
      ["fractional u32", { n: 1.5 }, /parameter 'n' \(u32\) = 1\.5 is not an integer \(u32\)/],
      ["u32 overflow", { n: 2 ** 32 }, /parameter 'n' \(u32\) = 4294967296 is outside u32's range/],
      ["fractional i32", { off: 0.5 }, /parameter 'off' \(i32\) = 0\.5 is not an integer \(i32\)/],
      ["NaN f32", { scale: NaN }, /parameter 'scale' \(f32\) = NaN is not a number \(NaN\)/],
      ["string", { scale: "1" }, /parameter 'scale' \(f32\) = string 1 is not a number/],
      ["short vector", { dir: [1, 2] }, /parameter 'dir' \(vec3<f32>\) = \[1, 2\] needs 3 numbers/],
      ["scalar for a vector", { pair: 3 }, /parameter 'pair' \(vec2u\) = 3 needs 2 numbers/],
      ["vector for a scalar", { n: [1] }, /parameter 'n' \(u32\) = \[1\] is a list, not a scalar/],
      ["bad vector element", { pair: [1, -2] }, /parameter 'pair' \(vec2u\) = \[1, -2\] is outside u32's range/],
    ];
    for (const [what, change, re] of bad) {
      await expectError(what, () => dispatch(g, k, [{ buffer: out.buffer }], { ...GOOD, ...change } as any, [1]), re);
    }
    await sync(g);
    out.release();
  },
  "a kernel wrapper passes a bad value on as a named error (layernorm eps = NaN)": async () => {
    const g = await getGpu();
    const x = Tensor.zeros(g, [2, 8]), gamma = Tensor.zeros(g, [8]), beta = Tensor.zeros(g, [8]);
    await expectError("eps", () => layernormForward(x, gamma, beta, NaN), /kernel layernorm\.forward: parameter 'eps' \(f32\) = NaN is not a number \(NaN\)/);
    await sync(g);
    for (const t of [x, gamma, beta]) t.release();
  },
  "an unsupported field type is named when the kernel is built": async () => {
    const g = await getGpu();
    registerShaderSource("test_params_bad", [
      "//#kernel main",
      "struct Params { n: u32, m: mat2x2<f32>, }",
      "@group(0) @binding(0) var<uniform> P: Params;",
      "@group(0) @binding(1) var<storage, read_write> o: array<u32>;",
      "@compute @workgroup_size(1) fn main() { o[0] = P.n; }",
    ].join("\n"));
    await expectError("mat2x2", () => kernel(g, "test_params_bad", "main"), /kernel test_params_bad\.main: struct Params field 'm: mat2x2<f32>' is not a u32, i32 or f32 scalar or vector/);
  },
};
