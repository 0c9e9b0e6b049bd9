// Hugging Face checkpoint I/O for BERT, DistilBERT and XLM-R encoders.
//
// loadCheckpoint reads config.json and model.safetensors (or a sharded model.safetensors.index.json) and
// maps the three architectures' tensor names, with or without the architecture prefix and with the old
// `gamma`/`beta` LayerNorm names, to ONE canonical scheme (see canonicalNames()). Heads (pooler, MLM,
// classifiers) and buffers (position_ids) are not part of the encoder and are skipped.
//
// saveCheckpoint writes a checkpoint that HF transformers loads unchanged: the same files, tensor names,
// order and dtypes as the source (F16/BF16 are rounded back to nearest-even), every non-encoder tensor copied
// byte for byte, config/tokenizer files copied, through writeDirAtomic (atomic.ts), so a crash never leaves
// a half-written DIR.
import { writeDirAtomicSync } from "./atomic.ts";
import { safetensorsBytes, type TensorEntry, writeSafetensorsEntries } from "./safetensors_write.ts";
import { decode, headerOfBytes, readHeader, readTensorBytes, type TensorInfo } from "./safetensors.ts";
import { f16Bits } from "../gpu/f16.ts";

// The architecture description belongs to the models (models/config.ts); checkpoints parse it from
// config.json and re-export it for their callers.
import type { Arch, ModelConfig } from "../../models/config.ts";
import { crypto, fs, nodePath } from "../host.ts";
export type { Arch, ModelConfig };

export interface LoadedTensor {
  shape: number[];
  data: Float32Array;
}

export interface Checkpoint {
  config: ModelConfig;
  /** canonical name -> f32 tensor */
  tensors: Map<string, LoadedTensor>;
  /** canonical name -> name in the source file */
  sourceNames: Map<string, string>;
  /** canonical name -> dtype in the source file (F32, F16, BF16, F64) */
  dtypes: Map<string, string>;
}

export class CheckpointError extends Error {}

const SUPPORTED = "bert, distilbert, xlm-roberta (also roberta)";
const FLOAT_DTYPES = new Set(["F32", "F16", "BF16", "F64"]);

