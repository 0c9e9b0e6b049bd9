// The typed kernel contract for uniform parameters: a kernel's `struct Params` is read from its WGSL
// source (src/gpu/shaders.ts), laid out by WGSL's uniform-buffer rules, and every dispatch passes its
// parameters by name, checked against that layout before they are written. Passing them by position
// let a missing trailing field silently read whatever the previous dispatch left in the slot.
import { GpuError } from "./device.ts";

export type ParamType = "u32" | "i32" | "f32";

/** One field of a kernel's uniform struct: byte offset in the struct and its scalar type × component count. */
export interface ParamField {
  name: string;
  /** the WGSL type as written (for error messages) */
  wgsl: string;
  scalar: ParamType;
  /** 1 for a scalar, 2–4 for vecN */
  components: number;
  offset: number;
}

export interface ParamLayout {
  /** the struct's name in WGSL (`Params`) */
  struct: string;
  fields: ParamField[];
  /** bytes, rounded up to the struct alignment (16 for uniform buffers) */
  size: number;
}

/** Values by field name: a number for a scalar field, N numbers for a vecN field. */
export type ParamValues = Readonly<Record<string, number | readonly number[]>>;

const SCALARS: Record<string, ParamType> = { u32: "u32", i32: "i32", f32: "f32" };
const SHORT: Record<string, ParamType> = { u: "u32", i: "i32", f: "f32" };

/** Scalar type and component count of a WGSL type name, or null when the contract does not support it. */
function fieldType(t: string): { scalar: ParamType; components: number } | null {
  if (SCALARS[t]) return { scalar: SCALARS[t], components: 1 };
  let m = /^vec([234])<\s*(u32|i32|f32)\s*>$/.exec(t);
  if (m) return { scalar: SCALARS[m[2]], components: Number(m[1]) };
  m = /^vec([234])([uif])$/.exec(t);
  if (m) return { scalar: SHORT[m[2]], components: Number(m[1]) };
  return null;
}

/**
 * The uniform layout of `struct NAME { ... }` in `code` (WGSL §14.4 memory layout): 4-byte scalars
 * aligned to 4, vec2 to 8, vec3 and vec4 to 16 (vec3 is 12 bytes, so a scalar may follow it in the same
 * 16), and the struct size rounded up to 16 because uniform buffers align structs to 16.
 * `where` names the kernel in errors.
 */
export function paramLayout(code: string, struct: string, where: string): ParamLayout {
  const noComments = code.replace(/\/\/[^\n]*/g, "");
  const m = new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`).exec(noComments);
  if (!m) throw new GpuError(`kernel ${where}: its uniform binding has type ${struct}, but no 'struct ${struct}' is defined`);
  const fields: ParamField[] = [];
  let offset = 0;
  for (const decl of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
    const f = /^(\w+)\s*:\s*(.+)$/.exec(decl);
    const type = f && fieldType(f[2].replace(/\s+/g, ""));
    if (!f || !type) {
      throw new GpuError(`kernel ${where}: struct ${struct} field '${decl}' is not a u32, i32 or f32 scalar or vector (unsupported in kernel parameters)`);
    }
    const align = type.components === 1 ? 4 : type.components === 2 ? 8 : 16;
    offset = Math.ceil(offset / align) * align;
    fields.push({ name: f[1], wgsl: f[2].trim(), ...type, offset });
    offset += 4 * type.components;
  }
  return { struct, fields, size: Math.ceil(offset / 16) * 16 };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  return typeof v === "number" ? String(v) : `${typeof v} ${String(v)}`;
}

/** Why `v` cannot be stored as `t`, or null when it can. */
function badScalar(t: ParamType, v: unknown): string | null {
  if (typeof v !== "number") return "is not a number";
  // NaN is never a meaningful parameter; ±∞ is (e.g. a step size that overflows f32 must reach the shader
  // so the run diverges and its NaN-loss check stops it, as PyTorch would), so only NaN is refused here
  if (t === "f32") return Number.isNaN(v) ? "is not a number (NaN)" : null;
  if (!Number.isInteger(v)) return `is not an integer (${t})`;
  if (t === "u32") return v >= 0 && v <= 0xffffffff ? null : "is outside u32's range [0, 2^32−1]";
  return v >= -0x80000000 && v <= 0x7fffffff ? null : "is outside i32's range [−2^31, 2^31−1]";
}

function put(dv: DataView, t: ParamType, at: number, v: number) {
  if (t === "f32") dv.setFloat32(at, v, true);
  else if (t === "i32") dv.setInt32(at, v, true);
  else dv.setUint32(at, v, true);
}

/**
 * Checks `values` against the layout and writes them at `dv` (little endian, as WGSL reads them).
 * Missing, extra and wrongly typed fields throw a one-line GpuError naming the kernel and the field.
 */
export function writeParams(dv: DataView, layout: ParamLayout, values: ParamValues, kernelName: string): void {
  let seen = 0;
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new GpuError(`kernel ${kernelName}: parameter '${f.name}' (${f.wgsl}) is missing`);
    seen++;
    if (f.components === 1) {
      const bad = Array.isArray(v) ? "is a list, not a scalar" : badScalar(f.scalar, v);
      if (bad) throw new GpuError(`kernel ${kernelName}: parameter '${f.name}' (${f.wgsl}) = ${describe(v)} ${bad}`);
      put(dv, f.scalar, f.offset, v as number);
      continue;
    }
    const bad = !Array.isArray(v) || v.length !== f.components
      ? `needs ${f.components} numbers`
      : v.map((c) => badScalar(f.scalar, c)).find((r) => r) ?? null;
    if (bad) throw new GpuError(`kernel ${kernelName}: parameter '${f.name}' (${f.wgsl}) = ${describe(v)} ${bad}`);
    (v as number[]).forEach((c, i) => put(dv, f.scalar, f.offset + 4 * i, c));
  }
  // an extra name is a typo or a stale call site: the shader would never see it
  let given = 0;
  for (const k in values) if (values[k] !== undefined) given++;
  if (given !== seen) {
    const known = new Set(layout.fields.map((f) => f.name));
    const extra = Object.keys(values).filter((k) => values[k] !== undefined && !known.has(k));
    throw new GpuError(`kernel ${kernelName}: parameter${extra.length > 1 ? "s" : ""} '${extra.join("', '")}' not in its struct ${layout.struct} { ${
      layout.fields.map((f) => f.name).join(", ")
    } }`);
  }
}
