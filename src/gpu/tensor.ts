// GPU tensors: a storage buffer plus a shape. Buffers come from a size-bucketed pool, because creating
// and destroying GPU buffers every step is slow and fragments memory.
import { checkAlive, type Gpu, GpuError } from "./device.ts";
import { flush, hasPending, onFlush, pendingErrors, recordClear } from "./recorder.ts";
import { f16Value, toF16 } from "./f16.ts";

/** f16 holds frozen weights only (--f16-frozen, adapters with shader-f16); kernels read it as f32 */
export type DType = "f32" | "i32" | "u32" | "f16";

const USAGE = 0x80 /*STORAGE*/ | 0x04 /*COPY_SRC*/ | 0x08; /*COPY_DST*/

const pool = new Map<number, GPUBuffer[]>();
const quarantine: GPUBuffer[] = [];
const quarantineHooked = new WeakSet<Gpu>();

function toPool(b: GPUBuffer): void {
  let list = pool.get(b.size);
  if (!list) pool.set(b.size, (list = []));
  list.push(b);
}
let liveBytes = 0;
let peakBytes = 0;
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
  const free = pool.get(size);
  const b = free?.pop();
  liveBytes += size;
  peakBytes = Math.max(peakBytes, liveBytes);
  if (b) return b;
  return g.device.createBuffer({ size, usage: USAGE, label });
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function memoryStats() {
  let pooled = 0;
  for (const [size, list] of pool) pooled += size * list.length;
  return { liveBytes, peakBytes, pooledBytes: pooled };
}

/** Starts a new peak: from now on memoryStats().peakBytes is the most live at once since this call. */
export function resetPeakMemory(): void {
  peakBytes = liveBytes;
}

/** Frees every pooled (unused) buffer. */
export function trimPool(): void {
  for (const list of pool.values()) for (const b of list) b.destroy();
  pool.clear();
}

export class Tensor {
  readonly id = nextId++;
  private released = false;
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
    return this.dtype === "f16" ? Math.ceil(this.size / 2) * 4 : this.size * 4;
  }

  /** An uninitialised tensor (contents are whatever the pooled buffer held). */
  static empty(g: Gpu, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new GpuError(`tensor '${label}': bad shape [${shape}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = dtype === "f16" ? Math.ceil(n / 2) * 4 : n * 4;
    return new Tensor(g, acquire(g, Math.max(4, bytes), label), shape.slice(), dtype, label);
  }

  /** A tensor filled with zeros (recorded as a clear, ordered with the other GPU work). */
  static zeros(g: Gpu, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    const t = Tensor.empty(g, shape, dtype, label);
    t.zero();
    return t;
  }

  static from(g: Gpu, data: ArrayLike<number>, shape: number[], dtype: DType = "f32", label = "tensor"): Tensor {
    const t = Tensor.empty(g, shape, dtype, label);
    // A fresh tensor's buffer is not used by any unsubmitted work (released buffers wait in quarantine
    // until the next submit), so the upload needs no flush: it stays ordered before the work that uses it.
    t.write(data, 0, true);
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
    return v;
  }

  /** Returns the buffer to the pool. The tensor must not be used afterwards. */
  release(): void {
    if (this.released || (this as any).isView) return;
    this.released = true;
    liveBytes -= this.buffer.size;
    // Recorded-but-unsubmitted work may still use the buffer: reuse it only after the next submit, so a
    // queue.writeBuffer into its next owner cannot overtake that work.
    if (hasPending(this.gpu)) {
      if (!quarantineHooked.has(this.gpu)) {
        quarantineHooked.add(this.gpu);
        onFlush(this.gpu, () => {
          for (const b of quarantine.splice(0)) toPool(b);
        });
      }
      quarantine.push(this.buffer);
    } else toPool(this.buffer);
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
