// Trans, the transliteration of ALIGN-MLM (align-mlm-spec.md §3.1): a disjoint vocabulary at the token-id
// level. Every id i of the original language becomes i+V in the derived one, except the shared sequence
// specials (<s>/<pad>/</s>, or [CLS]/[PAD]/[SEP]); segmentation is identical in both languages.
//
// The authors shift ids at load time behind a flag. xlt writes the derived language as text instead, so
// every reader (pretrain, finetune, evaluate, XNLI's word splitter) needs no flag: each subword piece of
// the derived language is spelled as a "twin" string of two Yi syllables (U+A000–U+A3FF, base-1024 digits
// of the original id), and the pieces of one word are separated by spaces. The doubled tokenizer maps
// twin(i) to i+V. Yi syllables are letters without case, accents, compatibility decomposition or CJK
// splitting, so BERT/XLM-R normalizers and pre-tokenizers leave them alone and every piece is looked up
// whole: the derived text tokenizes to exactly the original ids + V, in HF's tokenizers and in xlt's.
//
// Byte-level BPE (RoBERTa, GPT-2, `xlt vocab --type bpe`) cannot hold twins in its model: the ByteLevel
// pre-tokenizer turns a Yi syllable into 3 byte characters ("Ġ" first when a space leads), and BPE only
// reaches a vocabulary entry through merges. Merges for twins would need every partial string (a syllable's
// first bytes, a whole syllable, a twin without "Ġ") as vocabulary entries too, ids beyond 2V that the model
// has no rows for; and the original merges (e.g. "Ġ"+"ê") would fire first on the same bytes unless the
// new ones outranked them, which would change how original text splits. So the twins are *added tokens*
// instead, id i+V each: HF (and xlt, src/io/added_tokens.ts) cuts added tokens out of the text before
// normalizer, pre-tokenizer and model run, so they are exact whatever the merges, and original text, which
// has no Yi syllables, tokenizes exactly as before. `lstrip` lets a twin swallow the space before it, so
// "twin(a) twin(b)" is the two ids and nothing else (the space alone would be a "Ġ" token), and
// add_prefix_space never applies to a twin (it only touches the text between added tokens). `normalized`
// false: matched on the raw text, whatever the normalizer; `special` false: decoding keeps them. HF gives
// added tokens that are not in the model vocabulary the ids after it, in the order listed, so the twins
// must follow a vocabulary of exactly ids 0..V−1 holding every earlier added token, and come in id order.
import type { Checkpoint, LoadedTensor } from "../io/checkpoint.ts";
import { TokenizerError, type WordTokenizer } from "../io/tokenize.ts";
import { gaussian } from "../rng.ts";

const YI = 0xa000;
const DIGITS = 1024;

/** The twin spelling of original id `id`. */
export function twinPiece(id: number): string {
  if (!(Number.isInteger(id) && id >= 0 && id < DIGITS * DIGITS)) throw new TokenizerError(`id ${id} has no transliteration (ids must be below ${DIGITS * DIGITS})`);
  return String.fromCodePoint(YI + Math.floor(id / DIGITS), YI + (id % DIGITS));
}

/**
 * Why a model of `vocab` embedding rows with tokenizer `tok` is not a two-language (Trans) model, or
 * undefined when it is one: 2V rows, and the doubled tokenizer of `xlt derive --transform trans` reading the
 * twin spelling of id i as i+V. `xlt pretrain --derived` and `xlt alignment --static` both ask this
 * (`tokenizer` is read only when the vocabulary could be a doubled one).
 */
export function twoLanguageProblem(vocab: number, tokenizer: () => WordTokenizer): string | undefined {
  if (vocab % 2 !== 0 || vocab < 2) return `vocab_size ${vocab} is odd, so it is not a doubled (2V) vocabulary`;
  const tok = tokenizer();
  if (tok.vocabSize !== vocab) return `the tokenizer has ${tok.vocabSize} tokens but the model's vocabulary is ${vocab}`;
  const V = vocab / 2;
  const probe = Math.min(5, V - 1);
  if (!tok.encodeWord(twinPiece(probe)).includes(V + probe)) {
    return `its tokenizer is not the two-language tokenizer of xlt derive --transform trans: it does not read derived text as ids ${V}..${vocab - 1}`;
  }
  return undefined;
}

/** The ids a derived sequence shares with the original language: its special prefix/suffix and padding. */
export function sharedIds(tok: WordTokenizer): Set<number> {
  return new Set([...tok.prefix, ...tok.suffix, tok.padId]);
}

/** a word's pieces with the realignment code's rule (a leading standalone "▁" is dropped), as alignLabels/encodePair */
function wordPieces(tok: WordTokenizer, word: string): number[] {
  const p = tok.encodeWord(word);
  return tok.metaspaceId >= 0 && p.length > 1 && p[0] === tok.metaspaceId ? p.slice(1) : p;
}

/**
 * A word of the derived language: the twins of the word's pieces, space-separated. A word without pieces
 * (only characters the normalizer removes) stays as it is, and still has none.
 */
export function transliterateWord(tok: WordTokenizer, word: string): string {
  const pieces = wordPieces(tok, word);
  return pieces.length ? pieces.map(twinPiece).join(" ") : word;
}

/**
 * The tokenizer.json of both languages: the original vocabulary at 0..V−1, unchanged (original text
 * tokenizes exactly as before), and twin(i) at i+V. WordPiece: twins are whole-word vocabulary entries.
 * Unigram (Metaspace prepends "▁"): entries "▁"+twin with score 0, above every real piece, so the Viterbi
 * path is the single twin piece. BPE: added tokens twin(i) → i+V (header).
 */
