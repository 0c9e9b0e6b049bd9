// The parameters and gradients a head owns (the classification heads, the MLM head): read back for saving
// and freed at the end of a run the same way.
import type { Tensor } from "../src/gpu/tensor.ts";

export type F32Map = Map<string, { shape: number[]; data: Float32Array }>;

export class HeadTensors {
  readonly params = new Map<string, Tensor>();
  readonly grads = new Map<string, Tensor>();

  /** Copies every parameter back to the CPU (for saving). */
  async readParams(): Promise<F32Map> {
    const out: F32Map = new Map();
    for (const [n, t] of this.params) out.set(n, { shape: t.shape, data: await t.read() });
    return out;
  }

  dispose(): void {
    for (const t of [...this.params.values(), ...this.grads.values()]) t.release();
    this.params.clear();
    this.grads.clear();
  }
}
