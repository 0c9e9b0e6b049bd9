// The model a pre-training run starts from and the checkpoint it writes:
// - from scratch: an HF config.json (--config FILE, or a --size preset for --arch) with HF's _init_weights
//   (Linear and Embedding N(0, 0.02), biases 0, LayerNorm 1/0) and an MLM head initialised the same way;
// - continued: an HF checkpoint (--model DIR), its MLM head kept when it has one of the right shape.
// The output is one F32 model.safetensors under Hugging Face's *ForMaskedLM names (the tied decoder weight
// left out: transformers ties it to the word embeddings on load), config.json with `architectures`
// *ForMaskedLM, and the tokenizer.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { XltError } from "../errors.ts";
import { type Arch, CheckpointError, expectedShapes, loadCheckpoint, type ModelConfig, parseConfig } from "../io/checkpoint.ts";
import { writeF32 } from "../io/safetensors_write.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { gaussian } from "../rng.ts";
import { initMlmHead, mlmHeadShapes } from "../../models/mlm_head.ts";
import { type F32Map, readTensors } from "./weights.ts";
import { LANG_ROWS } from "../../models/encoder.ts";

// the language-embedding table of XLM / DICT-MLM (defined with the encoder that adds it)
export { LANG_DERIVED, LANG_ORIGINAL, LANG_PAD, LANG_ROWS } from "../../models/encoder.ts";

export const SIZES = ["tiny", "small", "base"] as const;
export type Size = (typeof SIZES)[number];
export const ARCHS = ["roberta", "bert", "distilbert"] as const;

/** Layers, hidden, heads, FFN of each preset (small = align-mlm-spec.md §7's CPU-scale RoBERTa; base = BERT-base). */
const PRESETS: Record<Size, { layers: number; hidden: number; heads: number; ffn: number }> = {
  tiny: { layers: 2, hidden: 64, heads: 2, ffn: 256 },
  small: { layers: 4, hidden: 256, heads: 4, ffn: 1024 },
  base: { layers: 12, hidden: 768, heads: 12, ffn: 3072 },
};


/** An HF config.json object for a preset, with the tokenizer's vocabulary size and pad id. */
export function presetConfig(size: Size, arch: (typeof ARCHS)[number], vocab: number, padId: number, maxPositions: number): Record<string, any> {
  const p = PRESETS[size];
  if (arch === "distilbert") {
    return { architectures: ["DistilBertForMaskedLM"], model_type: "distilbert", activation: "gelu", attention_dropout: 0.1, dim: p.hidden, dropout: 0.1,
      hidden_dim: p.ffn, initializer_range: 0.02, max_position_embeddings: maxPositions, n_heads: p.heads, n_layers: p.layers, pad_token_id: padId,
      qa_dropout: 0.1, seq_classif_dropout: 0.2, sinusoidal_pos_embds: false, tie_weights_: true, vocab_size: vocab };
  }
  const roberta = arch === "roberta";
  return {
    architectures: [roberta ? "RobertaForMaskedLM" : "BertForMaskedLM"], model_type: arch, attention_probs_dropout_prob: 0.1, hidden_act: "gelu",
    hidden_dropout_prob: 0.1, hidden_size: p.hidden, initializer_range: 0.02, intermediate_size: p.ffn, layer_norm_eps: roberta ? 1e-5 : 1e-12,
    // RoBERTa's positions start after the padding id: room for maxPositions tokens
    max_position_embeddings: roberta ? maxPositions + padId + 1 : maxPositions, num_attention_heads: p.heads, num_hidden_layers: p.layers,
    pad_token_id: padId, position_embedding_type: "absolute", type_vocab_size: roberta ? 1 : 2, vocab_size: vocab,
    ...(roberta ? { bos_token_id: 0, eos_token_id: 2 } : {}),
  };
}

/** canonical name -> HF *ForMaskedLM name. */
export function hfName(arch: Arch, canonical: string): string {
  const pre = arch === "bert" ? "bert." : arch === "xlmr" ? "roberta." : "distilbert.";
  const emb: Record<string, string> = {
    "embeddings.word": "embeddings.word_embeddings.weight",
    "embeddings.position": "embeddings.position_embeddings.weight",
    "embeddings.token_type": "embeddings.token_type_embeddings.weight",
    "embeddings.lang": "embeddings.lang_type_embeddings.weight",
    "embeddings.ln.weight": "embeddings.LayerNorm.weight",
    "embeddings.ln.bias": "embeddings.LayerNorm.bias",
  };
  if (emb[canonical]) return pre + emb[canonical];
  const m = /^layer\.(\d+)\.(.+)\.(weight|bias)$/.exec(canonical);
  if (!m) throw new XltError(`no Hugging Face name for ${canonical}`);
  const bert: Record<string, string> = { "attn.q": "attention.self.query", "attn.k": "attention.self.key", "attn.v": "attention.self.value", "attn.o": "attention.output.dense",
    attn_ln: "attention.output.LayerNorm", "ffn.in": "intermediate.dense", "ffn.out": "output.dense", ffn_ln: "output.LayerNorm" };
  const distil: Record<string, string> = { "attn.q": "attention.q_lin", "attn.k": "attention.k_lin", "attn.v": "attention.v_lin", "attn.o": "attention.out_lin",
    attn_ln: "sa_layer_norm", "ffn.in": "ffn.lin1", "ffn.out": "ffn.lin2", ffn_ln: "output_layer_norm" };
  return arch === "distilbert" ? `${pre}transformer.layer.${m[1]}.${distil[m[2]]}.${m[3]}` : `${pre}encoder.layer.${m[1]}.${bert[m[2]]}.${m[3]}`;
}

