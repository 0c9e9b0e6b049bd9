// `xlt vocab`: trains a tokenizer for a from-scratch model on a text corpus — byte-level BPE (RoBERTa,
// ALIGN-MLM) or WordPiece (BERT) — and writes it as OUT/tokenizer.json, which `xlt pretrain --tokenizer OUT`,
// every other xlt command and Hugging Face's tokenizers read.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTextFile } from "../src/io/words.ts";
import { writeDirAtomic } from "../src/io/atomic.ts";
import { checkOutputs } from "../src/io/outputs.ts";
import { trainVocab, VOCAB_KINDS, type VocabKind } from "../src/vocab/train.ts";
import type { Command } from "./options.ts";

export const vocabCommand: Command = {
  summary: "train a tokenizer (byte-level BPE or WordPiece) on a text corpus for a from-scratch model",
  description: [
    "--kind bpe: byte-level BPE as RoBERTa and ALIGN-MLM (GPT-2 byte map and split, specials <s> <pad> </s>",
    "<unk> <mask> as ids 0-4, every word with a leading-space 'Ġ' so pre-split words encode as in running text).",
    "--kind wordpiece: BERT's WordPiece (BERT normalizer and pre-tokenizer, '##' continuations; specials [PAD]",
    "[UNK] [CLS] [SEP] [MASK] as ids 0-4), learned by BPE merges as Hugging Face's WordPieceTrainer does.",
    "Merges are learned as Hugging Face's BpeTrainer learns them: most frequent pair first, ties to the",
    "smaller pair of ids; pairs seen fewer than --min-frequency times are never merged.",
    "OUT gets tokenizer.json and tokenizer_config.json, plus vocab.json and merges.txt (bpe) or vocab.txt",
    "(wordpiece), and vocab-train.json recording the settings.",
  ].join("\n"),
  options: {
    corpus: { type: "string", required: true, multiple: true, meta: "FILE", help: "UTF-8 text, one sentence or paragraph per line (repeat for several)" },
    kind: { type: "string", default: "bpe", choices: VOCAB_KINDS, help: "tokenizer model" },
    "vocab-size": { type: "int", default: 30000, min: 1, help: "vocabulary size including the specials and base symbols (bpe: at least 261, the 256 bytes; wordpiece: at least 5 + the corpus's characters and ## forms; ALIGN-MLM used 40000); fewer if the corpus runs out of pairs" },
    "min-frequency": { type: "int", default: 2, min: 0, help: "a pair seen fewer times is never merged" },
    lowercase: { type: "boolean", appliesWith: { option: "kind", values: ["wordpiece"] }, help: "wordpiece: lowercase and strip accents (BERT uncased; byte-level BPE keeps the text as it is)" },
    out: { type: "string", required: true, meta: "DIR", help: "output directory (an existing non-empty one needs --overwrite)" },
    overwrite: { type: "boolean", help: "replace the files xlt writes in an existing --out (other files are kept)" },
  },
  async run(v) {
    checkOutputs({ dirs: { out: v.out }, inputs: { corpus: v.corpus }, overwrite: v.overwrite });
    const kind = (v.kind ?? "bpe") as VocabKind;
    const corpus: string[] = v.corpus ?? [];
    const texts = corpus.map((p) => readTextFile(p, "the corpus"));
    const opts = { kind, vocabSize: v["vocab-size"] ?? 30000, minFrequency: v["min-frequency"] ?? 2, lowercase: !!v.lowercase };
    const t0 = performance.now();
    const r = trainVocab(texts, opts);
    const seconds = (performance.now() - t0) / 1000;
    await writeDirAtomic(v.out, (tmp) => {
      for (const [name, text] of Object.entries(r.files)) writeFileSync(join(tmp, name), text);
      const manifest = { ...opts, corpus, words: r.words, merges: r.merges, vocab: r.vocabSize };
      writeFileSync(join(tmp, "vocab-train.json"), JSON.stringify(manifest, null, 2) + "\n");
    });
    // never more than asked: trainVocab refuses a --vocab-size below the specials and base symbols
    const short = r.vocabSize < opts.vocabSize ? ` (asked for ${opts.vocabSize}: no pair left seen ${Math.max(1, opts.minFrequency)}+ times)` : "";
    console.log(`xlt vocab: ${kind}, ${r.vocabSize} tokens${short}, ${r.merges} merges from ${r.words} distinct words in ${seconds.toFixed(1)} s -> ${join(v.out, "tokenizer.json")}`);
    return 0;
  },
};
