// Records kernel dispatches into one command encoder and submits them together.
//
// Per-dispatch CPU cost dominates small kernels (a submit per dispatch costs 21 µs on Dawn, 92 µs on Deno,
// measured on lavapipe), so:
//  - every dispatch of a step goes into ONE compute pass, submitted at the next flush (a readback, a
//    CPU->GPU write, or a full uniform arena);
//  - kernel parameters live in one uniform "arena" buffer, written once per flush; each dispatch binds its
//    256-byte slot through a dynamic offset, so its bind group does not depend on the slot and can be cached;
//  - pipelines are cached by source; bind groups by (pipeline, buffers, ranges).
// With a profiler attached, each dispatch gets its own pass with timestamp writes instead.
import { checkAlive, type Gpu, GpuError } from "./device.ts";
import { type ShaderSource, shaderSource, sourceLine } from "./shaders.ts";
import { type ParamValues, writeParams as packParams } from "./params.ts";

export interface Kernel {
  src: ShaderSource;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  id: number;
  name: string;
}

/**
 * A whole tensor/buffer, a byte range of one (for tensors larger than the binding limit), or a texture
 * for a kernel's read-only storage-texture binding (the matmul family's operand images, src/kernels/matmul_img.ts).
 */
export type Binding =
  | { buffer: GPUBuffer; label?: string }
  | { buffer: GPUBuffer; offset: number; size: number; label?: string }
  | { texture: GPUTexture; label?: string };

/** A kernel's uniform parameters by name, as its WGSL `struct Params` declares them (src/gpu/params.ts). */
export type Params = ParamValues;

export interface DispatchInfo {
  kernel: Kernel;
  name: string;
  /** floating point operations and bytes moved, for the profiler's GFLOP/s and GB/s */
  flops?: number;
  bytes?: number;
  /** free-form detail for traces: shapes, layer */
  detail?: string;
  /** the label set with setProfileContext when the dispatch was recorded, e.g. "layer.3 backward" */
  context?: string;
}

export interface ProfilerHook {
  /**
   * returns timestamp writes for the dispatch's own pass; may record passes of its own into enc first
   * (the profiler's timer calibration)
   */
  begin(info: DispatchInfo, enc: GPUCommandEncoder): GPUComputePassTimestampWrites | undefined;
  /**
   * asked before begin() while the previous profiled dispatch's pass is still open (nothing else was
   * recorded since): true puts this dispatch into that pass instead of a new one (the profiler's
   * pass-overhead probe times pairs of dispatches that share a pass)
   */
  join?(info: DispatchInfo): boolean;
  /** called right before the encoder is submitted */
  beforeSubmit(enc: GPUCommandEncoder): void;
}

const SLOT = 256;
const ARENA_SLOTS = 1024;

interface State {
  enc: GPUCommandEncoder | null;
  pass: GPUComputePassEncoder | null;
  arena: GPUBuffer;
  arenaData: ArrayBuffer;
  slot: number;
  kernels: Map<string, Kernel>;
  bindGroups: Map<string, GPUBindGroup>;
  errors: string[];
  modules: { module: GPUShaderModule; src: ShaderSource; name: string }[];
  profiler: ProfilerHook | null;
  context: string | undefined;
  dispatches: number;
}

const states = new WeakMap<Gpu, State>();
const bufferIds = new WeakMap<GPUBuffer | GPUTexture, number>();
const views = new WeakMap<GPUTexture, GPUTextureView>();

function textureView(t: GPUTexture): GPUTextureView {
  let v = views.get(t);
  if (!v) views.set(t, (v = t.createView()));
  return v;
}
let nextBufferId = 1;
let nextKernelId = 1;

function state(g: Gpu): State {
  let s = states.get(g);
  if (!s) {
    s = {
      enc: null,
      pass: null,
      arena: g.device.createBuffer({ size: SLOT * ARENA_SLOTS, usage: 0x40 /*UNIFORM*/ | 0x08, label: "param-arena" }),
      arenaData: new ArrayBuffer(SLOT * ARENA_SLOTS),
      slot: 0,
      kernels: new Map(),
      bindGroups: new Map(),
      errors: [],
      modules: [],
      profiler: null,
      context: undefined,
      dispatches: 0,
    };
    states.set(g, s);
    watchErrors(g, s);
  }
  return s;
}

