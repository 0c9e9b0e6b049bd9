// The post-LN transformer encoder shared by BERT, DistilBERT and XLM-R, with explicit forward and
// backward per layer (llm.c style). The three architectures differ only in their embeddings
// (token types, position offset) and HF tensor names, which src/io/checkpoint.ts maps to the
// canonical names used here:
//   embeddings.word / .position / .token_type, embeddings.ln.{weight,bias}
//   layer.{i}.attn.{q,k,v,o}.{weight,bias}, layer.{i}.attn_ln.*, layer.{i}.ffn.{in,out}.*, layer.{i}.ffn_ln.*
//
// forward() returns every hidden state (index 0 = embeddings output, index l = output of block l-1),
// stopping at the highest layer the caller needs: the realignment loss reads hidden_states[N-1], so the
// last block is never run during realignment. backward() takes gradients w.r.t. any hidden states and
// walks down only as far as the lowest trainable parameter ("backward stops as early as it can").
import type { Gpu } from "../src/gpu/device.ts";
import { Tensor, withScratch } from "../src/gpu/tensor.ts";
import { Frame } from "../src/gpu/workspace.ts";
import { recordCopy } from "../src/gpu/recorder.ts";
import type { ModelConfig } from "./config.ts";
import { accumulate } from "../src/kernels/elementwise.ts";
import { linear, linearBackward, linearGelu, linearShapes, tuneMatmuls } from "../src/kernels/matmul.ts";
import { type DropoutSpec, layernormBackward, layernormForward, residualLayernormBackward } from "../src/kernels/layernorm.ts";
import { attentionBackward, attentionForward } from "../src/kernels/attention.ts";
import { dropoutBackward, dropoutForward } from "../src/kernels/dropout.ts";
import { embeddingBackward, embeddingForward } from "../src/kernels/embedding.ts";
import { setProfileContext } from "../src/gpu/recorder.ts";

export interface Batch {
  B: number;
  T: number;
  ids: Int32Array; // [B*T]
  positions: Int32Array; // [B*T]
  typeIds: Int32Array; // [B*T] (all 0 where the model has one or no token type)
  mask: Float32Array; // [B*T] 1 = real token, 0 = padding
  /** [B*T] language ids (XLM / DICT-MLM), added from `embeddings.lang` when the model has it */
  langIds?: Int32Array;
}

/** XLM / DICT-MLM's language-embedding table (the authors' `lang_type_embeddings`): 4 rows, ids 2 = original, 3 = derived, 1 = padding. */
export const LANG_ROWS = 4;
export const LANG_ORIGINAL = 2;
export const LANG_DERIVED = 3;
export const LANG_PAD = 1;

export const LAYER_PARAMS = [
  "attn.q.weight", "attn.q.bias", "attn.k.weight", "attn.k.bias", "attn.v.weight", "attn.v.bias",
  "attn.o.weight", "attn.o.bias", "attn_ln.weight", "attn_ln.bias",
  "ffn.in.weight", "ffn.in.bias", "ffn.out.weight", "ffn.out.bias", "ffn_ln.weight", "ffn_ln.bias",
] as const;

export function embeddingParams(cfg: ModelConfig): string[] {
  const names = ["embeddings.word", "embeddings.position", "embeddings.ln.weight", "embeddings.ln.bias"];
  if (cfg.typeVocab > 0) names.splice(2, 0, "embeddings.token_type");
  return names;
}

/** Parameter group of a canonical name: "embeddings" or "layer.{i}". */
export function groupOf(name: string): string {
  const m = /^layer\.(\d+)\./.exec(name);
  return m ? `layer.${m[1]}` : "embeddings";
}

/** Position ids as each architecture builds them (XLM-R: cumsum over non-pad tokens + padding_idx). */
export function positionIds(cfg: ModelConfig, ids: Int32Array, B: number, T: number): Int32Array {
  const pos = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (cfg.arch === "xlmr") {
        if (ids[i] !== cfg.padId) pos[i] = ++count + cfg.padId;
        else pos[i] = cfg.padId;
      } else pos[i] = t;
    }
  }
  return pos;
}

