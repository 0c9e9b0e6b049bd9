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
import { tiedDecoderBackward, tiedDecoderForward, tiedDecoderLimits } from "../../models/tied_decoder.ts";
import { type AlignTerm, type PretrainBatch, readPretrainLosses, recordPretrainStep } from "../../src/pretrain/step.ts";
import { readTensors } from "../../src/pretrain/weights.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { type Cases, maxRelErr, randn } from "../lib/check.ts";
import { Tensor } from "../../src/gpu/tensor.ts";
import { Adam } from "../../src/train/adam.ts";
import { decays, dictionaryIds } from "../../src/train/objectives/pretrain.ts";
import { dictMlmMask } from "../../src/pretrain/collate.ts";
import { blocks, packed, tlmRows, withoutLongLines } from "../../src/pretrain/data.ts";
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

// XLM / DICT-MLM batches: packed rows with padding, explicit positions (restarting in a TLM row's halves)
// and language embeddings, a DICT-MLM substitution (translation shown, language flipped, original label).
for (const arch of ["bert", "xlmr"]) {
  cases[`${arch} XLM / DICT-MLM batch with language embeddings: loss and gradients match PyTorch`] = async () => {
    const g = await getGpu();
    const dir = join(FIXTURES, `tiny-${arch}`);
    const ck = loadCheckpoint(dir);
    const cfg = ck.config;
    const pre = `${arch}.lang.`;
    const langTable = get(FAM, pre + "lang_table");
    const tensors = new Map(ck.tensors);
    tensors.set("embeddings.lang", { shape: langTable.shape, data: langTable.data as Float32Array });
    const enc = new Encoder(g, cfg, tensors, { dropout: 0 });
    enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
    const head = new MlmHead(g, cfg, cfg.vocab, readTensors(dir, mlmHeadShapes(cfg.arch, cfg.hidden, cfg.vocab).keys()));
    head.enableGrads();
    try {
      const i32 = (n: string) => Int32Array.from(get(FAM, pre + n).data);
      const [B, T] = get(FAM, pre + "input_ids").shape;
      const batch = { B, T, ids: i32("input_ids"), mask: Float32Array.from(get(FAM, pre + "attention_mask").data), typeIds: new Int32Array(B * T), positions: i32("position_ids"), langIds: i32("lang_ids") };
      const l = await readPretrainLosses(recordPretrainStep(enc, head, [{ batch, labels: i32("labels") }], true, () => 5));
      const want = get(FAM, pre + "loss").data[0];
      if (!(Math.abs(l.total - want) <= LOSS_RTOL * Math.abs(want))) throw new Error(`${pre} loss ${l.total} vs torch ${want}`);
      let scale = 0;
      for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "grad.")) for (const x of t.data) scale = Math.max(scale, Math.abs(x));
      const byHf = new Map([...ck.sourceNames].map(([c, hf]) => [hf, c]));
      byHf.set("embeddings.lang", "embeddings.lang");
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
        if (!(e <= GRAD_RTOL)) throw new Error(`${pre}: gradient of ${hf} rel err ${e.toExponential(2)} > ${GRAD_RTOL}`);
        checked++;
      }
      if (checked < 9) throw new Error(`${pre}: only ${checked} gradients checked`);
    } finally {
      for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
      head.dispose();
    }
  };
}

const eq = (what: string, got: unknown, want: unknown) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
};