function bufferId(b: GPUBuffer | GPUTexture): number {
  let id = bufferIds.get(b);
  if (!id) bufferIds.set(b, (id = nextBufferId++));
  return id;
}

export function setProfiler(g: Gpu, p: ProfilerHook | null): void {
  flush(g);
  state(g).profiler = p;
}

/** The hook set with setProfiler, or null (profiling is off by default). */
export function getProfiler(g: Gpu): ProfilerHook | null {
  return state(g).profiler;
}

/**
 * Labels the dispatches recorded from now on with what they belong to ("layer.3 backward", "optimizer";
 * undefined clears it). The encoder, realignStep and the training loops set it; a profiler reads it from
 * each dispatch's DispatchInfo, so the label lives here and costs one store when profiling is off.
 */
export function setProfileContext(g: Gpu, text: string | undefined): void {
  state(g).context = text;
}

export function dispatchCount(g: Gpu): number {
  return state(g).dispatches;
}

// Kernel-cache keys carry a short id per distinct set of defines instead of the serialised defines: the
// matmul family's generated bodies are ~20 KB, and a key containing them was rebuilt and hashed on every
// dispatch. A defines object seen before (the matmul family reuses one per tile) skips serialising too.
const definesIds = new WeakMap<object, number>();
const definesById = new Map<string, number>();

function definesId(defines: Record<string, string | number>): number {
  let id = definesIds.get(defines);
  if (id === undefined) {
    const json = JSON.stringify(defines);
    id = definesById.get(json);
    if (id === undefined) definesById.set(json, (id = definesById.size));
    definesIds.set(defines, id);
  }
  return id;
}

/** Compiles (once) a kernel of a family; compile errors surface at the next flush/read with file and line. */
export function kernel(g: Gpu, family: string, name: string, defines: Record<string, string | number> = {}): Kernel {
  const s = state(g);
  const key = `${family}:${name}:${definesId(defines)}`;
  let k = s.kernels.get(key);
  if (k) return k;
  const src = shaderSource(family, name, defines);
  if (src.params && src.params.size > SLOT) {
    throw new GpuError(`kernel ${family}.${name}: struct ${src.params.struct} is ${src.params.size} bytes, over the ${SLOT}-byte parameter slot`);
  }
  const dev = g.device;
  const entries: GPUBindGroupLayoutEntry[] = src.bindings.map((b) =>
    b.kind === "texture"
      ? { binding: b.index, visibility: 4 /*COMPUTE*/, storageTexture: { access: "read-only", format: b.format!, viewDimension: "2d" } }
      : {
        binding: b.index,
        visibility: 4 /*COMPUTE*/,
        buffer: b.kind === "uniform" ? { type: "uniform", hasDynamicOffset: true } : { type: b.kind === "read" ? "read-only-storage" : "storage" },
      }
  );
  const module = dev.createShaderModule({ code: src.code, label: `${family}.wgsl:${name}` });
  const layout = dev.createBindGroupLayout({ entries, label: `${family}:${name}` });
  const pipeline = dev.createComputePipeline({
    layout: dev.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: "main" },
    label: `${family}:${name}`,
  });
  // Validation errors arrive through the device's uncapturederror event (see watchErrors). We do not use
  // error scopes: with dawn.node 0.6.2 a pending popErrorScope promise racing a mapAsync crashed the
  // process now and then. Compilation messages are only asked for once an error has been reported.
  s.modules.push({ module, src, name });
  k = { src, pipeline, layout, id: nextKernelId++, name: `${family}.${name}` };
  s.kernels.set(key, k);
  return k;
}

function watchErrors(g: Gpu, s: State) {
  const onError = (ev: any) => s.errors.push(String(ev?.error?.message ?? ev?.message ?? ev));
  const dev: any = g.device;
  if (typeof dev.addEventListener === "function") dev.addEventListener("uncapturederror", onError);
  else dev.onuncapturederror = onError;
}

/** Throws the first GPU validation or WGSL compile error reported so far, naming the shader file and line. */
export async function pendingErrors(g: Gpu): Promise<void> {
  const s = state(g);
  if (!s.errors.length) return;
  const first = s.errors[0];
  s.errors = [];
  for (const [i, { module, src, name }] of s.modules.entries()) {
    const info = await module.getCompilationInfo();
    const m = info.messages.find((x) => x.type === "error");
    if (!m) continue;
    s.modules.splice(i, 1); // reported once: a later error is not blamed on this module again
    // Naga's messages span several lines (with a source excerpt): keep one line
    const text = m.message.replace(/\s+/g, " ").trim().slice(0, 400);
    throw new GpuError(`WGSL compile error in ${sourceLine(src, m.lineNum)} (kernel '${name}'): ${text}`);
  }
  throw new GpuError(`GPU validation error: ${first.split("\n")[0]}`);
}

