// Task data readers, label sets, subword label alignment, pair encoding, metrics and prediction writers
// (no GPU). Real-data cases read the first sentences of ../shared/data files (skipped if absent).
// Tolerance: exact for everything discrete; metrics to 1e-12 against hand-derived values.
import { throwsLike } from "../lib/check.ts";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accuracy, meanStd, repairBio, seqevalF1, spearman } from "../../src/eval/metrics.ts";
import { writePredictions } from "../../src/eval/predictions.ts";
import { alignLabels, encodePair, readTokenTask, readXnli, type TokenChunk } from "../../src/tasks/data.ts";
import { LABELS, labelIndex, TaskDataError } from "../../src/tasks/labels.ts";
import { encodeWords, loadTokenizer, type WordTokenizer } from "../../src/io/tokenize.ts";
import { splitWords } from "../../src/io/words.ts";
import type { Cases } from "../lib/check.ts";
import { FIXTURES, SHARED_DATA } from "../lib/fixtures.ts";

export const cases: Cases = {};

const EWT = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 400)}, expected ${w.slice(0, 400)}`);
}
function near(name: string, got: number, want: number, tol = 1e-12): void {
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${name}: got ${got}, expected ${want}`);
}
const tmp = () => mkdtempSync(join(tmpdir(), "xlt-tasks-"));
function file(name: string, text: string): string {
  const p = join(tmp(), name);
  writeFileSync(p, text);
  return p;
}
const tags = (task: "pos" | "ner", labels: number[]) => labels.map((l) => LABELS[task][l]);

// ------------------------------------------------------------------------------------------ readers
const CONLLU = [
  "# sent_id = 1",
  "# text = I don't know.",
  "1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_",
  "2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
  "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_",
  "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_",
  "4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\tSpaceAfter=No",
  "4.1\tknows\tknow\tVERB\tVB\t_\t_\t_\t4:conj\t_",
  "5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_",
  "",
  "# sent_id = 2",
  "1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_",
  "",
  "",
].join("\n");

cases["conllu inline, mwt keep/skip"] = async () => {
  const p = file("a.conllu", CONLLU);
  const keep = readTokenTask("pos", p);
  eq("format", keep.format, "conllu");
  eq("n", keep.examples.length, 2);
  eq("words keep", keep.examples[0].words, ["I", "don't", "do", "n't", "know", "knows", "."]);
  eq("tags keep", tags("pos", keep.examples[0].labels), ["PRON", "_", "AUX", "PART", "VERB", "VERB", "PUNCT"]);
  eq("source", keep.examples[1].source, { file: p, sentence: 1 });
  const skip = readTokenTask("pos", p, { mwt: "skip" });
  eq("words skip", skip.examples[0].words, ["I", "do", "n't", "know", "."]);
  eq("tags skip", tags("pos", skip.examples[0].labels), ["PRON", "AUX", "PART", "VERB", "PUNCT"]);
  eq("limit", readTokenTask("pos", p, { limit: 1 }).examples.length, 1);
  // CRLF and no trailing newline
  const crlf = readTokenTask("pos", file("b.conllu", CONLLU.replace(/\n/g, "\r\n").trimEnd()));
  eq("crlf", crlf.examples.map((e) => e.words), keep.examples.map((e) => e.words));
};

cases["tsv and iob2 inline"] = async () => {
  const t = readTokenTask("pos", file("t.tsv", "Le\tDET\nchat\tNOUN\n\n\nIl\tPRON\ndort\tVERB\n"));
  eq("tsv format", t.format, "tsv");
  eq("tsv words", t.examples.map((e) => e.words), [["Le", "chat"], ["Il", "dort"]]);
  eq("tsv tags", t.examples.map((e) => tags("pos", e.labels)), [["DET", "NOUN"], ["PRON", "VERB"]]);
  const n = readTokenTask("ner", file("test", "de:Angela\tB-PER\nde:Merkel\tI-PER\nde::\tO\n\nde:Berlin\tB-LOC\n"));
  eq("iob2 format", n.format, "iob2");
  eq("iob2 words", n.examples.map((e) => e.words), [["Angela", "Merkel", ":"], ["Berlin"]]);
  eq("iob2 tags", n.examples.map((e) => tags("ner", e.labels)), [["B-PER", "I-PER", "O"], ["B-LOC"]]);
  const plain = readTokenTask("ner", file("test", "Paris\tB-LOC\nis\tO\n"));
  eq("iob2 no prefix", plain.examples[0].words, ["Paris", "is"]);
};