cases["AdamW parameter groups: decoupled weight decay on the decay group only (biases and LayerNorm exempt)"] = async () => {
  eq("decay names", ["embeddings.word", "layer.0.attn.q.weight", "layer.0.attn.q.bias", "layer.1.ffn_ln.weight", "embeddings.ln.weight",
    "head.lm_head.layer_norm.weight", "head.cls.predictions.transform.LayerNorm.weight", "head.vocab_layer_norm.weight", "head.lm_head.bias",
    "head.lm_head.dense.weight"].map(decays), [true, true, false, false, false, false, false, false, false, true]);
  const g = await getGpu();
  const w0 = [0.5, -1.0, 2.0];
  const gr = [0.1, 0.2, -0.3];
  const mk = (n: string) => ({ name: n, param: Tensor.from(g, w0, [3], "f32", n), grad: Tensor.from(g, gr, [3], "f32", `g.${n}`) });
  const a = mk("w");
  const b = mk("b");
  const lr = 0.01;
  const wd = 0.1;
  const adam = new Adam([{ name: "decay", enabled: true, params: [a], weightDecay: wd }, { name: "no_decay", enabled: true, params: [b], weightDecay: 0 }], { lr, decoupled: true });
  adam.step();
  // torch.optim.AdamW step 1: p ← p·(1 − lr·wd) − lr·m̂/(√v̂ + ε) with m̂ = g, v̂ = g²
  const step1 = (p: number, gg: number, decay: number) => p * (1 - lr * decay) - (lr * gg) / (Math.abs(gg) + 1e-8);
  const got = [...(await a.param.read())];
  const gotB = [...(await b.param.read())];
  w0.forEach((p, i) => {
    if (Math.abs(got[i] - step1(p, gr[i], wd)) > 1e-6) throw new Error(`decay group [${i}]: ${got[i]} vs ${step1(p, gr[i], wd)}`);
    if (Math.abs(gotB[i] - step1(p, gr[i], 0)) > 1e-6) throw new Error(`no_decay group [${i}]: ${gotB[i]} vs ${step1(p, gr[i], 0)}`);
  });
  adam.release();
  for (const t of [a.param, a.grad, b.param, b.grad]) t.release();
};

cases["dictionary: ⌊rate·V⌋ ids of a seeded shuffle minus the shared specials; reproducible"] = () => {
  const d = dictionaryIds(1000, 0.5, 42, new Set([0, 1, 2]));
  const again = dictionaryIds(1000, 0.5, 42, new Set([0, 1, 2]));
  eq("same seed, same dictionary", [...d], [...again]);
  if (d.length > 500 || d.length < 497) throw new Error(`${d.length} ids, want 500 minus the specials drawn`);
  if (d.some((i) => i < 3 || i >= 1000) || new Set(d).size !== d.length) throw new Error("ids outside [3, V) or repeated");
  if ([...dictionaryIds(1000, 0.5, 43, new Set([0, 1, 2]))].join() === [...d].join()) throw new Error("another seed gave the same dictionary");
};

cases["DICT-MLM masking: the original is the label; half the selected dictionary words show their translation with the language flipped"] = () => {
  const V = 100;
  const n = 20000;
  const ids = Int32Array.from({ length: n }, (_, i) => (i % 2 ? 10 + (i % 7) : V + 50 + (i % 5))); // originals 10..16 and derived 150..154
  const langs = Int32Array.from({ length: n }, (_, i) => (i % 2 ? 2 : 3));
  const dict = new Set([10, 11, 12, 13, 14, 15, 16, 50, 51, 52, 53, 54]);
  const m = dictMlmMask(ids, langs, { seed: 7, step: 3, maskId: 4, V, specialIds: new Set([0, 1, 2]), dictMlm: dict });
  let sel = 0, shown = 0, masked = 0;
  for (let i = 0; i < n; i++) {
    if (m.labels[i] === -100) {
      if (m.inputs[i] !== ids[i] || m.langIds[i] !== langs[i]) throw new Error(`unselected position ${i} changed`);
      continue;
    }
    sel++;
    if (m.labels[i] !== ids[i]) throw new Error(`label at ${i} is ${m.labels[i]}, not the original ${ids[i]}`);
    if (m.inputs[i] === (ids[i] < V ? ids[i] + V : ids[i] - V)) {
      shown++;
      if (m.langIds[i] !== (langs[i] === 2 ? 3 : 2)) throw new Error(`translated position ${i} kept language ${m.langIds[i]}`);
    } else if (m.inputs[i] === 4) masked++;
  }
  const p = sel / n;
  if (Math.abs(p - 0.15) > 0.01) throw new Error(`selected ${p}`);
  if (Math.abs(shown / sel - 0.5) > 0.03) throw new Error(`translation shown at ${shown / sel} of the selected`);
  if (Math.abs(masked / sel - 0.4) > 0.03) throw new Error(`<mask> at ${masked / sel} of the selected`);
  // a word outside the dictionary is never translated
  const out = dictMlmMask(Int32Array.from({ length: 2000 }, () => 20), new Int32Array(2000).fill(2), { seed: 1, step: 1, maskId: 4, V, specialIds: new Set(), dictMlm: dict });
  if (out.inputs.some((x) => x === 120)) throw new Error("a non-dictionary word was translated");
};

