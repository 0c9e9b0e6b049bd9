// Classification heads + one fine-tuning step against PyTorch (scripts/golden/finetune.py), for BERT,
// XLM-R and DistilBERT, token and sequence heads, dropout off: loss (rel ≤ 1e-4), gradients of the head and
// of a subset of encoder tensors (rel ≤ 1e-3 against max(max|want|, 1e-4·largest gradient), as model.ts), the
// parameters after one Adam step with the linear schedule (rel ≤ 1e-4), gradient accumulation over two
// micro-batches equal to the full batch (same tolerance), the schedule factors vs torch LambdaLR (1e-6); then
// an end-to-end `xlt finetune` + `xlt evaluate --predictions` on 40 EWT sentences with tiny-bert.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getGpu } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { Encoder, positionIds } from "../../models/encoder.ts";
import { ClassificationHead, type HeadKind } from "../../models/heads.ts";
import { accumulateGradients, linearScheduleFactor } from "../../src/train/objectives/finetune.ts";
import type { MicroBatch } from "../../src/tasks/batch.ts";
import { Adam } from "../../src/train/adam.ts";
import { readTokenTask } from "../../src/tasks/data.ts";
import { LABELS } from "../../src/tasks/labels.ts";
import { finetuneCommand } from "../../cli/finetune.ts";
import { evaluateCommand } from "../../cli/evaluate.ts";
import { invoke } from "../../cli/options.ts";
import { parseTestSpec } from "../../src/eval/evaluate.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
import { FIXTURES, fixture, get, SHARED_DATA } from "../lib/fixtures.ts";

const FAM = "finetune";
const LOSS_RTOL = 1e-4;
const GRAD_RTOL = 1e-3;
const PARAM_RTOL = 1e-4;
const EWT = join(SHARED_DATA, "ud/UD_English-EWT");

export const cases: Cases = {};

function microFromFixture(cfg: ReturnType<typeof loadCheckpoint>["config"], pre: string, kind: HeadKind, rows?: number[]): MicroBatch {
  const idsF = get(FAM, pre + "input_ids");
  const maskF = get(FAM, pre + "attention_mask");
  const labF = get(FAM, pre + "labels");
  const [B0, T0] = idsF.shape;
  const sel = rows ?? [...Array(B0).keys()];
  // a sub-batch is trimmed to its own longest sentence, like the trainer's micro-batches
  const T = Math.max(...sel.map((b) => maskF.data.subarray(b * T0, b * T0 + T0).reduce((a, v) => a + v, 0)));
  const B = sel.length;
  const ids = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  const labels = new Int32Array(kind === "token" ? B * T : B);
  sel.forEach((src, b) => {
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = idsF.data[src * T0 + t];
      mask[b * T + t] = maskF.data[src * T0 + t];
      if (kind === "token") labels[b * T + t] = labF.data[src * T0 + t];
    }
    if (kind === "sequence") labels[b] = labF.data[src];
  });
  let n = 0;
  for (const l of labels) if (l !== -100) n++;
  return { batch: { B, T, ids, mask, typeIds: new Int32Array(B * T), positions: positionIds(cfg, ids, B, T) }, labels, n };
}

