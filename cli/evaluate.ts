// `xlt evaluate`: score a fine-tuned model on test files, one per language.
import { checkOutputs } from "../src/io/outputs.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { evaluateModel, type EvaluateResult, parseTestSpec } from "../src/eval/evaluate.ts";
import { type Task, TASK_NAMES } from "../src/tasks/table.ts";
import { type Command, UsageError } from "./options.ts";
import { LANG_ID_OPTION, parseTask, perTask } from "./finetune.ts";

export const evaluateCommand: Command = {
  summary: "evaluate a fine-tuned model (xlt finetune output) per language: POS/XNLI accuracy, NER entity F1, QA F1/EM",
  description: [
    "--test LANG=FILE, repeatable (FILE alone: the language is taken from the file name).",
    "NER predictions are BIO-repaired before scoring (seqeval, entity level). POS prints the papers' accuracy",
    "over every CoNLL-U row (score, n), UD's official word-level UPOS (eval.py: syntactic words only) and",
    "ALIGN-MLM's seqeval F1 over the tags (seqeval reads NOUN as N + OUN: F1 over runs of identical tags).",
    "XLM / DICT-MLM models (with language embeddings) need --lang-id: 2 for original-language, 3 for derived test files.",
    "QA prints SQuAD v1.1 F1 (score) and exact match (EM) over the questions (n), as evaluate-v1.1.py.",
  ].join("\n"),
  options: {
    task: { type: "string", choices: TASK_NAMES, help: "task (default: the one the model was fine-tuned for)" },
    model: { type: "string", required: true, meta: "DIR", help: "a directory written by xlt finetune" },
    test: { type: "string", required: true, multiple: true, meta: "[LANG=]FILE", help: "test file of a language" },
    "max-length": { type: "int", min: 4, meta: "N", help: `subword tokens per sequence (default ${perTask((d) => d.defaults.evalLength)}, or the model's position limit if smaller); long sentences are split into chunks` },
    predictions: { type: "string", meta: "DIR", help: "write each language's predictions there, in the input's format (LANG.conllu / LANG.tsv), for qa {id: answer} JSON (LANG.json)" },
    overwrite: { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" },
    json: { type: "string", meta: "FILE", help: "also write the scores as JSON" },
    "lang-id": LANG_ID_OPTION,
    profile: { type: "string", meta: "FILE", help: "profile the evaluation: per-kernel table to stderr, Chrome trace JSON to FILE" },
  },
  async run(v) {
    checkOutputs({ dirs: { predictions: v.predictions }, files: { json: v.json, profile: v.profile }, inputs: { model: v.model, test: v.test }, overwrite: v.overwrite });
    const task: Task | undefined = v.task !== undefined ? parseTask(v.task) : undefined;
    const tests = (v.test as string[]).map((s) => parseTestSpec(s));
    // one score per language: a second file of the same language would replace the first's silently
    const langs = tests.map((t) => t.lang);
    const twice = langs.find((l, i) => langs.indexOf(l) !== i);
    if (twice !== undefined) throw new UsageError(`--test: language ${twice} is given twice`);
    const r = await evaluateModel({
      model: v.model,
      task,
      tests,
      maxLength: v["max-length"],
      predictions: v.predictions,
      profile: v.profile,
      langId: v["lang-id"],
    });
    console.log(formatTable(r));
    if (v.json) writeFileAtomic(v.json, JSON.stringify({ model: v.model, ...r }, null, 2) + "\n");
    return 0;
  },
};

export function formatTable(r: EvaluateResult): string {
  // POS: the papers' accuracy over every CoNLL-U row, then UD's word-level UPOS (eval.py) and its word count
  const official = Object.values(r.perLang).some((s) => s.official);
  // QA: SQuAD exact match next to the F1
  const em = Object.values(r.perLang).some((s) => s.exactMatch !== undefined);
  // POS: seqeval F1 over the tags, as ALIGN-MLM reports next to accuracy
  const tagF1 = Object.values(r.perLang).some((s) => s.seqevalF1 !== undefined);
  const rows = Object.entries(r.perLang).map(([lang, s]) => [
    lang, s.metric, (100 * s.value).toFixed(2), String(s.n),
    ...(official ? [s.official ? (100 * s.official.value).toFixed(2) : "-", s.official ? String(s.official.n) : "-"] : []),
    ...(em ? [s.exactMatch !== undefined ? (100 * s.exactMatch).toFixed(2) : "-"] : []),
    ...(tagF1 ? [s.seqevalF1 !== undefined ? (100 * s.seqevalF1).toFixed(2) : "-"] : []),
  ]);
  const head = ["lang", "metric", "score", "n", ...(official ? ["UD UPOS", "words"] : []), ...(em ? ["EM"] : []), ...(tagF1 ? ["seqeval F1"] : [])];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row: string[]) => row.map((c, i) => (i >= 2 ? c.padStart(w[i]) : c.padEnd(w[i]))).join("  ");
  return [fmt(head), ...rows.map(fmt)].join("\n");
}
