// Test helpers shared by the vitest suite (Node) and the Deno runner: seeded random data and
// allclose-style comparisons that report the worst element.

import { mulberry32 } from "../../src/rng.ts";
import { type KernelVariants, setKernelVariants } from "../../src/kernels/grid.ts";
import { getGpu } from "../../src/gpu/device.ts";

/** mulberry32: small, seeded, identical on every runtime */
export const rng = mulberry32;

/** n uniform values in [-scale, scale) */
export function randn(n: number, seed: number, scale = 1): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

export interface Tol {
  rtol: number;
  atol: number;
}

/**
 * Throws unless |got − want| ≤ atol + rtol·|want| everywhere (numpy.allclose), naming the worst element
 * and the max relative error max|got − want| / max|want|.
 */
export function assertClose(name: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol): void {
  if (got.length < want.length) throw new Error(`${name}: got ${got.length} values, expected ${want.length}`);
  let worst = -1;
  let worstExcess = 0;
  let maxAbsErr = 0;
  let maxWant = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const err = Math.abs(g - w);
    if (!Number.isFinite(g) && g !== w) {
      throw new Error(`${name}: non-finite value ${g} at ${i} (expected ${w})`);
    }
    maxAbsErr = Math.max(maxAbsErr, err);
    maxWant = Math.max(maxWant, Math.abs(w));
    const excess = err - (tol.atol + tol.rtol * Math.abs(w));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${name}: mismatch at index ${worst}: got ${got[worst]}, expected ${want[worst]} ` +
        `(rtol ${tol.rtol}, atol ${tol.atol}; max abs err ${maxAbsErr.toExponential(3)}, ` +
        `max rel err ${(maxAbsErr / (maxWant || 1)).toExponential(3)})`,
    );
  }
}

/** max |got − want| / max |want|: the figure the tolerance tables quote */
export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let e = 0;
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    e = Math.max(e, Math.abs(got[i] - want[i]));
    m = Math.max(m, Math.abs(want[i]));
  }
  return e / (m || 1);
}

/**
 * The kernel-test check: allclose with rtol 1e-3 and atol `rel`·max|want|, and max relative error
 * (max|got − want| / max|want|) ≤ `rel`.
 */
export function checkRel(name: string, got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-4): void {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(want[i]));
  assertClose(name, got, want, { rtol: 1e-3, atol: rel * (m || 1) });
  const e = maxRelErr(got, want);
  if (e > rel) throw new Error(`${name}: max relative error ${e.toExponential(3)} > ${rel}`);
}

/** Throws unless `fn` throws an error whose message matches `re` and is one line. */
export function throwsLike(name: string, fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    checkMessage(name, e, re);
    return;
  }
  throw new Error(`${name}: expected an error matching ${re}`);
}

/** The same for an async `fn`. */
export async function rejectsLike(name: string, fn: () => unknown, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e) {
    checkMessage(name, e, re);
    return;
  }
  throw new Error(`${name}: expected an error matching ${re}`);
}

function checkMessage(name: string, e: unknown, re: RegExp): void {
  const msg = (e as Error).message;
  if (!re.test(msg)) throw new Error(`${name}: error '${msg}' does not match ${re}`);
  if (msg.includes("\n")) throw new Error(`${name}: error message is not one line: '${msg}'`);
}

export type Case = () => Promise<void>;
export type Cases = Record<string, Case>;

/** Every kernel variant; each row kernel and attention test runs in all of them. */
export const KERNEL_VARIANTS = ["gpu", "cpu", "subgroup"] as const;

/**
 * Runs fn with the CPU, GPU or subgroup variants of the row kernels (layernorm, softmax, contrastive and
 * cross-entropy rows) and attention products forced, whatever the adapter, then restores the choice by
 * adapter. On a device without usable subgroups (Deno: Naga rejects them) "subgroup" would be "gpu" again:
 * it says so and returns.
 */
export async function withKernelVariants(kind: KernelVariants, fn: () => Promise<void>): Promise<void> {
  if (kind === "subgroup" && (await getGpu()).caps.subgroupRows === 0) {
    console.log("  skipped: no usable subgroups on this device (the subgroup variant runs under Node/Dawn)");
    return;
  }
  setKernelVariants(kind);
  try {
    await fn();
  } finally {
    setKernelVariants(null);
  }
}
