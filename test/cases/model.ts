// The encoders against the PyTorch reference (scripts/golden/models.py) for BERT, DistilBERT and XLM-R:
// every hidden state of a padded batch (max abs error ≤ 1e-4), padded batch == unpadded sentence, and the
// realignment loss + the gradient of every parameter (max rel error ≤ 1e-3) for freeze none/lower/upper,
// with and without (only via the stored head) the projection head.
import { join } from "node:path";
import { getGpu, Tensor } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { Encoder, groupOf, positionIds, type Batch } from "../../models/encoder.ts";
import { realignStep } from "../../src/train/realign.ts";
import { buildSide } from "../../src/data/side_batch.ts";
import { allGroups, frozenGroups } from "../../src/train/freeze.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
import { linear, linearBackward } from "../../src/kernels/matmul.ts";
import { attentionBackward, attentionForward } from "../../src/kernels/attention.ts";
import { dropoutBackward, dropoutForward } from "../../src/kernels/dropout.ts";
import { accumulate, activationBackward, activationForward, add } from "../../src/kernels/elementwise.ts";
import { layernormBackward, layernormForward } from "../../src/kernels/layernorm.ts";
import { FIXTURES, fixture as fixtureTensors, get } from "../lib/fixtures.ts";

const ARCHS = ["tiny-bert", "tiny-distilbert", "tiny-xlmr"];
const HIDDEN_ATOL = 1e-4;
const GRAD_RTOL = 1e-3;

function batchFromRef(cfg: ReturnType<typeof loadCheckpoint>["config"], fam: string, prefix: string, rows?: number[]): Batch {
  const ids = get(fam, `${prefix}input_ids`);
  const mask = get(fam, `${prefix}attention_mask`);
  let [B, T] = ids.shape;
  let idArr = Int32Array.from(ids.data);
  let maskArr = Float32Array.from(mask.data);
  if (rows) {
    // a sub-batch of single sentences, trimmed to their own length (unpadded)
    const len = Math.max(...rows.map((b) => maskArr.subarray(b * T, b * T + T).reduce((a, v) => a + v, 0)));
    idArr = Int32Array.from(rows.flatMap((b) => Array.from(idArr.subarray(b * T, b * T + len))));
    maskArr = Float32Array.from(rows.flatMap((b) => Array.from(maskArr.subarray(b * T, b * T + len))));
    B = rows.length;
    T = len;
  }
  return { B, T, ids: idArr, mask: maskArr, typeIds: new Int32Array(B * T), positions: positionIds(cfg, idArr, B, T) };
}

export const cases: Cases = {};

