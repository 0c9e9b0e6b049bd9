// Writes safetensors files (8-byte header length, JSON header padded to 8 bytes, raw little-endian data).
import { writeFileAtomic } from "./atomic.ts";

export interface TensorOut {
  dtype: "F32" | "F16" | "BF16" | "I32" | "I64";
  shape: number[];
  /** raw little-endian bytes in `dtype` */
  bytes: Uint8Array;
}

export function f32Bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Serialises tensors in the given order (names sorted as HF does when no order is given). */
export function encodeSafetensors(tensors: Map<string, TensorOut>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let off = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.bytes.byteLength] };
    off += t.bytes.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(pad));
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of tensors.values()) {
    out.set(t.bytes, p);
    p += t.bytes.byteLength;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: Map<string, TensorOut>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** f32 tensors by name → F32 safetensors */
export function writeF32(path: string, tensors: Map<string, { shape: number[]; data: Float32Array }>, metadata?: Record<string, string>): void {
  const m = new Map<string, TensorOut>();
  for (const [k, v] of tensors) m.set(k, { dtype: "F32", shape: v.shape, bytes: f32Bytes(v.data) });
  writeSafetensors(path, m, metadata);
}
