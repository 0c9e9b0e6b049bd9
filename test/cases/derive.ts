// Synthetic languages (xlt derive, align-mlm-spec.md §3): the inversion rules of the authors' scripts, the
// BIO repair, CoNLL-U validity after reversal, and Trans: derived text tokenizes (in xlt and in
// @huggingface/tokenizers) to exactly the original ids + V, the shared specials excepted; extendForTrans
// and writeTransModel double the tables; byte-level BPE (twins as added tokens) on real sentences, whole lines and
// a RoBERTa-layout checkpoint. Real data (EWT, WikiANN, XNLI, the mBERT vocabulary) when
// ../shared/data is present. Tolerance: exact (ids, strings), except the N(0, 0.02²) init's std (±15%).
import { Tokenizer } from "@huggingface/tokenizers";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { loadAll } from "../../src/io/safetensors.ts";
import { writeF32 } from "../../src/io/safetensors_write.ts";
import { buildTokenizer, loadTokenizer, wordPieceTokenizerJson } from "../../src/io/tokenize.ts";
import { tokenizeLine } from "../../src/pretrain/data.ts";
import { trainVocab } from "../../src/vocab/train.ts";
import { deriveFile, detectDeriveFormat, parseTransform } from "../../src/synthetic/derive.ts";
import { writeTransModel } from "../../src/synthetic/extend_model.ts";
import { inversionOrder, invertTextLine, invertXnliSentence, reverseBioTags } from "../../src/synthetic/invert.ts";
import { doubleTokenizerJson, extendForTrans, sharedIds, transliterateWord, twinPiece } from "../../src/synthetic/trans.ts";
import { alignLabels, encodePair, readTokenTask, readXnli } from "../../src/tasks/data.ts";
import { type Cases, throwsLike } from "../lib/check.ts";
import { FIXTURES, SHARED_DATA, TINY_BERT } from "../lib/fixtures.ts";