function num(cfg: Record<string, any>, key: string, where: string, fallback?: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new CheckpointError(`${where}: missing required field '${key}'`);
  }
  if (typeof v !== "number" || !Number.isFinite(v)) throw new CheckpointError(`${where}: field '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Parses an HF config.json object into a ModelConfig (one-line errors naming the file and field). */
export function parseConfig(cfg: Record<string, any>, where = "config.json"): ModelConfig {
  const mt = cfg.model_type;
  let c: ModelConfig;
  if (mt === "distilbert") {
    if (cfg.sinusoidal_pos_embds) throw new CheckpointError(`${where}: sinusoidal_pos_embds=true is not supported (learned positions only)`);
    const act = cfg.activation ?? "gelu";
    if (act !== "gelu") throw new CheckpointError(`${where}: activation '${act}' is not supported (only exact erf 'gelu')`);
    c = {
      arch: "distilbert",
      hidden: num(cfg, "dim", where),
      layers: num(cfg, "n_layers", where),
      heads: num(cfg, "n_heads", where),
      ffn: num(cfg, "hidden_dim", where),
      vocab: num(cfg, "vocab_size", where),
      maxPositions: num(cfg, "max_position_embeddings", where),
      typeVocab: 0,
      lnEps: 1e-12, // hard-coded in HF modeling_distilbert
      padId: num(cfg, "pad_token_id", where, 0),
      dropout: num(cfg, "dropout", where, 0.1),
      attnDropout: num(cfg, "attention_dropout", where, 0.1),
      positionOffset: 0,
    };
  } else if (mt === "bert" || mt === "xlm-roberta" || mt === "roberta") {
    const xlmr = mt !== "bert";
    const act = cfg.hidden_act ?? "gelu";
    if (act !== "gelu") throw new CheckpointError(`${where}: hidden_act '${act}' is not supported (only exact erf 'gelu')`);
    const pet = cfg.position_embedding_type ?? "absolute";
    if (pet !== "absolute") throw new CheckpointError(`${where}: position_embedding_type '${pet}' is not supported (only 'absolute')`);
    const padId = num(cfg, "pad_token_id", where, xlmr ? 1 : 0);
    c = {
      arch: xlmr ? "xlmr" : "bert",
      hidden: num(cfg, "hidden_size", where),
      layers: num(cfg, "num_hidden_layers", where),
      heads: num(cfg, "num_attention_heads", where),
      ffn: num(cfg, "intermediate_size", where),
      vocab: num(cfg, "vocab_size", where),
      maxPositions: num(cfg, "max_position_embeddings", where),
      typeVocab: num(cfg, "type_vocab_size", where, 2),
      lnEps: num(cfg, "layer_norm_eps", where, 1e-12),
      padId,
      dropout: num(cfg, "hidden_dropout_prob", where, 0.1),
      attnDropout: num(cfg, "attention_probs_dropout_prob", where, 0.1),
      positionOffset: xlmr ? padId + 1 : 0,
    };
  } else {
    throw new CheckpointError(`${where}: unsupported model_type ${JSON.stringify(mt ?? null)}; supported: ${SUPPORTED}`);
  }
  checkConfigValues(c, cfg, where);
  return c;
}

/**
 * The values of a parsed config that the model cannot run with, refused at load as the tokenizer's ids are
 * (a layer_norm_eps of 0 or −1 would otherwise turn every hidden state into NaN, silently). Each error names
 * config.json's own field.
 */
function checkConfigValues(c: ModelConfig, cfg: Record<string, any>, where: string): void {
  const distil = c.arch === "distilbert";
  const field: Record<string, string> = distil
    ? { hidden: "dim", layers: "n_layers", heads: "n_heads", ffn: "hidden_dim", dropout: "dropout", attnDropout: "attention_dropout" }
    : { hidden: "hidden_size", layers: "num_hidden_layers", heads: "num_attention_heads", ffn: "intermediate_size", dropout: "hidden_dropout_prob", attnDropout: "attention_probs_dropout_prob" };
  Object.assign(field, { vocab: "vocab_size", maxPositions: "max_position_embeddings", typeVocab: "type_vocab_size", lnEps: "layer_norm_eps", padId: "pad_token_id" });
  const bad = (k: keyof ModelConfig, want: string) => new CheckpointError(`${where}: ${field[k]} must be ${want}, got ${JSON.stringify(c[k])}`);
  for (const k of ["hidden", "layers", "heads", "ffn", "vocab", "maxPositions"] as const) {
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) <= 0) throw bad(k, "a positive integer");
  }
  if (c.hidden % c.heads !== 0) throw new CheckpointError(`${where}: hidden size ${c.hidden} is not divisible by ${c.heads} heads`);
  if (!distil && (!Number.isSafeInteger(c.typeVocab) || c.typeVocab < 1)) throw bad("typeVocab", "a positive integer");
  if (!(c.lnEps > 0)) throw bad("lnEps", "a positive number (e.g. 1e-12 or 1e-5)");
  for (const k of ["dropout", "attnDropout"] as const) if (!(c[k] >= 0 && c[k] <= 1)) throw bad(k, "a probability between 0 and 1");
  if (!Number.isSafeInteger(c.padId) || c.padId < 0 || c.padId >= c.vocab) throw bad("padId", `a token id in 0-${c.vocab - 1} (vocab_size ${c.vocab})`);
  if (c.positionOffset >= c.maxPositions) throw new CheckpointError(`${where}: pad_token_id ${c.padId} leaves no position (XLM-R positions start at pad_token_id+1; max_position_embeddings ${c.maxPositions})`);
  // read by other parts of xlt straight from config.json (new embedding rows, classifier heads)
  const optional: [string, (v: number) => boolean, string][] = [
    ["initializer_range", (v) => v > 0, "a positive number"],
    ["classifier_dropout", (v) => v >= 0 && v <= 1, "a probability between 0 and 1"],
    ["seq_classif_dropout", (v) => v >= 0 && v <= 1, "a probability between 0 and 1"],
    ["qa_dropout", (v) => v >= 0 && v <= 1, "a probability between 0 and 1"],
  ];
  for (const [k, ok, want] of optional) {
    const v = cfg[k];
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isFinite(v) && ok(v))) throw new CheckpointError(`${where}: ${k} must be ${want}, got ${JSON.stringify(v)}`);
  }
}

/** Canonical name -> expected shape for a config (all tensors the encoder needs). */
export function expectedShapes(c: ModelConfig): Map<string, number[]> {
  const H = c.hidden;
  const F = c.ffn;
  const m = new Map<string, number[]>([
    ["embeddings.word", [c.vocab, H]],
    ["embeddings.position", [c.maxPositions, H]],
  ]);
  if (c.typeVocab > 0) m.set("embeddings.token_type", [c.typeVocab, H]);
  m.set("embeddings.ln.weight", [H]);
  m.set("embeddings.ln.bias", [H]);
  for (let i = 0; i < c.layers; i++) {
    for (const x of ["q", "k", "v", "o"]) {
      m.set(`layer.${i}.attn.${x}.weight`, [H, H]);
      m.set(`layer.${i}.attn.${x}.bias`, [H]);
    }
    m.set(`layer.${i}.attn_ln.weight`, [H]);
    m.set(`layer.${i}.attn_ln.bias`, [H]);
    m.set(`layer.${i}.ffn.in.weight`, [F, H]);
    m.set(`layer.${i}.ffn.in.bias`, [F]);
    m.set(`layer.${i}.ffn.out.weight`, [H, F]);
    m.set(`layer.${i}.ffn.out.bias`, [H]);
    m.set(`layer.${i}.ffn_ln.weight`, [H]);
    m.set(`layer.${i}.ffn_ln.bias`, [H]);
  }
  return m;
}

/**
 * The one encoder tensor a checkpoint may carry beyond expectedShapes(): XLM / DICT-MLM's language-embedding
 * table ([rows, H]), loaded, trained and saved with the encoder when present (config.json does not size it).
 */
export const LANG_TABLE = "embeddings.lang";

const BERT_BLOCK: Record<string, string> = {
  "attention.self.query": "attn.q",
  "attention.self.key": "attn.k",
  "attention.self.value": "attn.v",
  "attention.output.dense": "attn.o",
  "attention.output.LayerNorm": "attn_ln",
  "intermediate.dense": "ffn.in",
  "output.dense": "ffn.out",
  "output.LayerNorm": "ffn_ln",
};
const DISTIL_BLOCK: Record<string, string> = {
  "attention.q_lin": "attn.q",
  "attention.k_lin": "attn.k",
  "attention.v_lin": "attn.v",
  "attention.out_lin": "attn.o",
  sa_layer_norm: "attn_ln",
  "ffn.lin1": "ffn.in",
  "ffn.lin2": "ffn.out",
  output_layer_norm: "ffn_ln",
};
const EMB: Record<string, string> = {
  "word_embeddings.weight": "embeddings.word",
  "position_embeddings.weight": "embeddings.position",
  "token_type_embeddings.weight": "embeddings.token_type",
  // XLM / DICT-MLM (ALIGN-MLM authors' RoBERTa): optional, see optionalShapes()
  "lang_type_embeddings.weight": "embeddings.lang",
};
const PREFIXES = ["bert.", "roberta.", "distilbert.", "xlm_roberta.", "model."];

/**
 * Maps an HF tensor name (any of the three architectures, prefixed or not, weight/bias or gamma/beta) to
 * its canonical name, or null for tensors outside the encoder (pooler, MLM/task heads, position_ids).
 */
export function canonicalName(name: string): string | null {
  let n = name;
  for (const p of PREFIXES) {
    if (n.startsWith(p)) {
      n = n.slice(p.length);
      break;
    }
  }
  // old TF-converted BERT checkpoints call the LayerNorm parameters gamma/beta
  const wb = (s: string) => (s === "gamma" ? "weight" : s === "beta" ? "bias" : s === "weight" || s === "bias" ? s : null);
  let m = /^embeddings\.(.+)$/.exec(n);
  if (m) {
    if (EMB[m[1]]) return EMB[m[1]];
    const ln = /^LayerNorm\.(\w+)$/.exec(m[1]);
    if (ln && wb(ln[1])) return `embeddings.ln.${wb(ln[1])}`;
    return null;
  }
  m = /^(?:encoder|transformer)\.layer\.(\d+)\.(.+)\.(\w+)$/.exec(n);
  if (m) {
    const table = n.startsWith("encoder.") ? BERT_BLOCK : DISTIL_BLOCK;
    const part = table[m[2]];
    const suffix = wb(m[3]);
    if (!part || !suffix) return null;
    // gamma/beta only ever named LayerNorm params; a Linear "gamma" would be something else
    if ((m[3] === "gamma" || m[3] === "beta") && !part.endsWith("_ln")) return null;
    return `layer.${Number(m[1])}.${part}.${suffix}`;
  }
  return null;
}

/** A JSON file of a checkpoint, with a one-line error naming it when it is missing or not JSON. */
export function readJson(path: string, what: string): any {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch {
    throw new CheckpointError(`${path}: cannot read ${what} (missing or unreadable)`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(`${path}: ${what} is not valid JSON`);
  }
}

interface SourceFile {
  path: string;
  tensors: Map<string, TensorInfo>;
  dataStart: number;
  metadata: Record<string, string>;
  /** the whole file, where it came as bytes (a browser's file) instead of a path to read */
  bytes?: Uint8Array;
}

/** One tensor's raw bytes, from the file's bytes in memory or read from its path. */
function tensorBytes(file: SourceFile, info: TensorInfo): Uint8Array {
  if (file.bytes) return file.bytes.subarray(file.dataStart + info.begin, file.dataStart + info.end);
  return readTensorBytes(file.path, file.dataStart, info);
}

/** The safetensors files of a checkpoint directory, in shard order. */
function sourceFiles(dir: string): { files: SourceFile[]; index: string | null } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CheckpointError(`${dir}: checkpoint directory does not exist`);
  const single = nodePath.join(dir, "model.safetensors");
  const indexPath = nodePath.join(dir, "model.safetensors.index.json");
  let names: string[];
  let index: string | null = null;
  if (fs.existsSync(single)) names = ["model.safetensors"];
  else if (fs.existsSync(indexPath)) {
    index = indexPath;
    const idx = readJson(indexPath, "shard index");
    const wm = idx?.weight_map;
    if (!wm || typeof wm !== "object") throw new CheckpointError(`${indexPath}: shard index has no 'weight_map'`);
    names = [...new Set(Object.values(wm) as string[])];
    for (const f of names) {
      if (typeof f !== "string" || f.includes("/") || f.includes("\\")) throw new CheckpointError(`${indexPath}: bad shard file name ${JSON.stringify(f)}`);
    }
  } else {
    const other = ["pytorch_model.bin", "tf_model.h5", "flax_model.msgpack"].filter((f) => fs.existsSync(nodePath.join(dir, f)));
    throw new CheckpointError(
      `${dir}: no model.safetensors or model.safetensors.index.json` + (other.length ? ` (found ${other.join(", ")}; convert it to safetensors first)` : ""),
    );
  }
  const files = names.map((f) => {
    const path = nodePath.join(dir, f);
    if (!fs.existsSync(path)) throw new CheckpointError(`${path}: shard listed in the index is missing`);
    return { path, ...readHeader(path) };
  });
  return { files, index };
}

/**
 * A fingerprint of a checkpoint's weights: SHA-256 over every weight file's name, size and bytes (config and
 * tokenizer files aside). A resume records it, so that a model of the same shapes but other weights (which
 * would mix the checkpoint's trained tensors with another model's frozen ones) is refused. One read pass.
 */
export function modelFingerprint(dir: string): string {
  const h = crypto.createHash("sha256");
  const buf = new Uint8Array(1 << 22);
  for (const f of sourceFiles(dir).files) {
    const fd = fs.openSync(f.path, "r");
    try {
      h.update(`${nodePath.basename(f.path)}\0${fs.statSync(f.path).size}\0`);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  }
  return `weights sha256:${h.digest("hex").slice(0, 16)}`;
}

/**
 * The names a checkpoint written from `srcDir` (by saveCheckpoint, a task checkpoint or a masked-LM one) may
 * have: config.json, its weight files and the side files copied from `srcDir`. For checkOutputs, so that no
 * other output of the run is given one of these names inside the output directory.
 */
export function checkpointNames(srcDir?: string): string[] {
  const names = new Set(["config.json", "model.safetensors"]);
  let entries: string[] = [];
  try {
    if (srcDir) entries = fs.readdirSync(srcDir);
  } catch {
    // missing: loading it fails with its own error
  }
  const weights = checkpointFiles();
  for (const f of entries) if (weights.test(f) || isSideFile(f)) names.add(f);
  return [...names];
}

/** canonical -> (file, original name, info) for every encoder tensor; checks duplicates. */
function mapTensors(files: SourceFile[]): Map<string, { file: SourceFile; name: string; info: TensorInfo }> {
  const out = new Map<string, { file: SourceFile; name: string; info: TensorInfo }>();
  for (const file of files) {
    for (const [name, info] of file.tensors) {
      const c = canonicalName(name);
      if (!c) continue;
      const prev = out.get(c);
      if (prev) throw new CheckpointError(`${file.path}: tensors '${prev.name}' and '${name}' both map to '${c}' (ambiguous checkpoint)`);
      out.set(c, { file, name, info });
    }
  }
  return out;
}

/** Reads config.json and every safetensors header and checks them against each other (no tensor data read). */
function openCheckpoint(dir: string) {
  const cfgPath = nodePath.join(dir, "config.json");
  if (!fs.existsSync(dir)) throw new CheckpointError(`${dir}: checkpoint directory does not exist`);
  if (!fs.existsSync(cfgPath)) throw new CheckpointError(`${cfgPath}: missing config.json`);
  const config = parseConfig(readJson(cfgPath, "model config"), cfgPath);
  return checkWeights(config, cfgPath, sourceFiles(dir).files, dir);
}

/** The model's tensors in `files` checked against its config (names, dtypes, shapes, layer count). */
function checkWeights(config: ModelConfig, cfgPath: string, files: SourceFile[], dir: string) {
  const mapped = mapTensors(files);
  // a config that disagrees with the weights would train and save only part of the model
  let weightLayers = 0;
  for (const c of mapped.keys()) {
    const m = /^layer\.(\d+)\./.exec(c);
    if (m) weightLayers = Math.max(weightLayers, Number(m[1]) + 1);
  }
  if (weightLayers !== config.layers) throw new CheckpointError(`${cfgPath}: says ${config.layers} layers but the weights in ${dir} have ${weightLayers}`);
  const expected = expectedShapes(config);
  const entries: { c: string; shape: number[]; name: string; info: TensorInfo; file: SourceFile }[] = [];
  for (const [c, shape] of expected) {
    const src = mapped.get(c);
    if (!src) throw new CheckpointError(`${dir}: missing required tensor '${c}' for ${config.arch} (no matching name in the safetensors files)`);
    const { info, name, file } = src;
    if (!FLOAT_DTYPES.has(info.dtype)) throw new CheckpointError(`${file.path}: tensor ${name} has dtype ${info.dtype}, expected a float type`);
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i])) {
      throw new CheckpointError(`${file.path}: tensor ${name} has shape [${info.shape}] but config.json implies [${shape}]`);
    }
    entries.push({ c, shape, name, info, file });
  }
  const lang = mapped.get(LANG_TABLE);
  if (lang) {
    const { info, name, file } = lang;
    if (!FLOAT_DTYPES.has(info.dtype) || info.shape.length !== 2 || info.shape[0] < 1 || info.shape[1] !== config.hidden) {
      throw new CheckpointError(`${file.path}: tensor ${name} has shape [${info.shape}] (${info.dtype}), expected [rows, ${config.hidden}] floats`);
    }
    entries.push({ c: LANG_TABLE, shape: [...info.shape], name, info, file });
  }
  return { config, entries };
}

/** Checks a checkpoint directory as loadCheckpoint does, reading only config.json and the headers. */
export function checkCheckpoint(dir: string): ModelConfig {
  return openCheckpoint(dir).config;
}

/** Whether the checkpoint has the XLM / DICT-MLM language-embedding table (headers only). */
export function hasLanguageTable(dir: string): boolean {
  return openCheckpoint(dir).entries.some((e) => e.c === LANG_TABLE);
}

/** Reads and validates a checkpoint directory (config.json + safetensors, single or sharded). */
export function loadCheckpoint(dir: string): Checkpoint {
  return decodeWeights(openCheckpoint(dir));
}

/** The checked tensors (checkWeights) decoded to f32, with their stored names and dtypes. */
function decodeWeights({ config, entries }: ReturnType<typeof checkWeights>): Checkpoint {
  const tensors = new Map<string, LoadedTensor>();
  const sourceNames = new Map<string, string>();
  const dtypes = new Map<string, string>();
  for (const { c, shape, name, info, file } of entries) {
    tensors.set(c, { shape: [...shape], data: decode(info, tensorBytes(file, info)) as Float32Array });
    sourceNames.set(c, name);
    dtypes.set(c, info.dtype);
  }
  return { config, tensors, sourceNames, dtypes };
}

/** A checkpoint that came as bytes: its model and the weight file it was read from (for checkpointBytes). */
export interface CheckpointFromBytes {
  ckpt: Checkpoint;
  source: { file: SourceFile };
}

/**
 * loadCheckpoint over the bytes of config.json and one model.safetensors (a browser's files, a fetch):
 * the same checks and errors, the files named by their names.
 */
export function checkpointFromBytes(configJson: string, safetensors: Uint8Array): CheckpointFromBytes {
  let json: unknown;
  try {
    json = JSON.parse(configJson);
  } catch {
    throw new CheckpointError("config.json: not valid JSON");
  }
  const config = parseConfig(json as Record<string, any>, "config.json");
  const file: SourceFile = { path: "model.safetensors", ...headerOfBytes(safetensors, "model.safetensors"), bytes: safetensors };
  return { ckpt: decodeWeights(checkWeights(config, "config.json", [file], "the model files")), source: { file } };
}

/**
 * Tokens per sequence: `requested` if given (an error when the position table has no room for it, as
 * realign always did), else `fallback` capped by the room the position table has.
 */
export function sequenceLength(cfg: ModelConfig, requested: number | undefined, fallback: number, what = "--max-length"): number {
  const room = cfg.maxPositions - cfg.positionOffset;
  if (requested === undefined) return Math.min(fallback, room);
  if (requested > room) throw new CheckpointError(`${what} ${requested}: the model has ${cfg.maxPositions} positions, room for at most ${room} tokens per sequence`);
  return requested;
}

// ---------------------------------------------------------------------------------------------- saving
const F32_SCRATCH = new Float32Array(1);
const U32_SCRATCH = new Uint32Array(F32_SCRATCH.buffer);

/** f32 -> IEEE half, round to nearest even (NaN stays NaN, overflow -> ±Inf): src/gpu/f16.ts's, shared with --f16-frozen. */
export const floatToHalf = f16Bits;

/** f32 -> bfloat16, round to nearest even. */
export function floatToBf16(v: number): number {
  F32_SCRATCH[0] = v;
  const x = U32_SCRATCH[0];
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

function encodeAs(dtype: string, data: Float32Array): Uint8Array {
  const n = data.length;
  switch (dtype) {
    case "F32": {
      const out = new Uint8Array(n * 4);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < n; i++) dv.setFloat32(i * 4, data[i], true);
      return out;
    }
    case "F16":
    case "BF16": {
      const out = new Uint8Array(n * 2);
      const dv = new DataView(out.buffer);
      const f = dtype === "F16" ? floatToHalf : floatToBf16;
      for (let i = 0; i < n; i++) dv.setUint16(i * 2, f(data[i]), true);
      return out;
    }
    case "F64": {
      const out = new Uint8Array(n * 8);
      const dv = new DataView(out.buffer);
      for (let i = 0; i < n; i++) dv.setFloat64(i * 8, data[i], true);
      return out;
    }
    default:
      throw new CheckpointError(`cannot write dtype ${dtype}`);
  }
}

/** Files besides the weights that make a checkpoint loadable (config, tokenizer, docs). */
function isSideFile(name: string): boolean {
  return /\.(json|txt|model|md)$/.test(name);
}

/**
 * The weight files of a checkpoint directory (single or sharded, with its index) and the `extra` names: what
 * a new checkpoint written over an old one replaces even where its layout differs (writeDirAtomic's
 * `replaces`), so no stale weights are left to be loaded instead of the new ones.
 */
export function checkpointFiles(...extra: string[]): RegExp {
  const names = ["model(-\\d+-of-\\d+)?\\.safetensors", "model\\.safetensors\\.index\\.json", ...extra.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))];
  return new RegExp(`^(${names.join("|")})$`);
}

/**
 * Writes `tensors` (canonical name -> f32 values, any subset of the encoder) as a checkpoint in `dir`,
 * laid out exactly like the one in `srcDir`: same files, tensor names, order, dtypes and metadata; tensors
 * not given (heads, pooler, buffers, or encoder tensors left out) are copied byte-identically.
 */
export function saveCheckpoint(dir: string, srcDir: string, tensors: Map<string, Float32Array>): void {
  const { files } = sourceFiles(srcDir);
  const byName = changedByName(files, tensors, srcDir);
  writeDirAtomicSync(dir, (tmp) => {
    for (const file of files) {
      // the original names, order, dtypes and metadata; sizes are unchanged, so offsets come out identical
      writeSafetensorsEntries(nodePath.join(tmp, nodePath.basename(file.path)), savedEntries(file, byName), file.metadata);
    }
    const weightFiles = new Set(files.map((f) => nodePath.basename(f.path)));
    for (const f of fs.readdirSync(srcDir)) {
      const p = nodePath.join(srcDir, f);
      if (!weightFiles.has(f) && isSideFile(f) && fs.statSync(p).isFile()) fs.copyFileSync(p, nodePath.join(tmp, f));
    }
  }, { replaces: checkpointFiles() });
}

/**
 * saveCheckpoint for a checkpoint that came as bytes (checkpointFromBytes): its model.safetensors with
 * `tensors` changed, laid out exactly like the source, as bytes.
 */
export function checkpointBytes(source: CheckpointFromBytes["source"], tensors: Map<string, Float32Array>): Uint8Array {
  const byName = changedByName([source.file], tensors, "the model files");
  return safetensorsBytes(savedEntries(source.file, byName), source.file.metadata);
}

/** The tensors of a file in its order: the changed ones (`byName`) encoded in their dtype, the rest as they were. */
function savedEntries(file: SourceFile, byName: Map<string, Float32Array>): TensorEntry[] {
  const order = [...file.tensors.entries()].sort((a, b) => a[1].begin - b[1].begin);
  return order.map(([name, info]) => {
    const data = byName.get(`${file.path}\u0000${name}`);
    return {
      name, dtype: info.dtype, shape: info.shape, size: info.end - info.begin,
      bytes: () => (data ? encodeAs(info.dtype, data) : tensorBytes(file, info)),
    };
  });
}

/** `tensors` checked against the source files and keyed by file path and stored name. */
function changedByName(files: SourceFile[], tensors: Map<string, Float32Array>, srcDir: string): Map<string, Float32Array> {
  const mapped = mapTensors(files);
  for (const [c, data] of tensors) {
    const src = mapped.get(c);
    if (!src) throw new CheckpointError(`saveCheckpoint: tensor '${c}' has no counterpart in ${srcDir}`);
    const n = src.info.shape.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new CheckpointError(`saveCheckpoint: tensor '${c}' has ${data.length} values but ${src.name} has shape [${src.info.shape}]`);
    if (!FLOAT_DTYPES.has(src.info.dtype)) throw new CheckpointError(`saveCheckpoint: ${src.name} has non-float dtype ${src.info.dtype}`);
  }
  const byName = new Map<string, Float32Array>();
  for (const [c, data] of tensors) byName.set(`${mapped.get(c)!.file.path}\u0000${mapped.get(c)!.name}`, data);
  return byName;
}