export function doubleTokenizerJson(json: any, vocabSize: number): any {
  const out = structuredClone(json);
  const m = out?.model;
  if (m?.type === "WordPiece" || (m && !m.type && m.continuing_subword_prefix !== undefined)) {
    const vocab = m.vocab as Record<string, number>;
    const n = Object.keys(vocab).length;
    if (n !== vocabSize) throw new TokenizerError(`tokenizer.json has ${n} tokens, expected ${vocabSize}`);
    for (let i = 0; i < vocabSize; i++) {
      const t = twinPiece(i);
      if (t in vocab) throw new TokenizerError(`the vocabulary already holds '${t}', the spelling of derived id ${i + vocabSize}`);
      vocab[t] = i + vocabSize;
    }
  } else if (m?.type === "Unigram") {
    const list = m.vocab as [string, number][];
    if (list.length !== vocabSize) throw new TokenizerError(`tokenizer.json has ${list.length} pieces, expected ${vocabSize}`);
    const rep: string = metaspaceReplacement(out.pre_tokenizer) ?? "";
    const have = new Set(list.map(([p]) => p));
    for (let i = 0; i < vocabSize; i++) {
      const t = rep + twinPiece(i);
      if (have.has(t)) throw new TokenizerError(`the vocabulary already holds '${t}', the spelling of derived id ${i + vocabSize}`);
      list.push([t, 0]);
    }
  } else if (m?.type === "BPE") {
    out.added_tokens = [...(out.added_tokens ?? []), ...bpeTwins(m, out.added_tokens ?? [], vocabSize)];
  } else {
    throw new TokenizerError(`Trans supports WordPiece, Unigram and BPE tokenizers, not '${m?.type}'`);
  }
  return out;
}

/** the twins of a BPE tokenizer as added tokens V..2V−1 (see the header: why, and why the ids hold in HF) */
function bpeTwins(m: any, added: any[], vocabSize: number): any[] {
  const vocab = m.vocab as Record<string, number>;
  const n = Object.keys(vocab).length;
  if (n !== vocabSize) throw new TokenizerError(`tokenizer.json's BPE vocabulary has ${n} tokens but the tokenizer ${vocabSize} ids; Trans needs every added token inside the vocabulary`);
  const ids = new Set(Object.values(vocab));
  if (ids.size !== n || [...ids].some((id) => !(Number.isInteger(id) && id >= 0 && id < n))) throw new TokenizerError(`tokenizer.json's BPE vocabulary does not hold exactly the ids 0..${n - 1}`);
  for (const a of added) {
    if (vocab[a.content] !== a.id) throw new TokenizerError(`added token '${a.content}' (id ${a.id}) is not the vocabulary's entry; Trans needs every added token inside the vocabulary`);
  }
  const taken = new Set(added.map((a) => a.content));
  const out: any[] = [];
  for (let i = 0; i < vocabSize; i++) {
    const t = twinPiece(i);
    if (t in vocab || taken.has(t)) throw new TokenizerError(`the vocabulary already holds '${t}', the spelling of derived id ${i + vocabSize}`);
    out.push({ id: i + vocabSize, content: t, single_word: false, lstrip: true, rstrip: false, normalized: false, special: false });
  }
  return out;
}

function metaspaceReplacement(p: any): string | null {
  if (!p) return null;
  if (p.type === "Metaspace") return p.replacement ?? "▁";
  if (p.type === "Sequence") {
    for (const q of p.pretokenizers ?? []) {
      const r = metaspaceReplacement(q);
      if (r !== null) return r;
    }
  }
  return null;
}

/** HF config.json with the doubled vocabulary. */
export function doubleConfigJson(cfg: any): any {
  return { ...cfg, vocab_size: cfg.vocab_size * 2 };
}

export interface ExtendOptions {
  /** "normal" (default): the derived rows drawn from N(0, std²) as a model built with 2V rows initialises
   *  them (spec §1.1: the embeddings are created at 2V, not copied); "copy": E[i+V] = E[i] (a perfectly
   *  aligned start, for controls). */
  init?: "normal" | "copy";
  /** initializer_range of the model (HF default 0.02) */
  std?: number;
  seed?: number;
}

/** Doubles the rows of a [V, H] table (or the length of a [V] output bias, new entries 0). */
export function doubleRows(t: LoadedTensor, opts: ExtendOptions & { bias?: boolean } = {}): LoadedTensor {
  const [v, ...rest] = t.shape;
  const row = rest.reduce((a, b) => a * b, 1);
  const data = new Float32Array(2 * v * row);
  data.set(t.data);
  if (opts.bias) return { shape: [2 * v, ...rest], data };
  if ((opts.init ?? "normal") === "copy") data.set(t.data, v * row);
  else {
    const g = gaussian(opts.seed ?? 42);
    const std = opts.std ?? 0.02;
    for (let k = v * row; k < data.length; k++) data[k] = std * g();
  }
  return { shape: [2 * v, ...rest], data };
}

/**
 * The checkpoint and tokenizer of the two-language model: word embedding table 2V×H (rows V..2V−1 new,
 * see ExtendOptions; the MLM decoder is tied to it), config vocab 2V, and the doubled tokenizer.json.
 */
export function extendForTrans(checkpoint: Checkpoint, tokenizerJson: any, opts: ExtendOptions = {}): { checkpoint: Checkpoint; tokenizer: any } {
  const v = checkpoint.config.vocab;
  const word = checkpoint.tensors.get("embeddings.word");
  if (!word) throw new TokenizerError("checkpoint has no word embedding table");
  const tensors = new Map(checkpoint.tensors);
  tensors.set("embeddings.word", doubleRows(word, opts));
  return {
    checkpoint: { ...checkpoint, config: { ...checkpoint.config, vocab: 2 * v }, tensors },
    tokenizer: doubleTokenizerJson(tokenizerJson, v),
  };
}