export const cases: Cases = {};

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 400)}, expected ${w.slice(0, 400)}`);
}

const TINY_XLMR = join(FIXTURES, "tiny-xlmr");
const EWT_DEV = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-dev.conllu");
const WIKIANN_DEV = join(SHARED_DATA, "wikiann/en/dev");
const XNLI_EN = join(SHARED_DATA, "xnli/dev-en.tsv");
const MBERT_VOCAB = join(SHARED_DATA, "tokenizers/bert-base-multilingual-cased/vocab.txt");
const tokJson = (dir: string) => JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));

/** the first n blank-line-separated blocks of a file */
function firstBlocks(path: string, n: number): string {
  return readFileSync(path, "utf8").split(/\n\s*\n/).slice(0, n).join("\n\n") + "\n\n";
}

// ------------------------------------------------------------------------------------------ Inv rules
cases["inv: a final . ! ? stays last, everything else reversed"] = async () => {
  const w = (s: string) => s.split(" ");
  eq("final .", inversionOrder(w("the cat sat ."), (x) => x), [2, 1, 0, 3]);
  eq("no final punct", inversionOrder(w("a b , c"), (x) => x), [3, 2, 1, 0]);
  eq("single", inversionOrder(["."], (x) => x), [0]);
  eq("empty", inversionOrder([], (x: string) => x), []);
  // text: cut into sentences after every standalone . ! ?, one sentence per line, line-aligned
  eq("text", invertTextLine("the cat sat . it was happy ! no end"), {
    original: ["the cat sat .", "it was happy !", "no end"],
    inverted: ["sat cat the .", "happy was it !", "end no"],
  });
  // XNLI: a final . ! ? glued to the last word is detached and re-attached; other punctuation stays glued
  eq("xnli", invertXnliSentence("And he said, Mama, I'm home."), "home I'm Mama, said, he And.");
  eq("xnli ?", invertXnliSentence("Is it so?"), "so it Is?");
  eq("xnli no punct", invertXnliSentence("a b c"), "c b a");
};

cases["inv: IOB2 spans are relabelled B, I… after reversal, and stay valid"] = async () => {
  const tags = ["B-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "O", "B-PER", "B-PER", "."];
  const words = ["Sioux", "Falls", "Arena", "(", "South", "Dakota", ")", "Ann", "Bob", "."];
  const order = inversionOrder(words, (x) => x);
  eq("order", order, [8, 7, 6, 5, 4, 3, 2, 1, 0, 9]);
  eq("tags", reverseBioTags(tags, order), ["B-PER", "B-PER", "O", "B-LOC", "I-LOC", "O", "B-ORG", "I-ORG", "I-ORG", "."]);
  // a stray I- (ill-formed input) is its own span, read as seqeval reads it
  eq("stray I", reverseBioTags(["O", "I-LOC", "I-LOC", "B-LOC"], [3, 2, 1, 0]), ["B-LOC", "B-LOC", "I-LOC", "O"]);
  // POS tags (no B-/I- prefix) just move with their words
  eq("pos", reverseBioTags(["NOUN", "VERB"], [1, 0]), ["VERB", "NOUN"]);
};

cases["inv: WikiANN dev — every derived span is valid IOB2, entity words and types preserved"] = async () => {
  if (!existsSync(WIKIANN_DEV)) return;
  const src = firstBlocks(WIKIANN_DEV, 300);
  const d = deriveFile("iob2", "dev", src, { inv: true, trans: null });
  const spans = (text: string) => {
    const out: string[] = [];
    for (const block of text.split(/\n\n/).filter((b) => b.trim())) {
      const rows = block.split("\n").filter((l) => l).map((l) => l.split("\t"));
      // a final . ! ? inside an entity stays last, so that entity is cut in two (as in the authors' rule)
      const last = rows[rows.length - 1];
      if (/^(en:)?[.!?]$/.test(last[0]) && last[1] !== "O") continue;
      let cur: string[] | null = null;
      const all: string[] = [];
      for (const [w, t] of rows) {
        if (t.startsWith("B-") || (t.startsWith("I-") && !cur)) {
          if (cur) all.push(cur.join(" "));
          cur = [t.slice(2), w];
        } else if (t.startsWith("I-")) cur!.push(w);
        else {
          if (cur) all.push(cur.join(" "));
          cur = null;
        }
      }
      if (cur) all.push(cur.join(" "));
      // a reversed entity reads backwards (a final "." inside it stays last): compare its words as a multiset
      for (const s of all) {
        const [ty, ...ws] = s.split(" ");
        out.push(`${ty} ${ws.sort().join(" ")}`);
      }
    }
    return out.sort();
  };
  eq("entities", spans(d.text), spans(src));
  // valid IOB2: an I-X only after B-X or I-X
  const lines = d.text.split("\n");
  lines.forEach((l, i) => {
    const t = l.split("\t")[1];
    if (t?.startsWith("I-")) {
      const prev = lines[i - 1]?.split("\t")[1];
      if (!prev || prev.slice(2) !== t.slice(2) || prev === "O") throw new Error(`line ${i + 1}: '${t}' after '${prev}'`);
    }
  });
  eq("sentences", d.units, 300);
};

cases["inv: EWT CoNLL-U — ids renumbered, HEAD remapped, tags follow words, readable by readTokenTask"] = async () => {
  if (!existsSync(EWT_DEV)) return;
  const src = firstBlocks(EWT_DEV, 200);
  const d = deriveFile("conllu", "dev.conllu", src, { inv: true, trans: null });
  if (d.dropped === 0) throw new Error("expected EWT's multi-word-token lines to be dropped");
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    writeFileSync(join(dir, "a.conllu"), src);
    writeFileSync(join(dir, "b.conllu"), d.text);
    const a = readTokenTask("pos", join(dir, "a.conllu"), { mwt: "skip" }).examples;
    const b = readTokenTask("pos", join(dir, "b.conllu"), { mwt: "skip" }).examples;
    eq("sentences", b.length, a.length);
    // every (word, tag, head word, deprel) of the original is in the derived sentence; order reversed
    const edges = (text: string) =>
      text.split(/\n\n/).filter((s) => s.trim()).map((s) => {
        const rows = s.split("\n").filter((l) => /^\d+\t/.test(l)).map((l) => l.split("\t"));
        const form = new Map(rows.map((r) => [r[0], r[1]]));
        rows.forEach((r, k) => {
          if (r[0] !== String(k + 1)) throw new Error(`ids not 1..n: ${r[0]} at ${k + 1}`);
        });
        return rows.map((r) => `${r[1]}/${r[3]}/${r[6] === "0" ? "ROOT" : form.get(r[6])}/${r[7]}`).sort().join(" ");
      });
    eq("edges", edges(d.text), edges(src));
    a.forEach((ex, k) => {
      const n = ex.words.length;
      const order = inversionOrder(ex.words, (w) => w);
      eq(`sentence ${k} words`, b[k].words, order.map((i) => ex.words[i]));
      eq(`sentence ${k} labels`, b[k].labels, order.map((i) => ex.labels[i]));
      if (n !== b[k].words.length) throw new Error("length");
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// ------------------------------------------------------------------------------------------ Trans
/** derived words tokenize to the original pieces + V, in xlt's tokenizer and in HF's, and originals are unchanged */
function checkTrans(name: string, json: any, words: string[]): void {
  const tok = buildTokenizer(json);
  const V = tok.vocabSize;
  const doubledJson = doubleTokenizerJson(json, V);
  const dbl = buildTokenizer(doubledJson);
  eq(`${name} doubled size`, dbl.vocabSize, 2 * V);
  const shared = sharedIds(tok);
  const derived = words.map((w) => transliterateWord(tok, w));
  const labels = words.map(() => 0);
  const orig = alignLabels(words, labels, tok, 100_000)[0];
  const der = alignLabels(derived, labels, dbl, 100_000)[0];
  eq(`${name} ids`, der.ids, orig.ids.map((i) => (shared.has(i) ? i : i + V)));
  eq(`${name} labels`, der.labels, orig.labels);
  eq(`${name} original text unchanged`, alignLabels(words, labels, dbl, 100_000)[0].ids, orig.ids);
  const hf = new Tokenizer(doubledJson, {});
  const hfOrig = new Tokenizer(json, {});
  words.forEach((w, k) => {
    const p = tok.encodeWord(w);
    const pieces = tok.metaspaceId >= 0 && p.length > 1 && p[0] === tok.metaspaceId ? p.slice(1) : p;
    if (pieces.length === 0) return;
    eq(`${name} HF '${w}'`, hf.encode(derived[k], { add_special_tokens: false }).ids, pieces.map((i) => i + V));
    eq(`${name} HF original '${w}'`, hf.encode(w, { add_special_tokens: false }).ids, hfOrig.encode(w, { add_special_tokens: false }).ids);
  });
}

const SAMPLE = ["Sie", "spielt", "Xylophon", ".", "The", "cat's", "U.S.", "naïve", "☃", "hello,world", "12:30", "don't"];

cases["trans: derived words tokenize to ids + V (tiny BERT WordPiece, tiny XLM-R Unigram; xlt and HF)"] = async () => {
  checkTrans("tiny-bert", tokJson(TINY_BERT), SAMPLE);
  checkTrans("tiny-xlmr", tokJson(TINY_XLMR), SAMPLE);
  eq("twin 0", twinPiece(0), "\ua000\ua000");
  eq("twin 1025", twinPiece(1025), "\ua001\ua001");
  eq("shared bert", [...sharedIds(buildTokenizer(tokJson(TINY_BERT)))].sort(), [0, 2, 3]);
  eq("shared xlmr", [...sharedIds(buildTokenizer(tokJson(TINY_XLMR)))].sort(), [0, 1, 2]);
};

cases["trans: the mBERT vocabulary on EWT words (119,547 → 239,094)"] = async () => {
  if (!existsSync(MBERT_VOCAB) || !existsSync(EWT_DEV)) return;
  const json = wordPieceTokenizerJson(readFileSync(MBERT_VOCAB, "utf8").split(/\r?\n/));
  const words = [...new Set(readTokenTask("pos", EWT_DEV, { limit: 60 }).examples.flatMap((e) => e.words))];
  checkTrans("mbert", json, [...words, ...SAMPLE, "東京", "Ελληνικά"]);
};

cases["trans+inv: XNLI derived file reads back to the original pair's ids + V (Inv then Trans)"] = async () => {
  const src = existsSync(XNLI_EN) ? readFileSync(XNLI_EN, "utf8").split("\n").slice(0, 40).join("\n") + "\n" : "And he said, Mama, I'm home.\tHe didn't say a word.\tcontradiction\n";
  const json = tokJson(TINY_XLMR);
  const tok = buildTokenizer(json);
  const dbl = buildTokenizer(doubleTokenizerJson(json, tok.vocabSize));
  const shared = sharedIds(tok);
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    const inv = deriveFile("xnli", "x.tsv", src, { inv: true, trans: null });
    const both = deriveFile("xnli", "x.tsv", src, { inv: true, trans: (w) => transliterateWord(tok, w) });
    writeFileSync(join(dir, "inv.tsv"), inv.text);
    writeFileSync(join(dir, "both.tsv"), both.text);
    const a = readXnli(join(dir, "inv.tsv"));
    const b = readXnli(join(dir, "both.tsv"));
    eq("pairs", b.length, a.length);
    a.forEach((ex, k) => {
      eq(`label ${k}`, b[k].label, ex.label);
      const ia = encodePair(ex.premise, ex.hypothesis, tok, 10_000).ids;
      const ib = encodePair(b[k].premise, b[k].hypothesis, dbl, 10_000).ids;
      eq(`ids ${k}`, ib, ia.map((i) => (shared.has(i) ? i : i + tok.vocabSize)));
    });
    // Inv alone is the authors' rule on each side
    const first = src.split("\n")[0].replace(/\r$/, "").split("\t");
    eq("inv line", inv.text.split("\n")[0], [invertXnliSentence(first[0]), invertXnliSentence(first[1]), first[2]].join("\t"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["trans: CoNLL-U keeps labels and word count, FORM tokenizes to ids + V"] = async () => {
  const src = existsSync(EWT_DEV) ? firstBlocks(EWT_DEV, 30) : "# text = a b\n1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\t_\t_\t0\troot\t_\t_\n\n";
  const json = tokJson(TINY_BERT);
  const tok = buildTokenizer(json);
  const dbl = buildTokenizer(doubleTokenizerJson(json, tok.vocabSize));
  const shared = sharedIds(tok);
  const d = deriveFile("conllu", "x.conllu", src, { inv: false, trans: (w) => transliterateWord(tok, w) });
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    writeFileSync(join(dir, "a.conllu"), src);
    writeFileSync(join(dir, "b.conllu"), d.text);
    const a = readTokenTask("pos", join(dir, "a.conllu")).examples;
    const b = readTokenTask("pos", join(dir, "b.conllu")).examples;
    a.forEach((ex, k) => {
      eq(`labels ${k}`, b[k].labels, ex.labels);
      const ca = alignLabels(ex.words, ex.labels, tok, 10_000)[0];
      const cb = alignLabels(b[k].words, b[k].labels, dbl, 10_000)[0];
      eq(`ids ${k}`, cb.ids, ca.ids.map((i) => (shared.has(i) ? i : i + tok.vocabSize)));
      eq(`aligned labels ${k}`, cb.labels, ca.labels);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["trans: extendForTrans and writeTransModel double tiny-bert's embedding table, tokenizer and MLM bias"] = async () => {
  const ck = loadCheckpoint(TINY_BERT);
  const V = ck.config.vocab;
  const H = ck.config.hidden;
  const word = ck.tensors.get("embeddings.word")!.data;
  const { checkpoint, tokenizer } = extendForTrans(ck, tokJson(TINY_BERT), { seed: 7 });
  eq("vocab", checkpoint.config.vocab, 2 * V);
  const t = checkpoint.tensors.get("embeddings.word")!;
  eq("shape", t.shape, [2 * V, H]);
  eq("original rows unchanged", Array.from(t.data.subarray(0, V * H)), Array.from(word));
  let s = 0;
  let m = 0;
  for (let k = V * H; k < 2 * V * H; k++) {
    s += t.data[k] * t.data[k];
    m += t.data[k];
  }
  const std = Math.sqrt(s / (V * H));
  if (Math.abs(std - 0.02) > 0.003 || Math.abs(m / (V * H)) > 0.002) throw new Error(`new rows: std ${std}, mean ${m / (V * H)}; expected N(0, 0.02²)`);
  eq("tokenizer size", buildTokenizer(tokenizer).vocabSize, 2 * V);
  const copy = extendForTrans(ck, tokJson(TINY_BERT), { init: "copy" }).checkpoint.tensors.get("embeddings.word")!.data;
  eq("copy init", Array.from(copy.subarray(V * H)), Array.from(word));

  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    writeTransModel(TINY_BERT, dir, { seed: 7 });
    const re = loadCheckpoint(dir);
    eq("saved vocab", re.config.vocab, 2 * V);
    eq("saved table", Array.from(re.tensors.get("embeddings.word")!.data), Array.from(t.data));
    const all = loadAll(join(dir, "model.safetensors"));
    const bias = all.get("cls.predictions.bias")!;
    eq("bias shape", bias.shape, [2 * V]);
    eq("bias new entries", Array.from(bias.data.subarray(V)).every((x) => x === 0), true);
    const src = loadAll(join(TINY_BERT, "model.safetensors"));
    eq("other tensors copied", Array.from(all.get("bert.encoder.layer.0.output.dense.weight")!.data), Array.from(src.get("bert.encoder.layer.0.output.dense.weight")!.data));
    eq("tokenizer", buildTokenizer(JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"))).vocabSize, 2 * V);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["derive: one-line errors for an unknown transform, bad columns, an empty corpus, an unknown format"] = async () => {
  throwsLike("unknown", () => parseTransform("rot13"), /^--transform 'rot13': not a transform: use trans, inv or trans\+inv$/);
  throwsLike("perm", () => parseTransform("perm"), /perm is not implemented/);
  eq("inv+trans", parseTransform("Inv+Trans"), "trans+inv");
  const o = { inv: true, trans: null };
  throwsLike("conllu columns", () => deriveFile("conllu", "x.conllu", "1\ta\tb\n", o), /x\.conllu:1: .*10 tab-separated columns, found 3/);
  throwsLike("iob2 columns", () => deriveFile("iob2", "x", "a\tO\nb\n", o), /x:2: expected 'word<TAB>TAG'/);
  throwsLike("xnli columns", () => deriveFile("xnli", "x.tsv", "a\tb\n", o), /x\.tsv:1: expected 3 tab-separated columns/);
  throwsLike("empty text", () => deriveFile("text", "x.txt", "\n\n", o), /x\.txt: no text to derive/);
  throwsLike("empty conllu", () => deriveFile("conllu", "x.conllu", "# only a comment\n", o), /no CoNLL-U sentences/);
  throwsLike("bad head", () => deriveFile("conllu", "x.conllu", "1\ta\ta\tX\t_\t_\t5\tdep\t_\t_\n", o), /HEAD '5' is not a word/);
  eq("detect", ["a.conllu", "a.txt", "a.iob2", "a.tsv", "b.tsv", "a.dat"].map((p, i) => detectDeriveFormat(p, i === 4 ? "w\tO" : "a\tb\tc")), ["conllu", "text", "iob2", "xnli", "iob2", null]);
  eq("detect without extension", ["en:Sioux\tB-ORG", "a\tb\tneutral\r", "# sent_id = 1", "1\ta\ta\tX\t_\t_\t0\troot\t_\t_", "plain words"].map((l) => detectDeriveFormat("data/dev", l)), ["iob2", "xnli", "conllu", "conllu", null]);
  throwsLike("twin range", () => twinPiece(1 << 20), /no transliteration/);
  const clash = tokJson(TINY_BERT);
  // respell the token with id 5 as the twin of id 1
  const five = Object.keys(clash.model.vocab).find((t) => clash.model.vocab[t] === 5)!;
  delete clash.model.vocab[five];
  clash.model.vocab["\ua000\ua001"] = 5;
  throwsLike("twin already in the vocabulary", () => doubleTokenizerJson(clash, Object.keys(clash.model.vocab).length), /already holds 'ꀀꀁ'/);
  throwsLike("word-level", () => doubleTokenizerJson({ model: { type: "WordLevel", vocab: {} } }, 0), /WordPiece, Unigram and BPE tokenizers, not .WordLevel./);
};

// ------------------------------------------------------------------------------------------ Trans, byte-level BPE
const EWT_TRAIN = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");
const FALLBACK_TEXT = "The cat sat on the mat . A naïve cat 's café , don't you think ?\nNo , the dog sat on the cat 's mat !\n";

/** sentences (as word lists) of EWT dev, or a hand-written pair without ../shared/data */
function ewtSentences(n: number): string[][] {
  if (!existsSync(EWT_DEV)) return FALLBACK_TEXT.trim().split("\n").map((l) => l.split(" "));
  return readTokenTask("pos", EWT_DEV, { limit: n }).examples.map((e) => e.words);
}

let bpeCache: any = null;
/** a byte-level BPE tokenizer.json as `xlt vocab --type bpe` writes it (RoBERTa's layout), learned on EWT train */
function bpeJson(): any {
  if (!bpeCache) {
    const text = existsSync(EWT_TRAIN) ? readTokenTask("pos", EWT_TRAIN, { limit: 3000 }).examples.map((e) => e.words.join(" ")).join("\n") + "\n" : FALLBACK_TEXT;
    bpeCache = trainVocab([text], { kind: "bpe", vocabSize: existsSync(EWT_TRAIN) ? 3000 : 300, minFrequency: 2 }).tokenizerJson;
  }
  return structuredClone(bpeCache);
}

// words a small English BPE splits into many pieces, non-ASCII words (2-, 3- and 4-byte UTF-8), punctuation
const BPE_HARD = ["Xylophonists", "antidisestablishmentarianism", "naïve", "Ελληνικά", "東京", "😀", "☃", "café", "don't", "U.S.", "12:30", "hello,world", "ꀀ"];

cases["trans, byte-level BPE: EWT words and hard words tokenize to ids + V (xlt and HF), originals unchanged"] = async () => {
  const words = [...new Set(ewtSentences(80).flat())];
  const json = bpeJson();
  const tok = buildTokenizer(json);
  const many = BPE_HARD.filter((w) => tok.encodeWord(w).length >= 6);
  if (!many.length) throw new Error("expected some words to split into 6 or more pieces");
  checkTrans("bpe", json, [...words, ...BPE_HARD, ...SAMPLE]);
  eq("shared bpe", [...sharedIds(tok)].sort(), [0, 1, 2]);
  // the twins are added tokens V..2V−1, in id order, after the original specials (HF assigns them so)
  const added = doubleTokenizerJson(json, tok.vocabSize).added_tokens;
  eq("added ids", added.slice(json.added_tokens.length).every((a: any, i: number) => a.id === tok.vocabSize + i && a.content === twinPiece(i) && a.lstrip && !a.special), true);
};

cases["trans, byte-level BPE: whole derived lines read as the original's ids + V — first word, no prefix space, multi-piece words"] = async () => {
  for (const prefix of [true, false]) {
    const json = bpeJson();
    json.pre_tokenizer.add_prefix_space = prefix;
    json.decoder.add_prefix_space = prefix;
    const tok = buildTokenizer(json);
    const V = tok.vocabSize;
    const dbl = buildTokenizer(doubleTokenizerJson(json, V));
    const hf = new Tokenizer(doubleTokenizerJson(json, V), {});
    const hfOrig = new Tokenizer(json, {});
    const shift = (ids: number[]) => ids.map((i) => (i <= 2 ? i : i + V));
    for (const words of [...ewtSentences(30), ["naïve", "Xylophonists", "said", "'", "hello", "'", "."]]) {
      const line = words.join(" ");
      const derived = words.map((w) => transliterateWord(tok, w)).join(" ");
      // xlt reads corpus lines word by word (pretrain's tokenizeLine), so every word is encoded alone
      eq(`xlt line (prefix ${prefix}) '${line}'`, tokenizeLine(dbl, derived), shift(tokenizeLine(tok, line)));
      // HF reads a derived line whole: the spaces between twins vanish into lstrip, none becomes a "Ġ"
      eq(`HF derived line (prefix ${prefix}) '${line}'`, hf.encode(derived).ids, shift(tokenizeLine(tok, line)));
      // with the prefix space every word is Ġ-led, so the whole original line splits as its words do (first word too)
      if (prefix) eq(`HF original line '${line}'`, hfOrig.encode(line).ids, tokenizeLine(tok, line));
    }
    if (!prefix) {
      // no prefix space: a word alone has no "Ġ", and its twin is of the "Ġ"-less pieces
      const p = tok.encodeWord("cat");
      eq("no Ġ", tok.idToToken(p[0])!.startsWith("Ġ"), false);
      eq("no Ġ twin", dbl.encodeWord(transliterateWord(tok, "cat")), p.map((i) => i + V));
    }
  }
};

cases["trans, byte-level BPE: the written tokenizer.json reloads through loadTokenizer with identical ids"] = async () => {
  const json = bpeJson();
  const tok = buildTokenizer(json);
  const V = tok.vocabSize;
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(doubleTokenizerJson(json, V)));
    const re = loadTokenizer(dir);
    const mem = buildTokenizer(doubleTokenizerJson(json, V));
    eq("size", re.vocabSize, 2 * V);
    eq("specials", [re.prefix, re.suffix, re.padId], [[0], [2], 1]);
    const words = [...ewtSentences(20).flat(), ...BPE_HARD];
    for (const w of words) {
      const d = transliterateWord(tok, w);
      eq(`reloaded '${w}'`, re.encodeWord(d), mem.encodeWord(d));
      eq(`reloaded original '${w}'`, re.encodeWord(w), tok.encodeWord(w));
    }
    eq("twin token", [re.tokenToId(twinPiece(7)), re.idToToken(V + 7)], [V + 7, twinPiece(7)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["trans, byte-level BPE: CoNLL-U and trans+inv text derive to ids + V"] = async () => {
  const json = bpeJson();
  const tok = buildTokenizer(json);
  const V = tok.vocabSize;
  const dbl = buildTokenizer(doubleTokenizerJson(json, V));
  const shift = (ids: number[]) => ids.map((i) => (i <= 2 ? i : i + V));
  const src = existsSync(EWT_DEV) ? firstBlocks(EWT_DEV, 30) : "# text = a b\n1\ta\ta\tDET\t_\t_\t2\tdet\t_\t_\n2\tcafé\tb\tNOUN\t_\t_\t0\troot\t_\t_\n\n";
  const trans = (w: string) => transliterateWord(tok, w);
  const d = deriveFile("conllu", "x.conllu", src, { inv: false, trans });
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    writeFileSync(join(dir, "a.conllu"), src);
    writeFileSync(join(dir, "b.conllu"), d.text);
    const a = readTokenTask("pos", join(dir, "a.conllu")).examples;
    const b = readTokenTask("pos", join(dir, "b.conllu")).examples;
    a.forEach((ex, k) => {
      const ca = alignLabels(ex.words, ex.labels, tok, 10_000)[0];
      const cb = alignLabels(b[k].words, b[k].labels, dbl, 10_000)[0];
      eq(`ids ${k}`, cb.ids, shift(ca.ids));
      eq(`aligned labels ${k}`, cb.labels, ca.labels);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = ewtSentences(20).map((w) => w.join(" ")).join("\n") + "\n";
  const both = deriveFile("text", "c.txt", text, { inv: true, trans });
  const orig = both.original!.trim().split("\n");
  const der = both.text.trim().split("\n");
  eq("lines", der.length, orig.length);
  orig.forEach((l, k) => {
    const inverted = invertTextLine(l).inverted.join(" ");
    eq(`trans+inv line ${k}`, tokenizeLine(dbl, der[k]), shift(tokenizeLine(tok, inverted)));
  });
};

cases["trans, byte-level BPE: writeTransModel doubles a RoBERTa-layout checkpoint (tied decoder, lm_head biases)"] = async () => {
  const json = bpeJson();
  const V = buildTokenizer(json).vocabSize;
  const H = 4;
  const dir = mkdtempSync(join(tmpdir(), "xlt-derive-"));
  try {
    const src = join(dir, "src");
    const out = join(dir, "out");
    mkdirSync(src);
    mkdirSync(out);
    const table = Float32Array.from({ length: V * H }, (_, k) => (k % 97) / 97);
    const tensors = new Map<string, { shape: number[]; data: Float32Array }>([
      ["roberta.embeddings.word_embeddings.weight", { shape: [V, H], data: table }],
      ["lm_head.decoder.weight", { shape: [V, H], data: table.slice() }],
      ["lm_head.bias", { shape: [V], data: new Float32Array(V).fill(0.5) }],
      ["lm_head.decoder.bias", { shape: [V], data: new Float32Array(V).fill(0.5) }],
      ["roberta.embeddings.position_embeddings.weight", { shape: [10, H], data: new Float32Array(10 * H).fill(0.25) }],
    ]);
    writeF32(join(src, "model.safetensors"), tensors);
    writeFileSync(join(src, "config.json"), JSON.stringify({ model_type: "roberta", architectures: ["RobertaForMaskedLM"], vocab_size: V, hidden_size: H, initializer_range: 0.02, pad_token_id: 1 }));
    writeFileSync(join(src, "tokenizer.json"), JSON.stringify(json));
    writeTransModel(src, out, { seed: 3 });
    const all = loadAll(join(out, "model.safetensors"));
    const word = all.get("roberta.embeddings.word_embeddings.weight")!;
    eq("word shape", word.shape, [2 * V, H]);
    eq("original rows", Array.from(word.data.subarray(0, V * H)), Array.from(table));
    eq("tied decoder gets the same new rows", Array.from(all.get("lm_head.decoder.weight")!.data), Array.from(word.data));
    for (const b of ["lm_head.bias", "lm_head.decoder.bias"]) eq(`${b}`, Array.from(all.get(b)!.data), [...new Array(V).fill(0.5), ...new Array(V).fill(0)]);
    eq("positions untouched", all.get("roberta.embeddings.position_embeddings.weight")!.shape, [10, H]);
    eq("config", JSON.parse(readFileSync(join(out, "config.json"), "utf8")).vocab_size, 2 * V);
    const re = loadTokenizer(out);
    eq("tokenizer", re.vocabSize, 2 * V);
    eq("derived word", re.encodeWord(transliterateWord(buildTokenizer(json), "Xylophonists")), buildTokenizer(json).encodeWord("Xylophonists").map((i) => i + V));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["trans, byte-level BPE: tokenizers Trans cannot double are one-line errors"] = async () => {
  const json = bpeJson();
  const V = buildTokenizer(json).vocabSize;
  const outside = bpeJson();
  outside.added_tokens.push({ id: V, content: "<extra>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  throwsLike("added token outside the vocabulary", () => doubleTokenizerJson(outside, V + 1), /BPE vocabulary has \d+ tokens but the tokenizer \d+ ids; Trans needs every added token inside the vocabulary/);
  const moved = bpeJson();
  moved.added_tokens[4].id = 17;
  throwsLike("added token with another id", () => doubleTokenizerJson(moved, V), /added token '<mask>' \(id 17\) is not the vocabulary's entry/);
  const gap = bpeJson();
  const last = Object.keys(gap.model.vocab).find((t) => gap.model.vocab[t] === V - 1)!;
  gap.model.vocab[last] = V + 5;
  throwsLike("ids with a gap", () => doubleTokenizerJson(gap, V), /does not hold exactly the ids 0\.\.\d+/);
  const clash = bpeJson();
  const tok5 = Object.keys(clash.model.vocab).find((t) => clash.model.vocab[t] === V - 1)!;
  delete clash.model.vocab[tok5];
  clash.model.vocab["\ua000\ua003"] = V - 1;
  throwsLike("twin already in the vocabulary", () => doubleTokenizerJson(clash, V), /already holds 'ꀀꀃ', the spelling of derived id/);
};
