// QA (SQuAD v1.1 / XQuAD): the span head and its loss against PyTorch (scripts/golden/qa.py; loss rel ≤ 1e-4,
// gradients rel ≤ 1e-3 against max(max|want|, 1e-4·largest gradient), as finetune.ts), for BERT, XLM-R
// and DistilBERT, in one micro-batch and split in two; the windows of HF's run_qa (stride, an answer
// across a window boundary, labels at [CLS] when the answer is not inside); answer character offsets to
// words; n-best extraction; the official v1.1 normalisation on hand-derived values. (EM/F1 against the
// official scorer's logic in Python: test/qa_cli.test.ts.)
import { join } from "node:path";
import { getGpu } from "../../src/index.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { Encoder, positionIds } from "../../models/encoder.ts";
import { ClassificationHead } from "../../models/heads.ts";
import { accumulateGradients } from "../../src/train/objectives/finetune.ts";
import type { MicroBatch } from "../../src/tasks/batch.ts";
import { makeBatch } from "../../src/tasks/batch.ts";
import type { WordTokenizer } from "../../src/io/tokenize.ts";
import { answerWords, bestAnswer, exactMatch, f1Score, normalizeAnswer, qaWindows, splitContext } from "../../src/tasks/squad.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
import { FIXTURES, fixture, get } from "../lib/fixtures.ts";

