// Evaluation of a fine-tuned model (`xlt evaluate`, and the per-epoch dev score of `xlt finetune`).
//
// POS: token accuracy over every word (each word's prediction is the argmax at its first subword, the
// chunk of a long sentence it fell into; a word with no subword at all gets "X"), like the papers' accuracy
// over labels ≠ −100. CoNLL-U multi-word range lines are words with UPOS "_" (as HF's UD loader reads
// them); the predictions file must keep them "_", so they are scored as written there ("_", i.e. correct),
// which keeps the reported score equal to the score of the predictions file (a trained model predicts "_"
// on them anyway: they are always labelled "_" in training).
// NER: seqeval entity F1 after the BIO repair of the predictions (the repaired tags are what is written).
// XNLI: accuracy; the predictions file is the input with the label column replaced.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { getGpu } from "../gpu/device.ts";
import { type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import { loadTokenizer, type WordTokenizer } from "../io/tokenize.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { XltError } from "../errors.ts";
import type { Encoder } from "../../models/encoder.ts";
import type { ClassificationHead } from "../../models/heads.ts";
import { argmaxRows } from "../kernels/crossentropy.ts";
import { LABELS, type Task } from "../tasks/labels.ts";
import { alignLabels, encodePair, readTokenTask, readXnli } from "../tasks/data.ts";
import { repairBio, seqevalF1 } from "./metrics.ts";
import { writePredictions } from "./predictions.ts";
import { officialUpos, type WordLevelScore } from "./ud_upos.ts";
import { capLength, type Item, makeBatch } from "../tasks/batch.ts";
import { loadTaskModel } from "../io/task_checkpoint.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { ProfileSession } from "../profile/session.ts";
import { OneInFlight } from "../gpu/in_flight.ts";

export interface EvalScore {
  metric: "accuracy" | "f1";
  value: number;
  /** words (POS), sentences (NER) or pairs (XNLI) scored */
  n: number;
  /** POS: UD's official word-level UPOS (eval.py) next to `value`, the papers' accuracy over every row */
  official?: WordLevelScore;
}

/** Argmax predictions per item: per position (token heads) or one class (sequence heads). Length-sorted batches. */
export async function predictItems(enc: Encoder, head: ClassificationHead, items: Item[], batchSize = 32): Promise<Int32Array[]> {
  const cfg = enc.cfg;
  const order = items.map((_, i) => i).sort((a, b) => items[a].ids.length - items[b].ids.length);
  const out: Int32Array[] = new Array(items.length);
  const L = cfg.layers;
  // one batch in flight, as in training (src/train/pipeline.ts)
  type Pending = { idx: number[]; T: number; pred: Promise<Int32Array> };
  const inFlight = new OneInFlight<Pending>(async (f) => {
    const pred = await f.pred;
    f.idx.forEach((i, b) => {
      out[i] = head.kind === "token" ? pred.slice(b * f.T, b * f.T + items[i].ids.length) : pred.slice(b, b + 1);
    });
  }, (f) => f.pred);
  try {
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const { batch } = makeBatch(cfg, idx.map((i) => items[i]), head.kind);
      const st = enc.forward(batch, L, false);
      setProfileContext(enc.gpu, "head forward");
      const hs = head.forward(st.hidden[L], batch.B, batch.T, false);
      const am = argmaxRows(hs.logits);
      setProfileContext(enc.gpu, undefined);
      head.release(hs);
      enc.release(st);
      const pred = am.readInt(); // submits; resolves when the batch is done
      pred.then(() => am.release(), () => am.release());
      await inFlight.push({ idx, T: batch.T, pred });
    }
    await inFlight.drain();
  } catch (e) {
    inFlight.abandon();
    throw e;
  }
  return out;
}

/** Scores one test file; writes predictions to `predictionsPath` when given. */
export async function evaluateFile(enc: Encoder, head: ClassificationHead, task: Task, path: string, tok: WordTokenizer, maxLength: number, predictionsPath?: string): Promise<EvalScore> {
  const labels = LABELS[task];
  if (task === "xnli") {
    const exs = readXnli(path);
    const items = exs.map((ex) => ({ ...encodePair(ex.premise, ex.hypothesis, tok, maxLength), labels: [ex.label] }));
    const pred = await predictItems(enc, head, items);
    let ok = 0;
    exs.forEach((ex, i) => (ok += pred[i][0] === ex.label ? 1 : 0));
    if (predictionsPath) writeXnliPredictions(path, exs.map((ex) => ex.line), pred.map((p) => labels[p[0]]), predictionsPath);
    return { metric: "accuracy", value: exs.length ? ok / exs.length : NaN, n: exs.length };
  }
  const { examples, doc } = readTokenTask(task, path);
  const chunks = examples.map((ex) => alignLabels(ex.words, ex.labels, tok, maxLength));
  const items: Item[] = chunks.flatMap((cs) => cs.map((c) => ({ ids: c.ids, labels: c.labels })));
  const pred = await predictItems(enc, head, items);
  const fallback = task === "ner" ? "O" : "X";
  let k = 0;
  const predicted: string[][] = examples.map((ex, s) => {
    const tags = new Array<string>(ex.words.length).fill(fallback);
    for (const c of chunks[s]) {
      const p = pred[k++];
      c.wordOf.forEach((w, pos) => {
        if (w >= 0) tags[w] = labels[p[pos]];
      });
    }
    // lines the format fixes (CoNLL-U range lines / empty nodes keep UPOS "_"): scored as written
    doc.sentences[s]?.writable.forEach((wr, w) => {
      if (!wr) tags[w] = labels[ex.labels[w]];
    });
    return task === "ner" ? repairBio(tags) : tags;
  });
  let score: EvalScore;
  if (task === "ner") {
    const gold = examples.map((ex) => ex.labels.map((l) => labels[l]));
    score = { metric: "f1", value: seqevalF1(gold, predicted).f1, n: examples.length };
  } else {
    let n = 0;
    let ok = 0;
    examples.forEach((ex, s) => ex.labels.forEach((l, w) => {
      n++;
      if (labels[l] === predicted[s][w]) ok++;
    }));
    score = { metric: "accuracy", value: n ? ok / n : NaN, n, official: officialUpos(doc, examples, predicted, labels) };
  }
  if (predictionsPath) writePredictions(doc, predicted, predictionsPath);
  return score;
}

