// Dropout with the counter-based hash RNG. Checks are exact (no tolerance): the GPU mask equals the CPU
// twin `dropoutMask` bit for bit, kept values are exactly f32(x·f32(1/(1−p))), the backward recomputes the
// forward's mask, a different stream or seed gives a different mask, the keep rate over 100k elements is
// within 1% of 1−p, and the mask is pinned by a checksum so it stays reproducible across runs and runtimes.
import { getGpu, Tensor } from "../../src/index.ts";
import { dropoutBackward, dropoutForward, dropoutLimits, dropoutMask } from "../../src/kernels/dropout.ts";
import { type Cases, randn } from "../lib/check.ts";
import { dropoutRef } from "../ref/layernorm.ts";

function exact(name: string, got: ArrayLike<number>, want: ArrayLike<number>) {
  if (got.length < want.length) throw new Error(`${name}: got ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${name}: index ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

const maskOf = (y: Float32Array, n: number) => Uint8Array.from(y.subarray(0, n), (v) => (v !== 0 ? 1 : 0));
const ones = (n: number) => new Float32Array(n).fill(1);

/** FNV-1a over the mask bytes */
function checksum(m: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of m) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export const cases: Cases = {};

const N = 100_000;
for (const p of [0.1, 0.5, 0.9]) {
  cases[`GPU mask = CPU twin, keep rate, exact scaling p=${p} n=${N}`] = async () => {
    const g = await getGpu();
    const seed = 1234, stream = 7;
    const xs = Float32Array.from(randn(N, 99, 3));
    const x = Tensor.from(g, xs, [N]);
    const y = dropoutForward(x, p, seed, stream);
    const got = await y.read();
    const mask = dropoutMask(N, p, seed, stream);
    exact("mask vs CPU twin", maskOf(got, N), mask);
    exact("y = x·mask·scale", got, dropoutRef(xs, mask, p));
    let kept = 0;
    for (const b of mask) kept += b;
    const rate = kept / N;
    if (Math.abs(rate - (1 - p)) > 0.01) throw new Error(`keep rate ${rate} is not within 1% of ${1 - p}`);
    for (const t of [x, y]) t.release();
  };
}

cases["backward recomputes the forward mask; streams and seeds differ; reproducible"] = async () => {
  const g = await getGpu();
  const n = 4099, p = 0.3;
  const x = Tensor.from(g, ones(n), [n]);
  const dys = Float32Array.from(randn(n, 5, 2));
  const dy = Tensor.from(g, dys, [n]);
  const y1 = dropoutForward(x, p, 42, 3);
  const y2 = dropoutForward(x, p, 42, 3);
  const dx = dropoutBackward(dy, p, 42, 3);
  const yOther = dropoutForward(x, p, 42, 4);
  const ySeed = dropoutForward(x, p, 43, 3);
  const yBig = dropoutForward(x, p, 42 + 2 ** 40, 3); // seeds above 2^32 use the high bits too
  const m1 = maskOf(await y1.read(), n);
  exact("same seed+stream twice", maskOf(await y2.read(), n), m1);
  exact("backward mask", maskOf(await dx.read(), n), m1);
  exact("backward values", await dx.read(), dropoutRef(dys, m1, p));
  exact("mask vs CPU twin", m1, dropoutMask(n, p, 42, 3));
  for (const [name, t, seed, stream] of [["stream", yOther, 42, 4], ["seed", ySeed, 43, 3], ["seed 2^40", yBig, 42 + 2 ** 40, 3]] as const) {
    const m = maskOf(await t.read(), n);
    exact(`other ${name} vs CPU twin`, m, dropoutMask(n, p, seed, stream));
    let diff = 0;
    for (let i = 0; i < n; i++) diff += m[i] !== m1[i] ? 1 : 0;
    // independent masks differ on 2p(1−p) = 42% of the elements
    if (diff / n < 0.35) throw new Error(`a different ${name} changed only ${diff} of ${n} mask elements`);
  }
  // pinned: changing the hash would silently change every training run's randomness
  const sum = checksum(dropoutMask(1000, 0.5, 42, 3));
  if (sum !== PINNED) throw new Error(`dropout mask checksum changed: ${sum} (pinned ${PINNED})`);
  for (const t of [x, dy, y1, y2, dx, yOther, ySeed, yBig]) t.release();
};
const PINNED = 1677614095; // checksum(dropoutMask(1000, 0.5, 42, 3))

cases["p=0 copies, p=1 zeros, in place, chunked sub-range bindings"] = async () => {
  const g = await getGpu();
  const n = 1000;
  const xs = Float32Array.from(randn(n, 8, 5));
  const x = Tensor.from(g, xs, [8, 125]);
  const y0 = dropoutForward(x, 0, 1, 1);
  exact("p=0 copy", await y0.read(), xs);
  const y1 = dropoutForward(x, 1, 1, 1);
  exact("p=1 zeros", await y1.read(), new Float32Array(n));
  const full = dropoutForward(x, 0.25, 9, 2);
  const want = await full.read();
  exact("2D tensor vs CPU twin", maskOf(want, n), dropoutMask(n, 0.25, 9, 2));
  // in place
  const z = Tensor.from(g, xs, [8, 125]);
  const same = dropoutForward(z, 0.25, 9, 2, z);
  if (same !== z) throw new Error("in-place dropout must return out");
  exact("in place", await z.read(), want);
  // force chunks of 192 elements (3·64: 768-byte aligned offsets) to exercise the big-tensor path
  dropoutLimits.chunkElems = 192;
  try {
    const c = dropoutForward(x, 0.25, 9, 2);
    exact("chunked", await c.read(), want);
    const zc = Tensor.from(g, xs, [8, 125]);
    dropoutBackward(zc, 0.25, 9, 2, zc);
    exact("chunked in place", await zc.read(), want);
    for (const t of [c, zc]) t.release();
  } finally {
    dropoutLimits.chunkElems = 0;
  }
  for (const t of [x, y0, y1, full, z]) t.release();
};
