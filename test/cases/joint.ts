// Realignment during fine-tuning against PyTorch (scripts/golden/joint.py, tiny-bert, dropout off): the joint
// loss task + 0.1 × realignment and the gradients of every encoder tensor, the task head and the realignment
// head as one fine-tuning step records them (recordJointStep: realignment scaled by 0.1, then the task), with
// --freeze none and with --freeze lower (the frozen blocks get the task's gradient alone); then one Adam step
// over encoder + task head + realignment head. Also: the finetune options refused before any work.
import { join } from "node:path";
import { getGpu } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { Tensor } from "../../src/gpu/tensor.ts";
import { Encoder, groupOf, positionIds } from "../../models/encoder.ts";
import { ClassificationHead } from "../../models/heads.ts";
import { buildSide } from "../../src/data/side_batch.ts";
import { readLoss, recordGradients } from "../../src/train/objectives/finetune.ts";
import { recordJointStep } from "../../src/train/objectives/joint.ts";
import { allGroups, frozenGroups } from "../../src/train/freeze.ts";
import { Adam } from "../../src/train/adam.ts";
import { finetuneCommand } from "../../cli/finetune.ts";
import { invoke } from "../../cli/options.ts";
import { type Cases, maxRelErr, rejectsLike } from "../lib/check.ts";
import { FIXTURES, fixture, get, PARALLEL_TINY, SHARED_DATA, TINY_BERT } from "../lib/fixtures.ts";

const FAM = "joint";
const GRAD_RTOL = 1e-3;

export const cases: Cases = {};

function realignSide(cfg: ReturnType<typeof loadCheckpoint>["config"], which: "left" | "right") {
  const ids = get(FAM, `realign.${which}.input_ids`);
  const mask = get(FAM, `realign.${which}.attention_mask`);
  const first = get(FAM, `realign.${which}.first`);
  const [B, T] = ids.shape;
  const W = first.shape[1];
  return buildSide(cfg, Array.from({ length: B }, (_, b) => {
    const n = mask.data.subarray(b * T, b * T + T).reduce((a, v) => a + v, 0);
    return { ids: Array.from(ids.data.subarray(b * T, b * T + n)), firstSubword: Array.from(first.data.subarray(b * W, b * W + W)).filter((f) => f >= 0) };
  }));
}

