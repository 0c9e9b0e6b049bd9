// The peer's encoder: the same post-LN BERT computation as models/encoder.ts written with tfjs ops
// (autodiff gives the backward), on the same weights. Dropout is off on both sides.
//   embeddings: word + position + token type gathers, LayerNorm
//   block: q/k/v linears, softmax(q·kᵀ/√D + mask) attention, o linear, residual + LayerNorm,
//          FFN in → GELU (erf form, as BERT) → out, residual + LayerNorm
import type { ModelConfig } from "../src/io/checkpoint.ts";
import type { Batch } from "../models/encoder.ts";
import type { Weights } from "./model_common.ts";

export class TfEncoder {
  /** canonical name -> tf.Variable */
  readonly vars = new Map<string, any>();

  constructor(readonly tf: any, readonly cfg: ModelConfig, weights: Weights) {
    for (const [name, w] of weights) this.vars.set(name, tf.variable(tf.tensor(w.data, w.shape), true, `xlt_${name}_${Math.random()}`));
  }

  v(name: string): any {
    const t = this.vars.get(name);
    if (!t) throw new Error(`tfjs encoder has no ${name}`);
    return t;
  }

  /** tf.Variables of the given groups ("embeddings", "layer.i"), for tf.variableGrads' varList */
  varsOf(groups: Set<string>): any[] {
    return [...this.vars.entries()].filter(([n]) => groups.has(/^layer\.(\d+)\./.test(n) ? n.split(".").slice(0, 2).join(".") : "embeddings")).map(([, v]) => v);
  }

  layerNorm(x: any, g: any, b: any): any {
    const tf = this.tf;
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.cfg.lnEps))), g), b);
  }

  linear(x: any, w: any, b: any): any {
    return this.tf.add(this.tf.matMul(x, w, false, true), b);
  }

  /** embeddings output [B*T, H]; inputs are tf int32 tensors [B*T] */
  embed(ids: any, pos: any, types: any): any {
    const tf = this.tf;
    let s = tf.add(tf.gather(this.v("embeddings.word"), ids), tf.gather(this.v("embeddings.position"), pos));
    if (this.cfg.typeVocab > 0) s = tf.add(s, tf.gather(this.v("embeddings.token_type"), types));
    return this.layerNorm(s, this.v("embeddings.ln.weight"), this.v("embeddings.ln.bias"));
  }

  /** one block on x [B*T, H]; maskAdd [B,1,1,T] holds 0 for real keys and a large negative for padding */
  block(i: number, x: any, maskAdd: any, B: number, T: number): any {
    const tf = this.tf;
    const { hidden: H, heads } = this.cfg;
    const D = H / heads;
    const P = (n: string) => this.v(`layer.${i}.${n}`);
    const split = (t: any) => tf.transpose(tf.reshape(t, [B, T, heads, D]), [0, 2, 1, 3]);
    const q = split(this.linear(x, P("attn.q.weight"), P("attn.q.bias")));
    const k = split(this.linear(x, P("attn.k.weight"), P("attn.k.bias")));
    const v = split(this.linear(x, P("attn.v.weight"), P("attn.v.bias")));
    const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)), maskAdd);
    const probs = tf.softmax(scores);
    const ctx = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [B * T, H]);
    const o = this.linear(ctx, P("attn.o.weight"), P("attn.o.bias"));
    const h1 = this.layerNorm(tf.add(o, x), P("attn_ln.weight"), P("attn_ln.bias"));
    const f1 = this.linear(h1, P("ffn.in.weight"), P("ffn.in.bias"));
    const gl = tf.mul(tf.mul(f1, 0.5), tf.add(tf.erf(tf.mul(f1, Math.SQRT1_2)), 1));
    const f2 = this.linear(gl, P("ffn.out.weight"), P("ffn.out.bias"));
    return this.layerNorm(tf.add(f2, h1), P("ffn_ln.weight"), P("ffn_ln.bias"));
  }

  /** the batch's inputs as tf tensors (made once, outside the timed region) */
  inputs(batch: Batch): { ids: any; pos: any; types: any; maskAdd: any } {
    const tf = this.tf;
    const { B, T } = batch;
    const maskAdd = tf.tensor(Float32Array.from(batch.mask, (m) => (m ? 0 : -1e9)), [B, 1, 1, T]);
    return { ids: tf.tensor(batch.ids, [B * T], "int32"), pos: tf.tensor(batch.positions, [B * T], "int32"), types: tf.tensor(batch.typeIds, [B * T], "int32"), maskAdd };
  }

  /** hidden state `upTo` (embeddings, then blocks 0..upTo-1) */
  forward(inp: { ids: any; pos: any; types: any; maskAdd: any }, B: number, T: number, upTo: number): any {
    let h = this.embed(inp.ids, inp.pos, inp.types);
    for (let i = 0; i < upTo; i++) h = this.block(i, h, inp.maskAdd, B, T);
    return h;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
