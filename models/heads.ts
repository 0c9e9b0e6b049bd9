// Classification heads on top of models/encoder.ts, as Hugging Face builds them, with explicit forward and
// backward from the existing kernels (linear, tanh/ReLU, dropout, row gather/scatter, cross-entropy).
//
//   token classification (all archs)   logits = classifier(dropout(hidden))             on every position
//   sequence, BERT                      pooled = tanh(bert.pooler.dense(hidden[CLS]));   logits = classifier(dropout(pooled))
//   sequence, XLM-R                     RobertaClassificationHead on <s>:
//                                        logits = out_proj(dropout(tanh(dense(dropout(x)))))  (classifier.dense / classifier.out_proj)
//   sequence, DistilBERT                logits = classifier(dropout(relu(pre_classifier(hidden[CLS]))))
//   span (*ForQuestionAnswering)        logits = qa_outputs(hidden) [B·T, 2] = (start, end) per position, all archs;
//                                        dropout(qa_dropout) before it in DistilBERT only (BERT/XLM-R have none)
//
// The loss (HeadLoss below) is the mean cross-entropy over labelled rows for token/sequence heads; for the
// span head it is HF's (CE(start logits over positions, start) + CE(end logits, end)) / 2, each over the
// sequences of the batch (padding positions take part in the softmax, as in HF with padded batches).
//
// Tensors are kept under their HF names (BertForTokenClassification etc. load them unchanged). Dropout
// probabilities follow HF: classifier_dropout ?? hidden_dropout_prob (BERT, XLM-R), DistilBERT `dropout` for
// token classification and `seq_classif_dropout` (0.2) for sequence classification, `qa_dropout` for spans.
import type { Gpu } from "../src/gpu/device.ts";
import { GpuError } from "../src/gpu/device.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import type { Arch, ModelConfig } from "./config.ts";
import { HeadTensors } from "./head_tensors.ts";
import { activationBackward, activationForward } from "../src/kernels/elementwise.ts";
import { linear, linearBackward } from "../src/kernels/matmul.ts";
import { dropoutBackward, dropoutForward } from "../src/kernels/dropout.ts";
import { embeddingBackward, embeddingForward } from "../src/kernels/embedding.ts";
import { crossEntropyBackward, crossEntropyForward } from "../src/kernels/crossentropy.ts";
import { gaussian } from "../src/rng.ts";

export type HeadKind = "token" | "sequence" | "span";

/** Dropout streams of the head: far above the encoder's sites (0..4·layers+3) so masks never coincide. */
const STREAM0 = 0x40000000;

/** HF tensor name -> shape of the head for an architecture, in HF's module order. */
export function headShapes(arch: Arch, kind: HeadKind, H: number, C: number): Map<string, number[]> {
  const m = new Map<string, number[]>();
  if (kind === "span") {
    m.set("qa_outputs.weight", [C, H]);
    m.set("qa_outputs.bias", [C]);
    return m;
  }
  if (kind === "sequence") {
    if (arch === "bert") {
      m.set("bert.pooler.dense.weight", [H, H]);
      m.set("bert.pooler.dense.bias", [H]);
    } else if (arch === "xlmr") {
      m.set("classifier.dense.weight", [H, H]);
      m.set("classifier.dense.bias", [H]);
      m.set("classifier.out_proj.weight", [C, H]);
      m.set("classifier.out_proj.bias", [C]);
      return m;
    } else {
      m.set("pre_classifier.weight", [H, H]);
      m.set("pre_classifier.bias", [H]);
    }
  }
  m.set("classifier.weight", [C, H]);
  m.set("classifier.bias", [C]);
  return m;
}

/** Other names an existing checkpoint may use for a head tensor (BERT saved without the `bert.` prefix). */
export function headAliases(name: string): string[] {
  return name.startsWith("bert.pooler.") ? [name, name.slice(5)] : [name];
}

/** HF's head dropout probability from the raw config.json object. */
export function headDropout(raw: Record<string, any>, arch: Arch, kind: HeadKind): number {
  if (kind === "span") return arch === "distilbert" ? raw.qa_dropout ?? 0.1 : 0;
  if (arch === "distilbert") return kind === "sequence" ? raw.seq_classif_dropout ?? 0.2 : raw.dropout ?? 0.1;
  return raw.classifier_dropout ?? raw.hidden_dropout_prob ?? 0.1;
}

/**
 * HF `_init_weights` for the head: Linear weights normal(0, 0.02), biases zero, from a seeded RNG, drawn in
 * headShapes() order. Tensors present in `existing` (e.g. a pre-trained BERT pooler) are kept instead.
 */
