// One WebGPU device for the whole process, on Node (npm `webgpu`, Dawn) or Deno (built-in navigator.gpu, wgpu).
//
// Dawn must be created once per process (re-creating it crashes), so the device is a module-level singleton.
// We request the adapter's real limits (the spec defaults are far below what lavapipe and real GPUs offer)
// and the optional features kernels can use, then describe them in a `Caps` object kernels consult.

import { withoutDawnLimitWarnings } from "./adapter_log.ts";

export type Runtime = "node" | "deno";

export interface Caps {
  runtime: Runtime;
  adapterName: string;
  timestamps: boolean; // 'timestamp-query' granted
  f16: boolean; // 'shader-f16' granted
  subgroups: boolean; // 'subgroups' granted AND a probe shader compiled (Naga rejects it even when offered)
  /**
   * a workgroup of this many invocations is one subgroup (the adapter's subgroupMinSize, checked by running
   * a probe kernel); the row kernels then reduce with subgroup operations. 0 when unusable
   */
  subgroupRows: number;
  maxBinding: number; // maxStorageBufferBindingSize
  maxBuffer: number; // maxBufferSize
  maxWorkgroupStorage: number;
  maxInvocations: number;
  maxStorageBuffers: number;
  minStorageOffsetAlign: number;
  maxWorkgroupsPerDim: number;
  maxTexture2D: number; // maxTextureDimension2D (the matmul images' rows and texel columns)
}

export interface Gpu {
  device: GPUDevice;
  queue: GPUQueue;
  caps: Caps;
  /** the adapter the device came from (its info, limits and features, for `xlt doctor`) */
  adapter?: GPUAdapter;
  /** set when the device is lost; every later call fails with this message */
  lost?: string;
  /**
   * a counting device (src/gpu/counting.ts): its buffers hold nothing and its dispatches are not recorded;
   * running a step on it measures what the step allocates
   */
  counting?: boolean;
}

export class GpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GpuError";
  }
}

declare const Deno: unknown;
export const runtime: Runtime = typeof Deno !== "undefined" ? "deno" : "node";

const NO_ADAPTER =
  "no WebGPU adapter found: install a GPU driver with Vulkan support, or the software Vulkan driver " +
  "(Mesa lavapipe) with `sudo bash scripts/install-software-vulkan.sh`";

let pending: Promise<Gpu> | null = null;
// The GPU instance must stay reachable: if it is garbage-collected, dawn.node frees the Dawn instance while
// its event pump still runs, and the process crashes at random (seen as futex/mutex aborts in ProcessEvents).
let instance: GPU | null = null;

/** The GPU object getGpu() created (null before), for peers such as tfjs that need `navigator.gpu` on Node. */
export function gpuInstance(): GPU | null {
  return instance;
}

/** The process-wide GPU. The first call creates it; later calls return the same one. */
export function getGpu(): Promise<Gpu> {
  if (!pending) pending = createGpu();
  return pending;
}

async function navigatorGpu(): Promise<GPU | undefined> {
  if (runtime === "deno") return (globalThis as any).navigator?.gpu;
  // Keep the specifier in a variable so Deno never tries to load Dawn's native addon (it crashes there).
  const name = "webgpu";
  const mod: any = await import(name);
  Object.assign(globalThis, mod.globals);
  throttleDawnEventPump();
  // Exact timestamps: Dawn quantizes them to 65 µs by default, which hides every small kernel.
  return mod.create(["disable-dawn-features=timestamp_quantization"]);
}

/** Whether a setImmediate callback is dawn.node's event-pump tick: an N-API function with an empty name. */
export function isDawnAddonTick(fn: unknown): boolean {
  return typeof fn === "function" && fn.name === "" && /\[native code\]\s*\}$/.test(Function.prototype.toString.call(fn));
}

