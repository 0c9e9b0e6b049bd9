// One realignment training step (issue target: ≥ 2× faster than tfjs-webgpu). Section `realign`: a small
// BERT-base-shaped stack, 3 blocks (H 768, 12 heads, FFN 3072, 8192-word vocabulary) with the loss at
// hidden_states[2] (the CLI default N-1), so blocks 0 and 1 run and block 2 never does (section
// `realign-small`, the built-in model next to PyTorch, is bench/realign_full.ts). Projection head
// H→H→128, τ = 0.1, dropout off, Adam lr 2e-5.
//   --freeze none : the embeddings, every block below the loss layer and the head are trained
//   --freeze lower: the lower half of the blocks frozen (no weight gradients; the gradient still passes
//                   through them down to the embeddings, which AlignFreeze keeps trainable)
// Ours: the Trainer's step of the realignment objective (src/train/objectives/realign.ts), as xlt realign runs it.
// Peer: the same work in tfjs: both sides through the same encoder separately, first-subword gathers,
// head (linear, ReLU, linear, no bias), strong contrastive loss (cosine/τ against every word, own entry
// lowered by 1e6, log-softmax, NLL of the partner, mean), tf.variableGrads over the trainable variables,
// tf.train.adam. Each step ends with the loss read back (as training does) after the update.
import { getGpu } from "../src/gpu/device.ts";
import { buildSide, type SideBatch } from "../src/data/side_batch.ts";
import { realignTrainable } from "../src/train/freeze.ts";
import { Trainer } from "../src/train/trainer.ts";
import { fixedPairs, RealignObjective, realignModel } from "../src/train/objectives/realign.ts";
import type { ModelConfig } from "../src/io/checkpoint.ts";
import { bestOfInterleaved, type Contender, randomWeights } from "./model_common.ts";
import { gaussian } from "../src/rng.ts";
import { TfEncoder } from "./tfjs_encoder.ts";
import type { Peer } from "./tfjs.ts";

export interface RealignOpts {
  /** the model shape (weights are random); the loss reads hidden_states[layers - 1] */
  cfg: ModelConfig;
  /** sentence pairs per batch */
  pairs: number;
  /** tokens per sentence (padded length) */
  T: number;
  iters: number;
}

const PROJ = 128, TAU = 0.1, LR = 2e-5;

interface Data {
  left: SideBatch;
  right: SideBatch;
  links: { l: number; r: number }[];
}

/** Synthetic pairs: [CLS] w1 .. wn [SEP] with words of 1-2 subwords; word i of the left sentence aligned to word i of the right. */
function makeData(cfg: ModelConfig, pairs: number, T: number, seed: number): Data {
  const r = gaussian(seed);
  const rnd = () => Math.abs(r());
  const side = (off: number) => {
    const toks = [];
    for (let b = 0; b < pairs; b++) {
      const len = T - ((b + off) % 3); // some padding
      const ids = [2];
      const first: number[] = [];
      while (ids.length < len - 1) {
        first.push(ids.length);
        const sub = rnd() > 0.7 && ids.length < len - 2 ? 2 : 1;
        for (let s = 0; s < sub; s++) ids.push(5 + (Math.floor(rnd() * 1e6) % (cfg.vocab - 5)));
      }
      ids.push(3);
      toks.push({ ids, firstSubword: first });
    }
    return toks;
  };
  const left = buildSide(cfg, side(0));
  const right = buildSide(cfg, side(1));
  const links: { l: number; r: number }[] = [];
  for (let b = 0; b < pairs; b++) {
    const n = Math.min(left.wordIndex[b].length, right.wordIndex[b].length);
    for (let w = 0; w < n; w++) links.push({ l: left.wordIndex[b][w], r: right.wordIndex[b][w] });
  }
  return { left, right, links };
}

const lossLayer = (cfg: ModelConfig) => cfg.layers - 1;

function trainableGroups(cfg: ModelConfig, freeze: string): string[] {
  return realignTrainable(freeze, cfg.layers, lossLayer(cfg));
}

async function prepareOurs(cfg: ModelConfig, freeze: string, data: Data): Promise<Contender> {
  const g = await getGpu();
  const m = realignModel({ config: cfg, tensors: randomWeights(cfg, 21) }, { freeze, layer: lossLayer(cfg), projection: PROJ, tau: TAU, seed: 5, lr: LR, dropout: 0 });
  const trainer = new Trainer(g, (state) => new RealignObjective(g, state, m, fixedPairs({ ...data, pairs: data.left.B }), Infinity));
  const batch = trainer.objective.nextBatch(1);
  let step = 0;
  return {
    async call() {
      const { losses } = trainer.recordGradients(batch, ++step);
      trainer.update(step);
      const v = (await losses[0].t.read())[0];
      if (!Number.isFinite(v)) throw new Error(`xlt realign loss ${v}`);
    },
    release() {
      trainer.dispose();
    },
  };
}