for (const arch of ["bert", "xlmr", "distilbert"]) {
  for (const kind of ["token", "sequence"] as HeadKind[]) {
    cases[`${arch} ${kind} head: loss, gradients and one Adam step match PyTorch`] = async () => {
      const g = await getGpu();
      const pre = `${arch}.${kind}.`;
      const ck = loadCheckpoint(join(FIXTURES, `tiny-${arch}`));
      const cfg = ck.config;
      const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
      enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
      const headW = new Map<string, { shape: number[]; data: Float32Array }>();
      for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "head.")) headW.set(n.slice(pre.length + 5), { shape: t.shape, data: t.data as Float32Array });
      const C = kind === "token" ? 5 : 3;
      const head = ClassificationHead.forConfig(g, cfg, kind, C, headW, 0);
      head.enableGrads();
      const scaleOf = () => {
        let s = 0;
        for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "grad.")) for (const v of t.data) s = Math.max(s, Math.abs(v));
        return s;
      };
      const scale = scaleOf();
      const byHf = new Map([...ck.sourceNames].map(([c, hf]) => [hf, c]));
      const checkGrads = async (what: string) => {
        let checked = 0;
        for (const [n] of fixture(FAM)) {
          if (!n.startsWith(pre + "grad.")) continue;
          const hf = n.slice(pre.length + 5);
          const t = head.grads.get(hf) ?? enc.grads.get(byHf.get(hf)!);
          if (!t) throw new Error(`${pre}: no gradient buffer for ${hf}`);
          const want = get(FAM, n).data;
          const got = await t.read();
          let maxWant = 0;
          for (const v of want) maxWant = Math.max(maxWant, Math.abs(v));
          const e = maxRelErr(got, want) * (maxWant || 1) / Math.max(maxWant, 1e-4 * scale);
          if (!(e <= GRAD_RTOL)) throw new Error(`${pre} ${what}: gradient of ${hf} rel err ${e.toExponential(2)} > ${GRAD_RTOL}`);
          checked++;
        }
        if (checked < 5) throw new Error(`${pre}: only ${checked} gradients checked`);
      };
      const lossWant = get(FAM, pre + "loss").data[0];
      // (1) one micro-batch
      const loss = await accumulateGradients(enc, head, [microFromFixture(cfg, pre, kind)], true, () => 7);
      if (!(Math.abs(loss - lossWant) <= LOSS_RTOL * Math.abs(lossWant))) throw new Error(`${pre} loss ${loss} vs torch ${lossWant}`);
      await checkGrads("one batch");
      // (2) the same batch as two micro-batches (n_i/N weighting): same loss and gradients
      if (arch !== "distilbert") {
        for (const t of [...enc.grads.values(), ...head.grads.values()]) t.zero();
        const loss2 = await accumulateGradients(enc, head, [microFromFixture(cfg, pre, kind, [0, 1]), microFromFixture(cfg, pre, kind, [2])], true, () => 7);
        if (!(Math.abs(loss2 - lossWant) <= LOSS_RTOL * Math.abs(lossWant))) throw new Error(`${pre} accumulated loss ${loss2} vs torch ${lossWant}`);
        await checkGrads("two micro-batches");
      }
      // (3) one Adam step with the schedule's step-1 rate
      const meta = readHeader(join(FIXTURES, `${FAM}.safetensors`)).metadata;
      const params = [
        ...[...enc.grads.entries()].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
        ...[...head.grads.entries()].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
      ];
      const lr = Number(meta.lr);
      const adam = new Adam([{ name: "all", enabled: true, params }], { lr });
      adam.step(lr * linearScheduleFactor(1, Number(meta.total)));
      let checked = 0;
      for (const [n] of fixture(FAM)) {
        if (!n.startsWith(pre + "after.")) continue;
        const hf = n.slice(pre.length + 6);
        const t = head.params.get(hf) ?? enc.params.get(byHf.get(hf)!);
        if (!t) throw new Error(`${pre}: no parameter ${hf}`);
        const e = maxRelErr(await t.read(), get(FAM, n).data);
        if (!(e <= PARAM_RTOL)) throw new Error(`${pre}: ${hf} after one Adam step rel err ${e.toExponential(2)} > ${PARAM_RTOL}`);
        checked++;
      }
      if (checked < 3) throw new Error(`${pre}: only ${checked} parameters checked after the step`);
      adam.release();
      for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
      head.dispose();
    };
  }
}

cases["linear schedule with 10% warmup equals torch LambdaLR + get_linear_schedule_with_warmup"] = async () => {
  const want = get(FAM, "schedule.factors").data;
  const total = want.length;
  for (let k = 1; k <= total; k++) {
    const got = linearScheduleFactor(k, total);
    if (Math.abs(got - want[k - 1]) > 1e-6) throw new Error(`step ${k}: factor ${got}, torch ${want[k - 1]}`);
  }
};

/** The first n sentences of a CoNLL-U file. */
function headConllu(path: string, n: number): string {
  const blocks = readFileSync(path, "utf8").split(/\n\n/);
  return blocks.slice(0, n).join("\n\n") + "\n\n";
}

