// The built-in pre-training demo: English sentences from xlt's own generator (src/builtin/synthetic.ts) and
// its WordPiece vocabulary, written once under a directory, so `xlt pretrain` with no arguments runs with
// no download.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { builtinVocab, generatePairs } from "../builtin/synthetic.ts";
import { wordPieceTokenizerJson } from "../io/tokenize.ts";

export interface DemoPaths {
  corpus: string;
  tokenizer: string;
}

export function ensurePretrainDemo(dir: string, sentences = 3000): DemoPaths {
  const corpus = join(dir, "corpus.en.txt");
  const tokenizer = join(dir, "tokenizer");
  if (!existsSync(join(tokenizer, "tokenizer.json")) || !existsSync(corpus)) {
    mkdirSync(tokenizer, { recursive: true });
    writeFileSync(join(tokenizer, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(builtinVocab()), null, 1));
    writeFileSync(corpus, generatePairs("de", sentences, 7).map((p) => p.src.join(" ")).join("\n") + "\n");
  }
  return { corpus, tokenizer };
}