function preparePeer(tf: any, cfg: ModelConfig, freeze: string, data: Data): Contender {
  const te = new TfEncoder(tf, cfg, randomWeights(cfg, 21));
  const H = cfg.hidden;
  const r = gaussian(5);
  const w0 = tf.variable(tf.tensor(Float32Array.from({ length: H * H }, () => 0.02 * r()), [H, H]));
  const w2 = tf.variable(tf.tensor(Float32Array.from({ length: PROJ * H }, () => 0.02 * r()), [PROJ, H]));
  const vars = [...te.varsOf(new Set(trainableGroups(cfg, freeze))), w0, w2];
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  const { left, right, links } = data;
  const inL = te.inputs(left), inR = te.inputs(right);
  const ML = left.wordRows.length, M = ML + right.wordRows.length, Q = 2 * links.length;
  const query = new Int32Array(Q), target = new Int32Array(Q);
  links.forEach(({ l, r }, i) => {
    query[i] = l;
    target[i] = ML + r;
    query[links.length + i] = ML + r;
    target[links.length + i] = l;
  });
  const rowsL = tf.tensor(left.wordRows, [ML], "int32"), rowsR = tf.tensor(right.wordRows, [M - ML], "int32");
  const qT = tf.tensor(query, [Q], "int32");
  const selfMask = tf.mul(tf.oneHot(qT, M), 1e6); // the query's own entry is lowered by 1e6
  const partner = tf.oneHot(tf.tensor(target, [Q], "int32"), M);
  const lossFn = () => {
    const hL = te.forward(inL, left.B, left.T, lossLayer(cfg));
    const hR = te.forward(inR, right.B, right.T, lossLayer(cfg));
    const words = tf.concat([tf.gather(hL, rowsL), tf.gather(hR, rowsR)], 0);
    const c = tf.matMul(tf.relu(tf.matMul(words, w0, false, true)), w2, false, true);
    const cn = tf.div(c, tf.maximum(tf.norm(c, 2, 1, true), 1e-12));
    const S = tf.sub(tf.mul(tf.matMul(tf.gather(cn, qT), cn, false, true), 1 / TAU), selfMask);
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(S), partner), 1)));
  };
  return {
    async call() {
      const { value, grads } = tf.variableGrads(lossFn, vars);
      opt.applyGradients(grads);
      const v = (await value.data())[0];
      value.dispose();
      for (const k of Object.keys(grads)) grads[k].dispose();
      if (!Number.isFinite(v)) throw new Error(`tfjs realign loss ${v}`);
    },
    release() {
      opt.dispose();
      for (const t of [...Object.values(inL), ...Object.values(inR), rowsL, rowsR, qT, selfMask, partner, w0, w2]) (t as any).dispose();
      te.dispose();
    },
  };
}

export async function benchRealign(o: RealignOpts, peer: Peer | null, log: (s: string) => void): Promise<Record<string, { ours: number; peer: number | null }>> {
  const { cfg } = o;
  const data = makeData(cfg, o.pairs, o.T, 3);
  const tokens = (data.left.B * data.left.T + data.right.B * data.right.T);
  const L = lossLayer(cfg), H = cfg.hidden;
  log(`# realignment step: ${cfg.layers}-block BERT model (H ${H}, ${cfg.heads} heads, FFN ${cfg.ffn}, vocab ${cfg.vocab}), loss at hidden_states[${L}] ` +
    `(blocks 0-${L - 1} run), head ${H}→${H}→${PROJ}, τ ${TAU}, Adam; ${o.pairs} pairs × ${o.T} tokens per side (${tokens} tokens, ` +
    `${data.links.length} links); best of ${o.iters} after 1 warm-up`);
  const pad = (s: string, n: number) => s.padStart(n);
  log(`${"freeze".padEnd(8)} ${pad("xlt ms/step", 12)} ${pad("tfjs ms/step", 13)} ${pad("ratio", 7)}  trainable`);
  const out: Record<string, { ours: number; peer: number | null }> = {};
  // all four (xlt and tfjs, unfrozen and frozen-lower) in the same rounds, so the none/lower comparison
  // sees the same machine state as the xlt/tfjs one
  const FREEZES = ["none", "lower"];
  const contenders: Contender[] = [];
  for (const freeze of FREEZES) {
    contenders.push(await prepareOurs(cfg, freeze, data));
    if (peer) contenders.push(preparePeer(peer.tf, cfg, freeze, data));
  }
  const times = await bestOfInterleaved(o.iters, contenders);
  const per = peer ? 2 : 1;
  for (const [i, freeze] of FREEZES.entries()) {
    const ours = times[i * per];
    const p = peer ? times[i * per + 1] : null;
    out[freeze] = { ours, peer: p };
    log(`${freeze.padEnd(8)} ${pad((ours * 1000).toFixed(0), 12)} ${pad(p === null ? "n/a" : (p * 1000).toFixed(0), 13)} ` +
      `${pad(p === null ? "n/a" : (p / ours).toFixed(2) + "×", 7)}  ${trainableGroups(cfg, freeze).join(", ")}, head`);
  }
  return out;
}
