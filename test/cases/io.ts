// Checkpoint I/O, tokenisation and word splitting (no GPU). Fixtures: test/fixtures/tiny-{bert,distilbert,xlmr}/
// written by scripts/golden/models.py; the real mBERT / XLM-R vocabularies from ../shared/data are
// turned into tokenizer.json at run time (skipped when that folder is absent).
// Tolerance: exact. Token ids and first-subword positions must equal Python's and @huggingface/tokenizers';
// load -> save -> load must be bit-identical, including F16/BF16 checkpoints.
import { rejectsLike, throwsLike } from "../lib/check.ts";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import {
  canonicalName,
  expectedShapes,
  floatToBf16,
  floatToHalf,
  loadCheckpoint,
  saveCheckpoint,
  checkCheckpoint,
  checkpointFiles,
  sequenceLength,
  type Checkpoint,
} from "../../src/io/checkpoint.ts";
import { COMPLETE_MARK, recoverDir, writeDirAtomic, writeFileAtomic } from "../../src/io/atomic.ts";
import { hasTrainingState } from "../../src/train/resume.ts";
import { decode, loadAll, readHeader, readTensorBytes } from "../../src/io/safetensors.ts";
import { buildTokenizer, encodeWords, loadTokenizer, unigramTokenizerJson, wordPieceTokenizerJson, type WordTokenizer } from "../../src/io/tokenize.ts";
import { parseLinks, readLinks, readMuseDictionary, readParallel, splitWords } from "../../src/io/words.ts";
import type { Cases } from "../lib/check.ts";
import { FIXTURES, SHARED_DATA } from "../lib/fixtures.ts";

export const cases: Cases = {};

const ARCHS = ["bert", "distilbert", "xlmr"] as const;
const dirOf = (a: string) => join(FIXTURES, `tiny-${a}`);
const SHARED = join(SHARED_DATA, "tokenizers");

function eq(name: string, got: unknown, want: unknown): void {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) throw new Error(`${name}: got ${g.slice(0, 300)}, expected ${w.slice(0, 300)}`);
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "xlt-io-"));
}

/** A checkpoint dir with config.json (optionally edited) and the given weights file as model.safetensors. */
function variantDir(arch: string, weights: string, editConfig?: (c: any) => void): string {
  const d = tmp();
  const cfg = JSON.parse(readFileSync(join(dirOf(arch), "config.json"), "utf8"));
  editConfig?.(cfg);
  writeFileSync(join(d, "config.json"), JSON.stringify(cfg));
  copyFileSync(join(dirOf(arch), weights), join(d, "model.safetensors"));
  copyFileSync(join(dirOf(arch), "tokenizer.json"), join(d, "tokenizer.json"));
  return d;
}

/** Rewrites a safetensors file's JSON header (data section unchanged). */
function rewriteHeader(path: string, mutate: (h: Record<string, any>) => void): void {
  const bytes = readFileSync(path);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  mutate(header);
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
  const out = new Uint8Array(8 + hb.length + bytes.length - 8 - n);
  out.set(len);
  out.set(hb, 8);
  out.set(bytes.subarray(8 + n), 8 + hb.length);
  writeFileSync(path, out);
}

function sameBits(name: string, a: Checkpoint, b: Checkpoint): void {
  eq(`${name} names`, [...a.tensors.keys()].sort(), [...b.tensors.keys()].sort());
  for (const [k, t] of a.tensors) {
    const u = b.tensors.get(k)!;
    const x = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    const y = new Uint32Array(u.data.buffer, u.data.byteOffset, u.data.length);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) throw new Error(`${name}: ${k}[${i}] differs: ${t.data[i]} vs ${u.data[i]}`);
    if (a.dtypes.get(k) !== b.dtypes.get(k)) throw new Error(`${name}: ${k} dtype ${a.dtypes.get(k)} vs ${b.dtypes.get(k)}`);
    if (a.sourceNames.get(k) !== b.sourceNames.get(k)) throw new Error(`${name}: ${k} source name differs`);
  }
}

/** every tensor's raw bytes of two safetensors files must be equal (names, dtypes, shapes, data) */
function sameFileTensors(name: string, p: string, q: string): void {
  const A = readHeader(p);
  const B = readHeader(q);
  eq(`${name} tensor names`, [...A.tensors.keys()], [...B.tensors.keys()]);
  eq(`${name} metadata`, A.metadata, B.metadata);
  for (const [k, ia] of A.tensors) {
    const ib = B.tensors.get(k)!;
    eq(`${name} ${k} dtype/shape`, [ia.dtype, ia.shape], [ib.dtype, ib.shape]);
    const x = readTensorBytes(p, A.dataStart, ia);
    const y = readTensorBytes(q, B.dataStart, ib);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) throw new Error(`${name}: ${k} byte ${i} differs`);
  }
}

