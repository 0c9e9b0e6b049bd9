// IEEE half precision on the host: frozen weights are uploaded as f16 (--f16-frozen), the kernel tests
// build their references from the same rounded values, and safetensors F16 tensors are read and written
// with it (src/io). JavaScript has no Float16Array everywhere we run (Node 20, Deno), so the conversion is
// done by hand, rounding to nearest even as GPUs do.
import { GpuError } from "./device.ts";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The f16 bit pattern nearest to `x` (ties to even); ±Infinity when |x| rounds above 65504. */
export function f16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // Inf, NaN (quiet, payload kept)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero): shift the mantissa with its implicit 1 into place, rounding to even
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && (half & 1)) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // a carry out of the mantissa correctly bumps the exponent (up to Inf)
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && (half & 1)) ? 1 : 0));
}

/** The value of an f16 bit pattern. */
export function f16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** `x` rounded to the nearest f16 (as an f32-representable number). */
export function roundF16(x: number): number {
  return f16Value(f16Bits(x));
}

/**
 * The f16 bit patterns of `data`, padded to an even count (WebGPU writes whole 4-byte words). A finite
 * value beyond f16's range (±65504) would turn into infinity, so it is refused with the tensor's name.
 */
export function toF16(data: ArrayLike<number>, label: string): Uint16Array {
  const out = new Uint16Array(data.length + (data.length & 1));
  for (let i = 0; i < data.length; i++) {
    const h = f16Bits(data[i]);
    if ((h & 0x7c00) === 0x7c00 && Number.isFinite(data[i])) {
      throw new GpuError(`tensor '${label}': value ${data[i]} at index ${i} is outside f16's range (±65504); run without --f16-frozen`);
    }
    out[i] = h;
  }
  return out;
}
