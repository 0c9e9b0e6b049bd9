// AlignFreeze freezing specs (AlignFreeze, NAACL 2025; training_loops.py in the papers' code): which
// parameter groups stay fixed.
//   none   nothing frozen (full realignment)
//   lower  blocks 0..N/2-1 (the embeddings stay trainable, as in AlignFreeze)
//   upper  blocks N/2..N-1
//   explicit list: "0-2,embeddings", "1,3", "embeddings"
import { XltError } from "../errors.ts";
import type { Gpu } from "../gpu/device.ts";

/** a named spec, or the explicit list's parts in order: "embeddings" or an inclusive block range */
type FreezeSpec = { named: "none" | "lower" | "upper" } | { parts: ("embeddings" | [number, number])[] };

/** The grammar of a spec, before any model is known: the spec, or what is wrong with it (one line). */
function parseFreezeSpec(spec: string): FreezeSpec | string {
  const s = spec.trim();
  if (s === "none" || s === "") return { named: "none" };
  if (s === "lower" || s === "upper") return { named: s };
  const parts: ("embeddings" | [number, number])[] = [];
  for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
    if (part === "embeddings") {
      parts.push(part);
      continue;
    }
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `'${part}' is not lower, upper, none, embeddings, a block index or a range like 0-2`;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return `range ${part} is reversed`;
    parts.push([a, b]);
  }
  return { parts };
}

/** What is wrong with a spec's grammar (for the option table, before any model is read), or undefined. */
export function freezeSpecProblem(spec: string): string | undefined {
  const p = parseFreezeSpec(spec);
  return typeof p === "string" ? p : undefined;
}

export function frozenGroups(spec: string, layers: number): Set<string> {
  const half = Math.floor(layers / 2);
  const out = new Set<string>();
  const p = parseFreezeSpec(spec);
  if (typeof p === "string") throw new XltError(`--freeze '${spec}': ${p}`);
  if ("named" in p) {
    const [from, to] = p.named === "lower" ? [0, half] : p.named === "upper" ? [half, layers] : [0, 0];
    for (let i = from; i < to; i++) out.add(`layer.${i}`);
    return out;
  }
  for (const part of p.parts) {
    if (part === "embeddings") {
      out.add(part);
      continue;
    }
    const [a, b] = part;
    if (b >= layers) throw new XltError(`--freeze '${spec}': the model has blocks 0-${layers - 1}, so block ${b} does not exist`);
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