// --------------------------------------------------------------------------------------- name mapping
for (const arch of ARCHS) {
  cases[`checkpoint: load tiny-${arch}, names and config`] = async () => {
    const ck = loadCheckpoint(dirOf(arch));
    const c = ck.config;
    eq("arch", c.arch, arch);
    const want = {
      bert: { hidden: 32, layers: 4, heads: 2, ffn: 64, maxPositions: 64, typeVocab: 2, lnEps: 1e-12, padId: 0, positionOffset: 0 },
      distilbert: { hidden: 32, layers: 4, heads: 2, ffn: 64, maxPositions: 64, typeVocab: 0, lnEps: 1e-12, padId: 0, positionOffset: 0 },
      xlmr: { hidden: 48, layers: 4, heads: 3, ffn: 96, maxPositions: 66, typeVocab: 1, lnEps: 1e-5, padId: 1, positionOffset: 2 },
    }[arch];
    for (const [k, v] of Object.entries(want)) eq(`config.${k}`, (c as any)[k], v);
    eq("dropout", [c.dropout, c.attnDropout], [0.1, 0.1]);
    eq("tensor names", [...ck.tensors.keys()].sort(), [...expectedShapes(c).keys()].sort());
    const raw = loadAll(join(dirOf(arch), "model.safetensors"));
    const hfName = {
      bert: "bert.encoder.layer.2.attention.self.key.weight",
      distilbert: "distilbert.transformer.layer.2.attention.k_lin.weight",
      xlmr: "roberta.encoder.layer.2.attention.self.key.weight",
    }[arch];
    eq("source name", ck.sourceNames.get("layer.2.attn.k.weight"), hfName);
    eq("values", Array.from(ck.tensors.get("layer.2.attn.k.weight")!.data), Array.from(raw.get(hfName)!.data));
    eq("dtype", ck.dtypes.get("embeddings.word"), "F32");
    // the heads are in the file but not in the encoder
    const heads = [...raw.keys()].filter((n) => canonicalName(n) === null);
    if (heads.length < 5) throw new Error(`expected head/pooler tensors in the fixture, found ${heads}`);
  };
}

cases["checkpoint: canonicalName for all architectures and old names"] = async () => {
  const m: [string, string | null][] = [
    ["bert.embeddings.word_embeddings.weight", "embeddings.word"],
    ["embeddings.position_embeddings.weight", "embeddings.position"],
    ["roberta.embeddings.token_type_embeddings.weight", "embeddings.token_type"],
    ["roberta.embeddings.lang_type_embeddings.weight", "embeddings.lang"],
    ["bert.embeddings.LayerNorm.gamma", "embeddings.ln.weight"],
    ["embeddings.LayerNorm.beta", "embeddings.ln.bias"],
    ["bert.encoder.layer.11.attention.self.query.bias", "layer.11.attn.q.bias"],
    ["encoder.layer.0.attention.output.LayerNorm.gamma", "layer.0.attn_ln.weight"],
    ["roberta.encoder.layer.3.intermediate.dense.weight", "layer.3.ffn.in.weight"],
    ["roberta.encoder.layer.3.output.dense.bias", "layer.3.ffn.out.bias"],
    ["bert.encoder.layer.3.output.LayerNorm.beta", "layer.3.ffn_ln.bias"],
    ["distilbert.transformer.layer.5.attention.out_lin.weight", "layer.5.attn.o.weight"],
    ["distilbert.transformer.layer.5.sa_layer_norm.bias", "layer.5.attn_ln.bias"],
    ["transformer.layer.1.ffn.lin1.weight", "layer.1.ffn.in.weight"],
    ["distilbert.transformer.layer.1.ffn.lin2.bias", "layer.1.ffn.out.bias"],
    ["distilbert.transformer.layer.1.output_layer_norm.weight", "layer.1.ffn_ln.weight"],
    ["bert.pooler.dense.weight", null],
    ["cls.predictions.transform.LayerNorm.weight", null],
    ["lm_head.layer_norm.weight", null],
    ["vocab_layer_norm.weight", null],
    ["vocab_projector.bias", null],
    ["bert.embeddings.position_ids", null],
    ["classifier.weight", null],
    ["bert.encoder.layer.0.attention.self.query.gamma", null],
  ];
  for (const [n, c] of m) eq(n, canonicalName(n), c);
};

