// Realignment examples for every language spec, whatever its link source: files and the dictionary rule
// and fast_align are read synchronously by loadLanguagePairs; the embeddings aligner first runs `model`
// over the sentence pairs (GPU).
import { XltError } from "../errors.ts";
import { type LangSpec, loadLanguagePairs, type PairStats } from "../data/pairs.ts";
import type { PairExample } from "../data/side_batch.ts";
import { alignWithEmbeddings, type EmbeddingAlignOptions } from "./embeddings.ts";

export type AlignerName = "dictionary" | "fastalign" | "embeddings";

export async function loadAlignedPairs(specs: LangSpec[], model?: string, opts: EmbeddingAlignOptions = {}): Promise<{ examples: PairExample[]; stats: PairStats }[]> {
  if (specs.some((s) => s.aligner === "embeddings") && !model) throw new XltError("--aligner embeddings needs --model DIR (the model whose embeddings align the words)");
  const computed = model ? await alignWithEmbeddings(specs, model, opts) : new Map();
  return specs.map((s) => loadLanguagePairs(s, computed.get(s.lang)));
}

/** The built-in data's spec of one language: its generated dictionary, or the chosen built-in aligner. */
export function builtinSpec(lang: string, pairs: string, dictionary: string, aligner: string | undefined): LangSpec {
  if (aligner === undefined || aligner === "dictionary") return { lang, pairs, dictionary };
  if (aligner !== "fastalign" && aligner !== "embeddings") throw new XltError(`--aligner ${aligner}: use dictionary, fastalign or embeddings`);
  return { lang, pairs, aligner };
}