/** XNLI predictions: the input file with each scored line's label column replaced. */
function writeXnliPredictions(path: string, lineNos: number[], tags: string[], out: string): void {
  const lines = readFileSync(path, "utf8").split("\n");
  const head = lines[0].replace(/\r$/, "").split("\t");
  const col = head.includes("gold_label") && head.includes("sentence1") ? head.indexOf("gold_label") : 2;
  lineNos.forEach((ln, i) => {
    const raw = lines[ln - 1];
    const cr = raw.endsWith("\r");
    const f = (cr ? raw.slice(0, -1) : raw).split("\t");
    f[col] = tags[i];
    lines[ln - 1] = f.join("\t") + (cr ? "\r" : "");
  });
  writeFileAtomic(out, lines.join("\n"));
}

export interface TestSpec {
  lang: string;
  path: string;
}

/** `lang=FILE`, or FILE whose name gives the language (en_ewt-ud-test.conllu, de.tsv, test-de.tsv, xnli.fr.tsv). */
export function parseTestSpec(spec: string): TestSpec {
  const m = /^([A-Za-z][A-Za-z0-9_-]{0,15})=(.+)$/.exec(spec);
  if (m) return { lang: m[1], path: m[2] };
  const name = basename(spec).replace(/\.(conllu|tsv|txt|iob2?|conll)$/i, "");
  const lm = /^([a-z]{2,3})(?:_[a-z0-9]+)?(?:-ud-\w+)?$/i.exec(name) ?? /(?:^|[._-])([a-z]{2,3})$/i.exec(name);
  if (!lm) throw new XltError(`--test ${spec}: cannot tell the language from the file name; write --test LANG=${spec}`);
  return { lang: lm[1].toLowerCase(), path: spec };
}

export interface EvaluateOptions {
  model: string;
  task?: Task;
  tests: TestSpec[];
  maxLength?: number;
  /** directory for per-language prediction files */
  predictions?: string;
  /** profile the evaluation (a phase per language): per-kernel table to stderr, Chrome trace to this file */
  profile?: string;
}

export interface EvaluateResult {
  task: Task;
  perLang: Record<string, EvalScore>;
}

/** Evaluates a directory written by `xlt finetune` on each test file (library entry point of `xlt run`). */
export async function evaluateModel(o: EvaluateOptions): Promise<EvaluateResult> {
  for (const t of o.tests) {
    if (!existsSync(t.path)) throw new XltError(`test file for '${t.lang}' not found: ${t.path}`);
  }
  const seen = new Set<string>();
  for (const t of o.tests) {
    if (seen.has(t.lang)) throw new XltError(`language '${t.lang}' is given twice in --test`);
    seen.add(t.lang);
  }
  const g = await getGpu();
  const { enc, head, task, cfg } = loadTaskModel(g, o.model, o.task);
  const tok = loadTokenizer(o.model);
  const maxLength = sequenceLength(cfg as ModelConfig, o.maxLength, task === "xnli" ? 256 : 128);
  const perLang: Record<string, EvalScore> = {};
  const prof = new ProfileSession(g, o.profile, `evaluate ${task}`);
  try {
    for (const t of o.tests) {
      const ext = task === "xnli" ? "tsv" : /\.conllu$/i.test(t.path) ? "conllu" : "tsv";
      const pred = o.predictions ? join(o.predictions, `${t.lang}.${ext}`) : undefined;
      perLang[t.lang] = await prof.phase(`test ${t.lang}`, () => evaluateFile(enc, head, task, t.path, tok, maxLength, pred));
    }
    await prof.finish();
  } catch (e) {
    await prof.abort();
    throw e;
  } finally {
    for (const t of enc.params.values()) t.release();
    head.dispose();
  }
  return { task, perLang };
}
