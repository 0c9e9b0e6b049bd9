// Trains a tokenizer on a text corpus and writes it in Hugging Face's tokenizer.json format, read alike by
// xlt (loadTokenizer) and by `tokenizers` / `transformers`:
// - "bpe": byte-level BPE as RoBERTa and ALIGN-MLM (create_tokenizer.py: ByteLevelBPETokenizer, min frequency
//   2, specials <s> <pad> </s> <unk> <mask> as ids 0–4). One difference from that script: add_prefix_space is
//   on, so a sentence's first word gets the same "Ġ" tokens as every other word — and as words encoded one by
//   one (tasks read pre-split words; transformers refuses RoBERTa pre-split input without add_prefix_space).
// - "wordpiece": BERT's (BertNormalizer, BertPreTokenizer, "##" continuations), learned as HF's
//   WordPieceTrainer does: BPE merges over the words with the "##" prefix; specials [PAD] [UNK] [CLS] [SEP] [MASK].
// @huggingface/tokenizers (the JS build, 0.2.0) only loads and runs tokenizers — it has no trainers — so the
// merge learning is written here (bpe_trainer.ts), following the Rust BpeTrainer.
import { XltError } from "../errors.ts";
import { BYTE_TO_CHAR, byteLevelSplit } from "../io/bytelevel.ts";
import { buildNormalizer, buildPreTokenizer, wordPieceTokenizerJson } from "../io/tokenize.ts";
import { trainBpe } from "./bpe_trainer.ts";

export type VocabKind = "bpe" | "wordpiece";
export const VOCAB_KINDS: VocabKind[] = ["bpe", "wordpiece"];
export const BPE_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"];
export const WORDPIECE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

export interface VocabOptions {
  kind: VocabKind;
  vocabSize: number;
  minFrequency: number;
  /** WordPiece only: lowercase and strip accents (BERT uncased) */
  lowercase?: boolean;
}

export interface TrainedVocab {
  /** file name -> contents, everything the output directory gets */
  files: Record<string, string>;
  tokenizerJson: any;
  vocabSize: number;
  merges: number;
  words: number;
}

/** The smallest vocabulary a kind can have: its specials, and for byte-level BPE all 256 byte symbols. */
export function minVocabSize(kind: VocabKind): number {
  return kind === "bpe" ? BPE_SPECIALS.length + 256 : WORDPIECE_SPECIALS.length;
}

/**
 * Word frequencies as HF's trainer feeds them: each line (its "\n" kept, as tokenizers' file reader does)
 * normalised and pre-tokenised; words in first-seen order.
 */
export function countWords(texts: string[], split: (line: string) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const line of text.split(/(?<=\n)/)) {
      for (const w of split(line)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

export function byteLevelBpeTokenizerJson(vocab: string[], merges: [string, string][]): any {
  const id = (t: string) => vocab.indexOf(t);
  const byteLevel = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: BPE_SPECIALS.map((t) => ({ id: id(t), content: t, single_word: false, lstrip: t === "<mask>", rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { type: "RobertaProcessing", sep: ["</s>", id("</s>")], cls: ["<s>", id("<s>")], trim_offsets: true, add_prefix_space: true },
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
      merges,
    },
  };
}

/**
 * One rule for both kinds: the vocabulary must hold the specials and every base symbol (byte-level BPE: the
 * 256 bytes; WordPiece: each character of the corpus, and its "##" form where a word continues with it), or
 * the tokenizer could not spell the corpus. A smaller --vocab-size is refused, naming the minimum, instead
 * of writing more tokens than asked. BPE's minimum is known before reading the corpus, WordPiece's after.
 */
function tooSmall(o: VocabOptions, base: number, what: string): XltError {
  return new XltError(`--vocab-size ${o.vocabSize} is too small: ${o.kind} needs at least ${base} (${what}); give --vocab-size ${base} or more`);
}

export function trainVocab(texts: string[], o: VocabOptions): TrainedVocab {
  if (o.vocabSize < minVocabSize(o.kind)) throw tooSmall(o, minVocabSize(o.kind), o.kind === "bpe" ? "5 specials and the 256 byte symbols" : "its 5 specials");
  const t = o.kind === "bpe" ? trainByteLevelBpe(texts, o) : trainWordPiece(texts, o);
  if (t.r.base > o.vocabSize) {
    const symbols = o.kind === "bpe" ? "the byte symbols" : "characters and ##-continuations";
    throw tooSmall(o, t.r.base, `5 specials and the corpus's ${t.r.base - 5} ${symbols}`);
  }
  return {
    tokenizerJson: t.json,
    vocabSize: t.r.vocab.length,
    merges: t.r.merges.length,
    words: t.words,
    files: { "tokenizer.json": JSON.stringify(t.json), "tokenizer_config.json": JSON.stringify(t.config, null, 2) + "\n", ...t.slowFiles },
  };
}

/** One kind's learned merges, its tokenizer.json and tokenizer_config.json, and the "slow" tokenizer files. */
interface KindResult {
  r: ReturnType<typeof trainBpe>;
  json: any;
  config: Record<string, unknown>;
  slowFiles: Record<string, string>;
  words: number;
}

function trainByteLevelBpe(texts: string[], o: VocabOptions): KindResult {
  const counts = countWords(texts, (line) => byteLevelSplit(line, true));
  if (!counts.size) throw new XltError("the corpus has no text to learn from");
  const r = trainBpe(counts, { vocabSize: o.vocabSize, minFrequency: o.minFrequency, specialTokens: BPE_SPECIALS, initialAlphabet: BYTE_TO_CHAR });
  const json = byteLevelBpeTokenizerJson(r.vocab, r.merges);
  const config = { tokenizer_class: "RobertaTokenizer", add_prefix_space: true, bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>", sep_token: "</s>", cls_token: "<s>", pad_token: "<pad>", mask_token: "<mask>" };
  // the slow (GPT-2 style) files, for tools that read those
  const slowFiles = { "vocab.json": JSON.stringify(json.model.vocab), "merges.txt": "#version: 0.2\n" + r.merges.map(([a, b]) => `${a} ${b}\n`).join("") };
  return { r, json, config, slowFiles, words: counts.size };
}

function trainWordPiece(texts: string[], o: VocabOptions): KindResult {
  const template = wordPieceTokenizerJson(WORDPIECE_SPECIALS, !!o.lowercase);
  const normalize = buildNormalizer(template.normalizer);
  const pre = buildPreTokenizer(template.pre_tokenizer).fn;
  const counts = countWords(texts, (line) => pre(normalize(line)));
  if (!counts.size) throw new XltError("the corpus has no words to learn from");
  const r = trainBpe(counts, { vocabSize: o.vocabSize, minFrequency: o.minFrequency, specialTokens: WORDPIECE_SPECIALS, continuingSubwordPrefix: "##" });
  const json = wordPieceTokenizerJson(r.vocab, !!o.lowercase);
  const config = { tokenizer_class: "BertTokenizer", do_lower_case: !!o.lowercase, unk_token: "[UNK]", sep_token: "[SEP]", pad_token: "[PAD]", cls_token: "[CLS]", mask_token: "[MASK]" };
  return { r, json, config, slowFiles: { "vocab.txt": r.vocab.join("\n") + "\n" }, words: counts.size };
}
