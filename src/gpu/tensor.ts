// GPU tensors: a storage buffer plus a shape. Buffers come from a size-bucketed pool, because creating
// and destroying GPU buffers every step is slow and fragments memory; training steps instead take exact-size
// buffers from their run's training state (src/gpu/workspace.ts), which Tensor.empty uses while a frame of
// it is active on the tensor's device (allocatingFrom), and which nothing releases by hand.
import { checkAlive, type Gpu, GpuError } from "./device.ts";
import { flush, hasPending, onFlush, pendingErrors, recordClear, recordCopy } from "./recorder.ts";
import { f16Value, toF16 } from "./f16.ts";

/** f16 holds frozen weights only (--f16-frozen, adapters with shader-f16); kernels read it as f32 */
export type DType = "f32" | "i32" | "u32" | "f16";

const USAGE = 0x80 /*STORAGE*/ | 0x04 /*COPY_SRC*/ | 0x08; /*COPY_DST*/

/**
 * A device's memory: its pool of free buffers by size, buffers released while recorded work may still use
 * them (pooled after the next submit), the bytes live and most live at once, and where Tensor.empty
 * allocates right now (the scope below). The process's GPU has one; a counting device
 * (src/gpu/counting.ts), whose buffers hold nothing, has its own, so measuring a step there neither hands
 * its buffers to real tensors nor moves the process's figures.
 */
class DeviceMemory {
  readonly pool = new Map<number, GPUBuffer[]>();
  readonly quarantine: GPUBuffer[] = [];
  readonly quarantineHooked = new WeakSet<Gpu>();
  liveBytes = 0;
  peakBytes = 0;
  /** the training state's frame Tensor.empty takes its buffers from while one runs (allocatingFrom) */
  source: BufferSource | null = null;
  /** inside a training state: where Tensor.scratch takes its buffers (a child of the frame per withScratch depth, started again at each withScratch of that depth), and that depth */
  scratchSource: BufferSource | null = null;
  scratchDepth = 0;
  /** outside one: the pool scratch of the innermost withScratch, returned when it ends; with `everything`, every pool tensor made inside it */
  scratchScope: Tensor[] | null = null;
  everythingScope: Tensor[] | null = null;

  toPool(b: GPUBuffer): void {
    let list = this.pool.get(b.size);
    if (!list) this.pool.set(b.size, (list = []));
    list.push(b);
  }

  add(bytes: number): void {
    this.liveBytes += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.liveBytes);
  }
}

const processMemory = new DeviceMemory();
const countingMemory = new WeakMap<Gpu, DeviceMemory>();

/** A device's memory; a frame not bound to a device (`null`) allocates on the process's GPU. */
function memoryOf(g: Gpu | null): DeviceMemory {
  if (!g?.counting) return processMemory;
  let m = countingMemory.get(g);
  if (!m) countingMemory.set(g, (m = new DeviceMemory()));
  return m;
}
/** Where Tensor.empty takes its buffer while set: a training state's frame (src/gpu/workspace.ts). */
export interface BufferSource {
  /** the device it holds buffers of (null: not yet bound; the process's GPU) */
  readonly device: Gpu | null;
  take(g: Gpu, bytes: number, label: string): GPUBuffer;
  /** a source of its own: for what one iteration of a loop makes (eachScratch) or a scope's scratch */
  child(name: string): BufferSource & { run<T>(fn: () => T): T; rewind(): void };
}

/** Runs fn with every Tensor.empty/zeros/from on `s`'s device taking its buffer from `s` (scratch: from its children). */
export function allocatingFrom<T>(s: BufferSource, fn: () => T): T {
  const m = memoryOf(s.device);
  const prev = m.source, prevScratch = m.scratchSource, prevDepth = m.scratchDepth;
  m.source = s;
  m.scratchSource = null;
  m.scratchDepth = 0;
  try {
    return fn();
  } finally {
    m.source = prev;
    m.scratchSource = prevScratch;
    m.scratchDepth = prevDepth;
  }
}

/**
 * Runs fn, in which Tensor.scratch on device `g` allocates temporaries that die with fn: in a training
 * state, from the frame's scratch child for this nesting depth, which the next withScratch of the same depth
 * reuses (so a kernel's temporaries, or a block's, take one set of buffers however often it runs); else from
 * the pool, returned when fn ends (later users of a returned buffer are recorded after fn's dispatches, so
 * they cannot overtake them).
 */
