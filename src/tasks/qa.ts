// QA: extractive question answering on SQuAD v1.1 JSON (XQuAD for the zero-shot languages), the span head
// of HF's *ForQuestionAnswering, windows with a document stride, n-best answers and the official v1.1
// exact match / F1 (src/tasks/squad.ts). The score is F1 (exact match next to it); `--predictions` writes
// the official scorer's input, `{id: answer}` JSON, per language.
import { writeFileAtomic } from "../io/atomic.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import type { Item } from "./batch.ts";
import { answerWords, bestAnswer, type QaWindow, qaWindows, readSquad, splitContext, squadScores } from "./squad.ts";
import type { TaskDef } from "./task_def.ts";

/** HF run_qa's doc_stride: context tokens shared by consecutive windows. */
export const DOC_STRIDE = 128;

function trainItems(path: string, tok: WordTokenizer, maxLength: number, limit?: number): Item[] {
  return readSquad(path, limit).flatMap((ex) => {
    const ctx = splitContext(ex.context);
    const a = ex.answers[0]; // HF trains on the first answer
    const span = a ? answerWords(ctx, a.start, Array.from(a.text).length) : null;
    return qaWindows(ex.question, ctx.words, span, tok, maxLength, DOC_STRIDE).map((w) => ({ ids: w.ids, tokenTypes: w.tokenTypes, labels: w.labels }));
  });
}

export const QA_TASK: TaskDef = {
  name: "qa",
  summary: "extractive question answering: SQuAD v1.1 JSON (e.g. XQuAD); F1 and exact match",
  labels: ["start", "end"],
  head: "span",
  units: "questions",
  // HF run_qa / XTREME: max_seq_length 384 (windows), 2 epochs
  defaults: { epochs: 2, trainLength: 384, evalLength: 384 },
  predictionsFile: (lang) => `${lang}.json`,
  trainItems,
  prepareTest(path, tok, maxLength) {
    const examples = readSquad(path, Infinity, true);
    const contexts = examples.map((ex) => splitContext(ex.context));
    const windows: QaWindow[] = examples.flatMap((ex, i) => qaWindows(ex.question, contexts[i].words, null, tok, maxLength, DOC_STRIDE, i));
    return {
      items: windows.map((w) => ({ ids: w.ids, tokenTypes: w.tokenTypes, labels: w.labels })),
      score(outputs, out) {
        const byExample: number[][] = examples.map(() => []);
        windows.forEach((w, k) => byExample[w.example].push(k));
        const predictions: Record<string, string> = {};
        examples.forEach((ex, i) => {
          const ks = byExample[i];
          predictions[ex.id] = bestAnswer(ks.map((k) => windows[k]), ks.map((k) => outputs[k]), contexts[i]);
        });
        if (out) writeFileAtomic(out, JSON.stringify(predictions, null, 2) + "\n");
        const s = squadScores(examples, predictions);
        return { metric: "f1", value: s.f1, n: s.n, exactMatch: s.exactMatch };
      },
    };
  },
};
