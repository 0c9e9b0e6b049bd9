// Tokenizer training (xlt vocab): the BPE trainer against Hugging Face's own BpeTrainer unit test and a
// from-scratch recount, tie-breaking by pair ids, byte-level BPE round trips on PUD sentences in several
// scripts, and the written tokenizer.json read identically by xlt and @huggingface/tokenizers. A checksum
// of one trained tokenizer.json pins the output, so Node and Deno (which both run these cases) must agree.
// Tolerance: exact (ids, strings).
import { Tokenizer } from "@huggingface/tokenizers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BYTE_TO_CHAR, byteLevelDecode, byteLevelSplit } from "../../src/io/bytelevel.ts";
import { buildTokenizer, encodeWords, type WordTokenizer } from "../../src/io/tokenize.ts";
import { trainBpe } from "../../src/vocab/bpe_trainer.ts";
import { countWords, trainVocab } from "../../src/vocab/train.ts";
import { type Cases, throwsLike } from "../lib/check.ts";
import { SHARED_DATA } from "../lib/fixtures.ts";

export const cases: Cases = {};

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 600)}, expected ${w.slice(0, 600)}`);
}

/** sentences of a PUD treebank (# text lines) */
function pud(lang: string, dir: string, n: number): string[] {
  const p = join(SHARED_DATA, "ud", dir, `${lang}_pud-ud-test.conllu`);
  if (!existsSync(p)) return [];
  return readFileSync(p, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("# text = "))
    .slice(0, n)
    .map((l) => l.slice("# text = ".length));
}

const SCRIPTS: [string, string][] = [
  ["en", "UD_English-PUD"],
  ["de", "UD_German-PUD"],
  ["ru", "UD_Russian-PUD"],
  ["ar", "UD_Arabic-PUD"],
  ["hi", "UD_Hindi-PUD"],
  ["zh", "UD_Chinese-PUD"],
  ["ja", "UD_Japanese-PUD"],
  ["ko", "UD_Korean-PUD"],
  ["th", "UD_Thai-PUD"],
];
/** used when ../shared/data is absent, so the round trip never runs on nothing */
const FALLBACK = [
  "The quick brown fox doesn't jump.",
  "Über die Brücke gehen wir nicht.",
  "Москва — столица России.",
  "اللغة العربية جميلة جدا.",
  "हिन्दी एक भाषा है।",
  "我们今天去北京。",
  "東京は日本の首都です。",
  "한국어는 재미있어요.",
  "ภาษาไทยสวยงาม",
  "emoji 🙂 and tabs\tand  double spaces",
];
function multilingual(n: number): string[] {
  const lines = SCRIPTS.flatMap(([l, d]) => pud(l, d, n));
  return lines.length ? [...lines, ...FALLBACK] : FALLBACK;
}

/** BPE learned the slow way: every pair recounted after every merge, all occurrences merged */
function naiveBpe(wordCounts: Map<string, number>, alphabet: string[], specials: string[], merges: number): [string, string][] {
  const vocab = [...specials, ...[...new Set([...alphabet, ...[...wordCounts.keys()].flatMap((w) => [...w])])].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)];
  const id = new Map(vocab.map((t, i) => [t, i] as [string, number]));
  let words = [...wordCounts].map(([w, n]) => ({ syms: [...w].map((c) => id.get(c)!), n }));
  const out: [string, string][] = [];
  for (let m = 0; m < merges; m++) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.syms.length; i++) counts.set(`${w.syms[i]},${w.syms[i + 1]}`, (counts.get(`${w.syms[i]},${w.syms[i + 1]}`) ?? 0) + w.n);
    let best: [number, number] | null = null;
    let bestCount = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(",").map(Number);
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = c;
      }
    }
    if (!best || bestCount < 2) break;
    const [a, b] = best;
    out.push([vocab[a], vocab[b]]);
    const merged = vocab.length;
    vocab.push(vocab[a] + vocab[b]);
    words = words.map((w) => {
      const s: number[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          s.push(merged);
          i++;
        } else s.push(w.syms[i]);
      }
      return { syms: s, n: w.n };
    });
  }
  return out;
}

/** xlt's ids for a whole text with the post-processor's specials, as HF's encode(text) */
const xltIds = (tok: WordTokenizer, text: string) => [...tok.prefix, ...tok.encodeWord(text), ...tok.suffix];

/** FNV-1a over UTF-16 code units: a checksum identical on every runtime */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

// ------------------------------------------------------------------------------------------ trainer
cases["bpe trainer: Hugging Face's BpeTrainer test_train (alphabet by code point, re, are, is)"] = async () => {
  // tokenizers/src/models/bpe/trainer.rs, test_train: min_frequency 2, no specials
  const words = new Map<string, number>([["roses", 1], ["are", 2], ["red", 1], ["voilets", 1], ["blue", 1], ["BERT", 1], ["is", 2], ["big", 1], ["and", 1], ["so", 1], ["GPT-2", 1]]);
  const r = trainBpe(words, { vocabSize: 30000, minFrequency: 2, specialTokens: [] });
  eq("vocab", r.vocab, [..."-2BEGPRTabdegilnorstuv", "re", "are", "is"]);
  // 'are' before 'is': both counted 2, and (a, re) = (8, 22) is the smaller pair of ids than (i, s) = (13, 18)
  eq("merges", r.merges, [["r", "e"], ["a", "re"], ["i", "s"]]);
};

cases["bpe trainer: equal counts go to the smaller pair of ids, not of strings"] = async () => {
  // after a+a -> "aa" (id 4), (aa, x) and (b, c) are both seen twice; HF takes (b, c) = (1, 2) before
  // (aa, x) = (4, 3) although "aa" sorts before "b" as a string
  const words = new Map<string, number>([["aax", 2], ["bc", 2], ["aa", 3]]);
  const r = trainBpe(words, { vocabSize: 6, minFrequency: 0, specialTokens: [] });
  eq("merges", r.merges, [["a", "a"], ["b", "c"]]);
  eq("vocab", r.vocab, ["a", "b", "c", "x", "aa", "bc"]);
  const more = trainBpe(words, { vocabSize: 7, minFrequency: 0, specialTokens: [] });
  eq("next merge", more.merges[2], ["aa", "x"]);
};

cases["bpe trainer: --min-frequency stops merging, specials come first, the byte alphabet is complete"] = async () => {
  const words = new Map<string, number>([["ab", 3], ["cd", 1]]);
  const r = trainBpe(words, { vocabSize: 100, minFrequency: 2, specialTokens: ["<s>", "<pad>"] });
  eq("merges", r.merges, [["a", "b"]]);
  eq("vocab", r.vocab, ["<s>", "<pad>", "a", "b", "c", "d", "ab"]);
  const b = trainBpe(words, { vocabSize: 300, minFrequency: 2, specialTokens: [], initialAlphabet: BYTE_TO_CHAR });
  eq("byte alphabet + 1 merge", b.vocab.length, 257);
};

cases["bpe trainer: the incremental counts give the merges a full recount per merge gives (EWT-like text)"] = async () => {
  const text = multilingual(40).join("\n") + "\n";
  const words = countWords([text], (l) => byteLevelSplit(l, true));
  const fast = trainBpe(words, { vocabSize: 5 + 256 + 150, minFrequency: 2, specialTokens: ["<s>", "<pad>", "</s>", "<unk>", "<mask>"], initialAlphabet: BYTE_TO_CHAR });
  const slow = naiveBpe(words, BYTE_TO_CHAR, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"], 150);
  eq("merge count", fast.merges.length, 150);
  eq("merges", fast.merges, slow);
};

cases["bpe: the first merges of a tiny corpus are its most frequent pairs"] = async () => {
  // words Ġthe ×4, Ġcat, Ġhat, Ġbat, Ġto, Ċ: (Ġ, t) is seen 5 times, then (Ġt, h) and (h, e) 4 times each:
  // (h, e) goes first, its ids being smaller than those of the new Ġt; then (Ġt, he) 4 beats (a, t) 3
  const r = trainVocab(["the cat the hat the bat the to\n"], { kind: "bpe", vocabSize: 261 + 4, minFrequency: 2 });
  const merges = r.tokenizerJson.model.merges;
  eq("merges", merges, [["Ġ", "t"], ["h", "e"], ["Ġt", "he"], ["a", "t"]]);
  const byId = Object.entries(r.tokenizerJson.model.vocab as Record<string, number>).sort((x, y) => x[1] - y[1]).map(([t]) => t);
  eq("vocab tail", byId.slice(-4), ["Ġt", "he", "Ġthe", "at"]);
  eq("specials", byId.slice(0, 5), ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]);
};

cases["wordpiece: ## continuations learned by merges, [PAD] [UNK] [CLS] [SEP] [MASK] first, --lowercase"] = async () => {
  const r = trainVocab(["Playing played PLAYS\nplaying player\n"], { kind: "wordpiece", vocabSize: 40, minFrequency: 2, lowercase: true });
  const vocab: string[] = r.files["vocab.txt"].trimEnd().split("\n");
  eq("specials", vocab.slice(0, 5), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  // lowercased, p-l-a-y starts all 5 words: (p, ##l), (##l, ##a), (##a, ##y) are seen 5 times each. By ids
  // (alphabet a…y, then the ## forms in first-seen order ##l ##a ##y …): (p, ##l) -> "pl" first, then
  // (##a, ##y) before (pl, ##a) as "pl" is newer, then (pl, ##ay)
  eq("first merges", vocab.slice(vocab.indexOf("pl"), vocab.indexOf("pl") + 3), ["pl", "##ay", "play"]);
  if (vocab.slice(5).some((t) => /[A-Z]/.test(t))) throw new Error("uppercase token in a --lowercase vocabulary");
  const tok = buildTokenizer(r.tokenizerJson);
  eq("encode", tok.encodeWord("PLAYS").map((i) => tok.idToToken(i)), ["play", "##s"]);
  eq("unknown letter", tok.encodeWord("Playground").map((i) => tok.idToToken(i)), ["[UNK]"]);
  // no pair is left seen twice: the vocabulary stops short of 40
  eq("size", vocab.length, 33);
};

// ------------------------------------------------------------------------------------------ tokenizer.json
cases["bpe: xlt and @huggingface/tokenizers encode PUD sentences in 9 scripts to the same ids; decode(encode(x)) = x"] = async () => {
  const lines = multilingual(60);
  const r = trainVocab([lines.slice(0, -20).join("\n") + "\n"], { kind: "bpe", vocabSize: 3000, minFrequency: 2 });
  const tok = buildTokenizer(r.tokenizerJson);
  const hf = new Tokenizer(r.tokenizerJson, {});
  let merged = 0;
  for (const x of lines) {
    const ids = xltIds(tok, x);
    eq(`ids of '${x}'`, ids, hf.encode(x).ids);
    const body = ids.slice(1, -1);
    if (body.length < new TextEncoder().encode(x).length) merged++;
    // add_prefix_space put one space before the text; decoding gives it back
    eq(`xlt round trip of '${x}'`, byteLevelDecode(body.map((i) => tok.idToToken(i)!)), " " + x);
    eq(`hf round trip of '${x}'`, hf.decode(ids, { skip_special_tokens: true }), " " + x);
  }
  if (merged < lines.length * 0.9) throw new Error(`only ${merged} of ${lines.length} sentences use merged tokens`);
};

cases["bpe: pre-split words encode as the sentence does (every word 'Ġ'-led), <s> … </s> around"] = async () => {
  const r = trainVocab(["The cat sat on the mat.\nA cat sat.\n"], { kind: "bpe", vocabSize: 300, minFrequency: 1 });
  const tok = buildTokenizer(r.tokenizerJson);
  const hf = new Tokenizer(r.tokenizerJson, {});
  const words = ["The", "cat", "sat", "on", "the", "mat", "."];
  const enc = encodeWords(tok, words, 64);
  eq("ids", enc.ids, hf.encode(words.join(" ")).ids);
  eq("specials", [enc.ids[0], enc.ids[enc.ids.length - 1]], [0, 2]);
  eq("first subwords start with Ġ", enc.firstSubword.map((p) => tok.idToToken(enc.ids[p])!.startsWith("Ġ")), words.map(() => true));
};

cases["wordpiece: xlt and @huggingface/tokenizers encode the same ids, cased and lowercased"] = async () => {
  const lines = multilingual(30);
  for (const lowercase of [false, true]) {
    const r = trainVocab([lines.join("\n")], { kind: "wordpiece", vocabSize: 2500, minFrequency: 2, lowercase });
    const tok = buildTokenizer(r.tokenizerJson);
    const hf = new Tokenizer(r.tokenizerJson, {});
    for (const x of [...lines, "unseen ☃ characters ẞ"]) eq(`ids of '${x}' (lowercase ${lowercase})`, xltIds(tok, x), hf.encode(x).ids);
  }
};

cases["determinism: the same tokenizer.json on every run and runtime (pinned checksum)"] = async () => {
  const text = multilingual(25).join("\n") + "\n";
  const a = trainVocab([text], { kind: "bpe", vocabSize: 1000, minFrequency: 2 });
  const b = trainVocab([text], { kind: "bpe", vocabSize: 1000, minFrequency: 2 });
  eq("twice", a.files["tokenizer.json"], b.files["tokenizer.json"]);
  // 2500: ~1700 are the specials and characters (both forms), the rest merges
  const w = trainVocab([text], { kind: "wordpiece", vocabSize: 2500, minFrequency: 2 });
  if (!existsSync(join(SHARED_DATA, "ud/UD_Thai-PUD"))) return; // the pinned values are for the PUD text
  if (w.merges < 500 || a.merges < 500) throw new Error(`only ${w.merges} WordPiece / ${a.merges} BPE merges: the checksums would not cover merging`);
  // regenerate when the trainer changes on purpose; Node and Deno must both give these
  eq("checksums", [fnv1a(a.files["tokenizer.json"]), fnv1a(w.files["tokenizer.json"])], ["5e86cc8a", "1b0b7a9a"]);
};

cases["errors: a vocabulary smaller than the specials + byte alphabet, a corpus without words"] = async () => {
  throwsLike("too small", () => trainVocab(["abc"], { kind: "bpe", vocabSize: 260, minFrequency: 2 }), /--vocab-size 260 is too small: bpe needs at least 261/);
  throwsLike("no words", () => trainVocab([" \n\t\n"], { kind: "wordpiece", vocabSize: 100, minFrequency: 2 }), /no words/);
};

cases["loadTokenizer BPE: merges as 'a b' strings or pairs, a pair listed twice keeps its last rank, unknowns"] = async () => {
  const base = (merges: unknown[], extra: object = {}) => ({
    model: { type: "BPE", unk_token: "<unk>", fuse_unk: false, vocab: { "<unk>": 0, a: 1, b: 2, c: 3, ab: 4, bc: 5, abc: 6 }, merges, ...extra },
    pre_tokenizer: { type: "WhitespaceSplit" },
    decoder: null,
    post_processor: null,
    normalizer: null,
    added_tokens: [],
  });
  const run = (json: any, text: string) => {
    const tok = buildTokenizer(json);
    const ids = tok.encodeWord(text);
    eq(`HF agrees on '${text}'`, ids, new Tokenizer(json, {}).encode(text).ids);
    return ids.map((i) => tok.idToToken(i));
  };
  eq("strings", run(base(["a b", "ab c"]), "abc ab"), ["abc", "ab"]);
  eq("pairs", run(base([["a", "b"], ["ab", "c"]]), "abc"), ["abc"]);
  // (b, c) ranks before (a, b): "a" + "bc"; listed again last, (b, c) ranks after (a, b): "ab" + "c"
  eq("rank order", run(base([["b", "c"], ["a", "b"]]), "abc"), ["a", "bc"]);
  eq("last rank wins", run(base([["b", "c"], ["a", "b"], ["b", "c"]]), "abc"), ["ab", "c"]);
  eq("unknown", run(base([["a", "b"]]), "axxb"), ["a", "<unk>", "<unk>", "b"]);
  eq("fused unknown", run(base([["a", "b"]], { fuse_unk: true }), "axxb"), ["a", "<unk>", "b"]);
  throwsLike("dropout", () => buildTokenizer(base([], { dropout: 0.1 })), /BPE dropout is not supported/);
};
