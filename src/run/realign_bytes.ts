// Realignment over bytes instead of paths: what the library entry point (src/index.ts) offers to Node, Deno
// and a browser page alike. The model comes as the bytes of config.json, model.safetensors and
// tokenizer.json, the data as the texts of a `source ||| target` file and its Pharaoh links; the realigned
// model.safetensors comes back as bytes, laid out like the input (only the trained tensors differ), so
// nothing here touches a file. The training itself is `xlt realign`'s: the same objective, trainer and
// kernels, with the word-alignment accuracy of the loss layer measured before and after on the given pairs.
import { getGpu, type Caps } from "../gpu/device.ts";
import { fmtBytes } from "../gpu/tensor.ts";
import { XltError } from "../errors.ts";
import { type Checkpoint, checkpointBytes, type CheckpointFromBytes, checkpointFromBytes, LANG_TABLE, type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import { tokenizerFromText, type WordTokenizer } from "../io/tokenize.ts";
import { examplesFromText, PairBatcher, type PairStats, realignStream } from "../data/pairs.ts";
import type { PairExample } from "../data/side_batch.ts";
import { alignmentByLayer, type RetrievalAccuracy } from "../eval/alignment.ts";
import { tuneEncoderMatmuls } from "../../models/encoder.ts";
import { Trainer } from "../train/trainer.ts";
import { realignModel, RealignObjective } from "../train/objectives/realign.ts";

/** The files of a Hugging Face model folder, as bytes (or, for the JSON files, text). */
export interface ModelFiles {
  config: string | Uint8Array;
  safetensors: Uint8Array;
  tokenizer: string | Uint8Array;
}

/** A model read from bytes: its weights, tokenizer and the layout its realigned file keeps. */
export interface BytesModel {
  config: ModelConfig;
  ckpt: Checkpoint;
  tokenizer: WordTokenizer;
  source: CheckpointFromBytes["source"];
  /** bytes of model.safetensors */
  size: number;
}

const text = (b: string | Uint8Array, name: string): string => {
  if (typeof b === "string") return b;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    throw new XltError(`${name}: not UTF-8 text (is it the right file?)`);
  }
};

/** Reads a model from the bytes of its files, with `xlt realign`'s checks (a model with language embeddings is refused). */
export function loadModel(files: ModelFiles): BytesModel {
  const { ckpt, source } = checkpointFromBytes(text(files.config, "config.json"), files.safetensors);
  if (ckpt.tensors.has(LANG_TABLE)) {
    throw new XltError("the model has language embeddings (an XLM / DICT-MLM checkpoint): realignment feeds no language ids to its sentence pairs, so it cannot realign this model");
  }
  const tokenizer = tokenizerFromText(text(files.tokenizer, "tokenizer.json"), ckpt.config.vocab);
  return { config: ckpt.config, ckpt, tokenizer, source, size: files.safetensors.length };
}

/** One language's data as texts: a `source ||| target` file and its Pharaoh links, line for line. */
export interface PairTexts {
  pairs: string | Uint8Array;
  links: string | Uint8Array;
  /** language code (default "xx"); several languages are interleaved as `xlt realign` does */
  lang?: string;
  /** names for error messages (default pairs.txt, links.txt) */
  names?: { pairs: string; links: string };
}

/** The realignment examples of one or more languages, in `xlt realign`'s order for `seed`. */
export function pairsFromText(langs: PairTexts | PairTexts[], seed = 42): { examples: PairExample[]; stats: PairStats[] } {
  const list = Array.isArray(langs) ? langs : [langs];
  const loaded = list.map((l) => {
    const names = l.names ?? { pairs: "pairs.txt", links: "links.txt" };
    return examplesFromText(l.lang ?? "xx", text(l.pairs, names.pairs), text(l.links, names.links), names);
  });
  return { examples: realignStream(loaded.map((l) => l.examples), seed), stats: loaded.map((l) => l.stats) };
}

/** What the device offers, for a page to show before a run. */
export interface AdapterInfo {
  runtime: Caps["runtime"];
  adapter: string;
  maxBufferBytes: number;
  maxBindingBytes: number;
  f16: boolean;
  subgroups: boolean;
}

export async function adapterInfo(): Promise<AdapterInfo> {
  const c = (await getGpu()).caps;
  return { runtime: c.runtime, adapter: c.adapterName, maxBufferBytes: c.maxBuffer, maxBindingBytes: c.maxBinding, f16: c.f16, subgroups: c.subgroups };
}

/**
 * Refuses, with one line, a model whose largest weight cannot be one buffer on this adapter (browsers
 * often allow 256 MiB-2 GiB; an mBERT word-embedding table is 120 M values).
 */
