// Writes the two-language (Trans) model of a Hugging Face snapshot: every tensor indexed by the vocabulary
// doubled (extendForTrans's rule), everything else copied byte for byte, config vocab_size 2V and the
// doubled tokenizer.json. The caller chooses the directory (and makes the write atomic).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../io/checkpoint.ts";
import { decode, readHeader, readTensorBytes } from "../io/safetensors.ts";
import { f32Bytes, type TensorEntry, writeSafetensorsEntries } from "../io/safetensors_write.ts";
import { doubleConfigJson, doubleRows, doubleTokenizerJson, type ExtendOptions } from "./trans.ts";

// tables with one row per vocabulary id: the input embedding and the (tied) MLM decoder
const VOCAB_TABLE = /(?:^|\.)(?:word_embeddings\.weight|decoder\.weight|vocab_projector\.weight)$/;
// the MLM output biases (BERT cls.predictions.bias, RoBERTa lm_head.bias, DistilBERT vocab_projector.bias)
const VOCAB_BIAS = /(?:^|\.)(?:predictions\.bias|lm_head\.bias|decoder\.bias|vocab_projector\.bias)$/;
const DTYPES = new Set(["F32", "F16", "BF16", "I32", "I64"]);

/** The files writeTransModel writes. */
export const TRANS_MODEL_FILES = ["model.safetensors", "config.json", "tokenizer.json"];

export function writeTransModel(srcDir: string, outDir: string, opts: ExtendOptions = {}): { vocab: number } {
  const weights = join(srcDir, "model.safetensors");
  if (!existsSync(weights)) throw new CheckpointError(`${srcDir}: Trans needs a single-file model.safetensors (sharded checkpoints are not supported)`);
  const cfg = JSON.parse(readFileSync(join(srcDir, "config.json"), "utf8"));
  const tokJson = JSON.parse(readFileSync(join(srcDir, "tokenizer.json"), "utf8"));
  const v: number = cfg.vocab_size;
  const { tensors, dataStart } = readHeader(weights);
  const out: TensorEntry[] = [];
  const put = (name: string, dtype: string, shape: number[], b: Uint8Array) => out.push({ name, dtype, shape, size: b.byteLength, bytes: () => b });
  let table: Float32Array | null = null;
  for (const [name, info] of tensors) {
    const isTable = VOCAB_TABLE.test(name) && info.shape.length === 2 && info.shape[0] === v;
    const isBias = VOCAB_BIAS.test(name) && info.shape.length === 1 && info.shape[0] === v;
    if (isTable || isBias) {
      const data = decode(info, readTensorBytes(weights, dataStart, info)) as Float32Array;
      // the decoder is tied to the word embeddings: every copy of the table gets the same new rows
      const std = opts.std ?? cfg.initializer_range ?? 0.02;
      const doubled = isBias ? doubleRows({ shape: info.shape, data }, { bias: true }) : doubleRows({ shape: info.shape, data }, { ...opts, std });
      if (isTable) {
        if (table && table.length === doubled.data.length) doubled.data.set(table);
        table ??= doubled.data;
      }
      put(name, "F32", doubled.shape, f32Bytes(doubled.data));
    } else if (DTYPES.has(info.dtype)) {
      put(name, info.dtype, info.shape, readTensorBytes(weights, dataStart, info));
    } else throw new CheckpointError(`${weights}: tensor ${name} has unsupported dtype ${info.dtype}`);
  }
  if (!table) throw new CheckpointError(`${weights}: no word embedding table with ${v} rows`);
  writeSafetensorsEntries(join(outDir, "model.safetensors"), out, { format: "pt" });
  writeFileSync(join(outDir, "config.json"), JSON.stringify(doubleConfigJson(cfg), null, 2) + "\n");
  writeFileSync(join(outDir, "tokenizer.json"), JSON.stringify(doubleTokenizerJson(tokJson, v)));
  return { vocab: v };
}