cases["errors name file:line"] = async () => {
  throwsLike("label", () => labelIndex("pos", "FOO", "x.conllu:7"), /^x\.conllu:7: unknown pos label 'FOO' \(valid: NOUN PUNCT .* AUX\)$/);
  const e = (() => {
    try {
      labelIndex("ner", "B-MISC", "f:1");
    } catch (err) {
      return err;
    }
  })();
  if (!(e instanceof TaskDataError) || (e as Error).name !== "TaskDataError") throw new Error("labelIndex must throw TaskDataError");
  const bad = CONLLU.split("\n");
  bad[4] = "2\tdo\tdo\tFOO\tVBP\t_\t4\taux\t_\t_";
  const p1 = file("bad.conllu", bad.join("\n"));
  throwsLike("conllu label", () => readTokenTask("pos", p1), new RegExp(`^${p1.replace(/[.]/g, "\\.")}:5: unknown pos label 'FOO'`));
  bad[4] = "2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_";
  const p2 = file("bad.conllu", bad.join("\n"));
  throwsLike("conllu columns", () => readTokenTask("pos", p2), /bad\.conllu:5: CoNLL-U token line must have 10 tab-separated columns, found 9/);
  throwsLike("conllu id", () => readTokenTask("pos", file("c.conllu", "# x\nA\tI\tI\tPRON\t_\t_\t0\troot\t_\t_\n")), /c\.conllu:2: bad CoNLL-U ID 'A'/);
  throwsLike("tsv columns", () => readTokenTask("pos", file("t.tsv", "Le\tDET\nchat NOUN\n")), /t\.tsv:2: expected 'form<TAB>UPOS' \(2 tab-separated columns\), found 1/);
  throwsLike("ner label", () => readTokenTask("ner", file("n", "en:a\tO\n\nen:b\tB-MISC\n")), /n:3: unknown ner label 'B-MISC' \(valid: O B-PER/);
  throwsLike("xnli label", () => readXnli(file("x.tsv", "a b\tc d\tentailment\ne\tf\tmaybe\n")), /x\.tsv:2: unknown xnli label 'maybe' \(valid: entailment neutral contradiction\)/);
  throwsLike("xnli columns", () => readXnli(file("x.tsv", "a b\tc d\n")), /x\.tsv:1: expected 3 tab-separated columns .*found 2/);
  throwsLike("missing", () => readTokenTask("pos", "/nonexistent/x.conllu"), /\/nonexistent\/x\.conllu: cannot read/);
};

cases["real data: EWT, xtreme udpos, wikiann, xnli"] = async () => {
  if (!existsSync(EWT)) return;
  const ewt = readTokenTask("pos", EWT, { limit: 50 });
  eq("ewt n", ewt.examples.length, 50);
  eq("ewt format", ewt.format, "conllu");
  eq("ewt first", ewt.examples[0].words.slice(0, 5), ["Al", "-", "Zaman", ":", "American"]);
  eq("ewt first tags", tags("pos", ewt.examples[0].labels.slice(0, 5)), ["PROPN", "PUNCT", "PROPN", "PUNCT", "ADJ"]);
  eq("ewt first len", ewt.examples[0].words.length, 29);
  // sentence with "don't" (line 205 of the file) keeps the range line as a "_" token by default
  const keepWords = ewt.examples.flatMap((e) => e.words).filter((w) => w === "don't").length;
  const skipWords = readTokenTask("pos", EWT, { limit: 50, mwt: "skip" }).examples.flatMap((e) => e.words).filter((w) => w === "don't").length;
  eq("ewt mwt keep/skip", [keepWords >= 3, skipWords], [true, 0]);

  const fr = readTokenTask("pos", join(SHARED_DATA, "ud/xtreme_udpos/test-fr.tsv"), { limit: 2 });
  eq("udpos format", fr.format, "tsv");
  eq("udpos words", fr.examples[0].words, ["Qu'", "est", "-ce", "qu'", "une", "aide", "au", "logement", "?"]);
  eq("udpos tags", tags("pos", fr.examples[1].labels), ["VERB", "PRON", "VERB", "DET", "NOUN", "ADP", "NOUN", "PUNCT"]);

  const en = readTokenTask("ner", join(SHARED_DATA, "wikiann/en/test"), { limit: 3 });
  eq("wikiann format", [en.format, en.doc.wordPrefix], ["iob2", "en:"]);
  eq("wikiann words", en.examples[0].words.slice(0, 3), ["Shortly", "afterward", ","]);
  eq("wikiann India", tags("ner", [en.examples[0].labels[en.examples[0].words.indexOf("India")]]), ["B-LOC"]);
  const zh = readTokenTask("ner", join(SHARED_DATA, "wikiann/zh/test"), { limit: 1 });
  eq("wikiann zh", zh.examples[0].words.slice(0, 2), ["香", "港"]);

  const x = readXnli(join(SHARED_DATA, "xnli/dev-en.tsv"), { limit: 3 });
  eq("xnli n", x.length, 3);
  eq("xnli first", x[0], { premise: splitWords("And he said, Mama, I'm home."), hypothesis: splitWords("He called his mom as soon as the school bus dropped him off."), label: 1, line: 1 });
  eq("xnli labels", x.map((e) => LABELS.xnli[e.label]), ["neutral", "contradiction", "entailment"]);
};

cases["xnli original header format with lang filter"] = async () => {
  const p = file("xnli.dev.tsv", "language\tgold_label\tsentence1\tsentence2\nen\tneutral\tA b.\tC.\nfr\tcontradiction\tUn chat.\tDeux.\nfr\tentailment\tX\tY\n");
  eq("fr", readXnli(p, { lang: "fr" }).map((e) => [e.premise, e.label, e.line]), [[["Un", "chat", "."], 2, 3], [["X"], 0, 4]]);
  eq("all", readXnli(p).length, 3);
};

// ------------------------------------------------------------------------------------------ subwords
const tokOf = (a: string) => loadTokenizer(join(FIXTURES, `tiny-${a}`));

function checkChunks(name: string, tok: WordTokenizer, words: string[], labels: number[], chunks: TokenChunk[], maxLength: number): void {
  const seen = new Array<number>(words.length).fill(0);
  let next = 0;
  for (const [c, ch] of chunks.entries()) {
    if (ch.ids.length > maxLength) throw new Error(`${name}: chunk ${c} has ${ch.ids.length} > ${maxLength} tokens`);
    eq(`${name} prefix`, ch.ids.slice(0, tok.prefix.length), tok.prefix);
    eq(`${name} suffix`, ch.ids.slice(ch.ids.length - tok.suffix.length), tok.suffix);
    eq(`${name} lens`, [ch.labels.length, ch.wordOf.length], [ch.ids.length, ch.ids.length]);
    eq(`${name} contiguous`, ch.firstWord, next);
    next = ch.endWord;
    ch.wordOf.forEach((w, k) => {
      if (w < 0) {
        if (ch.labels[k] !== -100) throw new Error(`${name}: unlabelled position with label ${ch.labels[k]}`);
        return;
      }
      if (w < ch.firstWord || w >= ch.endWord) throw new Error(`${name}: word ${w} outside chunk range`);
      if (ch.labels[k] !== labels[w]) throw new Error(`${name}: label mismatch at word ${w}`);
      seen[w]++;
    });
  }
  eq(`${name} end`, next, words.length);
  eq(`${name} every word once`, seen, words.map(() => 1));
}

cases["alignLabels: first subword, ▁ dropped, equals encodeWords when it fits"] = async () => {
  const words = ["The", "Children", "reading", "melted", "xylophone", "cat", "."];
  const labels = [8, 0, 16, 16, 0, 0, 1];
  for (const a of ["bert", "xlmr", "distilbert"]) {
    const tok = tokOf(a);
    const [ch, ...rest] = alignLabels(words, labels, tok, 64);
    eq(`${a} one chunk`, rest.length, 0);
    const enc = encodeWords(tok, words, 64);
    eq(`${a} ids`, ch.ids, enc.ids);
    const pos = ch.wordOf.map((w, k) => (w >= 0 ? k : -1)).filter((k) => k >= 0);
    eq(`${a} first subwords`, pos, enc.firstSubword);
    checkChunks(a, tok, words, labels, [ch], 64);
  }
  const bert = tokOf("bert");
  const id = (t: string) => bert.tokenToId(t)!;
  const ch = alignLabels(["Children", "reading"], [10, 16], bert, 16)[0];
  eq("bert pieces", ch.ids, [id("[CLS]"), id("Child"), id("##ren"), id("read"), id("##ing"), id("[SEP]")]);
  eq("bert labels", ch.labels, [-100, 10, -100, 16, -100, -100]);
  eq("bert wordOf", ch.wordOf, [-1, 0, -1, 1, -1, -1]);
  const xlmr = tokOf("xlmr");
  const xid = (t: string) => xlmr.tokenToId(t)!;
  eq("xlmr ▁ dropped", xlmr.encodeWord("Children")[0], xlmr.metaspaceId);
  const cx = alignLabels(["Children", "melted"], [10, 16], xlmr, 16)[0];
  eq("xlmr pieces", cx.ids, [xid("<s>"), xid("Children"), xid("▁melt"), xid("ed"), xid("</s>")]);
  eq("xlmr labels", cx.labels, [-100, 10, 16, -100, -100]);
  eq("empty sentence", alignLabels([], [], bert, 16), []);
};

cases["alignLabels: long sentences split into chunks, none dropped"] = async () => {
  const base = ["The", "Children", "reading", "xylophone", "cat", "melted", "in", "the", "garden", ".", "bonhomme", "library"];
  const words = Array.from({ length: 41 }, (_, i) => base[(i * 7) % base.length]);
  const labels = words.map((_, i) => i % LABELS.pos.length);
  for (const a of ["bert", "xlmr"]) {
    const tok = tokOf(a);
    for (const maxLength of [5, 8, 13, 32]) {
      const chunks = alignLabels(words, labels, tok, maxLength);
      if (maxLength < 32 && chunks.length < 2) throw new Error(`${a}: expected several chunks`);
      checkChunks(`${a}/${maxLength}`, tok, words, labels, chunks, maxLength);
      // no word is split across chunks: the chunk bodies concatenate to the per-word pieces
      const body = chunks.flatMap((c) => c.ids.slice(tok.prefix.length, c.ids.length - tok.suffix.length));
      eq(`${a}/${maxLength} body`, body, encodeWords(tok, words, 100000).ids.slice(tok.prefix.length, -tok.suffix.length));
    }
  }
  // a single word longer than a chunk is truncated, alone in its chunk
  const bert = tokOf("bert");
  const long = "zyxzyxzyxzyx"; // one piece per character
  const chunks = alignLabels(["cat", long, "cat"], [0, 1, 2], bert, 6);
  eq("long word chunks", chunks.map((c) => [c.firstWord, c.endWord, c.ids.length]), [[0, 1, 3], [1, 2, 6], [2, 3, 3]]);
  eq("long word pieces", chunks[1].ids.slice(1, 5), bert.encodeWord(long).slice(0, 4));
  checkChunks("long word", bert, ["cat", long, "cat"], [0, 1, 2], chunks, 6);
};

cases["encodePair bert/distilbert/xlmr with longest_first truncation"] = async () => {
  for (const a of ["bert", "distilbert"]) {
    const tok = tokOf(a);
    const id = (t: string) => tok.tokenToId(t)!;
    const r = encodePair(["The", "cat"], ["reading"], tok, 64);
    eq(`${a} ids`, r.ids, [id("[CLS]"), id("The"), id("cat"), id("[SEP]"), id("read"), id("##ing"), id("[SEP]")]);
    eq(`${a} types`, r.tokenTypes, [0, 0, 0, 0, 1, 1, 1]);
  }
  const xlmr = tokOf("xlmr");
  const xid = (t: string) => xlmr.tokenToId(t)!;
  const r = encodePair(["The", "cat"], ["Children", "melted"], xlmr, 64);
  eq("xlmr ids", r.ids, [xid("<s>"), xid("▁The"), xid("▁cat"), xid("</s>"), xid("</s>"), xid("Children"), xid("▁melt"), xid("ed"), xid("</s>")]);
  eq("xlmr types", r.tokenTypes, r.ids.map(() => 0));
  // longest_first: premise 5 pieces ("Child ##ren read ##ing cat"), hypothesis 2, budget 7 - 3 = 4 -> 2 + 2
  const bert = tokOf("bert");
  const id = (t: string) => bert.tokenToId(t)!;
  const t = encodePair(["Children", "reading", "cat"], ["The", "cat"], bert, 7);
  eq("truncated", t.ids, [id("[CLS]"), id("Child"), id("##ren"), id("[SEP]"), id("The"), id("cat"), id("[SEP]")]);
  // tie: 3 + 3 with budget 4 -> the second side loses first, then alternate -> 2 + 2
  const u = encodePair(["The", "cat", "in"], ["the", "cat", "."], bert, 7);
  eq("tie", u.ids, [id("[CLS]"), id("The"), id("cat"), id("[SEP]"), id("the"), id("cat"), id("[SEP]")]);
  const v = encodePair(["The", "cat", "in"], ["the", "cat", "."], bert, 8);
  eq("tie odd", v.ids, [id("[CLS]"), id("The"), id("cat"), id("in"), id("[SEP]"), id("the"), id("cat"), id("[SEP]")]);
  const w = encodePair(["The", "cat", "in"], ["the", "cat", "."], xlmr, 8);
  eq("xlmr truncated length", w.ids.length, 8);
  throwsLike("too short", () => encodePair(["a"], ["b"], xlmr, 3), /smaller than the 4 special tokens/);
};

// ------------------------------------------------------------------------------------------ metrics
cases["metrics: accuracy, seqeval, BIO repair, spearman, meanStd"] = async () => {
  near("acc", accuracy([1, 2, 3, 4], [1, -100, 0, 4]), 2 / 3);
  if (!Number.isNaN(accuracy([1], [-100]))) throw new Error("accuracy of nothing must be NaN");
  const f = (g: string[][], p: string[][], want: [number, number, number], name: string) => {
    const r = seqevalF1(g, p);
    near(`${name} P`, r.precision, want[0]);
    near(`${name} R`, r.recall, want[1]);
    near(`${name} F1`, r.f1, want[2]);
  };
  f([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-ORG"]], [0.5, 0.5, 0.5], "type error");
  // default (non-strict) mode: an I- after O starts an entity
  f([["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]], [1, 1, 1], "I start");
  // a type change inside a span splits it: pred PER[0] LOC[1] vs gold PER[0..1]
  f([["B-PER", "I-PER", "O"]], [["B-PER", "I-LOC", "O"]], [0, 0, 0], "type switch");
  // sentences are not joined: B-LOC | I-LOC are two entities
  f([["B-LOC"], ["I-LOC"]], [["B-LOC"], ["B-LOC"]], [1, 1, 1], "sentence boundary");
  // gold ORG[0..2] PER[4] LOC[6]; pred ORG[0..1] PER[4] LOC[6..7] -> 1 of 3 each
  f([["B-ORG", "I-ORG", "I-ORG", "O", "B-PER"], ["B-LOC", "O"]], [["B-ORG", "I-ORG", "O", "O", "B-PER"], ["B-LOC", "I-LOC"]], [1 / 3, 1 / 3, 1 / 3], "mixed");
  // P = 1/2 (2 predicted), R = 1/3 (3 gold) -> F1 = 2*(1/6)/(5/6) = 0.4
  f([["B-PER", "O", "B-LOC", "O", "B-ORG"]], [["B-PER", "O", "O", "O", "B-LOC"]], [0.5, 1 / 3, 0.4], "P != R");
  f([["O", "O"]], [["O", "O"]], [0, 0, 0], "no entities");
  eq("repair", repairBio(["O", "I-PER", "I-PER", "B-LOC", "I-ORG", "I-ORG", "I-LOC"]), ["O", "B-PER", "I-PER", "B-LOC", "B-ORG", "I-ORG", "B-LOC"]);
  eq("repair start", repairBio(["I-LOC", "O"]), ["B-LOC", "O"]);
  // repair then score: pred [I-LOC I-PER O] -> [B-LOC B-PER O] vs gold [B-LOC B-PER O] -> 1
  f([["B-LOC", "B-PER", "O"]], [repairBio(["I-LOC", "I-PER", "O"])], [1, 1, 1], "after repair");
  near("spearman", spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233);
  near("spearman -1", spearman([1, 2, 3], [30, 20, 10]), -1);
  // ranks [1.5,1.5,3,4] vs [1,2.5,2.5,4]: deviations [-1,-1,.5,1.5] and [-1.5,0,0,1.5] -> 3.75 / sqrt(4.5 * 4.5) = 5/6
  near("spearman ties both", spearman([1, 1, 2, 3], [1, 2, 2, 3]), 5 / 6);
  if (!Number.isNaN(spearman([1, 1], [1, 2]))) throw new Error("constant input must give NaN");
  const ms = meanStd([1, 2, 3, 4]);
  near("mean", ms.mean, 2.5);
  near("std", ms.std, Math.sqrt(5 / 3));
  eq("std n=1", meanStd([7]), { mean: 7, std: 0 });
};

// ------------------------------------------------------------------------------------------ predictions
function checkConllu(name: string, input: string, output: string): void {
  const a = input.split("\n");
  const b = output.split("\n");
  for (const [i, l] of b.entries()) {
    if (l.replace(/\r$/, "") === "" || l.startsWith("#")) {
      eq(`${name} line ${i + 1}`, l, a[i]);
      continue;
    }
    const c = l.replace(/\r$/, "").split("\t");
    if (c.length !== 10) throw new Error(`${name}: line ${i + 1} has ${c.length} columns`);
    const o = a[i].replace(/\r$/, "").split("\t");
    if (/^\d+-\d+$/.test(c[0])) eq(`${name} mwt line ${i + 1}`, l, a[i]);
    else eq(`${name} other columns ${i + 1}`, [...c.slice(0, 3), ...c.slice(4)], [...o.slice(0, 3), ...o.slice(4)]);
  }
}

cases["writePredictions round trip: conllu (inline + EWT), tsv, iob2"] = async () => {
  const out = tmp();
  const rot = (labels: number[], task: "pos" | "ner") => labels.map((l) => LABELS[task][(l + 3) % LABELS[task].length]);
  for (const mwt of ["keep", "skip"] as const) {
    const p = file("a.conllu", CONLLU.replace(/\n/g, "\r\n"));
    const r = readTokenTask("pos", p, { mwt });
    const pred = r.examples.map((e) => rot(e.labels, "pos"));
    const o = join(out, `a-${mwt}.conllu`);
    writePredictions(r.doc, pred, o);
    const back = readTokenTask("pos", o, { mwt });
    const want = pred.map((s, k) => s.map((t, w) => (r.examples[k].words[w] === "don't" ? "_" : t)));
    eq(`inline ${mwt} back`, back.examples.map((e) => tags("pos", e.labels)), want);
    checkConllu(`inline ${mwt}`, readFileSync(p, "utf8"), readFileSync(o, "utf8"));
    // identity predictions reproduce the file byte for byte
    const same = join(out, `same-${mwt}.conllu`);
    writePredictions(r.doc, r.examples.map((e) => tags("pos", e.labels)), same);
    eq(`identity ${mwt}`, readFileSync(same, "utf8"), readFileSync(p, "utf8"));
  }
  if (existsSync(EWT)) {
    const r = readTokenTask("pos", EWT, { limit: 50 });
    const pred = r.examples.map((e) => rot(e.labels, "pos"));
    const o = join(out, "ewt.conllu");
    writePredictions(r.doc, pred, o);
    const text = readFileSync(o, "utf8");
    const orig = readFileSync(EWT, "utf8").split("\n").slice(0, r.doc.end).join("\n") + "\n";
    checkConllu("ewt", orig, text);
    const back = readTokenTask("pos", o);
    eq("ewt n back", back.examples.length, 50);
    const want = pred.map((s, k) => s.map((t, w) => (r.doc.sentences[k].writable[w] ? t : "_")));
    eq("ewt back", back.examples.map((e) => tags("pos", e.labels)), want);
  }
  const t = file("t.tsv", "Le\tDET\nchat\tNOUN\n\nIl\tPRON\n");
  const rt = readTokenTask("pos", t);
  writePredictions(rt.doc, [["X", "VERB"], ["NOUN"]], join(out, "t.tsv"));
  eq("tsv written", readFileSync(join(out, "t.tsv"), "utf8"), "Le\tX\nchat\tVERB\n\nIl\tNOUN\n");
  const n = file("test", "en:Paris\tB-LOC\nen:is\tO\n\nen:Bob\tB-PER\n\nen:x\tO\n");
  const rn = readTokenTask("ner", n, { limit: 2 });
  writePredictions(rn.doc, [["B-PER", "I-PER"], ["O"]], join(out, "ner"));
  eq("iob2 written (limit 2)", readFileSync(join(out, "ner"), "utf8"), "en:Paris\tB-PER\nen:is\tI-PER\n\nen:Bob\tO\n\n");
  throwsLike("count mismatch", () => writePredictions(rn.doc, [["O"]], join(out, "x")), /1 predicted sentences but .* has 2 read/);
  throwsLike("word mismatch", () => writePredictions(rn.doc, [["O"], ["O"]], join(out, "x")), /sentence 0 .*has 2 words but 1 predicted tags/);
};
