// POS and NER: token classification. Reader: CoNLL-U / XTREME udpos TSV (POS), WikiANN IOB2 (NER), long
// sentences split into chunks (never dropped). Score: POS accuracy over every word (each word's prediction
// is the argmax at its first subword, in the chunk it fell into; a word with no subword at all gets "X"),
// like the papers' accuracy over labels ≠ −100, with UD's official word-level UPOS and ALIGN-MLM's seqeval F1
// over the POS tags (runs of identical tags, src/tasks/task_def.ts) next to it; NER seqeval
// entity F1 after the BIO repair of the predictions (the repaired tags are what is written).
// CoNLL-U multi-word range lines are words with UPOS "_" (as HF's UD loader reads them); the predictions
// file must keep them "_", so they are scored as written there ("_", i.e. correct), which keeps the
// reported score equal to the score of the predictions file (a trained model predicts "_" on them anyway:
// they are always labelled "_" in training).
import type { WordTokenizer } from "../io/tokenize.ts";
import { LABELS } from "./labels.ts";
import { alignLabels, type ParsedDoc, readTokenTask, type TokenExample } from "./data.ts";
import { repairBio, seqevalF1 } from "./metrics.ts";
import { writePredictions } from "./predictions.ts";
import { officialUpos } from "./ud_upos.ts";
import type { Item } from "./batch.ts";
import type { EvalScore, PreparedTest, TaskDef } from "./task_def.ts";

type TokenTask = "pos" | "ner";

/** How a token task's tags become a score: the tag of a word with no subword, the repair of the predicted tags, the metric. */
interface TokenScoring {
  fallback: string;
  repair(tags: string[]): string[];
  score(examples: TokenExample[], predicted: string[][], labels: string[], doc: ParsedDoc): EvalScore;
}

const POS_SCORING: TokenScoring = {
  fallback: "X",
  repair: (tags) => tags,
  score(examples, predicted, labels, doc) {
    let n = 0;
    let ok = 0;
    examples.forEach((ex, s) => ex.labels.forEach((l, w) => {
      n++;
      if (labels[l] === predicted[s][w]) ok++;
    }));
    const gold = examples.map((ex) => ex.labels.map((l) => labels[l]));
    return { metric: "accuracy", value: n ? ok / n : NaN, n, official: officialUpos(doc, examples, predicted, labels), seqevalF1: seqevalF1(gold, predicted).f1 };
  },
};

const NER_SCORING: TokenScoring = {
  fallback: "O",
  repair: repairBio,
  score(examples, predicted, labels) {
    const gold = examples.map((ex) => ex.labels.map((l) => labels[l]));
    return { metric: "f1", value: seqevalF1(gold, predicted).f1, n: examples.length };
  },
};

function trainItems(task: TokenTask, path: string, tok: WordTokenizer, maxLength: number, limit?: number): Item[] {
  const { examples } = readTokenTask(task, path, { limit });
  return examples.flatMap((ex) => alignLabels(ex.words, ex.labels, tok, maxLength).map((c) => ({ ids: c.ids, labels: c.labels })));
}

function prepareTest(task: TokenTask, scoring: TokenScoring, path: string, tok: WordTokenizer, maxLength: number): PreparedTest {
  const labels = LABELS[task];
  const { examples, doc } = readTokenTask(task, path);
  const chunks = examples.map((ex) => alignLabels(ex.words, ex.labels, tok, maxLength));
  const items: Item[] = chunks.flatMap((cs) => cs.map((c) => ({ ids: c.ids, labels: c.labels })));
  const score = (pred: ArrayLike<number>[], out?: string): EvalScore => {
    let k = 0;
    const predicted: string[][] = examples.map((ex, s) => {
      const tags = new Array<string>(ex.words.length).fill(scoring.fallback);
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
      return scoring.repair(tags);
    });
    const result = scoring.score(examples, predicted, labels, doc);
    if (out) writePredictions(doc, predicted, out);
    return result;
  };
  return { items, score };
}

const tokenTask = (task: TokenTask, scoring: TokenScoring, summary: string, units: string): TaskDef => ({
  name: task,
  summary,
  labels: LABELS[task],
  head: "token",
  units,
  defaults: { epochs: 5, trainLength: 96, evalLength: 128 },
  predictionsFile: (lang, testPath) => `${lang}.${/\.conllu$/i.test(testPath) ? "conllu" : "tsv"}`,
  trainItems: (path, tok, maxLength, limit) => trainItems(task, path, tok, maxLength, limit),
  prepareTest: (path, tok, maxLength) => prepareTest(task, scoring, path, tok, maxLength),
});

export const POS_TASK = tokenTask("pos", POS_SCORING, "part-of-speech tagging (UPOS): CoNLL-U or word<TAB>tag TSV; accuracy", "words");
export const NER_TASK = tokenTask("ner", NER_SCORING, "named entities (WikiANN IOB2): word<TAB>tag; seqeval entity F1", "sentences");
