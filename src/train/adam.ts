// Adam / AdamW over named parameter groups, with freezing, global-norm clipping and checkpointable state.
//
// Semantics follow torch.optim.Adam (decoupled = false: L2 decay added to the gradient) and torch.optim.AdamW
// (decoupled = true). Like PyTorch, each parameter keeps its own step count (used for bias correction), so a
// group unfrozen later starts its bias correction at step 1. A disabled (frozen) group is not touched at all:
// no update, its m/v unchanged (and never allocated while it stays frozen), its grads excluded from the
// clipping norm and not zeroed by zeroGrad().
// The moments of enabled groups are allocated (zeroed) when the optimizer is built or a group enabled, not
// at the first step: for a 119,547-word embedding table that is 734 MB to allocate and clear, which inside
// the first step left the GPU idle for seconds between the last backward kernel and the first update.
// With a `health` flag (healthFlag()), every step ORs in a bit when an enabled gradient, an updated weight
// or the clipped gradient norm is non-finite (frozen tensors do not change, so they need no check).
import { GpuError } from "../gpu/device.ts";
import { XltError } from "../errors.ts";
import { Tensor } from "../gpu/tensor.ts";
import { Frame } from "../gpu/workspace.ts";
import { adamUpdate, adamwUpdate, clipScale, sumOfSquares } from "../kernels/optim.ts";

export interface ParamRef {
  name: string;
  param: Tensor;
  grad: Tensor;
}

export interface ParamGroup {
  name: string;
  params: ParamRef[];
  enabled: boolean;
  /** this group's weight decay (default: the optimizer's); pre-training exempts biases and LayerNorm */
  weightDecay?: number;
}

export interface AdamOpts {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW (decoupled weight decay) instead of Adam's L2 */
  decoupled?: boolean;
  /** clip the global L2 norm of the enabled groups' gradients to this (torch clip_grad_norm_) */
  maxGradNorm?: number;
  /** [1] u32 health flag the kernels OR HEALTH_* bits into (kernels/optim.ts); never cleared here */
  health?: Tensor;
}

export interface AdamState {
  /** optimizer steps taken */
  step: number;
  /** per parameter (by name): moments and the number of updates it received */
  params: Record<string, { m: Float32Array; v: Float32Array; step: number }>;
}

interface Slot {
  m: Tensor;
  v: Tensor;
  step: number;
}

/** A clipping norm ≤ 0 would scale every gradient to 0: a run that silently never updates. */
export function checkMaxGradNorm(maxGradNorm: number | undefined): void {
  if (maxGradNorm !== undefined && !(maxGradNorm > 0)) throw new XltError(`--max-grad-norm must be a number > 0, got ${maxGradNorm}`);
}

export class Adam {
  readonly groups: ParamGroup[];
  readonly opts: Required<Omit<AdamOpts, "maxGradNorm" | "health">> & { maxGradNorm?: number; health?: Tensor };
  stepCount = 0;
  private slots = new Map<string, Slot>();
  /** the clipping norm's two scalars, allocated at the first clipped step and reused (src/gpu/workspace.ts) */
  private workspace: Frame;

  constructor(groups: ParamGroup[], opts: AdamOpts) {
    this.groups = groups.map((gr) => ({ ...gr, params: gr.params.slice() }));
    this.workspace = new Frame("adam", this.groups.flatMap((gr) => gr.params)[0]?.param.gpu ?? null);
    this.opts = {
      lr: opts.lr,
      beta1: opts.beta1 ?? 0.9,
      beta2: opts.beta2 ?? 0.999,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
      decoupled: opts.decoupled ?? false,
      maxGradNorm: opts.maxGradNorm,
      health: opts.health,
    };
    checkMaxGradNorm(opts.maxGradNorm);
    const seen = new Set<string>();
    for (const gr of this.groups) {
      for (const p of gr.params) {
        if (seen.has(p.name)) throw new GpuError(`Adam: parameter name '${p.name}' appears twice`);
        seen.add(p.name);
        if (p.grad.size !== p.param.size) throw new GpuError(`Adam: '${p.name}' grad [${p.grad.shape}] does not match param [${p.param.shape}]`);
      }
    }
    this.allocateEnabled();
  }

  /** Allocates the (zeroed) moments of every enabled parameter that has none yet. */
  private allocateEnabled(): void {
    for (const p of this.enabledParams()) this.slot(p);
  }

