// The one safetensors writer: 8-byte little-endian header length, JSON header ({__metadata__} first, then
// each tensor's dtype, shape and data_offsets) padded with spaces to a multiple of 8, then the raw bytes,
// streamed tensor by tensor (a checkpoint is never held whole in memory), into a temp file renamed into place.
import { fsError, removeQuietly } from "./atomic.ts";
import { fs, nodePath, pid } from "../host.ts";

/** A tensor whose bytes are produced only when written (`size` bytes). */
export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  size: number;
  bytes: () => Uint8Array;
}

export function f32Bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function headerBytes(entries: TensorEntry[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [off, off + e.size] };
    off += e.size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + Math.ceil(json.length / 8) * 8).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(out.length - 8), true);
  out.set(json, 8);
  return out;
}

/** The file's bytes, in order, to `put`: the header first, then each tensor's bytes (checked against its size). */
function emit(entries: TensorEntry[], metadata: Record<string, string> | undefined, put: (b: Uint8Array) => void): void {
  put(headerBytes(entries, metadata));
  for (const e of entries) {
    const b = e.bytes();
    if (b.byteLength !== e.size) throw new Error(`safetensors writer: tensor ${e.name} has ${b.byteLength} bytes, declared ${e.size}`);
    put(b);
  }
}

/** Writes the tensors in the given order to `path`, atomically. */
export function writeSafetensorsEntries(path: string, entries: TensorEntry[], metadata?: Record<string, string>): void {
  const tmp = `${path}.tmp-${pid()}-${Date.now().toString(36)}`;
  let fd: number | undefined;
  try {
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
    fd = fs.openSync(tmp, "w");
    const put = (b: Uint8Array) => {
      let o = 0;
      while (o < b.length) o += fs.writeSync(fd!, b, o, b.length - o);
    };
    emit(entries, metadata, put);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    removeQuietly(tmp);
    throw fsError(e, path, "write the safetensors file");
  }
}

/** The file writeSafetensorsEntries writes, as bytes in memory (a browser's download). */
export function safetensorsBytes(entries: TensorEntry[], metadata?: Record<string, string>): Uint8Array {
  const data = entries.reduce((a, e) => a + e.size, 0);
  let out: Uint8Array | null = null;
  let off = 0;
  emit(entries, metadata, (b) => {
    out ??= new Uint8Array(b.length + data); // the first piece is the header: now the file's size is known
    out.set(b, off);
    off += b.length;
  });
  return out!;
}

/** f32 tensors by name → F32 safetensors */
export function writeF32(path: string, tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): void {
  writeSafetensorsEntries(path, [...tensors].map(([name, t]) => ({ name, dtype: "F32", shape: t.shape, size: t.data.byteLength, bytes: () => f32Bytes(t.data) })), metadata);
}
