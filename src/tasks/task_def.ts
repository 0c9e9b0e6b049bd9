// What a task entry of the task table (src/tasks/table.ts) is: its labels, head, defaults and units, and
// its own parts (reader, scorer, predictions writer). Types only, so each task's file and the table can
// both import it.
import type { WordTokenizer } from "../io/tokenize.ts";
import type { HeadKind } from "../../models/heads.ts";
import type { WordLevelScore } from "./ud_upos.ts";
import type { Item } from "./batch.ts";
import type { Task } from "./labels.ts";

export interface EvalScore {
  metric: "accuracy" | "f1";
  value: number;
  /** what the score counts, in the task's `units` */
  n: number;
  /** QA: SQuAD v1.1 exact match next to `value`, the F1 */
  exactMatch?: number;
  /** POS: UD's official word-level UPOS (eval.py) next to `value`, the papers' accuracy over every row */
  official?: WordLevelScore;
  /**
   * POS: seqeval's F1 over the tags next to `value`, the accuracy. ALIGN-MLM computes both (align-mlm-spec.md
   * §4.1); seqeval reads a POS tag's first letter as a BIO prefix, so this is F1 over runs of identical tags.
   */
  seqevalF1?: number;
}

/** A test file read for scoring: its encoder items, and the scorer of the model's outputs on them. */
export interface PreparedTest {
  items: Item[];
  /** outputs[i] belongs to items[i] (argmax class per position or per sequence, see TaskDef.output); writes predictions to `out` when given */
  score(outputs: ArrayLike<number>[], out?: string): EvalScore;
}

export interface TaskDef {
  name: Task;
  /** one line for `xlt help` */
  summary: string;
  /** output classes of the head, in the published heads' order (HF id2label) */
  labels: string[];
  head: HeadKind;
  /** what the dev/test score's n counts ("words", "sentences", "pairs") */
  units: string;
  /** published defaults: epochs, and subword tokens per sequence in training and evaluation */
  defaults: { epochs: number; trainLength: number; evalLength: number };
  /** file name of a language's predictions (in the test file's own format) */
  predictionsFile(lang: string, testPath: string): string;
  /** training items (at most `limit` sentences/pairs of the file) */
  trainItems(path: string, tok: WordTokenizer, maxLength: number, limit?: number): Item[];
  /** a test file's items and its scorer */
  prepareTest(path: string, tok: WordTokenizer, maxLength: number): PreparedTest;
}