for (const arch of ARCHS) {
  const fam = `${arch}/reference`;
  const dir = join(FIXTURES, arch);

  cases[`${arch}: hidden states of a padded batch match PyTorch at every layer`] = async () => {
    const g = await getGpu();
    const ck = loadCheckpoint(dir);
    const enc = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
    const batch = batchFromRef(ck.config, fam, "");
    const st = enc.forward(batch);
    const H = ck.config.hidden;
    for (let l = 0; l <= ck.config.layers; l++) {
      const want = get(fam, `hidden.${l}`).data;
      const got = await st.hidden[l].read();
      // compare real tokens only (padded rows are garbage in both implementations)
      for (let i = 0; i < batch.B * batch.T; i++) {
        if (!batch.mask[i]) continue;
        for (let c = 0; c < H; c++) {
          const e = Math.abs(got[i * H + c] - want[i * H + c]);
          if (!(e <= HIDDEN_ATOL)) throw new Error(`${arch} hidden.${l} token ${i} dim ${c}: got ${got[i * H + c]}, want ${want[i * H + c]}`);
        }
      }
    }
    enc.release(st);
    for (const t of enc.params.values()) t.release();
  };

  cases[`${arch}: a padded batch equals each sentence run alone`] = async () => {
    const g = await getGpu();
    const ck = loadCheckpoint(dir);
    const enc = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
    const full = batchFromRef(ck.config, fam, "");
    const stFull = enc.forward(full);
    const top = await stFull.hidden[ck.config.layers].read();
    const H = ck.config.hidden;
    for (let b = 0; b < full.B; b++) {
      const one = batchFromRef(ck.config, fam, "", [b]);
      const st = enc.forward(one);
      const got = await st.hidden[ck.config.layers].read();
      for (let t = 0; t < one.T; t++) {
        for (let c = 0; c < H; c++) {
          const a = got[t * H + c];
          const w = top[(b * full.T + t) * H + c];
          if (Math.abs(a - w) > 1e-5) throw new Error(`${arch} sentence ${b} token ${t}: alone ${a} vs padded ${w}`);
        }
      }
      enc.release(st);
    }
    enc.release(stFull);
    for (const t of enc.params.values()) t.release();
  };

  for (const freeze of ["none", "lower", "upper"]) {
    cases[`${arch}: realignment loss and gradients match PyTorch (freeze ${freeze})`] = async () => {
      const g = await getGpu();
      const ck = loadCheckpoint(dir);
      const cfg = ck.config;
      const meta = readHeader(join(FIXTURES, `${fam}.safetensors`)).metadata;
      const layer = Number(meta.layer);
      const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
      const frozen = frozenGroups(freeze, cfg.layers);
      const trainable = allGroups(cfg.layers).filter((gr) => !frozen.has(gr) && !(gr.startsWith("layer.") && Number(gr.slice(6)) >= layer));
      enc.setTrainable(trainable);
      const side = (which: "left" | "right", words: string[][]) => {
        const ids = get(fam, `realign.${which}.input_ids`);
        const mask = get(fam, `realign.${which}.attention_mask`);
        const first = get(fam, `realign.${which}.first`);
        const [B, T] = ids.shape;
        const W = first.shape[1];
        return buildSide(cfg, Array.from({ length: B }, (_, b) => {
          const n = mask.data.subarray(b * T, b * T + T).reduce((a, v) => a + v, 0);
          return { ids: Array.from(ids.data.subarray(b * T, b * T + n)), firstSubword: Array.from(first.data.subarray(b * W, b * W + words[b].length)) };
        }));
      };
      const left = side("left", JSON.parse(meta.realign_left_words));
      const right = side("right", JSON.parse(meta.realign_right_words));
      const L = get(fam, "realign.links");
      const links = [];
      for (let k = 0; k < L.shape[0]; k++) {
        const [b, i, j] = [L.data[3 * k], L.data[3 * k + 1], L.data[3 * k + 2]];
        links.push({ l: left.wordIndex[b][i], r: right.wordIndex[b][j] });
      }
      const h0 = get(fam, "realignment_head.0.weight");
      const h2 = get(fam, "realignment_head.2.weight");
      const head = { w0: Tensor.from(g, h0.data, h0.shape), w2: Tensor.from(g, h2.data, h2.shape) };
      const headGrads = { w0: Tensor.zeros(g, h0.shape), w2: Tensor.zeros(g, h2.shape) };
      const { loss } = realignStep({ encoder: enc, layer, head, headGrads, tau: Number(meta.tau) }, left, right, links, 1, true); // dropout is 0 on this encoder
      const lossGot = (await loss.read())[0];
      const lossWant = get(fam, "realign.loss").data[0];
      if (Math.abs(lossGot - lossWant) > 1e-4 * Math.abs(lossWant)) throw new Error(`${arch} loss ${lossGot} vs torch ${lossWant}`);
      // Some gradients are exactly zero in exact math (the key bias: softmax ignores a per-query shift), where
      // torch has ~1e-17 and f32 has ~1e-9 of rounding noise; so relative errors are taken against
      // max(max|want|, 1e-4 · the largest gradient of the model).
      let scale = 0;
      for (const [n, t] of fixtureTensors(fam)) if (n.startsWith("grad.")) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
      const check = async (name: string, t: Tensor) => {
        const want = get(fam, `grad.${name}`).data;
        const got = await t.read();
        let maxWant = 0;
        for (const v of want) maxWant = Math.max(maxWant, Math.abs(v));
        const e = maxRelErr(got, want) * (maxWant || 1) / Math.max(maxWant, 1e-4 * scale);
        if (!(e <= GRAD_RTOL)) throw new Error(`${arch} freeze ${freeze}: gradient of ${name} max rel err ${e.toExponential(2)} > ${GRAD_RTOL}`);
      };
      await check("realignment_head.0.weight", headGrads.w0);
      await check("realignment_head.2.weight", headGrads.w2);
      for (const [canon, grad] of enc.grads) await check(ck.sourceNames.get(canon)!, grad);
      // frozen groups have no gradient buffers at all, trainable groups all have theirs
      for (const name of enc.params.keys()) {
        const shouldTrain = trainable.includes(groupOf(name));
        if (shouldTrain !== enc.grads.has(name)) throw new Error(`${arch} freeze ${freeze}: ${name} gradient presence is wrong`);
      }
      loss.release();
      for (const t of [head.w0, head.w2, headGrads.w0, headGrads.w2, ...enc.params.values(), ...enc.grads.values()]) t.release();
    };
  }
}

