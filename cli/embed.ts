// `xlt embed`: hidden states of every layer for sentences of space-separated words.
import { checkOutputs } from "../src/io/outputs.ts";
import { getGpu } from "../src/gpu/device.ts";
import { loadCheckpoint, sequenceLength } from "../src/io/checkpoint.ts";
import { encodeWords, loadTokenizer } from "../src/io/tokenize.ts";
import { readTextLines } from "../src/io/words.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { XltError } from "../src/errors.ts";
import { Encoder, positionIds } from "../models/encoder.ts";
import { estimateMemory, formatMemory } from "../src/memory.ts";
import { ProfileSession } from "../src/profile/session.ts";
import { type Command, parseNumber, UsageError } from "./options.ts";

export const embedCommand: Command = {
  summary: "write the hidden states of every sentence at every (or one) layer to a safetensors file",
  description: "Each input line is one sentence of space-separated words. Tensor s{k}.layer{l} holds line k's\n" +
    "hidden states at layer l (0 = embeddings), shape [tokens, hidden], special tokens included, in order.",
  options: {
    model: { type: "string", required: true, meta: "DIR", help: "Hugging Face snapshot directory" },
    input: { type: "string", meta: "FILE", help: "one sentence per line, words separated by spaces" },
    overwrite: { type: "boolean", help: "replace existing output files" },
    out: { type: "string", meta: "FILE", help: "output .safetensors file" },
    layer: { type: "string", default: "all", meta: "all|N", check: (t) => (t === "all" || /^\d+$/.test(t) ? undefined : "expected all or a hidden-state index (0 = embeddings)"), help: "which hidden states to write" },
    "max-length": { type: "int", min: 3, meta: "N", help: "tokens per sentence, longer ones truncated with a warning (default 128, or the model's position limit if smaller)" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "sentences per forward pass" },
    "dry-run": { type: "boolean", help: "print the model and its memory needs, load nothing onto the GPU" },
    profile: { type: "string", meta: "FILE", help: "profile the forward passes: per-kernel table to stderr, Chrome trace JSON to FILE" },
  },
  async run(v) {
    checkOutputs({ files: { out: v.out, profile: v.profile }, inputs: { model: v.model, input: v.input }, overwrite: v.overwrite });
    const { "max-length": explicitLength, "batch-size": batchSize } = v;
    const ck = loadCheckpoint(v.model);
    const cfg = ck.config;
    const maxLength = sequenceLength(cfg, explicitLength, 128);
    if (v["dry-run"]) {
      console.log(formatMemory(cfg, estimateMemory(cfg, batchSize, maxLength, 1), batchSize, maxLength, 1));
      return 0;
    }
    if (!v.input) throw new UsageError("--input FILE is required without --dry-run");
    if (!v.out) throw new UsageError("--out FILE is required without --dry-run");
    const layers = v.layer === "all" ? null : parseNumber("layer", v.layer, { type: "int", min: 0 });
    if (layers !== null && layers > cfg.layers) throw new XltError(`--layer ${layers}: the model has hidden states 0-${cfg.layers}`);
    const tok = loadTokenizer(v.model);
    const lines = readTextLines(v.input, "input file");
    const sentences = lines.map((l) => l.trim().split(/\s+/).filter(Boolean));
    if (!sentences.some((s) => s.length)) throw new XltError(`${v.input}: no words in the file`);
    const enc = sentences.map((words, k) => {
      const e = encodeWords(tok, words, maxLength);
      if (e.droppedWords > 0) console.error(`warning: ${v.input}:${k + 1}: truncated to ${maxLength} tokens, ${e.droppedWords} of ${words.length} words dropped`);
      return e;
    });
    const g = await getGpu();
    const model = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
    const upTo = layers ?? cfg.layers;
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    const H = cfg.hidden;
    const prof = new ProfileSession(g, v.profile, "embed");
    for (let s = 0; s < enc.length; s += batchSize) {
      const endPhase = prof.startPhase(`batch ${s / batchSize + 1}`);
      const part = enc.slice(s, s + batchSize);
      const B = part.length;
      const T = Math.max(...part.map((e) => e.ids.length));
      const ids = new Int32Array(B * T).fill(cfg.padId);
      const mask = new Float32Array(B * T);
      const types = new Int32Array(B * T);
      part.forEach((e, b) => e.ids.forEach((id, t) => {
        ids[b * T + t] = id;
        mask[b * T + t] = 1;
        types[b * T + t] = e.tokenTypes[t] ?? 0;
      }));
      const st = model.forward({ B, T, ids, mask, typeIds: types, positions: positionIds(cfg, ids, B, T) }, upTo);
      for (let l = 0; l <= upTo; l++) {
        if (layers !== null && l !== layers) continue;
        const h = await st.hidden[l].read();
        part.forEach((e, b) => {
          const n = e.ids.length;
          out.set(`s${s + b}.layer${l}`, { shape: [n, H], data: h.slice(b * T * H, (b * T + n) * H) });
        });
      }
      model.release(st);
      endPhase();
    }
    await prof.finish({ quiet: true });
    writeF32(v.out, out, { model: v.model, layers: layers === null ? "all" : String(layers) });
    console.log(`wrote ${out.size} tensors for ${sentences.length} sentences to ${v.out}`);
    return 0;
  },
};
