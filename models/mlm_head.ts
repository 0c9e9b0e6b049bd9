// The masked-LM head as Hugging Face builds it per architecture, with its decoder tied to the encoder's word
// embeddings (models/tied_decoder.ts):
//   BERT        cls.predictions.transform.dense → GELU → cls.predictions.transform.LayerNorm → Eᵀ + cls.predictions.bias
//   XLM-R/RoBERTa  lm_head.dense → GELU → lm_head.layer_norm → Eᵀ + lm_head.bias
//   DistilBERT  vocab_transform → GELU → vocab_layer_norm → Eᵀ + vocab_projector.bias
// The tied decoder weight itself is not a head tensor: it IS embeddings.word (HF drops the duplicate when it
// saves, and ties it again when it loads). Logits are computed only at the labelled positions (the loss
// ignores every other row, so the gradients are the same as HF's full-sequence head).
import type { Gpu } from "../src/gpu/device.ts";
import { GpuError } from "../src/gpu/device.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import type { Arch, ModelConfig } from "./config.ts";
import { type F32Map, HeadTensors } from "./head_tensors.ts";
import { activationBackward } from "../src/kernels/elementwise.ts";
import { linearBackward, linearGelu } from "../src/kernels/matmul.ts";
import { layernormBackward, layernormForward } from "../src/kernels/layernorm.ts";
import { embeddingBackward, embeddingForward } from "../src/kernels/embedding.ts";
import { gaussian } from "../src/rng.ts";
import { tiedDecoderBackward, tiedDecoderForward } from "./tied_decoder.ts";


/** HF names of the head's own tensors: dense, LayerNorm and output bias. */
export function mlmHeadNames(arch: Arch): { dense: string; ln: string; bias: string } {
  if (arch === "bert") return { dense: "cls.predictions.transform.dense", ln: "cls.predictions.transform.LayerNorm", bias: "cls.predictions.bias" };
  if (arch === "xlmr") return { dense: "lm_head.dense", ln: "lm_head.layer_norm", bias: "lm_head.bias" };
  return { dense: "vocab_transform", ln: "vocab_layer_norm", bias: "vocab_projector.bias" };
}

/** HF tensor name -> shape, for `rows` output rows (the word table's rows). */
export function mlmHeadShapes(arch: Arch, H: number, rows: number): Map<string, number[]> {
  const n = mlmHeadNames(arch);
  return new Map([
    [`${n.dense}.weight`, [H, H]],
    [`${n.dense}.bias`, [H]],
    [`${n.ln}.weight`, [H]],
    [`${n.ln}.bias`, [H]],
    [n.bias, [rows]],
  ]);
}

/** Names HF gives the tied copies (not written: HF re-ties them on load). */
export function mlmTiedNames(arch: Arch): string[] {
  if (arch === "bert") return ["cls.predictions.decoder.weight", "cls.predictions.decoder.bias"];
  if (arch === "xlmr") return ["lm_head.decoder.weight", "lm_head.decoder.bias"];
  return ["vocab_projector.weight"];
}

/** HF _init_weights: Linear N(0, 0.02) and zero bias, LayerNorm 1/0, output bias 0. Existing tensors are kept. */
export function initMlmHead(arch: Arch, H: number, rows: number, seed: number, existing: F32Map = new Map(), std = 0.02): F32Map {
  const r = gaussian(seed ^ 0x6d6c6d);
  const out: F32Map = new Map();
  for (const [name, shape] of mlmHeadShapes(arch, H, rows)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const have = existing.get(name);
    if (have) {
      if (have.shape.join() !== shape.join()) throw new GpuError(`MLM head: ${name} has shape [${have.shape}] in the checkpoint but [${shape}] is needed`);
      out.set(name, { shape, data: Float32Array.from(have.data) });
    } else if (/LayerNorm\.weight$|layer_norm\.weight$/.test(name)) out.set(name, { shape, data: new Float32Array(n).fill(1) });
    else if (name.endsWith("dense.weight") || name === "vocab_transform.weight") out.set(name, { shape, data: Float32Array.from({ length: n }, () => std * r()) });
    else out.set(name, { shape, data: new Float32Array(n) });
  }
  return out;
}

