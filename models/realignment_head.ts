// The projection head of realignment (Gaschi et al. 2023 / AlignFreeze): H→H, ReLU, H→P, no bias, trained
// along with the encoder by `xlt realign` and by `xlt finetune --realign-during`, and saved beside the
// checkpoint as realignment_head.safetensors under the names of the papers' torch module
// (realignment_head.0.weight, realignment_head.2.weight). Its forward and backward are the realignment
// step's (src/train/realign.ts), which reads the two matrices through `weights` and adds into `gradients`.
import type { Gpu } from "../src/gpu/device.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { gaussian } from "../src/rng.ts";
import { XltError } from "../src/errors.ts";
import { type F32Map, HeadTensors } from "./head_tensors.ts";

/** The file the head is saved in, beside the encoder's checkpoint. */
export const REALIGNMENT_HEAD_FILE = "realignment_head.safetensors";
const W0 = "realignment_head.0.weight";
const W2 = "realignment_head.2.weight";

/** The head's two matrices: w0 [H, H] and w2 [P, H] (the step's view of the head and of its gradients). */
export interface HeadWeights {
  w0: Tensor;
  w2: Tensor;
}

export class RealignmentHead extends HeadTensors {
  /**
   * A head of width `projection` on hidden size `hidden`, initialised as HF init_weights does (normal, std
   * 0.02) from a seeded RNG, w0 drawn before w2.
   */
  constructor(readonly gpu: Gpu, readonly hidden: number, readonly projection: number, seed: number) {
    super();
    const r = gaussian(seed);
    const w0 = Float32Array.from({ length: hidden * hidden }, () => 0.02 * r());
    const w2 = Float32Array.from({ length: projection * hidden }, () => 0.02 * r());
    this.params.set(W0, Tensor.from(gpu, w0, [hidden, hidden], "f32", W0));
    this.params.set(W2, Tensor.from(gpu, w2, [projection, hidden], "f32", W2));
  }

  get weights(): HeadWeights {
    return { w0: this.params.get(W0)!, w2: this.params.get(W2)! };
  }

  /** The gradient buffers (enableGrads()), or null before. */
  get gradients(): HeadWeights | null {
    const w0 = this.grads.get(W0), w2 = this.grads.get(W2);
    return w0 && w2 ? { w0, w2 } : null;
  }

  /** Allocates zeroed gradient buffers (once). */
  enableGrads(): void {
    for (const [n, t] of this.params) if (!this.grads.has(n)) this.grads.set(n, Tensor.zeros(this.gpu, t.shape, "f32", `grad.${n}`));
  }

  /** Overwrites the weights with a saved head's (`where` names the file in errors: check --projection). */
  load(saved: F32Map, where: string): void {
    for (const [name, t] of this.params) {
      const w = saved.get(name);
      if (!w) throw new XltError(`${where}: no tensor ${name}`);
      if (w.shape.join() !== t.shape.join()) throw new XltError(`${where}: ${name} has shape [${w.shape}] but the head needs [${t.shape}] (check --projection)`);
      t.write(w.data);
    }
  }
}
