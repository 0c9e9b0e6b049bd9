// One BERT-base-shaped encoder block (H 768, 12 heads, FFN 3072, GELU, post-LN), forward + backward with
// every weight gradient of the block, given a random upstream gradient dY of its output. Ours:
// models/encoder.ts with a 1-block model (trainable group layer.0; the block input needs no gradient, as
// in the peer); peer: the same block in tfjs (bench/tfjs_encoder.ts), gradients by tf.variableGrads of
// Σ y·dY over the block's 16 variables. Both sides also run the (cheap) embeddings forward that makes
// the block input. Dropout off. Time = best of N steps after a warm-up, each waited for, xlt and tfjs alternating.
import { getGpu } from "../src/gpu/device.ts";
import { sync } from "../src/gpu/recorder.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { Encoder } from "../models/encoder.ts";
import { bertBaseConfig, bestOfInterleaved, type Contender, randomArray, randomBatch, randomWeights } from "./model_common.ts";
import { TfEncoder } from "./tfjs_encoder.ts";
import type { Peer } from "./tfjs.ts";

export interface LayerOpts {
  B: number;
  T: number;
  iters: number;
}

export async function benchLayer(o: LayerOpts, peer: Peer | null, log: (s: string) => void): Promise<{ ours: number; peer: number | null }> {
  const g = await getGpu();
  const cfg = bertBaseConfig(1, 1024);
  const weights = randomWeights(cfg, 7);
  const batch = randomBatch(cfg, o.B, o.T, 11);
  const BT = o.B * o.T;
  const dyData = randomArray(BT * cfg.hidden, 13);
  log(`# one block H=${cfg.hidden}, ${cfg.heads} heads, FFN ${cfg.ffn}, B=${o.B} × T=${o.T} (${BT} tokens), forward + backward, all 16 weight gradients; best of ${o.iters} after 1 warm-up`);

  const enc = new Encoder(g, cfg, weights, { dropout: 0 });
  enc.setTrainable(["layer.0"]);
  const dy = Tensor.from(g, dyData, [BT, cfg.hidden], "f32", "dY");
  const contenders: Contender[] = [{
    async call() {
      enc.zeroGrads();
      const st = enc.forward(batch, 1, true);
      enc.backward(st, new Map([[1, dy]]));
      enc.release(st);
      await sync(g);
    },
    release() {
      dy.release();
      enc.dispose();
    },
  }];
  if (peer) {
    const tf = peer.tf;
    const te = new TfEncoder(tf, cfg, weights);
    const inp = te.inputs(batch);
    const dyT = tf.tensor(dyData, [BT, cfg.hidden]);
    const vars = te.varsOf(new Set(["layer.0"]));
    contenders.push({
      async call() {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(te.forward(inp, o.B, o.T, 1), dyT)), vars);
        // tfjs runs its programs in submission order: reading back one gradient recorded last waits for all
        const last = tf.slice(tf.reshape(grads[vars[0].name], [-1]), [0], [1]);
        await last.data();
        last.dispose();
        value.dispose();
        for (const k of Object.keys(grads)) grads[k].dispose();
      },
      release() {
        for (const t of Object.values(inp)) (t as any).dispose();
        dyT.dispose();
        te.dispose();
      },
    });
  }
  const [ours, pt] = await bestOfInterleaved(o.iters, contenders);
  const p = peer ? pt : null;
  const pad = (s: string, n: number) => s.padStart(n);
  const tok = (s: number) => (BT / s).toFixed(0);
  log(`${"".padEnd(10)} ${pad("ms/step", 10)} ${pad("tokens/s", 10)}`);
  log(`${"xlt".padEnd(10)} ${pad((ours * 1000).toFixed(0), 10)} ${pad(tok(ours), 10)}`);
  if (p !== null) {
    log(`${"tfjs".padEnd(10)} ${pad((p * 1000).toFixed(0), 10)} ${pad(tok(p), 10)}`);
    log(`ratio (tfjs time / xlt time): ${(p / ours).toFixed(2)}×`);
  }
  return { ours, peer: p };
}