export interface MlmState {
  rows: Int32Array;
  x0: Tensor;
  pre: Tensor;
  act: Tensor;
  ln: { y: Tensor; mean: Tensor; rstd: Tensor };
  logits: Tensor;
}

export class MlmHead extends HeadTensors {
  readonly names: ReturnType<typeof mlmHeadNames>;

  constructor(readonly gpu: Gpu, readonly cfg: ModelConfig, readonly rows: number, weights: F32Map) {
    super();
    this.names = mlmHeadNames(cfg.arch);
    for (const [name, shape] of mlmHeadShapes(cfg.arch, cfg.hidden, rows)) {
      const w = weights.get(name);
      if (!w) throw new GpuError(`MLM head: missing tensor ${name}`);
      if (w.shape.join() !== shape.join()) throw new GpuError(`MLM head: ${name} has shape [${w.shape}] but [${shape}] is needed`);
      this.params.set(name, Tensor.from(gpu, w.data, shape, "f32", name));
    }
  }

  p(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new GpuError(`MLM head has no parameter ${name}`);
    return t;
  }

  enableGrads(): void {
    for (const [n, t] of this.params) if (!this.grads.has(n)) this.grads.set(n, Tensor.zeros(this.gpu, t.shape, "f32", `grad.${n}`));
  }

  /**
   * hidden: the encoder's last hidden state [B·T, H]; rows: the labelled positions (b·T + t). `table` is
   * the word-embedding table the decoder is tied to. Returns logits [rows, R].
   */
  forward(hidden: Tensor, rows: Int32Array, table: Tensor): MlmState {
    const H = this.cfg.hidden;
    const n = this.names;
    const x0 = embeddingForward(hidden.view([hidden.size / H, H]), rows);
    const { pre, out: act } = linearGelu(x0, this.p(`${n.dense}.weight`), this.p(`${n.dense}.bias`));
    const ln = layernormForward(act, this.p(`${n.ln}.weight`), this.p(`${n.ln}.bias`), this.cfg.lnEps);
    const logits = tiedDecoderForward(ln.y, table, this.p(n.bias));
    return { rows, x0, pre, act, ln, logits };
  }

  /**
   * Given dlogits, adds the head's gradients (enableGrads()), the decoder's share of the tied table's
   * gradient into `dtable`, and returns dHidden [B·T, H] (zero outside the labelled rows). Pre-training runs
   * it in a frame of the encoder's training state, which owns every tensor it makes.
   */
  backward(st: MlmState, table: Tensor, dtable: Tensor, dlogits: Tensor, BT: number): Tensor {
    const n = this.names;
    const G = (k: string) => this.grads.get(k);
    const dy = tiedDecoderBackward(st.ln.y, table, dlogits, dtable, G(n.bias)!);
    const dact = layernormBackward(dy, st.act, st.ln.mean, st.ln.rstd, this.p(`${n.ln}.weight`), { dgamma: G(`${n.ln}.weight`), dbeta: G(`${n.ln}.bias`), accumulate: true });
    const dpre = activationBackward("gelu", st.pre, dact);
    const dx0 = linearBackward(st.x0, this.p(`${n.dense}.weight`), dpre, { dw: G(`${n.dense}.weight`), db: G(`${n.dense}.bias`), accumulate: true })!;
    const dh = Tensor.zeros(this.gpu, [BT, this.cfg.hidden], "f32", "mlm.dhidden");
    embeddingBackward(dx0, st.rows, dh);
    return dh;
  }

  release(st: MlmState): void {
    for (const t of [st.x0, st.pre, st.act, st.ln.y, st.ln.mean, st.ln.rstd, st.logits]) t.release();
  }


}
