// XNLI: sentence-pair classification of premise/hypothesis (XTREME TSV), pairs truncated to the longest
// first as HF tokenizers do; accuracy; the predictions file is the input with the label column replaced.
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.ts";
import { LABELS } from "./labels.ts";
import { encodePair, readXnli } from "./data.ts";
import type { TaskDef } from "./task_def.ts";

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

export const XNLI_TASK: TaskDef = {
  name: "xnli",
  summary: "natural language inference: premise<TAB>hypothesis<TAB>label TSV; accuracy",
  labels: LABELS.xnli,
  head: "sequence",
  units: "pairs",
  defaults: { epochs: 2, trainLength: 96, evalLength: 256 },
  predictionsFile: (lang) => `${lang}.tsv`,
  trainItems: (path, tok, maxLength, limit) =>
    readXnli(path, { limit }).map((ex) => {
      const e = encodePair(ex.premise, ex.hypothesis, tok, maxLength);
      return { ids: e.ids, tokenTypes: e.tokenTypes, labels: [ex.label] };
    }),
  prepareTest(path, tok, maxLength) {
    const exs = readXnli(path);
    const items = exs.map((ex) => ({ ...encodePair(ex.premise, ex.hypothesis, tok, maxLength), labels: [ex.label] }));
    return {
      items,
      score(pred, out) {
        let ok = 0;
        exs.forEach((ex, i) => (ok += pred[i][0] === ex.label ? 1 : 0));
        if (out) writeXnliPredictions(path, exs.map((ex) => ex.line), pred.map((p) => LABELS.xnli[p[0]]), out);
        return { metric: "accuracy", value: exs.length ? ok / exs.length : NaN, n: exs.length };
      },
    };
  },
};
