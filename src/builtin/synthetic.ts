// The built-in default experiment: data and a small model that xlt generates itself, so that
// `xlt realign` (and the rest of the pipeline) runs end to end on a fresh machine with no download.
//
// - a tiny bilingual lexicon (English with German and French, written for this project, with UPOS tags),
// - sentences from a few templates, translated word by word with each language's word order
//   (French puts most adjectives after the noun), so alignments are not the identity,
// - a MUSE-style dictionary en-xx, sentence pairs in `src ||| tgt` form, POS-tagged sentences in CoNLL-U,
// - a randomly initialised small BERT in the exact Hugging Face layout (config.json, model.safetensors,
//   tokenizer.json with a WordPiece vocabulary covering the lexicon).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeF32 } from "../io/safetensors_write.ts";
import { gaussian, mulberry32 } from "../rng.ts";
import { wordPieceTokenizerJson } from "../io/tokenize.ts";

type Pos = "NOUN" | "VERB" | "ADJ" | "DET" | "ADP" | "PUNCT" | "PRON" | "ADV";
interface Entry { en: string; de: string; fr: string; pos: Pos }

const E = (en: string, de: string, fr: string, pos: Pos): Entry => ({ en, de, fr, pos });

const NOUNS: Entry[] = [
  E("dog", "Hund", "chien", "NOUN"), E("cat", "Katze", "chat", "NOUN"), E("house", "Haus", "maison", "NOUN"),
  E("tree", "Baum", "arbre", "NOUN"), E("car", "Auto", "voiture", "NOUN"), E("book", "Buch", "livre", "NOUN"),
  E("child", "Kind", "enfant", "NOUN"), E("woman", "Frau", "femme", "NOUN"), E("man", "Mann", "homme", "NOUN"),
  E("bird", "Vogel", "oiseau", "NOUN"), E("city", "Stadt", "ville", "NOUN"), E("river", "Fluss", "rivière", "NOUN"),
  E("garden", "Garten", "jardin", "NOUN"), E("table", "Tisch", "table", "NOUN"), E("door", "Tür", "porte", "NOUN"),
  E("window", "Fenster", "fenêtre", "NOUN"), E("teacher", "Lehrer", "professeur", "NOUN"), E("friend", "Freund", "ami", "NOUN"),
  E("apple", "Apfel", "pomme", "NOUN"), E("bread", "Brot", "pain", "NOUN"), E("water", "Wasser", "eau", "NOUN"),
  E("letter", "Brief", "lettre", "NOUN"), E("road", "Straße", "route", "NOUN"), E("school", "Schule", "école", "NOUN"),
];
const VERBS: Entry[] = [
  E("sees", "sieht", "voit", "VERB"), E("likes", "mag", "aime", "VERB"), E("finds", "findet", "trouve", "VERB"),
  E("buys", "kauft", "achète", "VERB"), E("paints", "malt", "peint", "VERB"), E("carries", "trägt", "porte", "VERB"),
  E("visits", "besucht", "visite", "VERB"), E("opens", "öffnet", "ouvre", "VERB"), E("follows", "folgt", "suit", "VERB"),
  E("reads", "liest", "lit", "VERB"), E("watches", "beobachtet", "regarde", "VERB"), E("needs", "braucht", "cherche", "VERB"),
];
const ADJS: Entry[] = [
  E("big", "große", "grand", "ADJ"), E("small", "kleine", "petit", "ADJ"), E("red", "rote", "rouge", "ADJ"),
  E("old", "alte", "vieux", "ADJ"), E("new", "neue", "nouveau", "ADJ"), E("green", "grüne", "vert", "ADJ"),
  E("quiet", "ruhige", "calme", "ADJ"), E("happy", "glückliche", "heureux", "ADJ"), E("black", "schwarze", "noir", "ADJ"),
  E("white", "weiße", "blanc", "ADJ"),
];
const ADVS: Entry[] = [E("often", "oft", "souvent", "ADV"), E("today", "heute", "aujourd'hui", "ADV"), E("never", "nie", "jamais", "ADV")];
const THE = E("the", "die", "le", "DET");
const A = E("a", "eine", "un", "DET");
const PREPS: Entry[] = [E("near", "neben", "près", "ADP"), E("in", "in", "dans", "ADP"), E("behind", "hinter", "derrière", "ADP")];
const DOT = E(".", ".", ".", "PUNCT");