interface LayerSaved {
  x: Tensor; // block input [BT,H]
  q: Tensor; k: Tensor; v: Tensor;
  probs: Tensor;
  ctx: Tensor; // attention output before the output projection
  r1: Tensor; mean1: Tensor; rstd1: Tensor; // residual + LN of the attention half
  h1: Tensor;
  f1: Tensor; g: Tensor; // FFN pre-activation and GELU output
  r2: Tensor; mean2: Tensor; rstd2: Tensor;
}

export interface ForwardState {
  batch: Batch;
  hidden: Tensor[]; // hidden[l], l = 0..upTo
  /** the attention mask, and what the embeddings' backward needs (training only) */
  emb: { maskT: Tensor; saved: { sum: Tensor; mean: Tensor; rstd: Tensor; typeT: Tensor | null; langT: Tensor | null } | null };
  layers: LayerSaved[];
  dropoutSeed: number;
  training: boolean;
}

export interface EncoderOptions {
  /** dropout probability for hidden states (model's own by default); 0 disables */
  dropout?: number;
  /** dropout on attention probabilities (model's own by default; follows `dropout` when that is 0) */
  attnDropout?: number;
  /**
   * groups ("embeddings", "layer.i") whose weight matrices and embedding tables (the 2-D parameters) are
   * stored in f16 on the GPU, halving the memory of frozen groups (--f16-frozen; the device needs
   * shader-f16). Biases and LayerNorm stay f32. These groups can never be trained (setTrainable refuses).
   */
  f16Groups?: Iterable<string>;
  /** the training state to allocate from (a training run's, src/gpu/workspace.ts TrainingState); default: one of its own */
  state?: Frame;
}

/** Whether a parameter of an f16 group is stored in f16: the 2-D ones (Linear weights, embedding tables). */
export function storedInF16(shape: number[]): boolean {
  return shape.length === 2;
}

/**
 * Has the matmul family measure, once per adapter, which of its kernels runs this model's Linear layers
 * fastest (src/kernels/matmul_tune.ts), for batches of `rows` tokens and the extra Linear weights `heads`
 * ([out, in]) of the task's head. Call before allocating the model: it borrows (and returns) a few
 * tensors. Prints a line per shape class it measures, to stderr.
 */
export async function tuneEncoderMatmuls(g: Gpu, cfg: ModelConfig, rows: number, heads: [number, number][] = []): Promise<void> {
  const H = cfg.hidden, F = cfg.ffn;
  let first = true;
  await tuneMatmuls(g, linearShapes([[H, H], [F, H], [H, F], ...heads], rows), {
    log: (s) => {
      if (first) console.error("measuring the matmul kernels on this adapter (once; kept in the user's cache directory)");
      first = false;
      console.error(s);
    },
  });
}

export class Encoder {
  readonly params = new Map<string, Tensor>();
  readonly grads = new Map<string, Tensor>();
  /**
   * The training state (src/gpu/workspace.ts), the training loop's: a training forward keeps its activations
   * in the frame the caller names ("forward" by default; realignment's two sides use one each), the backward
   * alternates the frames "backward.0" and "backward.1" between blocks, and the training heads keep theirs
   * here too.
   */
  readonly state: Frame;
  /** whether the state is the encoder's own (dispose frees it) or its trainer's */
  private readonly ownsState: boolean;
  /** groups ("embeddings", "layer.i") whose parameters get gradients */
  readonly trainable = new Set<string>();
  /** the frames training forwards have run in */
  private readonly forwardFrames = new Set<string>();
  dropout: number;
  attnDropoutP: number;

  constructor(readonly gpu: Gpu, readonly cfg: ModelConfig, weights: Map<string, { shape: number[]; data: Float32Array }>, opts: EncoderOptions = {}) {
    this.state = opts.state ?? new Frame("state", gpu);
    this.ownsState = !opts.state;
    this.dropout = opts.dropout ?? cfg.dropout;
    this.attnDropoutP = opts.attnDropout ?? (opts.dropout === 0 ? 0 : cfg.attnDropout);
    const f16 = new Set(opts.f16Groups ?? []);
    for (const [name, t] of weights) {
      const dtype = f16.has(groupOf(name)) && storedInF16(t.shape) ? "f16" : "f32";
      this.params.set(name, Tensor.from(gpu, t.data, t.shape, dtype, name));
    }
  }

  p(name: string): Tensor {
    const t = this.params.get(name);
    if (!t) throw new Error(`model has no parameter ${name}`);
    return t;
  }