export function initHeadWeights(arch: Arch, kind: HeadKind, H: number, C: number, seed: number, existing = new Map<string, { shape: number[]; data: Float32Array }>(), std = 0.02): Map<string, { shape: number[]; data: Float32Array }> {
  const r = gaussian(seed ^ 0x5eed);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of headShapes(arch, kind, H, C)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const have = existing.get(name);
    if (have) {
      if (have.shape.join() !== shape.join()) throw new GpuError(`head: ${name} has shape [${have.shape}] in the checkpoint but [${shape}] is needed`);
      out.set(name, { shape, data: Float32Array.from(have.data) });
    } else if (name.endsWith(".bias")) out.set(name, { shape, data: new Float32Array(n) });
    else out.set(name, { shape, data: Float32Array.from({ length: n }, () => std * r()) });
  }
  return out;
}

export interface HeadState {
  B: number;
  T: number;
  training: boolean;
  seed: number;
  /** logits [B·T, C] (token) or [B, C] (sequence) */
  logits: Tensor;
  /** saved activations by role */
  saved: Map<string, Tensor>;
  /** gathered rows (sequence heads): b·T */
  rows?: Int32Array;
}

export class ClassificationHead extends HeadTensors {
  constructor(
    readonly gpu: Gpu,
    readonly arch: Arch,
    readonly kind: HeadKind,
    readonly hidden: number,
    readonly numLabels: number,
    weights: Map<string, { shape: number[]; data: Float32Array }>,
    /** dropout probability of the head (0 disables) */
    public dropout: number,
  ) {
    super();
    for (const [name, shape] of headShapes(arch, kind, hidden, numLabels)) {
      const w = weights.get(name);
      if (!w) throw new GpuError(`head: missing tensor ${name}`);
      if (w.shape.join() !== shape.join()) throw new GpuError(`head: ${name} has shape [${w.shape}] but [${shape}] is needed`);
      this.params.set(name, Tensor.from(gpu, w.data, shape, "f32", name));
    }
  }

  static forConfig(gpu: Gpu, cfg: ModelConfig, kind: HeadKind, numLabels: number, weights: Map<string, { shape: number[]; data: Float32Array }>, dropout: number) {
    return new ClassificationHead(gpu, cfg.arch, kind, cfg.hidden, numLabels, weights, dropout);
  }

  p(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new GpuError(`head has no parameter ${name}`);
    return t;
  }

  /** Allocates zeroed gradient buffers (once). */
  enableGrads(): void {
    for (const [n, t] of this.params) if (!this.grads.has(n)) this.grads.set(n, Tensor.zeros(this.gpu, t.shape, "f32", `grad.${n}`));
  }

  zeroGrads(): void {
    for (const g of this.grads.values()) g.zero();
  }

  private drop(x: Tensor, st: HeadState, k: number): Tensor {
    if (!st.training || this.dropout <= 0) return x;
    return dropoutForward(x, this.dropout, st.seed, STREAM0 + k);
  }

  private dropBack(d: Tensor, st: HeadState, k: number): Tensor {
    if (!st.training || this.dropout <= 0) return d;
    return dropoutBackward(d, this.dropout, st.seed, STREAM0 + k);
  }

  /**
   * hidden: the encoder's last hidden state [B·T, H]. Returns the logits and what backward() needs.
   * Sequence heads read row b·T (the [CLS] / <s> token) of each sequence.
   */
  forward(hidden: Tensor, B: number, T: number, training: boolean, seed = 0): HeadState {
    const H = this.hidden;
    if (hidden.size !== B * T * H) throw new GpuError(`head forward: hidden [${hidden.shape}] is not [${B}·${T}, ${H}]`);
    const st: HeadState = { B, T, training, seed, logits: null as unknown as Tensor, saved: new Map() };
    const keep = (k: string, t: Tensor) => st.saved.set(k, t);
    if (this.kind !== "sequence") {
      const x = hidden.view([B * T, H]);
      const d = this.drop(x, st, 0);
      if (d !== x) keep("d", d);
      const name = this.kind === "span" ? "qa_outputs" : "classifier";
      st.logits = linear(d, this.p(`${name}.weight`), this.p(`${name}.bias`));
      return st;
    }
    st.rows = Int32Array.from({ length: B }, (_, b) => b * T);
    const x0 = embeddingForward(hidden.view([B * T, H]), st.rows);
    keep("x0", x0);
    if (this.arch === "bert") {
      const pre = linear(x0, this.p("bert.pooler.dense.weight"), this.p("bert.pooler.dense.bias"));
      keep("pre", pre);
      const pooled = activationForward("tanh", pre);
      keep("a", pooled);
      const d = this.drop(pooled, st, 1);
      if (d !== pooled) keep("d", d);
      st.logits = linear(d, this.p("classifier.weight"), this.p("classifier.bias"));
    } else if (this.arch === "xlmr") {
      const d0 = this.drop(x0, st, 1);
      if (d0 !== x0) keep("d0", d0);
      const pre = linear(d0, this.p("classifier.dense.weight"), this.p("classifier.dense.bias"));
      keep("pre", pre);
      const a = activationForward("tanh", pre);
      keep("a", a);
      const d = this.drop(a, st, 2);
      if (d !== a) keep("d", d);
      st.logits = linear(d, this.p("classifier.out_proj.weight"), this.p("classifier.out_proj.bias"));
    } else {
      const pre = linear(x0, this.p("pre_classifier.weight"), this.p("pre_classifier.bias"));
      keep("pre", pre);
      const a = activationForward("relu", pre);
      keep("a", a);
      const d = this.drop(a, st, 1);
      if (d !== a) keep("d", d);
      st.logits = linear(d, this.p("classifier.weight"), this.p("classifier.bias"));
    }
    return st;
  }