cases["sequences: blocks cut concatenated lines (remainder dropped); packing and TLM rows with positions restarting per half"] = () => {
  eq("blocks", blocks([[0, 5, 6, 2], [0, 7, 2], [0, 8, 9, 2]], 4).map((r) => r.ids), [[0, 5, 6, 2], [0, 7, 2, 0]]);
  const p = packed([[0, 5, 2], [0, 6, 7, 2], [0, 8, 2]], 7, 2, 1, 2, "f");
  eq("packed ids", p.map((r) => r.ids), [[0, 5, 2, 0, 6, 7, 2], [0, 8, 2, 1, 1, 1, 1]]);
  eq("packed positions", p[1].positions, [2, 3, 4, 1, 1, 1, 1]);
  eq("packed languages", p[1].langIds, [2, 2, 2, 1, 1, 1, 1]);
  let threw = "";
  try {
    packed([[0, 5, 6, 7, 8, 9, 10, 2]], 7, 2, 1, 2, "corpus.txt");
  } catch (e) {
    threw = (e as Error).message;
  }
  if (!threw.includes("corpus.txt: line 1 has 8 tokens")) throw new Error(`a too-long line gave '${threw}'`);
  // the study leaves such lines out instead (as the authors' scripts), counting them
  const w = withoutLongLines([[0, 5, 2], [0, 5, 6, 7, 8, 9, 10, 2], [0, 6, 7, 8, 9, 10, 2]], 7);
  eq("lines that fit", w.lines, [[0, 5, 2], [0, 6, 7, 8, 9, 10, 2]]);
  eq("lines left out", w.dropped, 1);
  const t = tlmRows([[0, 5, 2], [0, 6, 2]], [[0, 105, 2], [0, 106, 2]], 12, 1, 1, 1, 2);
  eq("TLM ids", t.map((r) => r.ids), [[0, 5, 2, 0, 6, 2, 0, 105, 2, 0, 106, 2]]);
  eq("TLM positions", t[0].positions, [2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7]);
  eq("TLM languages", t[0].langIds, [2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3]);
};

cases["tied decoder in vocabulary chunks (logits bound in 64-row ranges) equals the whole-table product"] = async () => {
  const g = await getGpu();
  const M = 150, R = 230, H = 24;
  const y = Tensor.from(g, randn(M * H, 1), [M, H], "f32", "y");
  const E = Tensor.from(g, randn(R * H, 2), [R, H], "f32", "E");
  const bias = Tensor.from(g, randn(R, 3, 0.1), [R], "f32", "bias");
  const dl = Tensor.from(g, randn(M * R, 4), [M, R], "f32", "dl");
  const run = async () => {
    const dE = Tensor.from(g, randn(R * H, 5), [R, H], "f32", "dE"); // accumulates onto what is there
    const db = Tensor.zeros(g, [R], "f32", "db");
    const logits = tiedDecoderForward(y, E, bias);
    const dy = tiedDecoderBackward(y, E, dl, dE, db);
    const out = [await logits.read(), await dy.read(), await dE.read(), await db.read()];
    for (const t of [dE, db, logits, dy]) t.release();
    return out;
  };
  const whole = await run();
  tiedDecoderLimits.chunkRows = 64;
  tiedDecoderLimits.logitRows = 64;
  let chunked: Float32Array[];
  try {
    chunked = await run();
  } finally {
    tiedDecoderLimits.chunkRows = 0;
    tiedDecoderLimits.logitRows = 0;
  }
  ["logits", "dy", "dE", "dbias"].forEach((n, i) => {
    const e = maxRelErr(chunked[i], whole[i]);
    if (!(e <= 1e-5)) throw new Error(`${n}: chunked vs whole rel err ${e.toExponential(2)}`);
  });
  for (const t of [y, E, bias, dl]) t.release();
};