function writeParams(s: State, k: Kernel, params: Params): number {
  if (s.slot >= ARENA_SLOTS) throw new Error("internal: uniform arena overflow");
  const off = s.slot * SLOT;
  packParams(new DataView(s.arenaData, off, SLOT), k.src.params!, params, k.name);
  s.slot++;
  return off;
}

/**
 * Records one dispatch. `bindings` follow the kernel's storage bindings in index order (the uniform
 * binding, if the kernel has one, is filled from `params`, by field name; a kernel without one takes {}).
 */
export function dispatch(
  g: Gpu,
  k: Kernel,
  bindings: Binding[],
  params: Params,
  workgroups: [number, number?, number?],
  info: Omit<DispatchInfo, "kernel" | "name"> & { name?: string } = {},
): void {
  checkAlive(g);
  const s = state(g);
  const storage = k.src.bindings.filter((b) => b.kind !== "uniform");
  if (storage.length !== bindings.length) {
    throw new GpuError(`kernel ${k.name} takes ${storage.length} buffers, got ${bindings.length}`);
  }
  const [x, y = 1, z = 1] = workgroups;
  // parameters are checked even for empty work, so a wrong call fails on small inputs too
  if (!k.src.params) {
    for (const p in params) throw new GpuError(`kernel ${k.name} has no uniform parameters, got '${p}'`);
  } else if (s.slot >= ARENA_SLOTS) flush(g);
  if (x === 0 || y === 0 || z === 0) {
    if (k.src.params) packParams(new DataView(s.arenaData, s.slot * SLOT, SLOT), k.src.params, params, k.name);
    return; // empty work
  }
  const maxWg = g.caps.maxWorkgroupsPerDim;
  if (x > maxWg || y > maxWg || z > maxWg) {
    throw new GpuError(`kernel ${k.name}: dispatch ${x}×${y}×${z} exceeds the adapter's ${maxWg} workgroups per dimension`);
  }
  const hasUniform = k.src.params !== null;
  const offset = hasUniform ? writeParams(s, k, params) : 0;

  // bind group, cached by kernel + buffers + ranges
  let key = `${k.id}`;
  const entries: GPUBindGroupEntry[] = [];
  let bi = 0;
  for (const b of k.src.bindings) {
    if (b.kind === "uniform") {
      entries.push({ binding: b.index, resource: { buffer: s.arena, offset: 0, size: SLOT } });
      continue;
    }
    const bd = bindings[bi++] as any;
    if (b.kind === "texture") {
      if (!bd.texture) throw new GpuError(`kernel ${k.name}: binding '${b.name}' is a texture, got a buffer`);
      key += `|t${bufferId(bd.texture)}`;
      entries.push({ binding: b.index, resource: textureView(bd.texture) });
      continue;
    }
    if (!bd.buffer) throw new GpuError(`kernel ${k.name}: binding '${b.name}' is a buffer, got a texture`);
    const off = bd.offset ?? 0;
    const size = bd.size ?? bd.buffer.size - off;
    if (size > g.caps.maxBinding) {
      throw new GpuError(
        `kernel ${k.name}: binding '${b.name}' is ${size} bytes, over the adapter's ${g.caps.maxBinding}-byte binding limit; ` +
          "split the tensor into chunks",
      );
    }
    key += `|${bufferId(bd.buffer)}:${off}:${size}`;
    entries.push({ binding: b.index, resource: { buffer: bd.buffer, offset: off, size } });
  }
  if (g.counting) {
    // checked, not recorded (src/gpu/counting.ts)
    s.dispatches++;
    return;
  }
  let bg = s.bindGroups.get(key);
  if (!bg) {
    bg = g.device.createBindGroup({ layout: k.layout, entries });
    if (s.bindGroups.size > 20000) s.bindGroups.clear();
    s.bindGroups.set(key, bg);
  }

  if (!s.enc) s.enc = g.device.createCommandEncoder();
  const dinfo: DispatchInfo = { kernel: k, name: info.name ?? k.name, flops: info.flops, bytes: info.bytes, detail: info.detail, context: s.context };
  let pass: GPUComputePassEncoder;
  if (s.profiler) {
    // Each dispatch's pass stays open until the next dispatch asks: join it, or end it and begin its own.
    if (s.pass && s.profiler.join?.(dinfo)) {
      pass = s.pass;
    } else {
      if (s.pass) {
        s.pass.end();
        s.pass = null;
      }
      const tw = s.profiler.begin(dinfo, s.enc);
      pass = s.pass = s.enc.beginComputePass(tw ? { timestampWrites: tw } : {});
    }
  } else {
    if (!s.pass) s.pass = s.enc.beginComputePass();
    pass = s.pass;
  }
  pass.setPipeline(k.pipeline);
  if (hasUniform) pass.setBindGroup(0, bg, [offset]);
  else pass.setBindGroup(0, bg);
  pass.dispatchWorkgroups(x, y, z);
  s.dispatches++;
}