  /**
   * Given dLogits, accumulates (+=) the head's parameter gradients (when enableGrads() was called) and
   * returns dHidden [B·T, H] for Encoder.backward (zero outside the gathered rows for sequence heads).
   * Training runs it in a frame of the encoder's training state, which owns every tensor it makes.
   */
  backward(st: HeadState, hidden: Tensor, dLogits: Tensor): Tensor {
    const H = this.hidden;
    const G = (n: string) => this.grads.get(n);
    const lin = (x: Tensor, name: string, dy: Tensor) => linearBackward(x, this.p(`${name}.weight`), dy, { dw: G(`${name}.weight`), db: G(`${name}.bias`), accumulate: true })!;
    if (this.kind !== "sequence") {
      const x = hidden.view([st.B * st.T, H]);
      const d = st.saved.get("d") ?? x;
      const dd = lin(d, this.kind === "span" ? "qa_outputs" : "classifier", dLogits);
      return this.dropBack(dd, st, 0);
    }
    const a = st.saved.get("a")!;
    const d = st.saved.get("d") ?? a;
    const x0 = st.saved.get("x0")!;
    let dx0: Tensor;
    if (this.arch === "xlmr") {
      const da = this.dropBack(lin(d, "classifier.out_proj", dLogits), st, 2);
      const dpre = activationBackward("tanh", a, da);
      dx0 = this.dropBack(lin(st.saved.get("d0") ?? x0, "classifier.dense", dpre), st, 1);
    } else {
      const da = this.dropBack(lin(d, "classifier", dLogits), st, 1);
      const dpre = activationBackward(this.arch === "bert" ? "tanh" : "relu", a, da);
      dx0 = lin(x0, this.arch === "bert" ? "bert.pooler.dense" : "pre_classifier", dpre);
    }
    // scatter the [CLS] rows back into a zero [B·T, H] gradient
    const dh = Tensor.zeros(this.gpu, [st.B * st.T, H], "f32", "head.dhidden");
    embeddingBackward(dx0, st.rows!, dh);
    return dh;
  }

  /**
   * The loss of a batch and dLogits for backward(), the loss scaled by `weight` (gradient accumulation).
   * `labels`: per position (token), per sequence (sequence), or B starts then B ends (span). Returns the
   * loss tensors ([1] each) with their weights in the batch's loss, and dLogits. Training runs it in a frame
   * of the encoder's training state, as backward().
   */
  loss(st: HeadState, labels: Int32Array, weight: number): { losses: { t: Tensor; w: number }[]; dLogits: Tensor } {
    const g = this.gpu;
    if (this.kind !== "span") {
      const lab = Tensor.from(g, labels, [labels.length], "i32", "labels");
      const ce = crossEntropyForward(st.logits, lab);
      const dLogits = crossEntropyBackward(st.logits, lab, ce.lse, ce.count, weight);
      return { losses: [{ t: ce.loss, w: weight }], dLogits };
    }
    // start (column 0) and end (column 1) logits of each sequence as [B, T] rows, gathered from [B·T·2, 1]
    const { B, T } = st;
    const flat = st.logits.view([B * T * 2, 1]);
    const dFlat = Tensor.zeros(g, [B * T * 2, 1], "f32", "head.dspan");
    const losses: { t: Tensor; w: number }[] = [];
    for (const col of [0, 1]) {
      const rows = Int32Array.from({ length: B * T }, (_, i) => 2 * i + col);
      const x = embeddingForward(flat, rows).view([B, T]);
      const lab = Tensor.from(g, labels.subarray(col * B, col * B + B), [B], "i32", "labels");
      const ce = crossEntropyForward(x, lab);
      const dx = crossEntropyBackward(x, lab, ce.lse, ce.count, weight / 2);
      embeddingBackward(dx.view([B * T, 1]), rows, dFlat);
      losses.push({ t: ce.loss, w: weight / 2 });
    }
    return { losses, dLogits: dFlat.view([B * T, 2]) };
  }

  release(st: HeadState): void {
    for (const t of st.saved.values()) t.release();
    st.saved.clear();
    st.logits?.release();
  }


}