for (const freeze of ["none", "lower"]) {
  cases[`tiny-bert --freeze ${freeze}: gradients of task + 0.1 × realignment match PyTorch`] = async () => {
    const g = await getGpu();
    const meta = readHeader(join(FIXTURES, `${FAM}.safetensors`)).metadata;
    const ck = loadCheckpoint(join(FIXTURES, `tiny-${meta.arch}`));
    const cfg = ck.config;
    const layer = Number(meta.layer);
    const weight = Number(meta.weight);
    const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
    enc.setTrainable(allGroups(cfg.layers)); // fine-tuning trains everything
    const headW = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const n of ["classifier.weight", "classifier.bias"]) headW.set(n, get(FAM, `head.${n}`) as { shape: number[]; data: Float32Array });
    const head = ClassificationHead.forConfig(g, cfg, "token", 5, headW, 0);
    head.enableGrads();
    const h0 = get(FAM, "realignment_head.0.weight");
    const h2 = get(FAM, "realignment_head.2.weight");
    const rHead = { w0: Tensor.from(g, h0.data, h0.shape), w2: Tensor.from(g, h2.data, h2.shape) };
    const rGrads = { w0: Tensor.zeros(g, h0.shape), w2: Tensor.zeros(g, h2.shape) };
    const left = realignSide(cfg, "left");
    const right = realignSide(cfg, "right");
    const L = get(FAM, "realign.links");
    const links = [];
    for (let k = 0; k < L.shape[0]; k++) links.push({ l: left.wordIndex[L.data[3 * k]][L.data[3 * k + 1]], r: right.wordIndex[L.data[3 * k]][L.data[3 * k + 2]] });
    const ids = get(FAM, "task.input_ids");
    const [B, T] = ids.shape;
    const labels = Int32Array.from(get(FAM, "task.labels").data);
    const batch = { B, T, ids: Int32Array.from(ids.data), mask: Float32Array.from(get(FAM, "task.attention_mask").data), typeIds: new Int32Array(B * T), positions: positionIds(cfg, Int32Array.from(ids.data), B, T) };
    const micro = { batch, labels, n: labels.filter((l) => l !== -100).length };
    const frozen = frozenGroups(freeze, cfg.layers);
    const frozenGrads = [...enc.grads].filter(([n]) => frozen.has(groupOf(n))).map(([, t]) => t);

    const losses = recordJointStep({ encoder: enc, layer, head: rHead, headGrads: rGrads, tau: Number(meta.tau) }, { left, right, links }, 1, weight, frozenGrads,
      () => recordGradients(enc, head, [micro], true, () => 7));
    const realignLoss = (await losses[losses.length - 1].t.read())[0];
    const joint = await readLoss(losses);
    for (const [what, got, want] of [["realignment", realignLoss, "loss.realign"], ["joint", joint, "loss.joint"]] as const) {
      const w = get(FAM, want).data[0];
      if (!(Math.abs(got - w) <= 1e-4 * Math.abs(w))) throw new Error(`${what} loss ${got}, torch ${w}`);
    }
    let scale = 0;
    for (const [n, t] of fixture(FAM)) if (n.startsWith("none.grad.")) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
    const byHf = new Map([...ck.sourceNames].map(([c, hf]) => [hf, c]));
    const frozenNames = new Set(meta.frozen_lower.split(","));
    let checked = 0;
    for (const [n] of fixture(FAM)) {
      if (!n.startsWith("none.grad.")) continue;
      const name = n.slice("none.grad.".length);
      const t = head.grads.get(name) ?? (name === "realignment_head.0.weight" ? rGrads.w0 : name === "realignment_head.2.weight" ? rGrads.w2 : enc.grads.get(byHf.get(name)!));
      if (!t) throw new Error(`no gradient buffer for ${name}`);
      const want = (freeze === "lower" && frozenNames.has(name) ? get(FAM, `lower.grad.${name}`) : get(FAM, n)).data;
      let maxWant = 0;
      for (const v of want) maxWant = Math.max(maxWant, Math.abs(v));
      const e = maxRelErr(await t.read(), want) * (maxWant || 1) / Math.max(maxWant, 1e-4 * scale);
      if (!(e <= GRAD_RTOL)) throw new Error(`--freeze ${freeze}: gradient of ${name} rel err ${e.toExponential(2)} > ${GRAD_RTOL}`);
      checked++;
    }
    if (checked < 20) throw new Error(`only ${checked} gradients checked`);
    if (freeze === "lower" && frozenNames.size < 10) throw new Error("the fixture lists too few frozen tensors");

    if (freeze === "none") {
      // one Adam step over encoder + task head + realignment head, as finetune builds it
      const params = [
        ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
        ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
        { name: "realignment_head.0.weight", param: rHead.w0, grad: rGrads.w0 },
        { name: "realignment_head.2.weight", param: rHead.w2, grad: rGrads.w2 },
      ];
      const adam = new Adam([{ name: "all", enabled: true, params }], { lr: Number(meta.lr) });
      adam.step();
      let after = 0;
      for (const [n] of fixture(FAM)) {
        if (!n.startsWith("after.")) continue;
        const name = n.slice(6);
        const t = head.params.get(name) ?? (name === "realignment_head.0.weight" ? rHead.w0 : name === "realignment_head.2.weight" ? rHead.w2 : enc.params.get(byHf.get(name)!));
        if (!t) throw new Error(`no parameter ${name}`);
        const e = maxRelErr(await t.read(), get(FAM, n).data);
        if (!(e <= 1e-4)) throw new Error(`${name} after one Adam step rel err ${e.toExponential(2)}`);
        after++;
      }
      if (after < 6) throw new Error(`only ${after} parameters checked after the step`);
      adam.release();
    }
    for (const t of [rHead.w0, rHead.w2, rGrads.w0, rGrads.w2, ...enc.params.values(), ...enc.grads.values()]) t.release();
    head.dispose();
  };
}

cases["finetune: realignment options without --realign-during, or --realign-during without data, are refused"] = async () => {
  const train = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");
  const base = ["--task", "pos", "--model", TINY_BERT, "--train", train, "--limit", "10", "--quiet", "--out", join(FIXTURES, "never-written")];
  await rejectsLike("--pairs alone", () => invoke(finetuneCommand, [...base, "--pairs", PARALLEL_TINY]), /^--pairs applies only with --realign-during: add --realign-during, or drop --pairs$/);
  await rejectsLike("--freeze alone", () => invoke(finetuneCommand, [...base, "--freeze", "lower"]), /^--freeze applies only with --realign-during/);
  await rejectsLike("no data", () => invoke(finetuneCommand, [...base, "--realign-during"]), /^--realign-during needs parallel data/);
  await rejectsLike("bad --freeze", () => invoke(finetuneCommand, [...base, "--realign-during", "--pairs", PARALLEL_TINY, "--aligner", "fastalign", "--freeze", "9"]), /--freeze '9': the model has blocks 0-3/);
};