cases["checkpoint: old gamma/beta names without prefix load like the standard file"] = async () => {
  const d = variantDir("bert", "model-oldnames.safetensors");
  try {
    const a = loadCheckpoint(dirOf("bert"));
    const b = loadCheckpoint(d);
    eq("source", b.sourceNames.get("layer.1.ffn_ln.weight"), "encoder.layer.1.output.LayerNorm.gamma");
    for (const [k, t] of a.tensors) eq(k, Array.from(b.tensors.get(k)!.data), Array.from(t.data));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
};

// --------------------------------------------------------------------------------------- bad inputs
cases["checkpoint: bad inputs give one-line errors"] = async () => {
  const dirs: string[] = [];
  const mk = (...a: Parameters<typeof variantDir>) => {
    const d = variantDir(...a);
    dirs.push(d);
    return d;
  };
  try {
    throwsLike("missing dir", () => loadCheckpoint("/nonexistent/xlt-model"), /does not exist/);
    const empty = tmp();
    dirs.push(empty);
    throwsLike("missing config", () => loadCheckpoint(empty), /missing config\.json/);
    writeFileSync(join(empty, "config.json"), readFileSync(join(dirOf("bert"), "config.json")));
    throwsLike("missing weights", () => loadCheckpoint(empty), /no model\.safetensors/);
    writeFileSync(join(empty, "pytorch_model.bin"), "x");
    throwsLike("bin only", () => loadCheckpoint(empty), /pytorch_model\.bin.*convert/);
    throwsLike("unknown model_type", () => loadCheckpoint(mk("bert", "model.safetensors", (c) => (c.model_type = "gpt2"))), /unsupported model_type "gpt2".*bert, distilbert, xlm-roberta/);
    throwsLike("bad json", () => {
      const d = mk("bert", "model.safetensors");
      writeFileSync(join(d, "config.json"), "{oops");
      loadCheckpoint(d);
    }, /not valid JSON/);
    throwsLike("hidden_act", () => loadCheckpoint(mk("bert", "model.safetensors", (c) => (c.hidden_act = "relu"))), /hidden_act 'relu'/);
    throwsLike(
      "wrong shape",
      () => loadCheckpoint(mk("bert", "model.safetensors", (c) => (c.intermediate_size = 65))),
      /tensor bert\.encoder\.layer\.0\.intermediate\.dense\.(weight|bias) has shape \[64(,32)?\] but config\.json implies \[65(,32)?\]/,
    );
    throwsLike("wrong vocab", () => loadCheckpoint(mk("distilbert", "model.safetensors", (c) => (c.vocab_size = 10))), /word_embeddings\.weight has shape \[244,32\] but config\.json implies \[10,32\]/);
    // truncated file
    const tr = mk("bert", "model.safetensors");
    const bytes = readFileSync(join(tr, "model.safetensors"));
    writeFileSync(join(tr, "model.safetensors"), bytes.subarray(0, bytes.length - 100));
    throwsLike("truncated", () => loadCheckpoint(tr), /truncated/);
    writeFileSync(join(tr, "model.safetensors"), bytes.subarray(0, 5));
    throwsLike("tiny file", () => loadCheckpoint(tr), /truncated/);
    // header lies about the size of a tensor
    const lie = mk("bert", "model.safetensors");
    rewriteHeader(join(lie, "model.safetensors"), (h) => (h["bert.embeddings.LayerNorm.bias"].shape = [33]));
    throwsLike("lying header", () => loadCheckpoint(lie), /LayerNorm\.bias claims shape \[33\].*header lies/);
    // a required tensor is missing
    const miss = mk("xlmr", "model.safetensors");
    rewriteHeader(join(miss, "model.safetensors"), (h) => {
      h["roberta.encoder.layer.3.output.dense.bias_renamed"] = h["roberta.encoder.layer.3.output.dense.bias"];
      delete h["roberta.encoder.layer.3.output.dense.bias"];
    });
    throwsLike("missing tensor", () => loadCheckpoint(miss), /missing required tensor 'layer\.3\.ffn\.out\.bias' for xlmr/);
    // two names for one tensor
    const dup = mk("bert", "model.safetensors");
    rewriteHeader(join(dup, "model.safetensors"), (h) => {
      h["embeddings.LayerNorm.gamma"] = h["bert.embeddings.LayerNorm.bias"];
      delete h["bert.embeddings.LayerNorm.bias"];
    });
    throwsLike("ambiguous", () => loadCheckpoint(dup), /both map to 'embeddings\.ln\.weight'/);
    // tokenizer
    throwsLike("missing tokenizer", () => loadTokenizer(empty), /no tokenizer\.json/);
    throwsLike("bad tokenizer", () => buildTokenizer({ model: { type: "WordLevel", vocab: {} } }), /unsupported model type 'WordLevel'/);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
};

// --------------------------------------------------------------------------------------- save / load
for (const [arch, weights] of [["bert", "model.safetensors"], ["xlmr", "model.safetensors"], ["bert", "model-f16.safetensors"]] as const) {
  cases[`checkpoint: load -> save -> load is bit-identical (${arch} ${weights})`] = async () => {
    const src = variantDir(arch, weights);
    const parent = tmp();
    const out = join(parent, "saved");
    try {
      const a = loadCheckpoint(src);
      const tensors = new Map([...a.tensors].map(([k, t]) => [k, t.data] as [string, Float32Array]));
      saveCheckpoint(out, src, tensors);
      const b = loadCheckpoint(out);
      sameBits("reload", a, b);
      sameFileTensors("file", join(src, "model.safetensors"), join(out, "model.safetensors"));
      for (const f of ["config.json", "tokenizer.json"]) eq(f, readFileSync(join(out, f), "utf8"), readFileSync(join(src, f), "utf8"));
      if (weights.includes("f16")) {
        eq("f16 dtype", b.dtypes.get("layer.0.attn.q.weight"), "F16");
        eq("bf16 dtype", b.dtypes.get("embeddings.ln.weight"), "BF16");
      }
      // an update is written (rounded to the stored dtype), the rest stays; saving over an existing dir is atomic
      const w = tensors.get("layer.1.ffn.in.weight")!;
      w[5] += 0.25;
      saveCheckpoint(out, out, tensors);
      const c = loadCheckpoint(out);
      const want = weights.includes("f16") ? decodeHalf(floatToHalf(w[5])) : Math.fround(w[5]);
      eq("updated", c.tensors.get("layer.1.ffn.in.weight")!.data[5], want);
      eq("untouched", Array.from(c.tensors.get("layer.1.ffn.in.weight")!.data.subarray(6, 20)), Array.from(w.subarray(6, 20)));
      eq("no temp dirs left", readdirSync(parent), ["saved"]);
      throwsLike("unknown tensor", () => saveCheckpoint(out, src, new Map([["layer.99.attn.q.weight", new Float32Array(4)]])), /no counterpart/);
      throwsLike("wrong size", () => saveCheckpoint(out, src, new Map([["layer.0.attn.q.weight", new Float32Array(4)]])), /has 4 values/);
      eq("failed saves leave no temp dirs", readdirSync(parent), ["saved"]);
    } finally {
      rmSync(src, { recursive: true, force: true });
      rmSync(parent, { recursive: true, force: true });
    }
  };
}

function decodeHalf(h: number): number {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, h, true);
  return (decode({ dtype: "F16", shape: [1], begin: 0, end: 2 }, b) as Float32Array)[0];
}

cases["checkpoint: sharded index loads and saves"] = async () => {
  // split tiny-distilbert into two shards + index
  const d = tmp();
  const out = join(tmp(), "saved");
  try {
    copyFileSync(join(dirOf("distilbert"), "config.json"), join(d, "config.json"));
    const src = join(dirOf("distilbert"), "model.safetensors");
    const all = readFileSync(src);
    const { tensors, dataStart } = readHeader(src);
    const names = [...tensors.keys()];
    const weightMap: Record<string, string> = {};
    names.forEach((n, i) => (weightMap[n] = i % 2 ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors"));
    for (const shard of new Set(Object.values(weightMap))) {
      const mine = names.filter((n) => weightMap[n] === shard);
      const header: Record<string, any> = {};
      const parts: Uint8Array[] = [];
      let off = 0;
      for (const n of mine) {
        const t = tensors.get(n)!;
        header[n] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.end - t.begin] };
        parts.push(all.subarray(dataStart + t.begin, dataStart + t.end));
        off += t.end - t.begin;
      }
      const hb = new TextEncoder().encode(JSON.stringify(header));
      const len = new Uint8Array(8);
      new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
      writeFileSync(join(d, shard), Buffer.concat([len, hb, ...parts]));
    }
    writeFileSync(join(d, "model.safetensors.index.json"), JSON.stringify({ metadata: { total_size: all.length - dataStart }, weight_map: weightMap }));
    const a = loadCheckpoint(d);
    sameBits("sharded vs single", loadCheckpoint(dirOf("distilbert")), a);
    saveCheckpoint(out, d, new Map([...a.tensors].map(([k, t]) => [k, t.data] as [string, Float32Array])));
    eq("files", readdirSync(out).sort(), ["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"]);
    sameBits("sharded reload", a, loadCheckpoint(out));
    rmSync(join(d, "model-00002-of-00002.safetensors"));
    throwsLike("missing shard", () => loadCheckpoint(d), /shard listed in the index is missing/);
  } finally {
    rmSync(d, { recursive: true, force: true });
    rmSync(join(out, ".."), { recursive: true, force: true });
  }
};

cases["checkpoint: f16/bf16 rounding is nearest-even"] = async () => {
  // every finite half survives f16 -> f32 -> f16
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaN payloads
    const back = floatToHalf(decodeHalf(h));
    if (back !== h) throw new Error(`half 0x${h.toString(16)} -> ${decodeHalf(h)} -> 0x${back.toString(16)}`);
  }
  eq("tie to even (down)", floatToHalf(1 + 2 ** -11), 0x3c00);
  eq("tie to even (up)", floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
  eq("above tie", floatToHalf(1 + 2 ** -11 + 2 ** -20), 0x3c01);
  eq("overflow", floatToHalf(70000), 0x7c00);
  eq("subnormal tie", floatToHalf(2 ** -25), 0); // half of the smallest subnormal: ties to even (0)
  eq("subnormal", floatToHalf(3 * 2 ** -25), 2);
  eq("nan", (floatToHalf(NaN) & 0x7c00) === 0x7c00 && (floatToHalf(NaN) & 0x3ff) !== 0, true);
  eq("bf16 tie even", floatToBf16(1 + 2 ** -8), 0x3f80);
  eq("bf16 tie up", floatToBf16(1 + 3 * 2 ** -8), 0x3f82);
  eq("bf16 -2", floatToBf16(-2), 0xc000);
};

// --------------------------------------------------------------------------------------- tokenization
function fixtureWords(): string[][] {
  return readParallel(join(FIXTURES, "parallel-tiny.txt")).flatMap((p) => [p.src, p.tgt]);
}

for (const arch of ARCHS) {
  cases[`tokenize: tiny-${arch} matches the Python reference and @huggingface/tokenizers`] = async () => {
    const ref = loadAll(join(dirOf(arch), "reference.safetensors"));
    const tok = loadTokenizer(dirOf(arch));
    const sents = fixtureWords();
    sents.forEach((words, k) => {
      const e = encodeWords(tok, words, 96);
      eq(`sentence ${k} ids`, e.ids, Array.from(ref.get(`tok.ids.${k}`)!.data));
      eq(`sentence ${k} first`, e.firstSubword, Array.from(ref.get(`tok.first.${k}`)!.data));
      eq(`sentence ${k} dropped`, e.droppedWords, 0);
      eq(`sentence ${k} types`, e.tokenTypes, e.ids.map(() => 0));
    });
    // the padded hidden-state batch and the realignment batch use the same encoding
    const meta = readHeader(join(dirOf(arch), "reference.safetensors")).metadata;
    const refSents: string[][] = JSON.parse(meta.ref_sentences);
    const ids = ref.get("input_ids")!;
    const L = ids.shape[1];
    refSents.forEach((w, b) => {
      const e = encodeWords(tok, w, 96);
      const row = Array.from(ids.data.subarray(b * L, (b + 1) * L));
      eq(`ref row ${b}`, row, [...e.ids, ...new Array(L - e.ids.length).fill(tok.padId)]);
    });
    for (const side of ["left", "right"]) {
      const words: string[][] = JSON.parse(meta[`realign_${side}_words`]);
      const first = ref.get(`realign.${side}.first`)!;
      const W = first.shape[1];
      words.forEach((w, b) => {
        const e = encodeWords(tok, w, 96);
        eq(`realign ${side} ${b}`, e.firstSubword, Array.from(first.data.subarray(b * W, b * W + w.length)));
      });
    }
    // word by word, the pieces equal the HF JS tokenizer's (before the "▁" removal)
    const hf = new Tokenizer(JSON.parse(readFileSync(join(dirOf(arch), "tokenizer.json"), "utf8")), {});
    for (const w of new Set(sents.flat())) eq(`HF '${w}'`, tok.encodeWord(w), hf.encode(w, { add_special_tokens: false }).ids);
    eq("HF specials", encodeWords(tok, ["cat"], 96).ids, hf.encode("cat").ids);
    if (arch === "xlmr") {
      // "Xylophon" -> "▁" "Xylo" "phon": the standalone "▁" (id 6) is dropped and "Xylo" is the first subword
      eq("metaspace id", tok.metaspaceId, 6);
      eq("raw pieces", tok.encodeWord("Xylophon").map((i) => tok.idToToken(i)), ["▁", "Xylo", "phon"]);
      const e = encodeWords(tok, ["Sie", "spielt", "Xylophon", "."], 96);
      eq("after removal", e.ids.map((i) => tok.idToToken(i)), ["<s>", "▁Sie", "▁spielt", "Xylo", "phon", "▁.", "</s>"]);
      eq("first", e.firstSubword, [1, 2, 3, 5]);
      eq("unk", encodeWords(tok, ["☃☃"], 96).ids, [0, 3, 2]);
    } else {
      eq("unk", encodeWords(tok, ["☃"], 96).ids.map((i) => tok.idToToken(i)), ["[CLS]", "[UNK]", "[SEP]"]);
    }
  };
}

cases["tokenize: truncation keeps specials and reports dropped words"] = async () => {
  const tok = loadTokenizer(dirOf("bert"));
  const words = ["The", "snowman", "☃", "melted", "..."]; // 1 + 2 + 1 + 2 + 3 pieces
  const full = encodeWords(tok, words, 96);
  eq("full first", full.firstSubword, [1, 2, 4, 5, 7]);
  const t = encodeWords(tok, words, 7); // 5 slots: The snow ##man ☃ melt
  eq("ids", t.ids, [...full.ids.slice(0, 6), full.ids[full.ids.length - 1]]);
  eq("first", t.firstSubword, [1, 2, 4, 5, -1]);
  eq("dropped", t.droppedWords, 1);
  const t2 = encodeWords(tok, words, 4);
  eq("first2", t2.firstSubword, [1, 2, -1, -1, -1]);
  eq("len2", t2.ids.length, 4);
  eq("dropped2", t2.droppedWords, 3);
  eq("only specials", encodeWords(tok, words, 2).ids, [tok.prefix[0], tok.suffix[0]]);
};

cases["tokenize: real mBERT vocab (built at run time)"] = async () => {
  const vocabPath = join(SHARED, "bert-base-multilingual-cased", "vocab.txt");
  if (!existsSync(vocabPath)) return;
  const json = wordPieceTokenizerJson(readFileSync(vocabPath, "utf8").split(/\r?\n/));
  const tok: WordTokenizer = buildTokenizer(json, vocabPath);
  eq("vocab size", tok.vocabSize, 119547);
  eq("specials", [tok.prefix, tok.suffix, tok.padId, tok.unkId], [[101], [102], 0, 100]);
  const e = encodeWords(tok, splitWords("Hello world!"), 96);
  eq("hello", e.ids, [101, 31178, 11356, 106, 102]);
  eq("hello first", e.firstSubword, [1, 2, 3]);
  const s = encodeWords(tok, splitWords("Das Haus hat eine Straßenbahnhaltestelle."), 96);
  const toks = s.ids.map((i) => tok.idToToken(i)!);
  eq("Haus", toks[2], "Haus");
  const w = s.firstSubword;
  const pieces = toks.slice(w[4], w[5]);
  if (pieces.length < 2 || pieces.slice(1).some((p) => !p.startsWith("##")) || pieces.join("").replace(/##/g, "") !== "Straßenbahnhaltestelle") {
    throw new Error(`implausible pieces ${pieces}`);
  }
  eq("cjk split per char", encodeWords(tok, ["日本"], 96).ids.length, 4);
  const hf = new Tokenizer(json, {});
  for (const text of ["Hello world!", "Das Haus hat eine Straßenbahnhaltestelle.", "¿Dónde está la biblioteca?", "Привет, мир"]) {
    for (const word of splitWords(text)) eq(`HF ${word}`, tok.encodeWord(word), hf.encode(word, { add_special_tokens: false }).ids);
  }
};

cases["tokenize: real XLM-R pieces (built at run time)"] = async () => {
  const path = join(SHARED, "xlm-roberta-base", "pos.dict.utf8");
  if (!existsSync(path)) return;
  const pieces: [string, number][] = [["<s>", 0]];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    const [p, , s] = line.split("\t");
    pieces.push([p, p.startsWith("<") && p.endsWith(">") ? 0 : Number(s)]);
  }
  const json = unigramTokenizerJson(pieces);
  const tok = buildTokenizer(json, path);
  eq("vocab size", tok.vocabSize, 250002);
  eq("specials", [tok.prefix, tok.suffix, tok.padId, tok.unkId, tok.metaspaceId], [[0], [2], 1, 3, 6]);
  eq("<mask>", tok.tokenToId("<mask>"), 250001);
  const e = encodeWords(tok, splitWords("Hello world."), 96);
  // "." alone is "▁" + "." -> the "▁" (6) is dropped, "." (5) is the first subword
  eq("raw .", tok.encodeWord("."), [6, 5]);
  eq("hello", e.ids, [0, 35378, 8999, 5, 2]);
  eq("hello first", e.firstSubword, [1, 2, 3]);
  eq("Haus", encodeWords(tok, ["Haus"], 96).ids, [0, 16384, 2]);
  const s = encodeWords(tok, splitWords("Die Straßenbahnhaltestelle ist geschlossen ."), 96);
  const toks = s.ids.map((i) => tok.idToToken(i)!);
  const pieces2 = toks.slice(s.firstSubword[1], s.firstSubword[2]);
  if (pieces2.join("").replace(/^▁/, "") !== "Straßenbahnhaltestelle" || pieces2.length < 2) throw new Error(`implausible pieces ${pieces2}`);
  const hf = new Tokenizer(json, {});
  for (const text of ["Hello world.", "Die Straßenbahnhaltestelle ist geschlossen.", "¿Dónde está la biblioteca?", "Привет, мир"]) {
    for (const word of splitWords(text)) eq(`HF ${word}`, tok.encodeWord(word), hf.encode(word, { add_special_tokens: false }).ids);
  }
};

// --------------------------------------------------------------------------------------- words
cases["words: splitWords matches Python's \\w+|[^\\w\\s]+"] = async () => {
  eq("basic", splitWords("Hello, world!!  How are you?"), ["Hello", ",", "world", "!!", "How", "are", "you", "?"]);
  eq("apostrophe", splitWords("J'aime l'été."), ["J", "'", "aime", "l", "'", "été", "."]);
  eq("digits", splitWords("pi = 3.14, n_1"), ["pi", "=", "3", ".", "14", ",", "n_1"]);
  eq("combining mark", splitWords("cafe\u0301 ok"), ["cafe\u0301", "ok"]);
  eq("cyrillic/cjk", splitWords("Привет, мир 日本語。"), ["Привет", ",", "мир", "日本語", "。"]);
  eq("ellipsis", splitWords("Oh... «ja»"), ["Oh", "...", "«", "ja", "»"]);
  eq("empty", splitWords("   "), []);
};

cases["words: parallel, links and dictionary files with file:line errors"] = async () => {
  const d = tmp();
  try {
    const pairs = readParallel(join(FIXTURES, "parallel-tiny.txt"));
    eq("pairs", pairs.length, 12);
    eq("pair 1", [pairs[1].src, pairs[1].tgt], [["I", "like", "green", "apples", "."], ["J", "'", "aime", "les", "pommes", "vertes", "."]]);
    const f = (name: string, text: string | Uint8Array) => {
      const p = join(d, name);
      writeFileSync(p, text);
      return p;
    };
    const bad = f("bad.txt", "a b ||| c d\nno separator here\n");
    throwsLike("missing |||", () => readParallel(bad), new RegExp(`bad\\.txt:2: expected 'source \\|\\|\\| target'`));
    throwsLike("two |||", () => readParallel(f("two.txt", "a ||| b ||| c\n")), /two\.txt:1: .*found 2 '\|\|\|' separators/);
    throwsLike("empty", () => readParallel(f("empty.txt", "")), /empty\.txt: parallel file is empty/);
    throwsLike("blank", () => readParallel(f("blank.txt", "\n\n")), /blank\.txt: parallel file is empty/);
    throwsLike("binary", () => readParallel(f("bin.txt", new Uint8Array([97, 10, 98, 0, 1, 2]))), /bin\.txt:2: parallel file looks binary/);
    throwsLike("bad utf8", () => readParallel(f("latin1.txt", new Uint8Array([0x63, 0x61, 0x66, 0xe9, 10]))), /latin1\.txt: .*not valid UTF-8/);
    throwsLike("missing", () => readParallel(join(d, "nope.txt")), /nope\.txt: cannot read/);
    const two = readParallel(f("ok.txt", "a b ||| c\r\n\nd ||| e f\n"));
    eq("crlf + blank lines", two.map((p) => [p.src, p.tgt, p.line]), [[["a", "b"], ["c"], 1], [["d"], ["e", "f"], 3]]);
    // links
    eq("parse links", parseLinks("0-0 1-2  3-1", "x:1"), [[0, 0], [1, 2], [3, 1]]);
    const lp = f("links.txt", "0-0 1-1\n0-0 1-5\n");
    const corpus = [{ src: ["a", "b"], tgt: ["c", "d"] }, { src: ["a", "b"], tgt: ["c", "d"] }];
    throwsLike("beyond", () => readLinks(lp, corpus), /links\.txt:2: link '1-5' points at target word 5 but the sentence has 2 words/);
    eq("links ok", readLinks(f("l2.txt", "0-1\n\n"), [corpus[0], corpus[1]]), [[[0, 1]], []]);
    throwsLike("bad link", () => readLinks(f("l3.txt", "0-0 1x2\n")), /l3\.txt:1: bad alignment link '1x2'/);
    throwsLike("count", () => readLinks(f("l4.txt", "0-0\n"), corpus), /1 lines but the parallel corpus has 2/);
    // MUSE
    const dico = readMuseDictionary(f("dico.txt", "the die\nthe der\ncat Katze\ncat\tKatze\n"));
    eq("dico", [...dico.entries()], [["the", ["die", "der"]], ["cat", ["Katze"]]]);
    throwsLike("dico bad", () => readMuseDictionary(f("dico2.txt", "the die\nhouse\n")), /dico2\.txt:2: expected 'word translation'/);
    const real = join(SHARED_DATA, "muse_dictionaries/en-de.txt");
    if (existsSync(real)) {
      const m = readMuseDictionary(real);
      if (!m.get("the")?.includes("die")) throw new Error("real MUSE en-de: 'the' -> 'die' missing");
    }
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
};

// ------------------------------------------------------------------------ checkpoint consistency (issue 12)
cases["checkpoint: weights and config that disagree, overlapping or trailing bytes, a directory as weights"] = async () => {
  const dirs: string[] = [];
  const mk = (...a: Parameters<typeof variantDir>) => {
    const d = variantDir(...a);
    dirs.push(d);
    return d;
  };
  try {
    // tiny-bert has 4 layers: a config with 2 would train and save half of the model
    throwsLike("fewer layers", () => loadCheckpoint(mk("bert", "model.safetensors", (c) => (c.num_hidden_layers = 2))), /config\.json: says 2 layers but the weights in .* have 4/);
    throwsLike("more layers", () => loadCheckpoint(mk("distilbert", "model.safetensors", (c) => (c.n_layers = 5))), /says 5 layers but the weights .* have 4/);
    throwsLike("info reads the same", () => checkCheckpoint(mk("xlmr", "model.safetensors", (c) => (c.num_hidden_layers = 3))), /says 3 layers/);
    // two tensors claiming the same bytes
    const ov = mk("bert", "model.safetensors");
    rewriteHeader(join(ov, "model.safetensors"), (h) => {
      const a = h["bert.embeddings.LayerNorm.weight"].data_offsets;
      const b = h["bert.embeddings.LayerNorm.bias"];
      if (a[1] - a[0] !== b.data_offsets[1] - b.data_offsets[0]) throw new Error("fixture: LayerNorm weight and bias differ in size");
      b.data_offsets = [...a];
    });
    throwsLike("overlap", () => loadCheckpoint(ov), /model\.safetensors: tensor bert\.embeddings\.LayerNorm\.(weight|bias) \(bytes \d+-\d+\) overlaps tensor bert\.embeddings\.LayerNorm\.(weight|bias)/);
    // bytes after the last tensor (e.g. two files concatenated)
    const tail = mk("bert", "model.safetensors");
    writeFileSync(join(tail, "model.safetensors"), Buffer.concat([readFileSync(join(tail, "model.safetensors")), new Uint8Array(16)]));
    throwsLike("trailing", () => loadCheckpoint(tail), /model\.safetensors: 16 trailing bytes after the last tensor \(\S+\)/);
    throwsLike("trailing, headers only", () => checkCheckpoint(tail), /16 trailing bytes/);
    // a truncated file is found from the headers alone (what `xlt info` reads)
    const tr = mk("bert", "model.safetensors");
    const bytes = readFileSync(join(tr, "model.safetensors"));
    writeFileSync(join(tr, "model.safetensors"), bytes.subarray(0, bytes.length - 100));
    throwsLike("truncated, headers only", () => checkCheckpoint(tr), /model\.safetensors: tensor \S+ ends at byte \d+ but the file has only \d+ data bytes \(truncated\)/);
    // model.safetensors that is a directory
    const isDir = mk("bert", "model.safetensors");
    rmSync(join(isDir, "model.safetensors"));
    mkdirSync(join(isDir, "model.safetensors"));
    throwsLike("weights are a directory", () => loadCheckpoint(isDir), new RegExp(`${join(isDir, "model.safetensors").replace(/[.\\/]/g, "\\$&")} is a directory`));
    // a tokenizer with ids past the embedding table (the model has 244 tokens)
    const tok = mk("bert", "model.safetensors", (c) => (c.vocab_size = 244));
    const tj = JSON.parse(readFileSync(join(tok, "tokenizer.json"), "utf8"));
    tj.model.vocab["zzzextra"] = 300;
    writeFileSync(join(tok, "tokenizer.json"), JSON.stringify(tj));
    throwsLike("tokenizer beyond vocab", () => loadTokenizer(tok), /tokenizer\.json: token id 300 is beyond the model's vocabulary \(config\.json vocab_size 244\)/);
    loadTokenizer(dirOf("bert")); // the fixture itself fits
    // sequence length (embed, evaluate, finetune, realign): a default is capped by the position table, an
    // explicit value past it is an error (tiny-bert: 64 positions; tiny-xlmr: 66, real tokens from padId+1 = 2)
    const bert = loadCheckpoint(dirOf("bert")).config;
    const xlmr = loadCheckpoint(dirOf("xlmr")).config;
    eq("default capped", [sequenceLength(bert, undefined, 128), sequenceLength(bert, undefined, 32), sequenceLength(xlmr, undefined, 128)], [64, 32, 64]);
    eq("explicit within", sequenceLength(bert, 64, 128), 64);
    throwsLike("explicit beyond", () => sequenceLength(bert, 65, 128), /--max-length 65: the model has 64 positions, room for at most 64 tokens/);
    throwsLike("explicit beyond (xlmr)", () => sequenceLength(xlmr, 65, 96), /--max-length 65: the model has 66 positions, room for at most 64 tokens/);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
};

// --------------------------------------------------------------------------- atomic writes (issue 12)
const DEAD = 2147483646; // a pid no process has: leftovers of a killed xlt
const listing = (d: string) => readdirSync(d).sort();
const fill = (d: string, files: Record<string, string>) => {
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
};
const contents = (d: string) => Object.fromEntries(listing(d).map((f) => [f, readFileSync(join(d, f), "utf8")]));

cases["atomic: writeDirAtomic replaces what it writes and an old weights layout, keeps other files, leaves no temp on failure"] = async () => {
  const p = tmp();
  try {
    const d = join(p, "out");
    fill(d, { "model.safetensors": "old", "notes.txt": "mine" });
    await writeDirAtomic(d, (t) => writeFileSync(join(t, "model.safetensors"), "new"));
    eq("merged", contents(d), { "model.safetensors": "new", "notes.txt": "mine" });
    eq("nothing beside it", listing(p), ["out"]);
    await rejectsLike("failing fill", () => writeDirAtomic(d, () => {
      throw new Error("boom");
    }), /boom/);
    eq("unchanged after a failure", contents(d), { "model.safetensors": "new", "notes.txt": "mine" });
    eq("no temp after a failure", listing(p), ["out"]);
    const f = join(p, "afile.txt");
    writeFileSync(f, "user data");
    await rejectsLike("a file in the way", () => writeDirAtomic(f, (t) => writeFileSync(join(t, "x"), "")), /afile\.txt: is a file, not a directory/);
    eq("file untouched", readFileSync(f, "utf8"), "user data");
    throwsLike("file over a directory", () => writeFileAtomic(d, "x"), /out: cannot write the file: is a directory/);
    throwsLike("file under a file", () => writeFileAtomic(join(f, "sub"), "x"), /afile\.txt\/sub: cannot write the file/);
    eq("no temp files", listing(p), ["afile.txt", "out"]);
    // a checkpoint written over one with another layout: the old weights go, the user's files stay
    const ck = join(p, "ck");
    fill(ck, { "model.safetensors": "single", "realignment_head.safetensors": "head", "notes.txt": "mine", "model-00001-of-00002.safetensors": "stale shard" });
    const sharded = { "model-00001-of-00002.safetensors": "1", "model-00002-of-00002.safetensors": "2", "model.safetensors.index.json": "{}" };
    await writeDirAtomic(ck, (t) => fill(t, sharded), { replaces: checkpointFiles("realignment_head.safetensors") });
    eq("layout replaced", contents(ck), { ...sharded, "notes.txt": "mine" });
    // the same when a kill interrupts that swap: the sentinel carries the rule to recoverDir
    fill(ck, { "model.safetensors": "stale again" });
    fill(join(p, `ck.tmp-${DEAD}-k1`), { ...sharded, [COMPLETE_MARK]: JSON.stringify({ replaces: checkpointFiles().source }) });
    recoverDir(ck);
    eq("layout replaced by recovery", contents(ck), { ...sharded, "notes.txt": "mine" });
    eq("no temp files 2", listing(p), ["afile.txt", "ck", "out"]);
  } finally {
    rmSync(p, { recursive: true, force: true });
  }
};

cases["atomic: a directory swap killed at any point is finished by the next reader"] = async () => {
  const p = tmp();
  try {
    const d = join(p, "checkpoint");
    const tmpOf = (tag: string) => join(p, `checkpoint.tmp-${DEAD}-${tag}`);
    const oldOf = (tag: string) => join(p, `checkpoint.old-${DEAD}-${tag}`);
    // killed between "DIR -> DIR.old" and "temp -> DIR": only the old and a complete temp exist
    fill(oldOf("m1"), { "state.safetensors": "step 2" });
    fill(tmpOf("m2"), { "state.safetensors": "step 4", [COMPLETE_MARK]: "" });
    eq("recovered", recoverDir(d), true);
    eq("the complete new state is in place", contents(d), { "state.safetensors": "step 4" });
    eq("no leftovers", listing(p), ["checkpoint"]);
    // killed while the temp was being filled: the temp is dropped, DIR stays
    fill(tmpOf("m3"), { "state.safetensors": "half" });
    recoverDir(d);
    eq("incomplete temp dropped", contents(d), { "state.safetensors": "step 4" });
    eq("no leftovers 2", listing(p), ["checkpoint"]);
    // killed while moving the user's files into the complete temp: the move is finished
    fill(d, { "notes.txt": "mine" });
    fill(tmpOf("m4"), { "state.safetensors": "step 6", [COMPLETE_MARK]: "" });
    rmSync(join(d, "state.safetensors"));
    recoverDir(d);
    eq("move finished", contents(d), { "notes.txt": "mine", "state.safetensors": "step 6" });
    // killed after the swap, while removing the old copy
    fill(oldOf("m5"), { "state.safetensors": "stale" });
    recoverDir(d);
    eq("old copy removed", listing(p), ["checkpoint"]);
    // an older xlt killed between its two renames: only DIR.old is left, and it is restored
    rmSync(d, { recursive: true });
    fill(oldOf("m6"), { "state.safetensors": "step 8" });
    recoverDir(d);
    eq("old restored", contents(d), { "state.safetensors": "step 8" });
    // a temp of a process still running is not touched
    const live = join(p, `checkpoint.tmp-${process.ppid}-m7`);
    fill(live, { "state.safetensors": "being written", [COMPLETE_MARK]: "" });
    eq("live writer left alone", recoverDir(d), false);
    eq("live temp still there", existsSync(live), true);
    rmSync(live, { recursive: true });
    // resume looks through both levels: OUT itself killed mid-swap, with OUT/checkpoint inside the temp
    const out = join(p, "run");
    fill(join(p, `run.tmp-${DEAD}-m8`), { "run.json": "{}", [COMPLETE_MARK]: "" });
    fill(join(p, `run.tmp-${DEAD}-m8`, "checkpoint.tmp-" + DEAD + "-m9"), { "state.safetensors": "step 10", [COMPLETE_MARK]: "" });
    fill(join(p, `run.old-${DEAD}-m7`), { "run.json": "older" });
    eq("state found", hasTrainingState(join(out, "checkpoint")), true);
    eq("state", contents(join(out, "checkpoint")), { "state.safetensors": "step 10" });
    eq("out", listing(out), ["checkpoint", "run.json"]);
    eq("no leftovers 3", listing(p), ["checkpoint", "run"]);
  } finally {
    rmSync(p, { recursive: true, force: true });
  }
};

cases["tokenize: added tokens are cut out first, as HF's AddedVocabulary does (lstrip, rstrip, single_word, normalized, leftmost-longest)"] = async () => {
  const json = JSON.parse(readFileSync(join(dirOf("bert"), "tokenizer.json"), "utf8"));
  json.normalizer.lowercase = true;
  const t = (id: number, content: string, o: { sw?: boolean; l?: boolean; r?: boolean; n?: boolean } = {}) =>
    ({ id, content, single_word: !!o.sw, lstrip: !!o.l, rstrip: !!o.r, normalized: !!o.n, special: false });
  json.added_tokens.push(t(244, "<ab>", { l: true }), t(245, "xyz", { sw: true }), t(246, "Dog", { n: true }), t(247, "<r>", { r: true }), t(248, "<a"));
  const tok = buildTokenizer(json);
  // ids from HF tokenizers 0.23.2 (Python): Tokenizer.from_str(json).encode(text, add_special_tokens=False).ids
  const want: [string, number[]][] = [
    ["a <ab>b", [27, 244, 28]], // lstrip swallows the space before it
    ["xyzab", [219, 103, 79, 80]], // single_word: not inside a word
    ["a xyz b", [27, 245, 28]],
    ["DOG dog", [246, 246]], // normalized: matched after lowercasing
    ["<r>  c", [247, 29]], // rstrip swallows the spaces after it
    ["<a<ab>", [248, 244]], // leftmost first, then longest
    ["[CLS]x", [2, 49]], // the specials are added tokens too
    ["a\u00a0 <ab>", [27, 244]], // lstrip takes any Unicode white space
    ["ab<ab><ab> <ab>", [27, 80, 244, 244, 244]],
  ];
  for (const [text, ids] of want) eq(`'${text}'`, tok.encodeWord(text), ids);
};
