// Writes predicted tags back into the input file's own format: CoNLL-U with the UPOS column replaced
// (comments, multi-word-token range lines and all other columns unchanged byte for byte), TSV/IOB2 with
// the tag column replaced (the word column, including a WikiANN "xx:" prefix, unchanged).
import { writeFileAtomic } from "../io/atomic.ts";
import { TaskDataError } from "./labels.ts";
import type { ParsedDoc } from "./data.ts";

/**
 * `predicted[s][w]` is the tag of word w of example s (examples in readTokenTask order). Predictions for
 * CoNLL-U range lines (read with mwt "keep") are ignored: those lines must keep UPOS "_". When the doc was
 * read with a limit, only the sentences read are written.
 */
export function writePredictions(doc: ParsedDoc, predicted: string[][], path: string): void {
  if (predicted.length !== doc.sentences.length) {
    throw new TaskDataError(`${path}: ${predicted.length} predicted sentences but ${doc.path} has ${doc.sentences.length} read`);
  }
  const lines = doc.lines.slice(0, doc.end);
  doc.sentences.forEach((s, k) => {
    const p = predicted[k];
    if (p.length !== s.lines.length) {
      throw new TaskDataError(`${path}: sentence ${k} (${doc.path}:${s.lines[0] + 1}) has ${s.lines.length} words but ${p.length} predicted tags`);
    }
    s.lines.forEach((li, w) => {
      if (!s.writable[w]) return;
      const tag = p[w];
      if (typeof tag !== "string" || tag === "" || /[\t\n\r]/.test(tag)) {
        throw new TaskDataError(`${path}: bad predicted tag ${JSON.stringify(tag)} for ${doc.path}:${li + 1} (empty or with tab/newline)`);
      }
      let line = lines[li];
      const cr = line.endsWith("\r");
      if (cr) line = line.slice(0, -1);
      const cols = line.split("\t");
      cols[doc.tagColumn] = tag;
      lines[li] = cols.join("\t") + (cr ? "\r" : "");
    });
  });
  const text = lines.join("\n") + (doc.end < doc.lines.length ? "\n" : "");
  writeFileAtomic(path, text);
}
