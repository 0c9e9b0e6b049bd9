// AlignFreeze freezing specs (AlignFreeze, NAACL 2025; training_loops.py in the papers' code): which
// parameter groups stay fixed.
//   none   nothing frozen (full realignment)
//   lower  blocks 0..N/2-1 (the embeddings stay trainable, as in AlignFreeze)
//   upper  blocks N/2..N-1
//   explicit list: "0-2,embeddings", "1,3", "embeddings"
import { XltError } from "../errors.ts";
import type { Gpu } from "../gpu/device.ts";

export function frozenGroups(spec: string, layers: number): Set<string> {
  const half = Math.floor(layers / 2);
  const out = new Set<string>();
  const s = spec.trim();
  if (s === "none" || s === "") return out;
  if (s === "lower") {
    for (let i = 0; i < half; i++) out.add(`layer.${i}`);
    return out;
  }
  if (s === "upper") {
    for (let i = half; i < layers; i++) out.add(`layer.${i}`);
    return out;
  }
  for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
    if (part === "embeddings") {
      out.add("embeddings");
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) {
      throw new XltError(`--freeze '${spec}': '${part}' is not lower, upper, none, embeddings, a block index or a range like 0-2`);
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new XltError(`--freeze '${spec}': range ${part} is reversed`);
    if (b >= layers) {
      throw new XltError(`--freeze '${spec}': the model has blocks 0-${layers - 1}, so block ${b} does not exist`);
    }
    for (let i = a; i <= b; i++) out.add(`layer.${i}`);
  }
  return out;
}

/** All parameter groups of an encoder with `layers` blocks. */
export function allGroups(layers: number): string[] {
  return ["embeddings", ...Array.from({ length: layers }, (_, i) => `layer.${i}`)];
}

/**
 * The groups realignment trains: every group `spec` leaves unfrozen, except the blocks at or above the
 * loss's hidden state `layer`, which get no gradient from the loss (leaving them out is bit-identical).
 */
export function realignTrainable(spec: string, layers: number, layer: number): string[] {
  const frozen = frozenGroups(spec, layers);
  return allGroups(layers).filter((gr) => !frozen.has(gr) && !(gr.startsWith("layer.") && Number(gr.slice(6)) >= layer));
}

/** --f16-frozen needs the adapter's shader-f16 feature: a one-line error saying so and what to do instead. */
export function checkF16(g: Gpu): void {
  if (g.caps.f16) return;
  throw new XltError(
    `--f16-frozen: the adapter (${g.caps.adapterName}) does not offer the WebGPU feature 'shader-f16' (\`xlt doctor\` lists its features); ` +
      "run without --f16-frozen (frozen weights then stay f32), or on an adapter/runtime that has shader-f16",
  );
}
