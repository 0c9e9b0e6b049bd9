// Realignment data pipeline (no GPU): the dictionary rule, post-filter, stream order, input errors, the
// PairBatcher's link -> row mapping (tiny fixtures and 200 real PUD en-de pairs with the MUSE en-de
// dictionary; skipped when ../shared/data is absent) and `xlt align` end to end.
// Tolerance: exact (integer indices and strings).
import { rejectsLike as throwsLike } from "../lib/check.ts";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alignCommand } from "../../cli/align.ts";
import { invoke } from "../../cli/options.ts";
import { buildDictionary, dictionaryLinks, filterLinks, interleave, shuffled } from "../../src/data/align.ts";
import { readConlluWords } from "../../src/data/conllu_words.ts";
import {
  extractLanguagePairs,
  langFromFileName,
  loadDictionary,
  loadLanguagePairs,
  PairBatcher,
  type PairBatch,
  parseLangSpec,
  realignStream,
} from "../../src/data/pairs.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { loadTokenizer } from "../../src/io/tokenize.ts";
import { parseLinks, readParallel } from "../../src/io/words.ts";
import type { PairExample } from "../../src/data/side_batch.ts";
import type { Cases } from "../lib/check.ts";
import { haveRealData as haveReal, MUSE_DE, PARALLEL_TINY as PARALLEL, PUD_DE, PUD_EN, TINY_BERT as TINY } from "../lib/fixtures.ts";

export const cases: Cases = {};