export const cases: Cases = {};
const FAM = "qa";

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 400)}, expected ${w.slice(0, 400)}`);
}

// ------------------------------------------------------------------------------ span head vs PyTorch
function micro(cfg: ReturnType<typeof loadCheckpoint>["config"], pre: string, rows: number[]): MicroBatch {
  const idsF = get(FAM, pre + "input_ids");
  const maskF = get(FAM, pre + "attention_mask");
  const [, T0] = idsF.shape;
  // every sub-batch keeps the full padded length: HF's span softmax includes padding positions
  const T = T0;
  const B = rows.length;
  const ids = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  const labels = new Int32Array(2 * B);
  rows.forEach((src, b) => {
    for (let t = 0; t < T; t++) {
      ids[b * T + t] = idsF.data[src * T0 + t];
      mask[b * T + t] = maskF.data[src * T0 + t];
    }
    labels[b] = get(FAM, pre + "start").data[src];
    labels[B + b] = get(FAM, pre + "end").data[src];
  });
  return { batch: { B, T, ids, mask, typeIds: new Int32Array(B * T), positions: positionIds(cfg, ids, B, T) }, labels, n: 2 * B };
}

for (const arch of ["bert", "xlmr", "distilbert"]) {
  cases[`${arch} span head (qa_outputs): loss (start + end CE)/2 and gradients match PyTorch`] = async () => {
    const g = await getGpu();
    const pre = `${arch}.`;
    const ck = loadCheckpoint(join(FIXTURES, `tiny-${arch}`));
    const cfg = ck.config;
    const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
    enc.setTrainable(["embeddings", ...Array.from({ length: cfg.layers }, (_, i) => `layer.${i}`)]);
    const headW = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "head.")) headW.set(n.slice(pre.length + 5), { shape: t.shape, data: t.data as Float32Array });
    const head = ClassificationHead.forConfig(g, cfg, "span", 2, headW, 0);
    head.enableGrads();
    let scale = 0;
    for (const [n, t] of fixture(FAM)) if (n.startsWith(pre + "grad.")) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
    const byHf = new Map([...ck.sourceNames].map(([c, hf]) => [hf, c]));
    const lossWant = get(FAM, pre + "loss").data[0];
    const check = async (what: string, loss: number) => {
      if (!(Math.abs(loss - lossWant) <= 1e-4 * Math.abs(lossWant))) throw new Error(`${pre} ${what}: loss ${loss} vs torch ${lossWant}`);
      let checked = 0;
      for (const [n] of fixture(FAM)) {
        if (!n.startsWith(pre + "grad.")) continue;
        const hf = n.slice(pre.length + 5);
        const t = head.grads.get(hf) ?? enc.grads.get(byHf.get(hf)!);
        if (!t) throw new Error(`${pre}: no gradient buffer for ${hf}`);
        const want = get(FAM, n).data;
        let maxWant = 0;
        for (const v of want) maxWant = Math.max(maxWant, Math.abs(v));
        const e = maxRelErr(await t.read(), want) * (maxWant || 1) / Math.max(maxWant, 1e-4 * scale);
        if (!(e <= 1e-3)) throw new Error(`${pre} ${what}: gradient of ${hf} rel err ${e.toExponential(2)} > 1e-3`);
        checked++;
      }
      if (checked < 5) throw new Error(`${pre}: only ${checked} gradients checked`);
    };
    await check("one micro-batch", await accumulateGradients(enc, head, [micro(cfg, pre, [0, 1, 2])], true, () => 7));
    for (const t of [...enc.grads.values(), ...head.grads.values()]) t.zero();
    await check("two micro-batches", await accumulateGradients(enc, head, [micro(cfg, pre, [0, 1]), micro(cfg, pre, [2])], true, () => 7));
    for (const t of [...enc.params.values(), ...enc.grads.values()]) t.release();
    head.dispose();
  };
}

cases["makeBatch puts a span item's start and end labels as B starts then B ends"] = async () => {
  const cfg = loadCheckpoint(join(FIXTURES, "tiny-bert")).config;
  const m = makeBatch(cfg, [{ ids: [1, 5, 2], labels: [1, 1] }, { ids: [1, 5, 6, 2], labels: [0, 0] }], "span");
  eq("labels", [...m.labels], [1, 0, 1, 0]);
  eq("n", m.n, 4);
};

// ------------------------------------------------------------------------------------------ windows
// A tokenizer whose subwords are a word's characters (id = 100 + char code), [CLS] = 1, [SEP] = 2.
const charTok: WordTokenizer = {
  model: "wordpiece",
  vocabSize: 1000,
  prefix: [1],
  suffix: [2],
  prefixTypes: [0],
  suffixTypes: [0],
  padId: 0,
  unkId: 3,
  metaspaceId: -1,
  tokenToId: () => undefined,
  idToToken: (id) => (id === 1 ? "[CLS]" : id === 2 ? "[SEP]" : undefined),
  encodeWord: (w) => Array.from(w).map((c) => 100 + (c.codePointAt(0)! % 800)),
};

cases["windows: question first, context windows of max length with `stride` shared tokens, the last reaching the end"] = async () => {
  // 10 words of 2 characters = 20 context tokens; question "q?" = 2 tokens; max length 12 → room 12 − 4 − 1 = 7
  const words = Array.from({ length: 10 }, (_, i) => String.fromCharCode(97 + i).repeat(2));
  const ws = qaWindows("q?", words, null, charTok, 12, 3);
  // starts 0, 4, 8, 12, 16 (room 7, stride 3 → step 4); the last covers 16..20
  eq("window count", ws.length, 5);
  for (const w of ws) {
    eq("head", w.ids.slice(0, 4), [1, 100 + 113, 100 + 63, 2]);
    eq("tail", w.ids[w.ids.length - 1], 2);
    if (w.ids.length > 12) throw new Error(`window longer than max length: ${w.ids.length}`);
    eq("types", w.tokenTypes, w.ids.map((_, i) => (i < 4 ? 0 : 1)));
  }
  const covered = ws.map((w) => w.wordOf.filter((x) => x >= 0));
  eq("window 0 words", covered[0], [0, 0, 1, 1, 2, 2, 3]);
  eq("window 1 words", covered[1], [2, 2, 3, 3, 4, 4, 5]); // 3 tokens shared with window 0
  eq("last window words", covered[4], [8, 8, 9, 9]);
  eq("first/last subword flags", [ws[0].first.slice(4, 11), ws[0].last.slice(4, 11)], [[true, false, true, false, true, false, true], [false, true, false, true, false, true, false]]);
  // a stride at least the window's context is capped at half of it (short windows), never looping forever
  eq("capped stride", qaWindows("q?", words, null, charTok, 12, 128).map((w) => w.wordOf.filter((x) => x >= 0)), covered);
};

cases["windows: an answer across a window boundary is labelled only in the window that holds all of it, others point at [CLS]"] = async () => {
  const words = Array.from({ length: 10 }, (_, i) => String.fromCharCode(97 + i).repeat(2));
  // answer = words 3..4 = context tokens 6..9: window 0 holds 0..6 (cut), window 1 holds 4..10 (whole)
  const ws = qaWindows("q?", words, [3, 4], charTok, 12, 3);
  eq("window 0 (answer cut by its end)", ws[0].labels, [0, 0]);
  eq("window 1", ws[1].labels, [4 + 6 - 4, 4 + 9 - 4]);
  eq("window 1 span words", [ws[1].wordOf[ws[1].labels[0]], ws[1].wordOf[ws[1].labels[1]]], [3, 4]);
  eq("window 2 (answer before it)", ws[2].labels, [0, 0]);
  eq("no answer", qaWindows("q?", words, null, charTok, 12, 3).map((w) => w.labels), ws.map(() => [0, 0]));
};

cases["answer offsets (code points, as Python) map to white-space words"] = async () => {
  const text = "Le 😀 chat  noir\tdort.";
  const ctx = splitContext(text);
  eq("words", ctx.words, ["Le", "😀", "chat", "noir", "dort."]);
  eq("starts", ctx.start, [0, 3, 5, 11, 16]);
  // "chat noir" starts at code point 5 (UTF-16 index 6)
  eq("chat noir", answerWords(ctx, 5, Array.from("chat  noir").length), [2, 3]);
  eq("inside a word", answerWords(ctx, 13, 1), [3, 3]);
  eq("starting on white space", answerWords(ctx, 4, 5), [2, 2]);
  eq("dort (without its period)", answerWords(ctx, 16, 4), [4, 4]);
};

cases["n-best extraction: best start + end logit over windows, answers inside the context, ≤ 30 tokens, whole words"] = async () => {
  const text = "alpha beta gamma delta";
  const ctx = splitContext(text);
  const ws = qaWindows("q", ctx.words, null, charTok, 14, 1); // question 1 token: head 3, room 10; windows at 0 and 9
  const logits = ws.map((w) => {
    const l = new Float32Array(2 * w.ids.length).fill(-10);
    l[0] = 50; // [CLS] start/end: never an answer (not context)
    l[1] = 50;
    return l;
  });
  // in window 1: start at the first subword of "gamma", end at the last of "delta"
  const w1 = ws[1];
  const s = w1.wordOf.findIndex((x, i) => x === 2 && w1.first[i]);
  const e = w1.wordOf.findIndex((x, i) => x === 3 && w1.last[i]);
  logits[1][2 * s] = 5;
  logits[1][2 * e + 1] = 5;
  // a higher-scoring pair that starts inside a word (not a first subword) is skipped
  logits[1][2 * (s + 1)] = 9;
  eq("answer", bestAnswer(ws, logits, ctx), "gamma delta");
  // longer than 30 tokens: not an answer
  const long = splitContext(Array.from({ length: 40 }, () => "x").join(" "));
  const lw = qaWindows("q", long.words, null, charTok, 64, 8);
  const ll = lw.map((w) => new Float32Array(2 * w.ids.length).fill(-10));
  ll[0][2 * 3] = 5; // start at the first context token
  ll[0][2 * 40 + 1] = 5; // end 38 tokens later
  ll[0][2 * 10 + 1] = 1; // end 8 tokens later: the best allowed
  eq("max answer length", bestAnswer(lw, ll, long), Array.from({ length: 8 }, () => "x").join(" "));
};

cases["SQuAD v1.1 normalisation, exact match and F1 on hand-derived values"] = async () => {
  eq("normalise", normalizeAnswer("  The Quick, brown fox's  (an) A-team!"), "quick brown foxs ateam");
  eq("articles only as words", normalizeAnswer("theater anthem a"), "theater anthem");
  eq("non-ASCII letters are word characters (Python 3 \\b)", normalizeAnswer("éthe the"), "éthe");
  eq("em", exactMatch("the Denver Broncos", "Denver Broncos!"), 1);
  // pred tokens: denver broncos won; gold: broncos → p = 1/3, r = 1 → F1 = 0.5
  eq("f1", f1Score("Denver Broncos won", "Broncos"), 0.5);
  eq("f1 repeated tokens, each matched once", f1Score("x b b", "b b c"), 2 * (2 / 3) * (2 / 3) / (2 / 3 + 2 / 3));
  eq("f1 no overlap", f1Score("", "x"), 0);
};