  /** Marks groups trainable and allocates (zeroed) gradient buffers for them. */
  setTrainable(groups: Iterable<string>): void {
    this.trainable.clear();
    for (const g of groups) this.trainable.add(g);
    for (const [name, t] of this.params) {
      if (this.trainable.has(groupOf(name)) && t.dtype !== "f32") {
        throw new Error(`parameter ${name} is stored in ${t.dtype} (a frozen group under --f16-frozen) and cannot be trained`);
      }
      if (this.trainable.has(groupOf(name))) {
        if (!this.grads.has(name)) this.grads.set(name, Tensor.zeros(this.gpu, t.shape, "f32", `grad.${name}`));
      } else if (this.grads.has(name)) {
        this.grads.get(name)!.release();
        this.grads.delete(name);
      }
    }
  }

  zeroGrads(): void {
    for (const g of this.grads.values()) g.zero();
  }

  /** Lowest block index whose parameters (or the embeddings, as -1) are trainable; null when nothing is. */
  private lowestTrainable(): number | null {
    if (this.trainable.has("embeddings")) return -1;
    for (let i = 0; i < this.cfg.layers; i++) if (this.trainable.has(`layer.${i}`)) return i;
    return null;
  }

  /** Attention-probability dropout of block i (stream 3+4i: the site no hidden-state dropout uses). */
  private attnDropout(st: ForwardState, i: number) {
    return st.training && this.attnDropoutP > 0 ? { p: this.attnDropoutP, seed: st.dropoutSeed, stream: 3 + 4 * i } : undefined;
  }

  /** Hidden-state dropout at `site` for the fused LayerNorm kernels; undefined when not training or p = 0. */
  private dropSpec(st: ForwardState, site: number): DropoutSpec | undefined {
    return st.training && this.dropout > 0 ? { p: this.dropout, seed: st.dropoutSeed, stream: site } : undefined;
  }

  /**
   * Runs the embeddings and blocks 0..upTo-1 and returns hidden states 0..upTo. With `training`, every
   * tensor lives in the training state's frame `frame` (overwritten by the next training forward in that
   * frame), activations are kept for backward() and dropout is applied with `dropoutSeed` (a hidden state
   * below the lowest trainable block is the input of the block above it, then overwritten). Without, the
   * hidden states and the mask come from the pool (release(st) returns them) and the rest is scratch.
   */
  forward(batch: Batch, upTo = this.cfg.layers, training = false, dropoutSeed = 0, frame = "forward"): ForwardState {
    if (training) {
      this.forwardFrames.add(frame);
      return this.state.child(frame).run(() => this.forwardIn(batch, upTo, true, dropoutSeed, frame));
    }
    return this.forwardIn(batch, upTo, false, dropoutSeed, frame);
  }

  private forwardIn(batch: Batch, upTo: number, training: boolean, dropoutSeed: number, frame: string): ForwardState {
    const g = this.gpu;
    const { B, T } = batch;
    const H = this.cfg.hidden;
    const BT = B * T;
    // training: the forward frame's own buffers are what the backward reads of the embeddings (their sum,
    // its normalised value and that value's dropped copy) and of the blocks; the batch's ids, the mask and
    // the LayerNorm's statistics go to the frame "<frame>.inputs" beside it (src/train/estimate.ts counts
    // the forward frames as the activations)
    const inputs = training ? this.state.child(`${frame}.inputs`) : null;
    const maskT = () => Tensor.from(g, batch.mask, [B, T], "f32", "mask");
    const st: ForwardState = {
      batch,
      hidden: [],
      emb: { maskT: inputs ? inputs.run(maskT) : maskT(), saved: null },
      layers: [],
      dropoutSeed,
      training,
    };
    // hidden[0] outlives the embeddings' scratch: the LayerNorm writes it, or (training with dropout) the
    // LayerNorm writes a tensor of its own (the backward's input) and the dropped copy is hidden[0]
    const dropEmb = training && this.dropout > 0;
    const out = dropEmb ? null : Tensor.empty(g, [BT, H], "f32", "hidden.0");
    if (inputs) {
      const hs = () => Tensor.empty(g, [BT, H], "f32", "embeddings.hidden");
      const sum = hs(), y = out ?? hs(), dropped = dropEmb ? hs() : null;
      inputs.resume(() => this.embeddingsForward(st, { sum, y, dropped }));
    } else this.embeddingsForward(st, { y: out! });
    // blocks below the lowest trainable one keep nothing for a backward that never reaches them: while
    // training they run in two frames of their own, each reused two blocks later
    const lowest = this.lowestTrainable() ?? upTo;
    for (let i = 0; i < upTo; i++) {
      const x = st.hidden[i];
      const keep = i >= lowest;
      st.hidden.push(training && !keep ? this.state.child(`${frame}.below.${i % 2}`).run(() => this.layerForward(i, x, st, false)) : this.layerForward(i, x, st, true));
    }
    return st;
  }