cases["end to end: xlt finetune (tiny-bert, 40 EWT sentences) then xlt evaluate with predictions"] = async () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-ft-"));
  try {
    const out = join(dir, "model");
    const test = join(dir, "en_test.conllu");
    writeFileSync(test, headConllu(join(EWT, "en_ewt-ud-test.conllu"), 25));
    const log = join(dir, "log.jsonl");
    await invoke(finetuneCommand, [
      "--task", "pos", "--train", join(EWT, "en_ewt-ud-train.conllu"), "--dev", test, "--model", join(FIXTURES, "tiny-bert"), "--out", out, "--epochs", "1",
      "--lr", "1e-3", "--batch-size", "16", "--micro-batch", "8", "--max-length", "48", "--seed", "3", "--limit", "40", "--log", log, "--checkpoint-every", "0", "--quiet",
    ]);
    for (const f of ["model.safetensors", "config.json", "tokenizer.json", "run.json"]) if (!existsSync(join(out, f))) throw new Error(`finetune wrote no ${f}`);
    const cfg = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    if (cfg.architectures[0] !== "BertForTokenClassification" || cfg.id2label["0"] !== LABELS.pos[0] || cfg.finetuning_task !== "pos") throw new Error(`bad config.json ${JSON.stringify(cfg).slice(0, 200)}`);
    const names = [...readHeader(join(out, "model.safetensors")).tensors.keys()];
    for (const n of ["classifier.weight", "classifier.bias", "bert.encoder.layer.0.attention.self.query.weight"]) if (!names.includes(n)) throw new Error(`model.safetensors lacks ${n}`);
    if (names.some((n) => n.startsWith("cls."))) throw new Error("the MLM head was kept");
    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    if (run.examples < 40 || run.steps !== Math.ceil(run.examples / 16) || !(run.final_loss > 0) || run.dev_scores.length !== 1) throw new Error(`bad run.json ${JSON.stringify(run)}`);
    const logLines = readFileSync(log, "utf8").trim().split("\n");
    if (logLines.length !== run.steps + 1) throw new Error(`log has ${logLines.length} lines, want ${run.steps} steps + 1 dev`);

    const preds = join(dir, "pred");
    const json = join(dir, "scores.json");
    await invoke(evaluateCommand, ["--model", out, "--test", `en=${test}`, "--predictions", preds, "--json", json]);
    const scores = JSON.parse(readFileSync(json, "utf8"));
    const reported = scores.perLang.en.value;
    if (Math.abs(reported - run.dev_scores[0].value) > 1e-12) throw new Error(`evaluate ${reported} vs finetune's dev score ${run.dev_scores[0].value}`);
    // recompute from the predictions file against the gold file
    const predFile = join(preds, "en.conllu");
    const gold = readTokenTask("pos", test).examples;
    const pred = readTokenTask("pos", predFile).examples;
    let n = 0, ok = 0;
    gold.forEach((ex, s) => ex.labels.forEach((l, w) => {
      n++;
      if (pred[s].labels[w] === l) ok++;
    }));
    if (n !== scores.perLang.en.n || Math.abs(ok / n - reported) > 1e-12) throw new Error(`recomputed accuracy ${ok}/${n} vs reported ${reported} (n ${scores.perLang.en.n})`);
    // valid CoNLL-U: same lines as the gold, only UPOS (column 4) may differ, and it is a known tag
    const gl = readFileSync(test, "utf8").split("\n");
    const pl = readFileSync(predFile, "utf8").split("\n");
    if (gl.length !== pl.length) throw new Error(`predictions have ${pl.length} lines, gold ${gl.length}`);
    gl.forEach((line, i) => {
      if (line === "" || line.startsWith("#")) {
        if (pl[i] !== line) throw new Error(`line ${i + 1} changed`);
        return;
      }
      const a = line.split("\t"), b = pl[i].split("\t");
      if (b.length !== 10) throw new Error(`line ${i + 1}: ${b.length} columns`);
      if (!LABELS.pos.includes(b[3])) throw new Error(`line ${i + 1}: UPOS ${b[3]}`);
      for (let c = 0; c < 10; c++) if (c !== 3 && a[c] !== b[c]) throw new Error(`line ${i + 1} column ${c + 1} changed`);
    });
    // errors: a missing language file names the language; a file name without a language asks for LANG=
    let msg = "";
    try {
      await invoke(evaluateCommand, ["--model", out, "--test", `de=${join(dir, "nope.conllu")}`]);
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!/'de'/.test(msg) || msg.includes("\n")) throw new Error(`missing-file error: ${msg}`);
    if (parseTestSpec("/x/en_ewt-ud-test.conllu").lang !== "en" || parseTestSpec("data/test-de.tsv").lang !== "de") throw new Error("language from file name");
    msg = "";
    try {
      parseTestSpec("/x/mydata.conllu");
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!msg.includes("LANG=")) throw new Error(`no-language error: ${msg}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