/**
 * dawn.node resolves its promises (mapAsync, onSubmittedWorkDone) by calling Instance::ProcessEvents from a
 * `setImmediate` callback that re-queues itself while anything is pending: the main thread spins at 100%
 * of a core for as long as the GPU works. On a software adapter (lavapipe) that core is one the GPU
 * threads need: on the 2-core VM it made every matmul 35-55% slower than under Deno (measured with
 * `top -H` and bench/results/lavapipe-matmul-tuning.txt §6). The addon looks `setImmediate` up on the
 * global object at each tick, so this wraps it: anonymous native callbacks (the addon's tick is a N-API
 * function with an empty name) run immediately for the first 0.5 ms of a wait, then at most once per
 * millisecond. Every other callback, bound functions ("bound f") included, is passed straight through.
 */
function throttleDawnEventPump(): void {
  const g = globalThis as any;
  const orig = g.setImmediate;
  if (typeof orig !== "function" || orig.__xltThrottled) return;
  let burstStart = 0, lastTick = -Infinity;
  const wrapped = (fn: (...a: unknown[]) => void, ...args: unknown[]) => {
    if (!isDawnAddonTick(fn)) return orig(fn, ...args);
    const now = performance.now();
    if (now - lastTick > 2) burstStart = now; // no tick for 2 ms: a new wait begins
    lastTick = now;
    return now - burstStart < 0.5 ? orig(fn, ...args) : setTimeout(fn, 1, ...args);
  };
  // keep what hangs on the original (util.promisify's custom symbol), minus the function's own name/length
  const props = Object.getOwnPropertyDescriptors(orig) as Record<string | symbol, PropertyDescriptor>;
  for (const k of ["length", "name", "prototype"]) delete props[k];
  Object.defineProperties(wrapped, props);
  (wrapped as any).__xltThrottled = true;
  g.setImmediate = wrapped;
}

const WANTED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
  "maxBindGroups",
  "maxTextureDimension2D",
] as const;

/**
 * Optional features not to request, from XLT_WITHOUT_FEATURES (comma-separated, e.g. `shader-f16`): runs
 * xlt as on an adapter that lacks them (tests of the fallbacks and of the errors that name a feature).
 */
function withheldFeatures(): Set<string> {
  const v = (globalThis as any).process?.env?.XLT_WITHOUT_FEATURES;
  return new Set(String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean));
}

async function createGpu(): Promise<Gpu> {
  let gpu: GPU | null;
  try {
    gpu = instance = (await navigatorGpu()) ?? null;
  } catch (e) {
    throw new GpuError(`${NO_ADAPTER} (loading WebGPU failed: ${(e as Error).message})`);
  }
  if (!gpu) throw new GpuError(NO_ADAPTER);
  const request = () => gpu.requestAdapter({ powerPreference: "high-performance" });
  // Dawn (Node) logs its clamp of the driver's dynamic-buffer limits here; see adapter_log.ts
  const adapter = await (runtime === "node" ? withoutDawnLimitWarnings(request) : request());
  if (!adapter) throw new GpuError(NO_ADAPTER);

  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as any)[k];
    if (typeof v === "number") requiredLimits[k] = v;
  }
  const features: GPUFeatureName[] = [];
  const withheld = withheldFeatures();
  for (const f of ["timestamp-query", "shader-f16", "subgroups"] as GPUFeatureName[]) {
    if (adapter.features.has(f) && !withheld.has(f)) features.push(f);
  }
  const device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  const info: any = (adapter as any).info ?? {};
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(" ") ||
    "unknown adapter";
  const L = device.limits;
  const caps: Caps = {
    runtime,
    adapterName,
    timestamps: device.features.has("timestamp-query"),
    f16: device.features.has("shader-f16"),
    subgroups: false,
    subgroupRows: 0,
    maxBinding: L.maxStorageBufferBindingSize,
    maxBuffer: L.maxBufferSize,
    maxWorkgroupStorage: L.maxComputeWorkgroupStorageSize,
    maxInvocations: L.maxComputeInvocationsPerWorkgroup,
    maxStorageBuffers: L.maxStorageBuffersPerShaderStage,
    minStorageOffsetAlign: L.minStorageBufferOffsetAlignment,
    maxWorkgroupsPerDim: L.maxComputeWorkgroupsPerDimension,
    maxTexture2D: L.maxTextureDimension2D,
  };
  const g: Gpu = { device, queue: device.queue, caps, adapter };
  if (device.features.has("subgroups" as GPUFeatureName)) caps.subgroups = await probeSubgroups(device);
  if (caps.subgroups) caps.subgroupRows = await probeSubgroupRows(device, Number(info.subgroupMinSize) || 0);
  device.lost.then((info) => {
    if (info.reason !== "destroyed") g.lost = `the GPU device was lost (${info.message || info.reason}); restart the command`;
  });
  return g;
}

