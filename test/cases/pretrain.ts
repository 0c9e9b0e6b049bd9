// Pre-training objectives against PyTorch (scripts/golden/pretrain.py), dropout off, on the tiny BERT, XLM-R
// and DistilBERT checkpoints with their own MLM heads: the masked-LM loss through the head whose decoder is
// tied to the word embeddings (the table's gradient is the sum of both uses), and ALIGN-MLM's loss with the
// λ·(−mean cos) term over dictionary pairs (E[d], E[d+V]) (loss rel ≤ 1e-4, gradients rel ≤ 1e-3 against
// max(max|want|, 1e-4·largest gradient), as finetune.ts). Each is also run with the vocabulary forced into
// chunks (the path tables above the binding limit take) and over two micro-batches.
import { join } from "node:path";
import { getGpu } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { Encoder, positionIds } from "../../models/encoder.ts";
import { MlmHead, mlmHeadShapes } from "../../models/mlm_head.ts";
import { tiedDecoderLimits } from "../../models/tied_decoder.ts";
import { type AlignTerm, type PretrainBatch, readPretrainLosses, recordPretrainStep } from "../../src/pretrain/step.ts";
import { readTensors } from "../../src/pretrain/weights.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
import { FIXTURES, fixture, get } from "../lib/fixtures.ts";

const FAM = "pretrain";
const LOSS_RTOL = 1e-4;
const GRAD_RTOL = 1e-3;

export const cases: Cases = {};

function batchFromFixture(cfg: ReturnType<typeof loadCheckpoint>["config"], arch: string, rows?: number[]): PretrainBatch {
  const idsF = get(FAM, `${arch}.input_ids`);
  const maskF = get(FAM, `${arch}.attention_mask`);
  const labF = get(FAM, `${arch}.labels`);
  const [B0, T0] = idsF.shape;
  const sel = rows ?? [...Array(B0).keys()];
  const B = sel.length;
  const T = T0;
  const ids = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  const labels = new Int32Array(B * T);
  sel.forEach((src, b) => {
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = idsF.data[src * T0 + t];
      mask[b * T + t] = maskF.data[src * T0 + t];
      labels[b * T + t] = labF.data[src * T0 + t];
    }
  });
  return { batch: { B, T, ids, mask, typeIds: new Int32Array(B * T), positions: positionIds(cfg, ids, B, T) }, labels };
}

type Variant = { name: string; chunkRows: number; split: boolean };
const VARIANTS: Variant[] = [
  { name: "", chunkRows: 0, split: false },
  { name: ", vocabulary in chunks over two micro-batches", chunkRows: 50, split: true },
];

for (const arch of ["bert", "xlmr", "distilbert"]) {
  for (const obj of arch === "distilbert" ? ["mlm"] : ["mlm", "align"]) {
    for (const v of VARIANTS) {
      cases[`${arch} ${obj === "mlm" ? "MLM" : "ALIGN-MLM"}: loss and gradients (tied decoder) match PyTorch${v.name}`] = async () => {
        const g = await getGpu();
        const dir = join(FIXTURES, `tiny-${arch}`);
        const ck = loadCheckpoint(dir);
        const cfg = ck.config;
        const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
        enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
        const R = cfg.vocab;
        const head = new MlmHead(g, cfg, R, readTensors(dir, mlmHeadShapes(cfg.arch, cfg.hidden, R).keys()));
        head.enableGrads();
        const pre = `${arch}.${obj}.`;
        let align: AlignTerm | undefined;
        if (obj === "align") {
          const lambda = Number(readHeader(join(FIXTURES, `${FAM}.safetensors`)).metadata.lambda);
          align = { dict: Int32Array.from(get(FAM, `${arch}.align.dict`).data), V: Math.floor(R / 2), lambda };
        }
        tiedDecoderLimits.chunkRows = v.chunkRows;
        try {
          const micro = v.split ? [batchFromFixture(cfg, arch, [0, 1]), batchFromFixture(cfg, arch, [2])] : [batchFromFixture(cfg, arch)];
          const l = await readPretrainLosses(recordPretrainStep(enc, head, micro, true, () => 5, align));
          const want = get(FAM, pre + "loss").data[0];
          if (!(Math.abs(l.total - want) <= LOSS_RTOL * Math.abs(want))) throw new Error(`${pre} loss ${l.total} vs torch ${want}`);
          if (align) {
            const term = get(FAM, `${arch}.align.term`).data[0];
            if (!(Math.abs(l.align - term) <= LOSS_RTOL * Math.abs(term))) throw new Error(`${pre} alignment term ${l.align} vs torch ${term}`);
          }
          let scale = 0;
          for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "grad.")) for (const x of t.data) scale = Math.max(scale, Math.abs(x));
          const byHf = new Map([...ck.sourceNames].map(([c, hf]) => [hf, c]));
          let checked = 0;
          for (const [n] of fixture(FAM)) {
            if (!n.startsWith(pre + "grad.")) continue;
            const hf = n.slice(pre.length + 5);
            const t = head.grads.get(hf) ?? enc.grads.get(byHf.get(hf)!);
            if (!t) throw new Error(`${pre}: no gradient buffer for ${hf}`);
            const w = get(FAM, n).data;
            let maxWant = 0;
            for (const x of w) maxWant = Math.max(maxWant, Math.abs(x));
            const e = maxRelErr(await t.read(), w) * (maxWant || 1) / Math.max(maxWant, 1e-4 * scale);
            if (!(e <= GRAD_RTOL)) throw new Error(`${pre}${v.name}: gradient of ${hf} rel err ${e.toExponential(2)} > ${GRAD_RTOL}`);
            checked++;
          }
          if (checked < 8) throw new Error(`${pre}: only ${checked} gradients checked`);
        } finally {
          tiedDecoderLimits.chunkRows = 0;
          for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
          head.dispose();
        }
      };
    }
  }
}