/**
 * Records a GPU timestamp at this point of the recorded work: an empty compute pass whose begin writes
 * query `index` of `querySet`. Used to time a stretch of work recorded in the normal one-pass mode (no
 * per-dispatch passes), e.g. a whole unprofiled training step (src/profile/span_timer.ts).
 */
export function recordTimestamp(g: Gpu, querySet: GPUQuerySet, index: number): void {
  encoderOutsidePass(g).beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: index } }).end();
}

/** The open command encoder (created if needed) with the running compute pass ended, for non-dispatch commands. */
function encoderOutsidePass(g: Gpu): GPUCommandEncoder {
  const s = state(g);
  if (!s.enc) s.enc = g.device.createCommandEncoder();
  if (s.pass) {
    s.pass.end();
    s.pass = null;
  }
  return s.enc;
}

/** Records a buffer clear (ordered with the dispatches around it). */
export function recordClear(g: Gpu, buf: GPUBuffer, offset: number, size: number): void {
  encoderOutsidePass(g).clearBuffer(buf, offset, size);
}

/** Records a buffer-to-buffer copy (ordered with the dispatches around it). */
export function recordCopy(g: Gpu, src: GPUBuffer, srcOff: number, dst: GPUBuffer, dstOff: number, size: number): void {
  encoderOutsidePass(g).copyBufferToBuffer(src, srcOff, dst, dstOff, size);
}

/**
 * Records a copy into rows y0 … y0 + rows − 1 of a 2D texture, `texels` texels a row, from a buffer whose
 * rows are `bytesPerRow` bytes apart (a multiple of 256) starting at byte `offset` (ordered with the
 * dispatches around it).
 */
export function recordCopyToTexture(g: Gpu, src: GPUBuffer, offset: number, bytesPerRow: number, rows: number, dst: GPUTexture, texels: number, y0: number): void {
  encoderOutsidePass(g).copyBufferToTexture({ buffer: src, offset, bytesPerRow, rowsPerImage: rows }, { texture: dst, origin: [0, y0] }, [texels, rows]);
}

/** Submits everything recorded so far. */
export function flush(g: Gpu): void {
  const s = states.get(g);
  if (!s || !s.enc) return;
  if (s.pass) {
    s.pass.end();
    s.pass = null;
  }
  if (s.slot > 0) {
    g.queue.writeBuffer(s.arena, 0, s.arenaData, 0, s.slot * SLOT);
    s.slot = 0;
  }
  s.profiler?.beforeSubmit(s.enc);
  g.queue.submit([s.enc.finish()]);
  s.enc = null;
  for (const fn of flushListeners.get(g) ?? []) fn();
}

const flushListeners = new WeakMap<Gpu, (() => void)[]>();

/** Calls `fn` after every submit of recorded work (the tensor pool uses it to recycle buffers). */
export function onFlush(g: Gpu, fn: () => void): void {
  let l = flushListeners.get(g);
  if (!l) flushListeners.set(g, (l = []));
  l.push(fn);
}

/** Whether recorded work is waiting to be submitted. */
export function hasPending(g: Gpu): boolean {
  return !!states.get(g)?.enc;
}

/** Submits and waits until the GPU has finished all of it. */
export async function sync(g: Gpu): Promise<void> {
  flush(g);
  await g.queue.onSubmittedWorkDone();
  await pendingErrors(g);
  checkAlive(g);
}