  private group(name: string): ParamGroup {
    const gr = this.groups.find((x) => x.name === name);
    if (!gr) throw new GpuError(`Adam: no parameter group '${name}' (have ${this.groups.map((x) => x.name).join(", ")})`);
    return gr;
  }

  setEnabled(name: string, enabled: boolean): void {
    this.group(name).enabled = enabled;
    if (enabled) this.allocateEnabled();
  }

  isEnabled(name: string): boolean {
    return this.group(name).enabled;
  }

  private enabledParams(): ParamRef[] {
    return this.groups.filter((gr) => gr.enabled).flatMap((gr) => gr.params);
  }

  private slot(p: ParamRef): Slot {
    let s = this.slots.get(p.name);
    if (!s) {
      const g = p.param.gpu;
      s = { m: Tensor.zeros(g, p.param.shape, "f32", `${p.name}.adam_m`), v: Tensor.zeros(g, p.param.shape, "f32", `${p.name}.adam_v`), step: 0 };
      this.slots.set(p.name, s);
    }
    return s;
  }

  /** One optimizer step over the enabled groups (recorded, no readback). `lr` overrides the base rate (schedules). */
  step(lr = this.opts.lr): void {
    this.stepCount++;
    const params = this.enabledParams();
    if (!params.length) return;
    const maxNorm = this.opts.maxGradNorm;
    const scaleT = maxNorm === undefined
      ? undefined
      : this.workspace.run(() => clipScale(sumOfSquares(params.map((p) => p.grad)), maxNorm, undefined, this.opts.health));
    const o = this.opts;
    const decayOf = new Map(this.groups.flatMap((gr) => gr.params.map((p) => [p.name, gr.weightDecay ?? o.weightDecay] as const)));
    for (const p of params) {
      const s = this.slot(p);
      s.step++;
      const upd = o.decoupled ? adamwUpdate : adamUpdate;
      upd(p.param, p.grad, s.m, s.v, {
        lr,
        beta1: o.beta1,
        beta2: o.beta2,
        eps: o.eps,
        weightDecay: decayOf.get(p.name)!,
        step: s.step,
        gradScaleTensor: scaleT,
        flag: o.health,
      });
    }
  }

  /** Zeroes the gradients of the enabled groups. */
  zeroGrad(): void {
    for (const p of this.enabledParams()) p.grad.zero();
  }

  /** Moments and step counts for a checkpoint (reads the GPU); parameters not yet updated are left out. */
  async state(): Promise<AdamState> {
    const params: AdamState["params"] = {};
    for (const [name, s] of this.slots) if (s.step > 0) params[name] = { m: await s.m.read(), v: await s.v.read(), step: s.step };
    return { step: this.stepCount, params };
  }

  /** Restores a checkpoint written by state(); parameters absent from it start fresh. */
  async loadState(st: AdamState): Promise<void> {
    const all = new Map(this.groups.flatMap((gr) => gr.params).map((p) => [p.name, p]));
    for (const [name, e] of Object.entries(st.params)) {
      const p = all.get(name);
      if (!p) throw new GpuError(`Adam.loadState: checkpoint has state for unknown parameter '${name}'`);
      if (e.m.length !== p.param.size || e.v.length !== p.param.size) {
        throw new GpuError(`Adam.loadState: '${name}' has ${e.m.length} values in the checkpoint but [${p.param.shape}] in the model`);
      }
    }
    this.release();
    for (const [name, e] of Object.entries(st.params)) {
      const s = this.slot(all.get(name)!);
      s.m.write(e.m);
      s.v.write(e.v);
      s.step = e.step;
    }
    this.allocateEnabled();
    this.stepCount = st.step;
  }

  /** Bytes of the moments it holds (m and v of every parameter enabled so far) and of its workspace. */
  get bytes(): { moments: number; workspace: number } {
    let moments = 0;
    for (const s of this.slots.values()) moments += s.m.bytes + s.v.bytes;
    return { moments, workspace: this.workspace.bytes };
  }

  /** Frees the moment buffers and the workspace. */
  release(): void {
    for (const s of this.slots.values()) {
      s.m.release();
      s.v.release();
    }
    this.slots.clear();
    this.workspace.destroy();
  }
}