export interface StartModel {
  cfg: ModelConfig;
  raw: Record<string, any>;
  /** canonical encoder tensors (embeddings.lang included when language embeddings are on) */
  encoder: F32Map;
  head: F32Map;
  /** directory holding tokenizer.json */
  tokenizerDir: string;
}

function initEncoder(cfg: ModelConfig, seed: number): F32Map {
  const r = gaussian(seed);
  const out: F32Map = new Map();
  for (const [name, shape] of expectedShapes(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (/ln\.weight$|_ln\.weight$/.test(name)) data = new Float32Array(n).fill(1);
    else if (name.endsWith(".bias")) data = new Float32Array(n);
    else data = Float32Array.from({ length: n }, () => 0.02 * r());
    out.set(name, { shape, data });
  }
  return out;
}

/** Adds (or keeps) the [4, H] language-embedding table. */
function withLang(enc: F32Map, raw: Record<string, any>, cfg: ModelConfig, existing: F32Map, seed: number): void {
  const have = existing.get(hfName(cfg.arch, "embeddings.lang"));
  if (have && have.shape.join() === `${LANG_ROWS},${cfg.hidden}`) enc.set("embeddings.lang", have);
  else {
    const r = gaussian(seed ^ 0x1a9);
    enc.set("embeddings.lang", { shape: [LANG_ROWS, cfg.hidden], data: Float32Array.from({ length: LANG_ROWS * cfg.hidden }, () => 0.02 * r()) });
  }
  raw.use_lang_ids = true;
  raw.num_langs = LANG_ROWS;
}

export function readConfigFile(path: string): Record<string, any> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new XltError(`--config ${path}: cannot read the file`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new XltError(`--config ${path}: not valid JSON`);
  }
}

/** The model to start from: `model` (continue), or `config` (from scratch, with the tokenizer in `tokenizerDir`). */
export function startModel(o: { model?: string; config?: Record<string, any>; configWhere?: string; tokenizerDir?: string; seed: number; lang: boolean }): StartModel {
  if (o.model) {
    const ck = loadCheckpoint(o.model);
    const raw = JSON.parse(readFileSync(join(o.model, "config.json"), "utf8"));
    const cfg = ck.config;
    const names = [...mlmHeadShapes(cfg.arch, cfg.hidden, cfg.vocab).keys()];
    const existing = readTensors(o.model, [...names, hfName(cfg.arch, "embeddings.lang")]);
    const kept: F32Map = new Map([...existing].filter(([n, t]) => names.includes(n) && t.shape.join() === mlmHeadShapes(cfg.arch, cfg.hidden, cfg.vocab).get(n)!.join()));
    const encoder: F32Map = new Map(ck.tensors);
    if (o.lang) withLang(encoder, raw, cfg, existing, o.seed);
    return { cfg, raw, encoder, head: initMlmHead(cfg.arch, cfg.hidden, cfg.vocab, o.seed, kept), tokenizerDir: o.tokenizerDir ?? o.model };
  }
  if (!o.config || !o.tokenizerDir) throw new XltError("a model from scratch needs --tokenizer DIR and --config FILE or --size");
  let cfg: ModelConfig;
  try {
    cfg = parseConfig(o.config, o.configWhere ?? "--config");
  } catch (e) {
    if (e instanceof CheckpointError) throw new XltError(e.message);
    throw e;
  }
  const raw = { ...o.config };
  const encoder = initEncoder(cfg, o.seed);
  if (o.lang) withLang(encoder, raw, cfg, new Map(), o.seed);
  return { cfg, raw, encoder, head: initMlmHead(cfg.arch, cfg.hidden, cfg.vocab, o.seed), tokenizerDir: o.tokenizerDir };
}

export function maskedLmArchitecture(cfg: ModelConfig, raw: Record<string, any>): string {
  if (cfg.arch === "bert") return "BertForMaskedLM";
  if (cfg.arch === "distilbert") return "DistilBertForMaskedLM";
  return raw.model_type === "roberta" ? "RobertaForMaskedLM" : "XLMRobertaForMaskedLM";
}

/** Writes the *ForMaskedLM checkpoint into `dir` (a fresh temporary directory). */
export function writeMaskedLm(dir: string, cfg: ModelConfig, raw: Record<string, any>, encoder: Map<string, Float32Array>, head: F32Map, tokenizerDir: string): void {
  const shapes = expectedShapes(cfg);
  const t: F32Map = new Map();
  for (const [c, data] of encoder) {
    const shape = c === "embeddings.lang" ? [LANG_ROWS, cfg.hidden] : shapes.get(c);
    if (!shape) throw new XltError(`writeMaskedLm: unexpected tensor ${c}`);
    t.set(hfName(cfg.arch, c), { shape, data });
  }
  for (const [n, v] of head) t.set(n, v);
  const sorted = new Map([...t].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  writeF32(join(dir, "model.safetensors"), sorted, { format: "pt" });
  const config = { ...raw, architectures: [maskedLmArchitecture(cfg, raw)], vocab_size: cfg.vocab };
  writeFileAtomic(join(dir, "config.json"), JSON.stringify(config, null, 2) + "\n");
  for (const f of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) {
    if (existsSync(join(tokenizerDir, f))) copyFileSync(join(tokenizerDir, f), join(dir, f));
  }
}