export function withScratch<T>(g: Gpu, fn: () => T, everything = false): T {
  const m = memoryOf(g);
  if (m.source) {
    const prev = m.scratchSource, depth = m.scratchDepth + 1;
    const child = m.source.child(`scratch.${depth}`);
    child.rewind();
    m.scratchSource = child;
    m.scratchDepth = depth;
    try {
      return fn();
    } finally {
      m.scratchSource = prev;
      m.scratchDepth = depth - 1;
    }
  }
  const prev = m.scratchScope, prevAll = m.everythingScope;
  const mine: Tensor[] = (m.scratchScope = []);
  if (everything) m.everythingScope = mine;
  try {
    return fn();
  } finally {
    m.scratchScope = prev;
    m.everythingScope = prevAll;
    for (const t of mine) t.free();
  }
}

/**
 * Runs one iteration of a loop whose tensors die with the iteration (a vocabulary chunk's copies): in a
 * training state, in a child frame `name` that every iteration reuses; else with everything it makes from
 * the pool returned when it ends. What must outlive the loop is allocated before it.
 */
export function eachScratch<T>(g: Gpu, name: string, fn: () => T): T {
  const m = memoryOf(g);
  if (m.source) return m.source.child(name).run(fn);
  return withScratch(g, fn, true);
}

/** Runs fn allocating from the pool of `g`, outside any training state or scratch scope: for long-lived tensors. */
export function persistent<T>(g: Gpu, fn: () => T): T {
  const m = memoryOf(g);
  const prev = { source: m.source, scratchSource: m.scratchSource, scratchDepth: m.scratchDepth, everything: m.everythingScope };
  m.source = null;
  m.scratchSource = null;
  m.scratchDepth = 0;
  m.everythingScope = null;
  try {
    return fn();
  } finally {
    m.source = prev.source;
    m.scratchSource = prev.scratchSource;
    m.scratchDepth = prev.scratchDepth;
    m.everythingScope = prev.everything;
  }
}

/** Exact-size buffers of a training state, counted in memoryStats like pooled ones. */
export function createExactBuffer(g: Gpu, bytes: number, label: string): GPUBuffer {
  checkAlive(g);
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  if (size > g.caps.maxBuffer) {
    throw new GpuError(
      `tensor '${label}' needs ${fmtBytes(bytes)}, over this adapter's maximum buffer size of ${fmtBytes(g.caps.maxBuffer)}; ` +
        "use a smaller batch, sequence length or model",
    );
  }
  memoryOf(g).add(size);
  return g.device.createBuffer({ size, usage: USAGE, label });
}

/** Destroys a buffer of createExactBuffer (call it only once no recorded work can use it). */
export function destroyExactBuffer(g: Gpu, b: GPUBuffer): void {
  memoryOf(g).liveBytes -= b.size;
  b.destroy();
}

const retiring = new WeakMap<Gpu, GPUBuffer[]>();

/** Destroys a buffer of createExactBuffer now, or after the next submit while recorded work may use it. */
export function retireExactBuffer(g: Gpu, b: GPUBuffer): void {
  if (!hasPending(g)) return destroyExactBuffer(g, b);
  let list = retiring.get(g);
  if (!list) {
    const l: GPUBuffer[] = [];
    retiring.set(g, (list = l));
    onFlush(g, () => {
      for (const x of l.splice(0)) destroyExactBuffer(g, x);
    });
  }
  list.push(b);
}

let nextId = 1;

function bucket(bytes: number): number {
  // round up to a multiple of 256 below 64 KiB, else to 1/8 of the next power of two: little waste, good reuse
  if (bytes <= 65536) return Math.max(256, Math.ceil(bytes / 256) * 256);
  const p = 2 ** Math.ceil(Math.log2(bytes));
  const step = p / 8;
  return Math.ceil(bytes / step) * step;
}