export const LANGS = ["de", "fr"] as const;
export type Lang = (typeof LANGS)[number];

interface Token { e: Entry }

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** One sentence as a list of lexicon entries in ENGLISH order, plus how each language reorders it. */
function sentence(r: () => number): Token[] {
  const np = (): Token[] => {
    const det = r() < 0.6 ? THE : A;
    const out: Token[] = [{ e: det }];
    if (r() < 0.6) out.push({ e: pick(r, ADJS) });
    out.push({ e: pick(r, NOUNS) });
    return out;
  };
  const s: Token[] = [...np()];
  if (r() < 0.3) s.push({ e: pick(r, ADVS) });
  s.push({ e: pick(r, VERBS) }, ...np());
  if (r() < 0.4) s.push({ e: pick(r, PREPS) }, ...np());
  s.push({ e: DOT });
  return s;
}

/** Target-language order: French moves adjectives after their noun; German keeps English order. */
function reorder(s: Token[], lang: Lang): number[] {
  const idx = s.map((_, i) => i);
  if (lang === "fr") {
    for (let i = 0; i + 1 < idx.length; i++) {
      if (s[idx[i]].e.pos === "ADJ" && s[idx[i + 1]].e.pos === "NOUN") [idx[i], idx[i + 1]] = [idx[i + 1], idx[i]];
    }
  }
  return idx;
}

export interface SyntheticPair { src: string[]; tgt: string[]; srcPos: string[]; tgtPos: string[]; links: [number, number][] }

export function generatePairs(lang: Lang, n: number, seed: number): SyntheticPair[] {
  const r = mulberry32((seed * 2654435761) >>> 0);
  const out: SyntheticPair[] = [];
  for (let k = 0; k < n; k++) {
    const s = sentence(r);
    const order = reorder(s, lang);
    const pos = new Map(order.map((orig, j) => [orig, j]));
    out.push({
      src: s.map((t) => t.e.en),
      tgt: order.map((i) => s[i].e[lang]),
      srcPos: s.map((t) => t.e.pos),
      tgtPos: order.map((i) => s[i].e.pos),
      links: s.map((_, i) => [i, pos.get(i)!] as [number, number]),
    });
  }
  return out;
}

export function lexicon(): Entry[] {
  return [...NOUNS, ...VERBS, ...ADJS, ...ADVS, THE, A, ...PREPS, DOT];
}

export interface BuiltinModelSpec { hidden: number; layers: number; heads: number; ffn: number; maxPositions: number }
export const BUILTIN_MODEL: BuiltinModelSpec = { hidden: 64, layers: 4, heads: 4, ffn: 128, maxPositions: 128 };

/** Vocabulary: specials, whole words of every language, then single characters (+ ## forms) as fallback. */
export function builtinVocab(): string[] {
  const words = new Set<string>();
  for (const e of lexicon()) for (const w of [e.en, e.de, e.fr]) for (const p of w.split(/(?=[^\p{L}\p{N}])|(?<=[^\p{L}\p{N}])/u)) words.add(p);
  const chars = new Set<string>();
  for (const w of words) for (const ch of w) chars.add(ch);
  const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const seen = new Set(vocab);
  for (const w of [...words].sort()) if (!seen.has(w)) (vocab.push(w), seen.add(w));
  for (const c of [...chars].sort()) {
    if (!seen.has(c)) (vocab.push(c), seen.add(c));
    if (!seen.has("##" + c)) (vocab.push("##" + c), seen.add("##" + c));
  }
  return vocab;
}