  /**
   * The embeddings' forward into hidden[0]: the tables' sum (into `sum` when given), its LayerNorm into `y`,
   * and with `dropped` the dropped copy there (training with dropout); everything else is scratch, or the
   * current frame's while training.
   */
  private embeddingsForward(st: ForwardState, outs: { sum?: Tensor; y: Tensor; dropped?: Tensor | null }): void {
    const g = this.gpu;
    const { batch, training } = st;
    const BT = batch.B * batch.T;
    withScratch(this.gpu, () => {
      setProfileContext(g, "embeddings forward");
      const idsT = Tensor.from(g, batch.ids, [BT], "i32", "ids");
      const posT = Tensor.from(g, batch.positions, [BT], "i32", "positions");
      const typeT = this.cfg.typeVocab > 0 ? Tensor.from(g, batch.typeIds, [BT], "i32", "token_types") : null;
      const sum = embeddingForward(this.p("embeddings.word"), idsT, outs.sum);
      embeddingForward(this.p("embeddings.position"), posT, sum, true);
      if (typeT) embeddingForward(this.p("embeddings.token_type"), typeT, sum, true);
      const langT = batch.langIds && this.params.has("embeddings.lang") ? Tensor.from(g, batch.langIds, [BT], "i32", "lang_ids") : null;
      if (langT) embeddingForward(this.p("embeddings.lang"), langT, sum, true);
      const ln = layernormForward(sum, this.p("embeddings.ln.weight"), this.p("embeddings.ln.bias"), this.cfg.lnEps, { out: outs.y });
      if (training) st.emb.saved = { sum, mean: ln.mean, rstd: ln.rstd, typeT, langT };
      st.hidden.push(outs.dropped ? dropoutForward(ln.y, this.dropout, st.dropoutSeed, 0, outs.dropped) : ln.y);
    }, true);
  }

  private layerForward(i: number, x: Tensor, st: ForwardState, keep: boolean): Tensor {
    const { B, T } = st.batch;
    const { hidden: H, heads } = this.cfg;
    const D = H / heads;
    const P = (n: string) => this.p(`layer.${i}.${n}`);
    setProfileContext(this.gpu, `layer.${i} forward`);
    // the block's output outlives the block's scratch (inference) or is the next block's saved input
    const y = Tensor.empty(this.gpu, [B * T, H], "f32", "block.out");
    withScratch(this.gpu, () => {
      const q = linear(x, P("attn.q.weight"), P("attn.q.bias"));
      const k = linear(x, P("attn.k.weight"), P("attn.k.bias"));
      const v = linear(x, P("attn.v.weight"), P("attn.v.bias"));
      const { out: ctx, probs } = attentionForward(q, k, v, st.emb.maskT, B, T, heads, D, this.attnDropout(st, i));
      // r1 = dropout(o) + x, then LayerNorm: one fused kernel (the residual form of layernormForward).
      // HF BERT/XLM-R drop the attention output before the residual; DistilBERT does not (it only drops
      // attention probabilities and the FFN output)
      // o and f2 die in the fused LayerNorms (the backward needs only their sums r1, r2): scratch, one pair
      // of buffers for all blocks
      const o = linear(ctx, P("attn.o.weight"), P("attn.o.bias"), Tensor.scratch(this.gpu, [B * T, H], "f32", "attn.o"));
      const ln1 = layernormForward(o, P("attn_ln.weight"), P("attn_ln.bias"), this.cfg.lnEps, {
        residual: x,
        dropout: this.cfg.arch === "distilbert" ? undefined : this.dropSpec(st, 1 + 4 * i),
      });
      const r1 = ln1.r!;
      const h1 = ln1.y;
      const { pre: f1, out: gl } = linearGelu(h1, P("ffn.in.weight"), P("ffn.in.bias")); // GELU in the matmul's epilogue
      // r2 = dropout(f2) + h1, then LayerNorm; no dropout after the block's LayerNorm (as HF)
      const f2 = linear(gl, P("ffn.out.weight"), P("ffn.out.bias"), Tensor.scratch(this.gpu, [B * T, H], "f32", "ffn.out"));
      const ln2 = layernormForward(f2, P("ffn_ln.weight"), P("ffn_ln.bias"), this.cfg.lnEps, { residual: h1, dropout: this.dropSpec(st, 2 + 4 * i), out: y });
      if (st.training && keep) st.layers[i] = { x, q, k, v, probs, ctx, r1, mean1: ln1.mean, rstd1: ln1.rstd, h1, f1, g: gl, r2: ln2.r!, mean2: ln2.mean, rstd2: ln2.rstd };
    }, true);
    return y;
  }

