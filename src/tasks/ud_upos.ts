// The official UD figure next to the papers' row accuracy: word-level UPOS as UD's evaluation script
// (conll18_ud_eval.py, "eval.py") computes it — over syntactic words, i.e. CoNLL-U lines with an integer
// ID (the words a multi-word token expands to), with multi-word range lines and empty nodes (`8.1`) left
// out. xlt never changes the tokenization (its predictions file is the gold file with UPOS replaced), so
// every gold word aligns with the system word on the same line and the script's UPOS F1 equals the
// accuracy over those lines. TSV (XTREME udpos) rows are syntactic words already: the two figures agree.
import type { ParsedDoc, TokenExample } from "./data.ts";

export interface WordLevelScore {
  /** UPOS accuracy over syntactic words */
  value: number;
  /** syntactic words scored */
  n: number;
}

const SYNTACTIC_WORD_ID = /^[1-9][0-9]*$/;

/** `predicted[s][w]` is the tag written for word w of example s (the rows readTokenTask read, in order). */
export function officialUpos(doc: ParsedDoc, examples: TokenExample[], predicted: string[][], labels: readonly string[]): WordLevelScore {
  let n = 0, ok = 0;
  examples.forEach((ex, s) => {
    const lines = doc.sentences[s].lines;
    ex.labels.forEach((l, w) => {
      if (doc.format === "conllu") {
        const id = doc.lines[lines[w]].split("\t", 1)[0];
        if (!SYNTACTIC_WORD_ID.test(id)) return;
      }
      n++;
      if (labels[l] === predicted[s][w]) ok++;
    });
  });
  return { value: n ? ok / n : NaN, n };
}