/** Writes a randomly initialised BERT checkpoint (HF names, HF init: normal 0.02, LN = 1/0). */
export function writeBuiltinModel(dir: string, seed = 1234, spec = BUILTIN_MODEL): void {
  mkdirSync(dir, { recursive: true });
  const vocab = builtinVocab();
  const r = gaussian(seed);
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  const normal = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 0.02 * r()) });
  const fill = (shape: number[], v: number) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(v) });
  const { hidden: H, ffn: F, layers: L } = spec;
  t.set("bert.embeddings.word_embeddings.weight", normal([vocab.length, H]));
  t.set("bert.embeddings.position_embeddings.weight", normal([spec.maxPositions, H]));
  t.set("bert.embeddings.token_type_embeddings.weight", normal([2, H]));
  t.set("bert.embeddings.LayerNorm.weight", fill([H], 1));
  t.set("bert.embeddings.LayerNorm.bias", fill([H], 0));
  for (let i = 0; i < L; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const n of ["query", "key", "value"]) {
      t.set(`${p}attention.self.${n}.weight`, normal([H, H]));
      t.set(`${p}attention.self.${n}.bias`, fill([H], 0));
    }
    t.set(`${p}attention.output.dense.weight`, normal([H, H]));
    t.set(`${p}attention.output.dense.bias`, fill([H], 0));
    t.set(`${p}attention.output.LayerNorm.weight`, fill([H], 1));
    t.set(`${p}attention.output.LayerNorm.bias`, fill([H], 0));
    t.set(`${p}intermediate.dense.weight`, normal([F, H]));
    t.set(`${p}intermediate.dense.bias`, fill([F], 0));
    t.set(`${p}output.dense.weight`, normal([H, F]));
    t.set(`${p}output.dense.bias`, fill([H], 0));
    t.set(`${p}output.LayerNorm.weight`, fill([H], 1));
    t.set(`${p}output.LayerNorm.bias`, fill([H], 0));
  }
  writeF32(join(dir, "model.safetensors"), t, { format: "pt" });
  const config = {
    architectures: ["BertModel"], model_type: "bert", hidden_size: H, num_hidden_layers: L, num_attention_heads: spec.heads,
    intermediate_size: F, hidden_act: "gelu", hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
    max_position_embeddings: spec.maxPositions, type_vocab_size: 2, initializer_range: 0.02, layer_norm_eps: 1e-12,
    pad_token_id: 0, vocab_size: vocab.length, position_embedding_type: "absolute", xlt_builtin: true,
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(vocab), null, 1));
}

export interface BuiltinPaths {
  dir: string;
  model: string;
  pairs: Record<Lang, string>;
  dictionaries: Record<Lang, string>;
  /** POS-tagged sentences: English train and test, target-language test sets */
  conllu: Record<"en" | "en_test" | Lang, string>;
}

/** Generates (once) the built-in experiment under `dir` and returns its paths. */
export function ensureBuiltin(dir: string, pairsPerLang = 400): BuiltinPaths {
  const paths: BuiltinPaths = {
    dir,
    model: join(dir, "model"),
    pairs: { de: join(dir, "pairs.en-de.txt"), fr: join(dir, "pairs.en-fr.txt") },
    dictionaries: { de: join(dir, "dictionary.en-de.txt"), fr: join(dir, "dictionary.en-fr.txt") },
    conllu: { en: join(dir, "pos.en.conllu"), en_test: join(dir, "pos.en-test.conllu"), de: join(dir, "pos.de.conllu"), fr: join(dir, "pos.fr.conllu") },
  };
  if (existsSync(join(dir, "DONE")) && Object.values(paths.conllu).every((p) => existsSync(p))) return paths;
  mkdirSync(dir, { recursive: true });
  writeBuiltinModel(paths.model);
  const conll = (sents: { words: string[]; pos: string[] }[]) =>
    sents.map((s, k) => `# sent_id = ${k + 1}\n# text = ${s.words.join(" ")}\n` + s.words.map((w, i) => `${i + 1}\t${w}\t_\t${s.pos[i]}\t_\t_\t_\t_\t_\t_`).join("\n") + "\n").join("\n");
  LANGS.forEach((lang, li) => {
    const pairs = generatePairs(lang, pairsPerLang, 100 + li);
    writeFileSync(paths.pairs[lang], pairs.map((p) => `${p.src.join(" ")} ||| ${p.tgt.join(" ")}`).join("\n") + "\n");
    const dict = lexicon().filter((e) => e.pos !== "PUNCT").map((e) => `${e.en} ${e[lang]}`);
    writeFileSync(paths.dictionaries[lang], dict.join("\n") + "\n");
    const test = generatePairs(lang, 200, 900 + li);
    writeFileSync(paths.conllu[lang], conll(test.map((p) => ({ words: p.tgt, pos: p.tgtPos }))));
  });
  writeFileSync(paths.conllu.en, conll(generatePairs("de", 600, 7).map((p) => ({ words: p.src, pos: p.srcPos }))));
  writeFileSync(paths.conllu.en_test, conll(generatePairs("de", 200, 8).map((p) => ({ words: p.src, pos: p.srcPos }))));
  writeFileSync(join(dir, "DONE"), "generated by xlt (src/builtin/synthetic.ts)\n");
  return paths;
}