  /**
   * Backpropagates gradients given w.r.t. hidden states (map: layer index -> dHidden [B*T,H]) into the
   * trainable parameters' gradient buffers (+=). Frozen blocks compute no weight gradients but still pass
   * the gradient down while a trainable group lies below them. Every activation gradient lives in the
   * training state: block i's in frame "backward.(i mod 2)", so block i reads block i+1's dx from the other
   * frame while writing its own, and a frame is reused two blocks later, when nothing in it is needed.
   */
  backward(st: ForwardState, dHidden: Map<number, Tensor>): void {
    if (!st.training) throw new Error("backward needs a forward with training=true");
    const lowest = this.lowestTrainable();
    if (lowest === null) return;
    const top = Math.max(...dHidden.keys());
    const input = this.state.child("backward.input");
    let d: Tensor | null = null;
    let first = true;
    for (let l = top; l >= 0; l--) {
      setProfileContext(this.gpu, l > 0 ? `layer.${l - 1} backward` : "embeddings backward");
      const extra = dHidden.get(l);
      if (extra) {
        if (d) accumulate(d, extra);
        else {
          const copy = () => copyOf(extra); // own copy: the caller keeps its tensor
          d = first ? input.run(copy) : input.resume(copy);
          first = false;
        }
      }
      if (l === 0) break;
      const i = l - 1; // block producing hidden[l]
      if (i < lowest) break; // nothing trainable at or below this block
      if (!d) continue;
      const needInput = i > lowest || this.trainable.has("embeddings");
      const dy: Tensor = d;
      d = this.state.child(`backward.${i % 2}`).run(() => this.layerBackward(i, dy, st, needInput));
      if (!d) break;
    }
    const dEmb = d;
    if (dEmb && this.trainable.has("embeddings")) this.state.child("backward.embeddings").run(() => this.embeddingsBackward(st, dEmb));
  }