function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 300)}, expected ${w.slice(0, 300)}`);
}

async function withTmp<T>(fn: (dir: string) => T | Promise<T>): Promise<T> {
  const d = mkdtempSync(join(tmpdir(), "xlt-pairs-"));
  try {
    return await fn(d);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

// dictionary for test/fixtures/parallel-tiny.txt (en-de and en-fr lines)
const TINY_DICO = [
  "cat Katze", "sleeps schläft", "sofa Sofa", "brother Bruder", "book Buch", "weather Wetter", "today heute",
  "garden Garten", "house Haus", "three drei", "rooms Zimmer", "apples pommes", "green vertes",
  "library bibliothèque", "coffee café", "morning matin", "station gare", "plays spielt", "Children Kinder",
  "the die", "the der", "the dem", ". .",
].join("\n") + "\n";

function tinyConfig() {
  return loadCheckpoint(TINY).config;
}

/** left/right word of each concatenated row of a batch side */
function rowWords(batch: PairBatch): { left: string[]; right: string[] } {
  const left: string[] = [];
  const right: string[] = [];
  batch.examples.forEach((ex, b) => {
    batch.left.wordIndex[b].forEach((row, w) => {
      if (row >= 0) left[row] = ex.src[w];
    });
    batch.right.wordIndex[b].forEach((row, w) => {
      if (row >= 0) right[row] = ex.tgt[w];
    });
  });
  return { left, right };
}

cases["dictionary rule: conditions (i), (ii), (iii) and identical entries"] = async () => {
  const d = buildDictionary([
    ["house", "Haus"],
    ["big", "groß"],
    ["big", "großes"], // (i): both translations present -> ambiguous
    ["red", "rot"], // (ii): 'rot' occurs twice
    ["small", "klein"],
    ["little", "klein"], // (iii): 'small' and 'little' both map back from 'klein'
    ["Berlin", "Berlin"], // identical entry: ignored
  ]);
  eq("identical dropped", d.fwd.has("Berlin"), false);
  eq("clean match", dictionaryLinks(["the", "house"], ["das", "Haus"], d), [[1, 1]]);
  eq("(i) two distinct translation types", dictionaryLinks(["big", "house"], ["groß", "großes", "Haus"], d), [[1, 2]]);
  eq("(i) only one present is fine", dictionaryLinks(["big"], ["großes"], d), [[0, 0]]);
  eq("(ii) type occurs twice", dictionaryLinks(["red", "house"], ["rot", "Haus", "rot"], d), [[1, 1]]);
  eq("(iii) two source words map back", dictionaryLinks(["small", "little", "house"], ["klein", "Haus"], d), [[2, 1]]);
  eq("(iii) one source word is fine", dictionaryLinks(["small"], ["klein"], d), [[0, 0]]);
  eq("identical entry gives no link", dictionaryLinks(["Berlin"], ["Berlin"], d), []);
  eq("case-sensitive", dictionaryLinks(["House"], ["Haus"], d), []);
};

cases["one-to-one and identical-string filter"] = async () => {
  const src = ["a", "b", "c", "X"];
  const tgt = ["x", "y", "z", "X"];
  // word 0 in two links -> both go; target 2 in two links -> both go; 3-3 identical strings
  eq("filter", filterLinks(src, tgt, [[0, 0], [0, 1], [1, 2], [2, 2], [3, 3]]), []);
  eq("keeps 1-1", filterLinks(src, tgt, [[0, 1], [1, 0], [2, 2]]), [[0, 1], [1, 0], [2, 2]]);
  eq("mixed", filterLinks(src, tgt, [[0, 0], [1, 1], [1, 2], [3, 3]]), [[0, 0]]);
};

cases["interleave order and seeded shuffle"] = async () => {
  eq("round robin, first exhausted", interleave([[1, 2, 3], ["a", "b"], [10, 20, 30]] as unknown[][]), [1, "a", 10, 2, "b", 20]);
  const xs = Array.from({ length: 50 }, (_, i) => i);
  eq("reproducible", shuffled(xs, 31), shuffled(xs, 31));
  if (JSON.stringify(shuffled(xs, 31)) === JSON.stringify(shuffled(xs, 42))) throw new Error("seeds 31 and 42 give the same order");
  eq("permutation", [...shuffled(xs, 7)].sort((a, b) => a - b), xs);
  const ex = (lang: string, k: number): PairExample => ({ src: [`${lang}${k}`], tgt: ["t"], links: [[0, 0]], lang });
  const de = Array.from({ length: 5 }, (_, k) => ex("de", k));
  const fr = Array.from({ length: 3 }, (_, k) => ex("fr", k));
  const s = realignStream([de, fr], 66);
  eq("stream length", s.length, 6);
  eq("stream languages alternate", s.map((e) => e.lang), ["de", "fr", "de", "fr", "de", "fr"]);
  eq("stream = interleave of shuffles", s.map((e) => e.src[0]), interleave([shuffled(de, 66), shuffled(fr, 66)]).map((e) => e.src[0]));
  eq("stream reproducible", realignStream([de, fr], 66), s);
};

cases["input errors are one line with file:line"] = async () => {
  await withTmp((d) => {
    const pairs = join(d, "p.txt");
    writeFileSync(pairs, "a b c ||| x y\nd e ||| z\n");
    const al = join(d, "p.align");
    writeFileSync(al, "0-0 2-1\n0-1\n");
    return throwsLike("out-of-range link", () => extractLanguagePairs({ lang: "de", pairs, alignments: al }), new RegExp(`${al}:2: .*target word 1 .*1 words`));
  });
  await withTmp((d) => {
    const pairs = join(d, "p.txt");
    writeFileSync(pairs, "a b c ||| x y\nd e z\n");
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, "a x\n");
    return throwsLike("missing |||", () => loadLanguagePairs({ lang: "de", pairs, dictionary: dico }), new RegExp(`${pairs}:2: .*no '\\|\\|\\|'`));
  });
  await withTmp((d) => {
    const pairs = join(d, "p.txt");
    writeFileSync(pairs, "a b c ||| x y\nd e ||| z\n\nf ||| g\n");
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, "q w\nr t\n");
    return throwsLike("no dictionary match", () => loadLanguagePairs({ lang: "de", pairs, dictionary: dico }), /language 'de': read 3 sentence pairs .* no word of dictionary .*matched/);
  });
  await withTmp(async (d) => {
    const a = join(d, "a.en");
    const b = join(d, "a.de");
    writeFileSync(a, "one\ntwo\n");
    writeFileSync(b, "eins\n");
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, "one eins\n");
    await throwsLike("parallel line counts", () => loadLanguagePairs({ lang: "de", parallel: [a, b], dictionary: dico }), /has 2 lines but .* has 1/);
    writeFileSync(a, "");
    await throwsLike("empty file", () => loadLanguagePairs({ lang: "de", parallel: [a, b], dictionary: dico }), /a\.en: .*empty/);
    const al = join(d, "x.align");
    writeFileSync(al, "0-0\n");
    await throwsLike("two link sources", () => loadLanguagePairs({ lang: "de", pairs: PARALLEL, dictionary: dico, alignments: al }), /exactly one link source/);
    await throwsLike("alignment line count", () => loadLanguagePairs({ lang: "de", pairs: PARALLEL, alignments: al }), /alignment file has 1 lines but .* has 1\d sentence pairs/);
  });
};

cases["sources: pairs+alignments, raw parallel files, CoNLL-U by sent_id"] = async () => {
  await withTmp(async (d) => {
    const pairs = join(d, "p.txt");
    writeFileSync(pairs, "the cat sleeps ||| die Katze schläft\n\nthe the dog ||| der Hund\nsame ||| same\n");
    const al = join(d, "p.align");
    writeFileSync(al, "0-0 1-1 2-2 1-2\n\n0-0 1-0 2-1\n0-0\n");
    const x = extractLanguagePairs({ lang: "de", pairs, alignments: al });
    // pair 1: word 1 and target 2 in two links -> only 0-0 left; pair 3: 0-0 and 1-0 share target 0; pair 4: identical
    eq("links", x.links, [[[0, 0]], [], [[2, 1]], []]);
    eq("stats", x.stats, { sentences: 3, withLinks: 2, links: 2 });
    const { examples } = loadLanguagePairs({ lang: "de", pairs, alignments: al });
    eq("examples", examples.map((e) => [e.src.join(" "), e.links, e.lang]), [["the cat sleeps", [[0, 0]], "de"], ["the the dog", [[2, 1]], "de"]]);
    // raw parallel files are split with \w+|[^\w\s]+
    const a = join(d, "c.en");
    const b = join(d, "c.de");
    writeFileSync(a, "The cat, sleeps.\nHouse!\n");
    writeFileSync(b, "Die Katze schläft.\nHaus!\n");
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, "cat Katze\nsleeps schläft\nHouse Haus\n");
    const p = loadLanguagePairs({ lang: "de", parallel: [a, b], dictionary: dico });
    eq("parallel words", p.examples[0].src, ["The", "cat", ",", "sleeps", "."]);
    eq("parallel links", p.examples.map((e) => e.links), [[[1, 1], [3, 2]], [[0, 0]]]);
    // CoNLL-U: ranges and empty nodes skipped, pairing by sent_id (s2 only in English, s3 only in German)
    const row = (id: string, form: string) => `${id}\t${form}\t_\t_\t_\t_\t_\t_\t_\t_`;
    const ce = join(d, "en.conllu");
    const cd = join(d, "de.conllu");
    writeFileSync(ce, ["# sent_id = s1", row("1", "in"), row("2", "the"), row("3", "garden"), "", "# sent_id = s2", row("1", "x"), "", "# sent_id = s4", row("1", "house"), ""].join("\n"));
    writeFileSync(cd, ["# sent_id = s4", row("1", "Haus"), "", "# sent_id = s3", row("1", "y"), "", "# sent_id = s1", row("1-2", "im"), row("1", "in"), row("2", "dem"), row("2.1", "EMPTY"), row("3", "Garten"), ""].join("\n"));
    eq("conllu words", readConlluWords(cd).map((s) => [s.id, s.words]), [["s4", ["Haus"]], ["s3", ["y"]], ["s1", ["in", "dem", "Garten"]]]);
    writeFileSync(dico, "garden Garten\nhouse Haus\nthe dem\n");
    const c = extractLanguagePairs({ lang: "de", conllu: [ce, cd], dictionary: dico });
    eq("conllu pairs", c.sentences.map((s) => [s.src, s.tgt]), [[["in", "the", "garden"], ["in", "dem", "Garten"]], [["house"], ["Haus"]]]);
    eq("conllu links", c.links, [[[1, 1], [2, 2]], [[0, 0]]]);
    writeFileSync(cd, ["# sent_id = s9", row("1", "Haus"), ""].join("\n"));
    await throwsLike("conllu no common id", () => extractLanguagePairs({ lang: "de", conllu: [ce, cd], dictionary: dico }), /share no '# sent_id'/);
    writeFileSync(cd, ["# sent_id = s1", "1\tHaus\t_", ""].join("\n"));
    await throwsLike("conllu bad row", () => extractLanguagePairs({ lang: "de", conllu: [ce, cd], dictionary: dico }), /de\.conllu:2: expected 10 tab-separated/);
  });
};

cases["parseLangSpec: prefixes, file-name languages, errors"] = async () => {
  eq("lang from names", ["en-de.txt", "opus.en-fr-train.fr", "corpus.es.txt", "de_pud-ud-test.conllu", "ar-en.txt", "data.txt"].map(langFromFileName), ["de", "fr", "es", "de", "ar", null]);
  eq(
    "prefixed",
    parseLangSpec({ pairs: ["de=a.txt", "fr=b.txt"], dictionary: ["de=x.txt", "fr=y.txt"] }),
    [{ lang: "de", pairs: "a.txt", dictionary: "x.txt" }, { lang: "fr", pairs: "b.txt", dictionary: "y.txt" }],
  );
  eq(
    "inferred",
    parseLangSpec({ pairs: ["en-de.pairs", "en-fr.pairs"], dictionary: ["muse/en-fr.txt", "muse/en-de.txt"], conllu: undefined }),
    [{ lang: "de", pairs: "en-de.pairs", dictionary: "muse/en-de.txt" }, { lang: "fr", pairs: "en-fr.pairs", dictionary: "muse/en-fr.txt" }],
  );
  eq("single source takes unnamed dictionary", parseLangSpec({ pairs: "corpus.txt", dictionary: "dico.txt" }), [{ lang: "xx", pairs: "corpus.txt", dictionary: "dico.txt" }]);
  eq("conllu pair", parseLangSpec({ conllu: "a/en_pud-ud-test.conllu,b/de_pud-ud-test.conllu", alignments: "x.align" }), [
    { lang: "de", conllu: ["a/en_pud-ud-test.conllu", "b/de_pud-ud-test.conllu"], alignments: "x.align" },
  ]);
  await throwsLike("two xx sources", () => parseLangSpec({ pairs: ["a.txt", "b.txt"], dictionary: ["d.txt"] }), /second sentence source for language 'xx'/);
  await throwsLike("unmatched dictionary", () => parseLangSpec({ pairs: ["de=a.txt", "fr=b.txt"], dictionary: ["es=d.txt"] }), /no sentence source for language 'es'/);
  await throwsLike("no link source", () => parseLangSpec({ pairs: ["de=a.txt"] }), /no --dictionary or --alignments/);
  await throwsLike("parallel needs two files", () => parseLangSpec({ parallel: ["a.en"], dictionary: "d" }), /EN_FILE,XX_FILE/);
};

cases["PairBatcher on parallel-tiny with tiny-bert: rows, refill, truncation"] = async () => {
  const tok = loadTokenizer(TINY);
  const cfg = tinyConfig();
  await withTmp(async (d) => {
    const dico = join(d, "en-xx.txt");
    writeFileSync(dico, TINY_DICO);
    const { examples, stats } = loadLanguagePairs({ lang: "xx", pairs: PARALLEL, dictionary: dico });
    if (stats.withLinks < 5) throw new Error(`only ${stats.withLinks} tiny pairs with links`);
    const dict = loadDictionary(dico);
    const batcher = new PairBatcher(examples, tok, cfg, { batchSize: 4, maxLength: 32, seed: 31 });
    let total = 0;
    for (let step = 0; step < 5; step++) {
      const b = batcher.next();
      eq("batch size", [b.pairs, b.left.B, b.right.B], [4, 4, 4]);
      const w = rowWords(b);
      eq("word rows", [w.left.length, w.right.length], [b.left.wordRows.length, b.right.wordRows.length]);
      const want = b.examples.reduce((a, e) => a + e.links.length, 0);
      eq("links kept (no truncation at 32)", b.links.length, want);
      for (const { l, r } of b.links) {
        if (!dict.fwd.get(w.left[l])?.has(w.right[r])) throw new Error(`link ${w.left[l]} -> ${w.right[r]} is not a dictionary pair`);
      }
      // the row really is the first subword of that word
      b.examples.forEach((ex, bi) => {
        ex.src.forEach((_, i) => {
          const row = b.left.wordIndex[bi][i];
          const pos = b.left.wordRows[row] - bi * b.left.T;
          const first = tok.encodeWord(ex.src[i])[0];
          if (b.left.ids[bi * b.left.T + pos] !== first) throw new Error(`left word '${ex.src[i]}' row does not hold its first subword`);
        });
      });
      total += b.links.length;
    }
    if (batcher.counters.epoch < 1) throw new Error("20 examples drawn from fewer should restart the stream");
    if (total === 0) throw new Error("no links");
    // truncation: with maxLength 8 ([CLS] + 6 subwords + [SEP]) later words disappear and so do their links
    const small = new PairBatcher(examples, tok, cfg, { batchSize: 3, maxLength: 8, seed: 1 });
    const b = small.next();
    if (small.counters.droppedWords === 0) throw new Error("maxLength 8 should truncate words");
    for (const { l, r } of b.links) if (l < 0 || r < 0) throw new Error("link to a truncated word");
    b.examples.forEach((ex, bi) => {
      const kept = ex.links.filter(([i, j]) => b.left.wordIndex[bi][i] >= 0 && b.right.wordIndex[bi][j] >= 0).length;
      if (kept === 0) throw new Error("a pair without surviving links was batched");
    });
    if (b.left.T > 8 || b.right.T > 8) throw new Error(`T ${b.left.T}/${b.right.T} exceeds maxLength 8`);
    const dropped = b.examples.reduce((a, e) => a + e.links.length, 0) - b.links.length;
    if (small.counters.droppedLinks < dropped) throw new Error("droppedLinks counter too small");
    // only links to words far to the right: nothing survives maxLength 4 -> one-line error, no endless loop
    const far: PairExample[] = [{ src: ["a", "b", "c", "d", "e", "house"], tgt: ["a", "b", "c", "d", "e", "Haus"], links: [[5, 5]] }];
    await throwsLike("no usable example", () => new PairBatcher(far, tok, cfg, { batchSize: 2, maxLength: 4, seed: 0 }).next(), /no realignment example keeps a link within max length 4/);
    await throwsLike("maxLength over positions", () => new PairBatcher(far, tok, cfg, { batchSize: 2, maxLength: 1000, seed: 0 }), /max length must be .*\[3, 64\]/);
  });
};

cases["PairBatcher on 200 PUD en-de pairs with MUSE en-de"] = async () => {
  if (!haveReal()) return;
  const tok = loadTokenizer(TINY);
  const cfg = tinyConfig();
  const { examples, stats } = loadLanguagePairs({ lang: "de", conllu: [PUD_EN, PUD_DE], dictionary: MUSE_DE, limit: 200 });
  eq("sentences", stats.sentences, 200);
  if (stats.links <= 200) throw new Error(`only ${stats.links} links in 200 PUD pairs`);
  if (stats.withLinks < 150) throw new Error(`only ${stats.withLinks}/200 PUD pairs with links`);
  const dict = loadDictionary(MUSE_DE);
  const batcher = new PairBatcher(realignStream([examples], 42), tok, cfg, { batchSize: 16, maxLength: 64, seed: 42 });
  let links = 0;
  for (let step = 0; step < 4; step++) {
    const b = batcher.next();
    const w = rowWords(b);
    for (const { l, r } of b.links) {
      if (!dict.fwd.get(w.left[l])?.has(w.right[r])) throw new Error(`PUD link ${w.left[l]} -> ${w.right[r]} is not an en-de dictionary pair`);
      if (w.left[l] === w.right[r]) throw new Error(`identical-string link '${w.left[l]}'`);
    }
    links += b.links.length;
  }
  if (links < 64) throw new Error(`only ${links} links in 4 batches of 16 PUD pairs`);
};

cases["xlt align end to end (Pharaoh output)"] = async () => {
  await withTmp(async (d) => {
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, TINY_DICO);
    const out = join(d, "out", "tiny.align");
    const log = console.log;
    const printed: string[] = [];
    console.log = (...a: unknown[]) => void printed.push(a.join(" "));
    try {
      await invoke(alignCommand, ["--pairs", PARALLEL, "--dictionary", dico, "--out", out]);
    } finally {
      console.log = log;
    }
    const pairs = readParallel(PARALLEL);
    const dict = loadDictionary(dico);
    const lines = readFileSync(out, "utf8").split("\n");
    eq("trailing newline", lines.pop(), "");
    eq("one line per pair", lines.length, pairs.length);
    let withLinks = 0;
    let n = 0;
    lines.forEach((l, k) => {
      const got = parseLinks(l, `${out}:${k + 1}`, pairs[k].src.length, pairs[k].tgt.length);
      const want = filterLinks(pairs[k].src, pairs[k].tgt, dictionaryLinks(pairs[k].src, pairs[k].tgt, dict));
      eq(`line ${k + 1}`, got, want);
      if (got.length) withLinks++;
      n += got.length;
    });
    if (!n) throw new Error("align wrote no links");
    if (printed.length !== 1 || !printed[0].includes(`${pairs.length} sentence pairs read, ${withLinks} with links`) || !printed[0].includes(`${n} links`)) {
      throw new Error(`summary line: ${JSON.stringify(printed)}`);
    }
    // the output is a valid --alignments file for the same pairs
    const back = extractLanguagePairs({ lang: "de", pairs: PARALLEL, alignments: out });
    eq("round trip", back.stats.links, n);
    await throwsLike("align: no source", () => invoke(alignCommand, ["--dictionary", dico, "--out", join(d, "none.align")]), /exactly one of --pairs/);
    await throwsLike("align: no match", () => {
      writeFileSync(dico, "zzz yyy\n");
      return invoke(alignCommand, ["--pairs", PARALLEL, "--dictionary", dico, "--out", join(d, "x.align")]);
    }, /no word of dictionary/);
    if (existsSync(join(d, "x.align"))) throw new Error("failed align left an output file");
  });
};