async function probeSubgroups(device: GPUDevice): Promise<boolean> {
  device.pushErrorScope("validation");
  const m = device.createShaderModule({
    code: "enable subgroups;\n@compute @workgroup_size(32) fn main() { _ = subgroupAdd(1.0); }",
  });
  const info = await m.getCompilationInfo();
  const err = await device.popErrorScope();
  return !err && !info.messages.some((x) => x.type === "error");
}

/**
 * Whether a workgroup of `size` invocations (the adapter's subgroupMinSize) is exactly one subgroup, so the
 * row kernels can reduce a row with subgroupAdd/subgroupMax alone. WGSL does not promise how invocations form
 * subgroups, so we run it: every invocation of two workgroups must see the sum and max over its own
 * workgroup. Returns `size`, or 0 (the row kernels keep their workgroup-memory reductions).
 */
async function probeSubgroupRows(device: GPUDevice, size: number): Promise<number> {
  if (!Number.isInteger(size) || size < 4 || size > 128 || (size & (size - 1)) !== 0) return 0;
  const n = 2 * size;
  device.pushErrorScope("validation");
  const module = device.createShaderModule({
    code: `enable subgroups;
@group(0) @binding(0) var<storage, read_write> out: array<vec2f>;
@compute @workgroup_size(${size}) fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  out[wid.x * ${size}u + lid] = vec2f(subgroupAdd(1.0), subgroupMax(f32(lid + wid.x * 1000u)));
}`,
  });
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const buf = device.createBuffer({ size: n * 8, usage: 0x80 /*STORAGE*/ | 0x04 /*COPY_SRC*/ });
  const read = device.createBuffer({ size: n * 8, usage: 0x01 /*MAP_READ*/ | 0x08 /*COPY_DST*/ });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: buf } }] }));
  pass.dispatchWorkgroups(2);
  pass.end();
  enc.copyBufferToBuffer(buf, 0, read, 0, n * 8);
  device.queue.submit([enc.finish()]);
  const err = await device.popErrorScope();
  let ok = !err;
  if (ok) {
    await read.mapAsync(1 /*READ*/);
    const v = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (let i = 0; i < n && ok; i++) ok = v[2 * i] === size && v[2 * i + 1] === (i < size ? size - 1 : 1000 + size - 1);
  }
  buf.destroy();
  read.destroy();
  return ok ? size : 0;
}

/** Destroy the device so the process can exit; safe to call when no GPU was ever created. */
export async function shutdownGpu(): Promise<void> {
  if (!pending) return;
  try {
    const g = await pending;
    g.device.destroy();
  } catch {
    // no device was created: nothing to release
  }
  pending = null;
  instance = null;
}

/**
 * A CPU implementation of WebGPU (Mesa lavapipe/llvmpipe, SwiftShader): kernels pick CPU-friendly variants
 * there (see matmulTile, rowLayout).
 */
export function isSoftwareAdapter(g: Gpu): boolean {
  return /llvmpipe|lavapipe|swiftshader/i.test(g.caps.adapterName);
}

export function checkAlive(g: Gpu): void {
  if (g.lost) throw new GpuError(g.lost);
}