  private layerBackward(i: number, dy: Tensor, st: ForwardState, needInput: boolean): Tensor | null {
    const s = st.layers[i];
    if (!s) throw new Error(`layer ${i} has no saved activations: run forward with training=true`);
    const { B, T } = st.batch;
    const { heads, hidden: H } = this.cfg;
    const D = H / heads;
    const train = this.trainable.has(`layer.${i}`);
    const P = (n: string) => this.p(`layer.${i}.${n}`);
    const G = (n: string) => (train ? this.grads.get(`layer.${i}.${n}`) : undefined);
    // LayerNorm of the FFN half, r2 = drop(f2) + h1: dr2 flows to h1, df2 = dr2 through the dropout to f2
    const { dr: dr2, da: df2 } = residualLayernormBackward(dy, s.r2, s.mean2, s.rstd2, P("ffn_ln.weight"),
      { dgamma: G("ffn_ln.weight"), dbeta: G("ffn_ln.bias"), accumulate: true }, this.dropSpec(st, 2 + 4 * i));
    // through ffn.out and the GELU before it (its backward fused into the matmul's epilogue)
    const df1 = linearBackward(s.g, P("ffn.out.weight"), df2, { dw: G("ffn.out.weight"), db: G("ffn.out.bias"), accumulate: true, geluOf: s.f1 })!;
    const dh1 = linearBackward(s.h1, P("ffn.in.weight"), df1, { dw: G("ffn.in.weight"), db: G("ffn.in.bias"), accumulate: true })!;
    accumulate(dh1, dr2);
    // attention half: r1 = drop(o) + x
    const { dr: dr1, da: dO } = residualLayernormBackward(dh1, s.r1, s.mean1, s.rstd1, P("attn_ln.weight"),
      { dgamma: G("attn_ln.weight"), dbeta: G("attn_ln.bias"), accumulate: true },
      this.cfg.arch === "distilbert" ? undefined : this.dropSpec(st, 1 + 4 * i));
    const dctx = linearBackward(s.ctx, P("attn.o.weight"), dO, { dw: G("attn.o.weight"), db: G("attn.o.bias"), accumulate: true })!;
    const { dq, dk, dv } = attentionBackward(dctx, s.q, s.k, s.v, s.probs, B, T, heads, D, this.attnDropout(st, i));
    let dx: Tensor | null = null;
    for (const [name, dt] of [["q", dq], ["k", dk], ["v", dv]] as const) {
      const r = linearBackward(s.x, P(`attn.${name}.weight`), dt, { dx: needInput, dw: G(`attn.${name}.weight`), db: G(`attn.${name}.bias`), accumulate: true });
      if (r) {
        if (dx) accumulate(dx, r);
        else dx = r;
      }
    }
    if (!needInput) return null;
    accumulate(dx!, dr1);
    return dx;
  }

  private embeddingsBackward(st: ForwardState, d: Tensor): void {
    const e = st.emb.saved!;
    setProfileContext(this.gpu, "embeddings backward");
    const dd = this.dropout > 0 ? dropoutBackward(d, this.dropout, st.dropoutSeed, 0) : d;
    const G = (n: string) => this.grads.get(n);
    const dsum = layernormBackward(dd, e.sum, e.mean, e.rstd, this.p("embeddings.ln.weight"), { dgamma: G("embeddings.ln.weight"), dbeta: G("embeddings.ln.bias"), accumulate: true });
    embeddingBackward(dsum, st.batch.ids, G("embeddings.word")!);
    embeddingBackward(dsum, st.batch.positions, G("embeddings.position")!);
    if (e.typeT) embeddingBackward(dsum, st.batch.typeIds, G("embeddings.token_type")!);
    if (e.langT) embeddingBackward(dsum, st.batch.langIds!, G("embeddings.lang")!);
  }

  /**
   * Returns an inference forward's hidden states and mask to the pool (a training forward's tensors belong
   * to the training state, which keeps them for the next step).
   */
  release(st: ForwardState): void {
    if (st.training) return;
    for (const t of [...st.hidden, st.emb.maskT]) t.release();
    st.hidden = [];
  }

  /**
   * Bytes of the activations the training forwards keep for the backward: their frames' own buffers (the
   * embeddings' hidden-size outputs and the saved tensors of every block the backward goes through).
   */
  get activationBytes(): number {
    let n = 0;
    for (const f of this.forwardFrames) n += this.state.child(f).ownBytes;
    return n;
  }

  /** Frees the training state (after training, once no recorded work can use it). */
  releaseState(): void {
    this.state.destroy();
  }

  /**
   * Frees everything the encoder owns: its weights, gradients and its own training state (a trainer's is
   * the trainer's to free). Buffers that recorded work may still use are reused or destroyed only after the
   * next submit. The encoder is unusable afterwards.
   */
  dispose(): void {
    for (const t of [...this.params.values(), ...this.grads.values()]) t.release();
    this.params.clear();
    this.grads.clear();
    this.trainable.clear();
    if (this.ownsState) this.state.destroy();
  }

  /** Copies every parameter back to the CPU (for saving). */
  async readParams(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [n, t] of this.params) {
      // an f16 copy is rounded: saving it would change a weight nobody trained
      if (t.dtype !== "f32") throw new Error(`parameter ${n} is stored in ${t.dtype}; save it from the checkpoint it was loaded from`);
      out.set(n, await t.read());
    }
    return out;
  }
}

function copyOf(t: Tensor): Tensor {
  const c = Tensor.empty(t.gpu, t.shape, t.dtype, "backward.input");
  recordCopy(t.gpu, t.buffer, 0, c.buffer, 0, t.bytes);
  return c;
}