export function checkFitsAdapter(model: Pick<BytesModel, "ckpt">, caps: Pick<Caps, "maxBuffer">): void {
  let largest = { name: "", bytes: 0 };
  for (const [name, t] of model.ckpt.tensors) {
    const bytes = t.data.length * 4;
    if (bytes > largest.bytes) largest = { name, bytes };
  }
  if (largest.bytes > caps.maxBuffer) {
    throw new XltError(`the model is too large for this adapter: its tensor ${largest.name} needs ${fmtBytes(largest.bytes)} as f32, over the adapter's maximum buffer of ${fmtBytes(caps.maxBuffer)}; take a smaller model`);
  }
}

export interface RealignBytesOptions {
  /** AlignFreeze's choice: none | lower | upper | a list like 0-2,embeddings (default none) */
  freeze?: string;
  /** optimizer steps (default 40) */
  steps?: number;
  /** learning rate (default: the papers' for the architecture) */
  lr?: number;
  batchSize?: number;
  /** subword tokens per sentence (default 96, or the model's position limit if smaller) */
  maxLength?: number;
  seed?: number;
  /** width of the projection head (default 128), null for none */
  projection?: number | null;
  tau?: number;
  /** hidden_states index the loss reads (default N-1) */
  layer?: number;
  /** dropout probability (default: the model's) */
  dropout?: number;
  /** word pairs the accuracy is measured on, the first after a seeded shuffle of the examples (default 1000) */
  evalPairs?: number;
  /** after each step, with its loss */
  onStep?: (step: number, loss: number) => void;
  /** when a phase begins: "accuracy before", "training", "accuracy after", "writing" */
  onPhase?: (phase: string) => void;
}

export interface RealignBytesResult {
  steps: number;
  losses: number[];
  /** seconds of the training steps (not the accuracy measurements) */
  seconds: number;
  trainable: string[];
  frozen: string[];
  lr: number;
  /** word-alignment retrieval accuracy at the loss layer before and after, on `pairs` word pairs */
  alignment: { layer: number; pairs: number; before: RetrievalAccuracy; after: RetrievalAccuracy };
  /** the realigned model.safetensors */
  safetensors: Uint8Array;
}

/** Realigns `model` on `examples` (pairsFromText); the model's bytes are not changed. */
export async function realignBytes(model: BytesModel, examples: PairExample[], o: RealignBytesOptions = {}): Promise<RealignBytesResult> {
  if (!examples.length) throw new XltError("no sentence pairs with links to realign on");
  const g = await getGpu();
  checkFitsAdapter(model, g.caps);
  const cfg = model.config;
  const freeze = o.freeze ?? "none";
  const steps = o.steps ?? 40;
  if (!Number.isInteger(steps) || steps < 1) throw new XltError(`steps ${steps}: give a whole number of at least 1`);
  if (o.lr !== undefined && !(o.lr >= 0)) throw new XltError(`learning rate ${o.lr}: give a number of at least 0`);
  const batchSize = o.batchSize ?? 16;
  const seed = o.seed ?? 42;
  const projection = o.projection === undefined ? 128 : o.projection;
  const m = realignModel(model.ckpt, { freeze, layer: o.layer, lr: o.lr, projection, tau: o.tau ?? 0.1, seed, dropout: o.dropout, f16Frozen: false });
  const maxLength = sequenceLength(cfg, o.maxLength, 96, "maxLength");
  await tuneEncoderMatmuls(g, cfg, 2 * batchSize * maxLength, projection === null ? [] : [[cfg.hidden, cfg.hidden], [projection, cfg.hidden]]);
  const batcher = new PairBatcher(examples, model.tokenizer, cfg, { batchSize, maxLength, seed });
  const trainer = new Trainer(g, (state) => new RealignObjective(g, state, m, batcher, steps));
  const objective = trainer.objective as RealignObjective;
  const accuracy = async () => {
    const r = await alignmentByLayer(objective.encoder, model.tokenizer, examples, { nbPairs: o.evalPairs ?? 1000, seed });
    const { layer: _, ...acc } = r.layers[m.layer];
    return { pairs: r.pairs, acc };
  };
  try {
    o.onPhase?.("accuracy before");
    const before = await accuracy();
    o.onPhase?.("training");
    const r = await trainer.run({ out: "", checkpointEvery: 0, resume: false, quiet: true, onStep: o.onStep });
    o.onPhase?.("accuracy after");
    const after = await accuracy();
    o.onPhase?.("writing");
    const changed = new Map<string, Float32Array>();
    for (const n of objective.encoder.grads.keys()) changed.set(n, await objective.encoder.p(n).read());
    return {
      steps, losses: r.losses, seconds: r.seconds, trainable: m.trainable, frozen: [...m.frozen], lr: m.lr,
      alignment: { layer: m.layer, pairs: before.pairs, before: before.acc, after: after.acc },
      safetensors: checkpointBytes(model.source, changed),
    };
  } finally {
    trainer.dispose();
  }
}
