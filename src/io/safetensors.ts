// safetensors: an 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
// then the raw little-endian tensor bytes. F32, F16 and BF16 are widened to f32 on load.
import { closeSync, openSync, readSync, fstatSync } from "node:fs";
import { f16Value } from "../gpu/f16.ts";

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** byte range inside the data section */
  begin: number;
  end: number;
}

export class SafetensorsError extends Error {}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, BOOL: 1, F64: 8 };

/** Reads and validates the header without touching the tensor data. */
export function readHeader(path: string): { tensors: Map<string, TensorInfo>; dataStart: number; metadata: Record<string, string> } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    throw new SafetensorsError(`cannot open ${path}: file missing or unreadable`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SafetensorsError(`${path} is a directory, not a safetensors file`);
    const size = st.size;
    if (size < 8) throw new SafetensorsError(`${path} is truncated (${size} bytes): not a safetensors file`);
    const lenBuf = new Uint8Array(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const n = Number(new DataView(lenBuf.buffer).getBigUint64(0, true));
    if (n <= 0 || n > 100_000_000 || 8 + n > size) {
      throw new SafetensorsError(`${path}: header length ${n} does not fit the ${size}-byte file (truncated or not safetensors)`);
    }
    const hb = new Uint8Array(n);
    readSync(fd, hb, 0, n, 8);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder().decode(hb));
    } catch {
      throw new SafetensorsError(`${path}: header is not valid JSON (corrupt file)`);
    }
    if (!isObject(header)) throw new SafetensorsError(`${path}: header is ${jsonKind(header)}, expected an object {name: {dtype, shape, data_offsets}} (corrupt or not safetensors)`);
    const dataStart = 8 + n;
    const dataLen = size - dataStart;
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(header)) {
      if (name === "__metadata__") {
        if (!isObject(v) || !Object.values(v).every((x) => typeof x === "string")) throw new SafetensorsError(`${path}: __metadata__ is ${jsonKind(v)}, expected an object of strings (corrupt header)`);
        metadata = v as Record<string, string>;
        continue;
      }
      const entry = checkEntry(v);
      if (typeof entry === "string") throw new SafetensorsError(`${path}: tensor ${name}: ${entry} (corrupt header)`);
      const { dtype, shape, data_offsets } = entry;
      const eb = DTYPE_BYTES[dtype];
      if (!eb) throw new SafetensorsError(`${path}: tensor ${name} has unsupported dtype ${dtype}`);
      const [b, e] = data_offsets;
      const count = shape.reduce((a, c) => a * c, 1);
      if (e - b !== count * eb) {
        throw new SafetensorsError(`${path}: tensor ${name} claims shape [${shape}] ${dtype} but spans ${e - b} bytes (header lies about sizes)`);
      }
      if (e > dataLen) {
        throw new SafetensorsError(`${path}: tensor ${name} ends at byte ${e} but the file has only ${dataLen} data bytes (truncated)`);
      }
      tensors.set(name, { dtype, shape, begin: b, end: e });
    }
    // as the reference implementation: the tensors tile the data section exactly, no overlap, gap or tail
    const sorted = [...tensors].sort((x, y) => x[1].begin - y[1].begin || x[1].end - y[1].end);
    for (let i = 1; i < sorted.length; i++) {
      const [[prev, p], [name, t]] = [sorted[i - 1], sorted[i]];
      if (t.begin < p.end) throw new SafetensorsError(`${path}: tensor ${name} (bytes ${t.begin}-${t.end}) overlaps tensor ${prev} (bytes ${p.begin}-${p.end}) (corrupt header)`);
    }
    let end = 0;
    for (const [name, t] of sorted) {
      if (t.begin > end) throw new SafetensorsError(`${path}: ${t.begin - end} unused bytes before tensor ${name} (corrupt header)`);
      end = t.end;
    }
    const last = sorted.length ? ` (${sorted[sorted.length - 1][0]})` : "";
    if (end !== dataLen) throw new SafetensorsError(`${path}: ${dataLen - end} trailing bytes after the last tensor${last} (corrupt, or not one safetensors file)`);
    return { tensors, dataStart, metadata };
  } finally {
    closeSync(fd);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const jsonKind = (v: unknown) => (Array.isArray(v) ? "a JSON array" : v === null ? "null" : `a JSON ${typeof v}`);
const isCount = (x: unknown) => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/** One header entry's shape, or what is wrong with it (the reference reader refuses the same). */
function checkEntry(v: unknown): { dtype: string; shape: number[]; data_offsets: [number, number] } | string {
  if (!isObject(v)) return `entry is ${jsonKind(v)}, expected {dtype, shape, data_offsets}`;
  if (typeof v.dtype !== "string") return `dtype is ${v.dtype === undefined ? "missing" : jsonKind(v.dtype)}, expected a string like "F32"`;
  if (!Array.isArray(v.shape) || !v.shape.every(isCount)) return `shape ${JSON.stringify(v.shape)?.slice(0, 60) ?? "is missing"} is not a list of non-negative integers`;
  const o = v.data_offsets;
  if (!Array.isArray(o) || o.length !== 2 || !o.every(isCount) || o[1] < o[0]) return `data_offsets ${JSON.stringify(o)?.slice(0, 60) ?? "is missing"} is not [begin, end] with 0 ≤ begin ≤ end`;
  return { dtype: v.dtype, shape: v.shape as number[], data_offsets: o as [number, number] };
}

const halfToFloat = f16Value; // src/gpu/f16.ts, shared with --f16-frozen

/** Converts raw bytes of a tensor to f32 (or i32 for integer tensors). */
export function decode(info: TensorInfo, bytes: Uint8Array): Float32Array | Int32Array {
  const n = info.shape.reduce((a, c) => a * c, 1);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (info.dtype) {
    case "F32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
      return out;
    }
    case "F16": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
      return out;
    }
    case "BF16": {
      const out = new Float32Array(n);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = dv.getUint16(i * 2, true) << 16;
      return out;
    }
    case "F64": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    }
    case "I64": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Number(dv.getBigInt64(i * 8, true));
      return out;
    }
    case "I32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(i * 4, true);
      return out;
    }
    default: {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = bytes[i];
      return out;
    }
  }
}

/** Reads one tensor's bytes from the file (no full-file load). */
export function readTensorBytes(path: string, dataStart: number, info: TensorInfo): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(info.end - info.begin);
    let off = 0;
    while (off < buf.length) {
      const got = readSync(fd, buf, off, Math.min(buf.length - off, 1 << 26), dataStart + info.begin + off);
      if (got <= 0) throw new SafetensorsError(`${path}: unexpected end of file while reading a tensor (truncated)`);
      off += got;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Loads every tensor of a (small) file: used for test fixtures. */
export function loadAll(path: string): Map<string, { shape: number[]; data: Float32Array | Int32Array }> {
  const { tensors, dataStart } = readHeader(path);
  const out = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const [name, info] of tensors) out.set(name, { shape: info.shape, data: decode(info, readTensorBytes(path, dataStart, info)) });
  return out;
}