// Dropout on: a block with the fused "dropout + residual + LayerNorm" kernels (forward and backward) equals
// the same block composed here from the standalone kernels (dropoutForward/Backward, add, layernorm), with
// the encoder's dropout sites (streams 1+4i, 2+4i; attention probabilities 3+4i). Checks the wiring, which
// no PyTorch golden can (PyTorch draws other masks).
for (const arch of ["tiny-bert", "tiny-distilbert"]) {
  cases[`${arch}: with dropout, block 0 with fused residual LayerNorms equals the standalone kernels, forward and backward`] = async () => {
    const g = await getGpu();
    const ck = loadCheckpoint(join(FIXTURES, arch));
    const cfg = ck.config;
    const p = 0.2, seed = 1234;
    const enc = new Encoder(g, cfg, ck.tensors, { dropout: p, attnDropout: 0.1 });
    enc.setTrainable(["layer.0"]);
    const batch = batchFromRef(cfg, `${arch}/reference`, "");
    const { B, T } = batch;
    const H = cfg.hidden, heads = cfg.heads, D = H / heads;
    const st = enc.forward(batch, 1, true, seed);
    const x = st.hidden[0];
    const P = (n: string) => enc.p(`layer.0.${n}`);
    const attnDrop = { p: 0.1, seed, stream: 3 };
    const q = linear(x, P("attn.q.weight"), P("attn.q.bias")), k = linear(x, P("attn.k.weight"), P("attn.k.bias"));
    const v = linear(x, P("attn.v.weight"), P("attn.v.bias"));
    const { out: ctx, probs } = attentionForward(q, k, v, st.emb.maskT, B, T, heads, D, attnDrop);
    const oLin = linear(ctx, P("attn.o.weight"), P("attn.o.bias"));
    const o = arch === "tiny-distilbert" ? oLin : dropoutForward(oLin, p, seed, 1);
    const r1 = add(o, x);
    const ln1 = layernormForward(r1, P("attn_ln.weight"), P("attn_ln.bias"), cfg.lnEps);
    const f1 = linear(ln1.y, P("ffn.in.weight"), P("ffn.in.bias"));
    const gl = activationForward("gelu", f1);
    const f2 = dropoutForward(linear(gl, P("ffn.out.weight"), P("ffn.out.bias")), p, seed, 2);
    const r2 = add(f2, ln1.y);
    const ln2 = layernormForward(r2, P("ffn_ln.weight"), P("ffn_ln.bias"), cfg.lnEps);
    const want = await ln2.y.read();
    if (maxRelErr(await st.hidden[1].read(), want) > 1e-5) throw new Error(`${arch}: block output differs from the standalone kernels`);
    if (maxRelErr(want, await linear(x, P("attn.q.weight")).read()) < 1e-2) throw new Error("unexpected: nothing was computed");

    // backward: the encoder's gradients of every block-0 parameter vs the standalone chain
    const dy = Tensor.from(g, Float32Array.from({ length: B * T * H }, (_, i) => Math.sin(i * 0.37)), [B * T, H]);
    for (const t of enc.grads.values()) t.zero();
    enc.backward(st, new Map([[1, dy]]));
    const ref = new Map<string, Tensor>();
    const G = (n: string) => {
      let t = ref.get(n);
      if (!t) ref.set(n, (t = Tensor.zeros(g, P(n).shape)));
      return t;
    };
    const dr2 = layernormBackward(dy, r2, ln2.mean, ln2.rstd, P("ffn_ln.weight"), { dgamma: G("ffn_ln.weight"), dbeta: G("ffn_ln.bias"), accumulate: true });
    const df2 = dropoutBackward(dr2, p, seed, 2);
    const dg = linearBackward(gl, P("ffn.out.weight"), df2, { dw: G("ffn.out.weight"), db: G("ffn.out.bias"), accumulate: true })!;
    const df1 = activationBackward("gelu", f1, dg);
    const dh1 = linearBackward(ln1.y, P("ffn.in.weight"), df1, { dw: G("ffn.in.weight"), db: G("ffn.in.bias"), accumulate: true })!;
    accumulate(dh1, dr2);
    const dr1 = layernormBackward(dh1, r1, ln1.mean, ln1.rstd, P("attn_ln.weight"), { dgamma: G("attn_ln.weight"), dbeta: G("attn_ln.bias"), accumulate: true });
    const dO = arch === "tiny-distilbert" ? dr1 : dropoutBackward(dr1, p, seed, 1);
    const dctx = linearBackward(ctx, P("attn.o.weight"), dO, { dw: G("attn.o.weight"), db: G("attn.o.bias"), accumulate: true })!;
    const { dq, dk, dv } = attentionBackward(dctx, q, k, v, probs, B, T, heads, D, attnDrop);
    for (const [n, d] of [["q", dq], ["k", dk], ["v", dv]] as const) {
      linearBackward(x, P(`attn.${n}.weight`), d, { dx: false, dw: G(`attn.${n}.weight`), db: G(`attn.${n}.bias`), accumulate: true });
    }
    if (ref.size !== 16) throw new Error(`reference has ${ref.size} gradients, expected the block's 16`);
    for (const [n, t] of ref) {
      const got = enc.grads.get(`layer.0.${n}`);
      if (!got) throw new Error(`${arch}: the encoder has no gradient for layer.0.${n}`);
      const e = maxRelErr(await got.read(), await t.read());
      if (!(e <= 1e-4)) throw new Error(`${arch}: gradient of layer.0.${n} differs from the standalone kernels (max rel err ${e})`);
    }
    enc.release(st);
  };
}
