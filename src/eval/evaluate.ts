// Evaluation of a fine-tuned model (`xlt evaluate`, and the per-epoch dev score of `xlt finetune`): the
// task's reader gives the items, the model's argmax outputs on them go back to the task's scorer (the task
// table, src/tasks/table.ts, says how each task reads, scores and writes predictions).
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { getGpu } from "../gpu/device.ts";
import { type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import { loadTokenizer, type WordTokenizer } from "../io/tokenize.ts";
import { XltError } from "../errors.ts";
import type { Encoder } from "../../models/encoder.ts";
import type { Tensor } from "../gpu/tensor.ts";
import type { ClassificationHead } from "../../models/heads.ts";
import { argmaxRows } from "../kernels/crossentropy.ts";
import { type EvalScore, type Task, TASKS } from "../tasks/table.ts";
import { type Item, makeBatch } from "../tasks/batch.ts";
import { loadTaskModel } from "../io/task_checkpoint.ts";
import { checkLangId } from "../tasks/lang_ids.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import { ProfileSession } from "../profile/session.ts";
import { OneInFlight } from "../gpu/in_flight.ts";

export type { EvalScore };

/**
 * The head's outputs per item: the argmax class per position (token heads) or of the sequence (sequence
 * heads), or the (start, end) logit pairs per position (span heads). Length-sorted batches. `langId`: the
 * language id of every real token (XLM / DICT-MLM, src/tasks/lang_ids.ts).
 */
export async function predictItems(enc: Encoder, head: ClassificationHead, items: Item[], batchSize = 32, langId?: number): Promise<(Int32Array | Float32Array)[]> {
  const cfg = enc.cfg;
  const order = items.map((_, i) => i).sort((a, b) => items[a].ids.length - items[b].ids.length);
  const out: (Int32Array | Float32Array)[] = new Array(items.length);
  const L = cfg.layers;
  // one batch in flight, as in training (src/train/pipeline.ts)
  type Pending = { idx: number[]; T: number; pred: Promise<Int32Array | Float32Array> };
  const inFlight = new OneInFlight<Pending>(async (f) => {
    const pred = await f.pred;
    f.idx.forEach((i, b) => {
      const w = head.kind === "span" ? 2 : 1; // values per position
      out[i] = head.kind === "sequence" ? pred.slice(b, b + 1) : pred.slice(w * b * f.T, w * (b * f.T + items[i].ids.length));
    });
  }, (f) => f.pred);
  try {
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize);
      const { batch } = makeBatch(cfg, idx.map((i) => items[i]), head.kind, langId);
      const st = enc.forward(batch, L, false);
      setProfileContext(enc.gpu, "head forward");
      const hs = head.forward(st.hidden[L], batch.B, batch.T, false);
      // span heads: the logits themselves (n-best extraction needs them), kept past head.release
      const am = head.kind === "span" ? hs.logits : argmaxRows(hs.logits);
      if (am === hs.logits) hs.logits = null as unknown as Tensor;
      setProfileContext(enc.gpu, undefined);
      head.release(hs);
      enc.release(st);
      const pred = head.kind === "span" ? am.read() : am.readInt(); // submits; resolves when the batch is done
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
export async function evaluateFile(enc: Encoder, head: ClassificationHead, task: Task, path: string, tok: WordTokenizer, maxLength: number, predictionsPath?: string, langId?: number): Promise<EvalScore> {
  const test = TASKS[task].prepareTest(path, tok, maxLength);
  return test.score(await predictItems(enc, head, test.items, 32, langId), predictionsPath);
}

export interface TestSpec {
  lang: string;
  path: string;
}

/** `lang=FILE`, or FILE whose name gives the language (en_ewt-ud-test.conllu, de.tsv, test-de.tsv, xnli.fr.tsv). */
export function parseTestSpec(spec: string): TestSpec {
  const m = /^([A-Za-z][A-Za-z0-9_-]{0,15})=(.+)$/.exec(spec);
  if (m) return { lang: m[1], path: m[2] };
  const name = basename(spec).replace(/\.(conllu|tsv|txt|iob2?|conll|json)$/i, "");
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
  /** XLM / DICT-MLM: the language id of every real token of every test file; required exactly when the model has a language table */
  langId?: number;
}

export interface EvaluateResult {
  task: Task;
  perLang: Record<string, EvalScore>;
  /** the language id fed to the model (XLM / DICT-MLM), null without */
  langId: number | null;
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
  // the model's tensors are freed however this ends, a refused --lang-id included
  try {
    const langId = checkLangId(o.model, enc.params, o.langId);
    const tok = loadTokenizer(o.model);
    const def = TASKS[task];
    const maxLength = sequenceLength(cfg as ModelConfig, o.maxLength, def.defaults.evalLength);
    const perLang: Record<string, EvalScore> = {};
    const prof = new ProfileSession(g, o.profile, `evaluate ${task}`);
    try {
      for (const t of o.tests) {
        const pred = o.predictions ? join(o.predictions, def.predictionsFile(t.lang, t.path)) : undefined;
        perLang[t.lang] = await prof.phase(`test ${t.lang}`, () => evaluateFile(enc, head, task, t.path, tok, maxLength, pred, langId));
      }
      await prof.finish();
    } catch (e) {
      await prof.abort();
      throw e;
    }
    return { task, perLang, langId: langId ?? null };
  } finally {
    enc.dispose();
    head.dispose();
  }
}
