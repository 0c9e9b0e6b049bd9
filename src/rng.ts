// Seeded randomness shared by data order, initialisation and synthetic data: mulberry32, a small
// 32-bit generator that gives the same sequence on every runtime (Math.random cannot be seeded).

/** Uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box-Muller over mulberry32, shifted half a step so log() never sees 0). */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  const open = () => u() + 0.5 / 4294967296;
  return () => Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * open());
}

/** Fisher-Yates shuffle of a copy of `xs`. */
export function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  const r = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
