// POS and NER: token classification. Reader: CoNLL-U / XTREME udpos TSV (POS), WikiANN IOB2 (NER), long
// sentences split into chunks (never dropped). Score: POS accuracy over every word (each word's prediction
// is the argmax at its first subword, in the chunk it fell into; a word with no subword at all gets "X"),
// like the papers' accuracy over labels ≠ −100, with UD's official word-level UPOS next to it; NER seqeval
// entity F1 after the BIO repair of the predictions (the repaired tags are what is written).
// CoNLL-U multi-word range lines are words with UPOS "_" (as HF's UD loader reads them); the predictions
// file must keep them "_", so they are scored as written there ("_", i.e. correct), which keeps the
// reported score equal to the score of the predictions file (a trained model predicts "_" on them anyway:
// they are always labelled "_" in training).
import type { WordTokenizer } from "../io/tokenize.ts";
import { LABELS } from "./labels.ts";
import { alignLabels, readTokenTask } from "./data.ts";
import { repairBio, seqevalF1 } from "./metrics.ts";
import { writePredictions } from "./predictions.ts";
import { officialUpos } from "./ud_upos.ts";
import type { Item } from "./batch.ts";
import type { EvalScore, PreparedTest, TaskDef } from "./task_def.ts";

type TokenTask = "pos" | "ner";

function trainItems(task: TokenTask, path: string, tok: WordTokenizer, maxLength: number, limit?: number): Item[] {
  const { examples } = readTokenTask(task, path, { limit });
  return examples.flatMap((ex) => alignLabels(ex.words, ex.labels, tok, maxLength).map((c) => ({ ids: c.ids, labels: c.labels })));
}

function prepareTest(task: TokenTask, path: string, tok: WordTokenizer, maxLength: number): PreparedTest {
  const labels = LABELS[task];
  const { examples, doc } = readTokenTask(task, path);
  const chunks = examples.map((ex) => alignLabels(ex.words, ex.labels, tok, maxLength));
  const items: Item[] = chunks.flatMap((cs) => cs.map((c) => ({ ids: c.ids, labels: c.labels })));
  const score = (pred: Int32Array[], out?: string): EvalScore => {
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
    let result: EvalScore;
    if (task === "ner") {
      const gold = examples.map((ex) => ex.labels.map((l) => labels[l]));
      result = { metric: "f1", value: seqevalF1(gold, predicted).f1, n: examples.length };
    } else {
      let n = 0;
      let ok = 0;
      examples.forEach((ex, s) => ex.labels.forEach((l, w) => {
        n++;
        if (labels[l] === predicted[s][w]) ok++;
      }));
      result = { metric: "accuracy", value: n ? ok / n : NaN, n, official: officialUpos(doc, examples, predicted, labels) };
    }
    if (out) writePredictions(doc, predicted, out);
    return result;
  };
  return { items, score };
}

const tokenTask = (task: TokenTask, summary: string, units: string): TaskDef => ({
  name: task,
  summary,
  labels: LABELS[task],
  head: "token",
  units,
  defaults: { epochs: 5, trainLength: 96, evalLength: 128 },
  predictionsFile: (lang, testPath) => `${lang}.${/\.conllu$/i.test(testPath) ? "conllu" : "tsv"}`,
  trainItems: (path, tok, maxLength, limit) => trainItems(task, path, tok, maxLength, limit),
  prepareTest: (path, tok, maxLength) => prepareTest(task, path, tok, maxLength),
});

export const POS_TASK = tokenTask("pos", "part-of-speech tagging (UPOS): CoNLL-U or word<TAB>tag TSV; accuracy", "words");
export const NER_TASK = tokenTask("ner", "named entities (WikiANN IOB2): word<TAB>tag; seqeval entity F1", "sentences");