function acquire(g: Gpu, bytes: number, label: string): GPUBuffer {
  checkAlive(g);
  const size = bucket(bytes);
  if (size > g.caps.maxBuffer) {
    throw new GpuError(
      `tensor '${label}' needs ${fmtBytes(bytes)}, over this adapter's maximum buffer size of ${fmtBytes(g.caps.maxBuffer)}; ` +
        "use a smaller batch, sequence length or model",
    );
  }
  const mem = memoryOf(g);
  const b = mem.pool.get(size)?.pop();
  mem.add(size);
  if (b) return b;
  return g.device.createBuffer({ size, usage: USAGE, label });
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** GPU memory of the process's GPU, or of device `g` (a counting device keeps its own). */
export function memoryStats(g?: Gpu) {
  const m = g ? memoryOf(g) : processMemory;
  let pooled = 0;
  for (const [size, list] of m.pool) pooled += size * list.length;
  return { liveBytes: m.liveBytes, peakBytes: m.peakBytes, pooledBytes: pooled };
}

/** Starts a new peak: from now on memoryStats().peakBytes is the most live at once since this call. */
export function resetPeakMemory(): void {
  processMemory.peakBytes = processMemory.liveBytes;
}

/** Frees every pooled (unused) buffer of the process's GPU. */
export function trimPool(): void {
  for (const list of processMemory.pool.values()) for (const b of list) b.destroy();
  processMemory.pool.clear();
}

/** Bytes `n` elements of `dtype` take in a buffer: 4 each, or 2 for f16 padded to whole 4-byte words. */
function storageBytes(dtype: DType, n: number): number {
  return dtype === "f16" ? Math.ceil(n / 2) * 4 : n * 4;
}

export class Tensor {
  readonly id = nextId++;
  private released = false;
  /** the buffer belongs to a training state (src/gpu/workspace.ts): release() leaves it there */
  owned = false;
  constructor(
    readonly gpu: Gpu,
    readonly buffer: GPUBuffer,
    readonly shape: number[],
    readonly dtype: DType = "f32",
    readonly label = "tensor",
  ) {}

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** bytes the data takes on the GPU (f16: 2 per element, rounded up to whole 4-byte words) */
  get bytes(): number {
    return storageBytes(this.dtype, this.size);
  }

  /** An uninitialised tensor (contents are whatever the pooled buffer held). */
  static empty(g: Gpu, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new GpuError(`tensor '${label}': bad shape [${shape}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = Math.max(4, storageBytes(dtype, n));
    const m = memoryOf(g);
    if (m.source) {
      const t = new Tensor(g, m.source.take(g, bytes, label), shape.slice(), dtype, label);
      t.owned = true;
      return t;
    }
    const t = new Tensor(g, acquire(g, bytes, label), shape.slice(), dtype, label);
    m.everythingScope?.push(t);
    return t;
  }

  /** A kernel's temporary, inside withScratch: the training state's, or pool scratch returned when it ends. */
  static scratch(g: Gpu, shape: number[], dtype: DType = "f32", label = "scratch", data?: ArrayLike<number>): Tensor {
    const m = memoryOf(g);
    if (m.source && !m.scratchSource) throw new GpuError(`Tensor.scratch('${label}') outside withScratch`);
    const t = m.scratchSource ? allocatingFrom(m.scratchSource, () => Tensor.scratchIn(g, shape, dtype, label, data)) : Tensor.scratchIn(g, shape, dtype, label, data);
    if (t.owned) return t;
    if (!m.scratchScope) throw new GpuError(`Tensor.scratch('${label}') outside withScratch`);
    m.scratchScope.push(t);
    return t;
  }

  private static scratchIn(g: Gpu, shape: number[], dtype: DType, label: string, data?: ArrayLike<number>): Tensor {
    return data ? Tensor.from(g, data, shape, dtype, label) : Tensor.empty(g, shape, dtype, label);
  }

  /** A tensor filled with zeros (recorded as a clear, ordered with the other GPU work). */
  static zeros(g: Gpu, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    const t = Tensor.empty(g, shape, dtype, label);
    t.zero();
    return t;
  }

  static from(g: Gpu, data: ArrayLike<number>, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    const t = Tensor.empty(g, shape, dtype, label);
    // A fresh pooled buffer is not used by any unsubmitted work (released buffers wait in quarantine until
    // the next submit), so the upload needs no flush: it stays ordered before the work that uses it. A
    // training state's buffer may be (recorded work of this step can still read what it held), so its data
    // goes to a fresh pooled buffer and a recorded copy puts it in place, ordered with that work.
    if (!t.owned) {
      t.write(data, 0, true);
      return t;
    }
    const upload = new Tensor(g, acquire(g, Math.max(4, t.bytes), label), t.shape, dtype, label);
    upload.write(data, 0, true);
    if (t.bytes > 0) recordCopy(g, upload.buffer, 0, t.buffer, 0, t.bytes);
    upload.free();
    return t;
  }

  /**
   * Overwrite the contents. Pending recorded work is submitted first so it sees the old contents
   * (`fresh` skips that for a buffer no recorded work can reference).
   */
  write(data: ArrayLike<number> | ArrayBufferView, byteOffset = 0, fresh = false): void {
    this.assertLive();
    let view: ArrayBufferView;
    const raw = data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint32Array ||
      data instanceof Uint8Array || data instanceof Uint16Array;
    if (raw && !(this.dtype === "f16" && data instanceof Float32Array)) view = data as ArrayBufferView;
    else if (this.dtype === "f16") view = toF16(data as ArrayLike<number>, this.label); // f16 bit patterns
    else {
      const src = data as ArrayLike<number>;
      if (src.length > this.size) throw new GpuError(`tensor '${this.label}': ${src.length} values do not fit shape [${this.shape}]`);
      view = this.dtype === "f32" ? Float32Array.from(src) : this.dtype === "i32" ? Int32Array.from(src) : Uint32Array.from(src);
    }
    if (byteOffset + view.byteLength > this.bytes) {
      throw new GpuError(`tensor '${this.label}': write of ${view.byteLength} bytes does not fit shape [${this.shape}]`);
    }
    if (!fresh) flush(this.gpu);
    // writeBuffer needs a multiple of 4 bytes: 4-byte dtypes, and f16 data padded to an even count
    this.gpu.queue.writeBuffer(this.buffer, byteOffset, view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
  }

  zero(): void {
    this.assertLive();
    clearBuffer(this.gpu, this.buffer, 0, Math.ceil(this.bytes / 4) * 4);
  }

  /** Copies the tensor to the CPU. Submits all recorded work first. */
  async read(): Promise<Float32Array> {
    const raw = await readBuffer(this.gpu, this.buffer, 0, this.bytes);
    if (this.dtype === "f16") return Float32Array.from(new Uint16Array(raw, 0, this.size), f16Value);
    return new Float32Array(raw);
  }
  async readInt(): Promise<Int32Array> {
    return new Int32Array(await readBuffer(this.gpu, this.buffer, 0, this.bytes));
  }

  /** Same buffer, another shape with the same number of elements. */
  view(shape: number[]): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== this.size) throw new GpuError(`cannot view [${this.shape}] as [${shape}]`);
    const v = new Tensor(this.gpu, this.buffer, shape, this.dtype, this.label);
    (v as any).isView = true;
    v.owned = this.owned;
    return v;
  }

  /**
   * Returns the buffer to the pool. The tensor must not be used afterwards. A training state's tensor stays
   * where it is (its state reuses it next step).
   */
  release(): void {
    if (this.owned) return;
    this.free();
  }

  /** release() for pool tensors (withScratch's end). */
  free(): void {
    if (this.released || (this as any).isView || this.owned) return;
    this.released = true;
    const mem = memoryOf(this.gpu);
    mem.liveBytes -= this.buffer.size;
    // Recorded-but-unsubmitted work may still use the buffer: reuse it only after the next submit, so a
    // queue.writeBuffer into its next owner cannot overtake that work.
    if (hasPending(this.gpu)) {
      if (!mem.quarantineHooked.has(this.gpu)) {
        mem.quarantineHooked.add(this.gpu);
        onFlush(this.gpu, () => {
          for (const b of mem.quarantine.splice(0)) mem.toPool(b);
        });
      }
      mem.quarantine.push(this.buffer);
    } else mem.toPool(this.buffer);
  }

  private assertLive() {
    if (this.released) throw new GpuError(`tensor '${this.label}' was used after release()`);
  }
}

function clearBuffer(g: Gpu, buf: GPUBuffer, offset: number, size: number) {
  recordClear(g, buf, offset, size);
}

const staging: GPUBuffer[] = [];

export async function readBuffer(g: Gpu, buf: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
  checkAlive(g);
  flush(g);
  const size = Math.ceil(bytes / 4) * 4;
  let st = staging.findIndex((b) => b.size >= size);
  const s = st >= 0 ? staging.splice(st, 1)[0] : g.device.createBuffer({ size: bucket(size), usage: 0x01 /*MAP_READ*/ | 0x08 });
  const enc = g.device.createCommandEncoder();
  enc.copyBufferToBuffer(buf, offset, s, 0, size);
  g.queue.submit([enc.finish()]);
  await s.mapAsync(1 /*READ*/, 0, size);
  const out = s.getMappedRange(0, size).slice(0);
  s.unmap();
  staging.push(s);
  await pendingErrors(g);
  checkAlive(g);
  return out;
}

/** Asserts a tensor's shape, with a message that names the operation and both shapes. */
export function expectShape(op: string, what: string, t: Tensor, shape: number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new GpuError(`${op}: ${what} has shape [${t.shape}] but [${shape}] was expected`);
  }
}
