// What the encoder graph needs to know about a model: its shape, vocabularies and the quirks of each
// architecture. src/io/checkpoint.ts parses it from a Hugging Face config.json (parseConfig).
export type Arch = "bert" | "distilbert" | "xlmr";

export interface ModelConfig {
  arch: Arch;
  hidden: number;
  layers: number;
  heads: number;
  ffn: number;
  vocab: number;
  maxPositions: number;
  /** token-type vocabulary: 2 for BERT, 1 for XLM-R, 0 for DistilBERT (no token_type embeddings) */
  typeVocab: number;
  lnEps: number;
  padId: number;
  dropout: number;
  attnDropout: number;
  /** XLM-R: real tokens start at position padId+1 (HF create_position_ids_from_input_ids); else 0 */
  positionOffset: number;
}
