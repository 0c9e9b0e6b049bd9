// Resumable training state shared by `realign` and `finetune`: named parameters and the Adam moments in
// one safetensors file (plus small JSON side files), written atomically into OUT/checkpoint.
import { XltError } from "../errors.ts";
import type { Tensor } from "../gpu/tensor.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { loadAll, readHeader } from "../io/safetensors.ts";
import { writeF32 } from "../io/safetensors_write.ts";
import type { Adam, AdamState } from "./adam.ts";
import { type RunSettings, SETTINGS_KEY } from "./resume.ts";
import { nodePath } from "../host.ts";

/** `settings`: what a resume must match (src/train/resume.ts), stored in the state file's metadata. */
export async function saveTrainingState(
  dir: string,
  params: Map<string, Tensor>,
  adam: Adam,
  step: number,
  side: Record<string, unknown>,
  settings?: RunSettings,
): Promise<void> {
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [n, p] of params) t.set(`param.${n}`, { shape: p.shape, data: await p.read() });
  const st = await adam.state();
  const steps: Record<string, number> = {};
  for (const [n, s] of Object.entries(st.params)) {
    t.set(`adam.m.${n}`, { shape: [s.m.length], data: s.m });
    t.set(`adam.v.${n}`, { shape: [s.v.length], data: s.v });
    steps[n] = s.step;
  }
  await writeDirAtomic(dir, (tmp) => {
    const meta: Record<string, string> = { step: String(step), adam_step: String(st.step), param_steps: JSON.stringify(steps) };
    if (settings) meta[SETTINGS_KEY] = JSON.stringify(settings);
    writeF32(nodePath.join(tmp, "state.safetensors"), t, meta);
    for (const [name, value] of Object.entries(side)) writeFileAtomic(nodePath.join(tmp, name), JSON.stringify(value));
  });
}

/**
 * Restores what saveTrainingState wrote: each saved parameter into `resolve(name)`, the Adam moments, and
 * returns the step it was saved at. `hint` says which option may differ when a tensor does not fit.
 */
export async function loadTrainingState(dir: string, resolve: (name: string) => Tensor | undefined, adam: Adam, hint: string): Promise<number> {
  const path = nodePath.join(dir, "state.safetensors");
  const all = loadAll(path);
  const meta = readHeader(path).metadata;
  const paramSteps: Record<string, number> = JSON.parse(meta.param_steps ?? "{}");
  const st: AdamState = { step: Number(meta.adam_step), params: {} };
  for (const [k, v] of all) {
    if (k.startsWith("param.")) {
      const n = k.slice(6);
      const target = resolve(n);
      if (!target || target.size !== v.data.length) throw new XltError(`${path}: checkpoint tensor ${n} does not fit this model (${hint})`);
      target.write(v.data as Float32Array);
    } else if (k.startsWith("adam.m.")) {
      const n = k.slice(7);
      st.params[n] = { m: v.data as Float32Array, v: all.get(`adam.v.${n}`)!.data as Float32Array, step: paramSteps[n] ?? st.step };
    }
  }
  await adam.loadState(st);
  return Number(meta.step);
}
