// The encoders against the PyTorch reference (scripts/golden/models.py) for BERT, DistilBERT and XLM-R:
// every hidden state of a padded batch (max abs error ≤ 1e-4), padded batch == unpadded sentence, and the
// realignment loss + the gradient of every parameter (max rel error ≤ 1e-3) for freeze none/lower/upper,
// with and without (only via the stored head) the projection head.
import { join } from "node:path";
import { getGpu, Tensor } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { Encoder, groupOf, positionIds, type Batch } from "../../models/encoder.ts";
import { buildSide, realignStep } from "../../src/train/realign.ts";
import { allGroups, frozenGroups } from "../../src/train/freeze.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
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
