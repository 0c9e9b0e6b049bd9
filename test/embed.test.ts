// `xlt embed` end to end: every layer of each tiny architecture against PyTorch on Node and on Deno,
// bad input, and the large-embedding path (the real 250,002-piece XLM-R vocabulary with a table larger
// than the 128 MiB binding limit).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { xlt } from "./lib/cli.ts";
import { loadAll, readHeader } from "../src/io/safetensors.ts";
import { unigramTokenizerJson } from "../src/io/tokenize.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { FIXTURES, SHARED_DATA } from "./lib/fixtures.ts";


const tmp = () => mkdtempSync(join(tmpdir(), "xlt-embed-"));

describe("xlt embed", () => {
  for (const arch of ["tiny-bert", "tiny-distilbert", "tiny-xlmr"]) {
    it(`${arch}: every layer matches PyTorch on Node and Deno`, async () => {
      const ref = join(FIXTURES, arch, "reference.safetensors");
      const meta = readHeader(ref).metadata;
      const want = loadAll(ref);
      const sentences: string[][] = JSON.parse(meta.ref_sentences);
      const dir = tmp();
      writeFileSync(join(dir, "in.txt"), sentences.map((s) => s.join(" ")).join("\n") + "\n");
      const mask = want.get("attention_mask")!;
      const T = mask.shape[1];
      for (const rt of ["node", "deno"] as const) {
        const out = join(dir, `${rt}.safetensors`);
        const r = await xlt(rt, ["embed", "--model", join(FIXTURES, arch), "--input", join(dir, "in.txt"), "--out", out]);
        expect(r.code, r.stderr).toBe(0);
        const got = loadAll(out);
        const layers = Object.keys(Object.fromEntries(want)).filter((k) => /^hidden\.\d+$/.test(k)).length;
        expect(got.size).toBe(sentences.length * layers);
        sentences.forEach((_, k) => {
          const n = Array.from(mask.data.subarray(k * T, (k + 1) * T)).reduce((a, v) => a + v, 0);
          for (let l = 0; l < layers; l++) {
            const g = got.get(`s${k}.layer${l}`)!;
            const w = want.get(`hidden.${l}`)!;
            const H = w.shape[2];
            expect(g.shape).toEqual([n, H]);
            let err = 0;
            for (let i = 0; i < n * H; i++) err = Math.max(err, Math.abs(g.data[i] - w.data[k * T * H + i]));
            expect(err, `${rt} s${k} layer ${l}`).toBeLessThanOrEqual(1e-4);
          }
        });
      }
    });
  }

  it("--layer N writes only that layer; a sentence over --max-length is truncated with a warning", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.txt"), "I like green apples .\n" + Array(80).fill("apples").join(" ") + "\n");
    const out = join(dir, "o.safetensors");
    const r = await xlt("node", ["embed", "--model", join(FIXTURES, "tiny-bert"), "--input", join(dir, "in.txt"), "--out", out, "--layer", "2", "--max-length", "16"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/in\.txt:2: truncated to 16 tokens/);
    const got = loadAll(out);
    expect([...got.keys()].sort()).toEqual(["s0.layer2", "s1.layer2"]);
    expect(got.get("s1.layer2")!.shape[0]).toBe(16);
  });

  const bad = (name: string, setup: (dir: string) => string[], re: RegExp) =>
    it(`bad input: ${name}`, async () => {
      const dir = tmp();
      const r = await xlt("node", ["embed", ...setup(dir), "--out", join(dir, "o.safetensors")]);
      expect(r.code).toBe(1);
      expect(r.stderr.split("\n").length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(re);
    });
  const model = ["--model", join(FIXTURES, "tiny-bert")];
  bad("an empty input file", (d) => (writeFileSync(join(d, "e.txt"), ""), [...model, "--input", join(d, "e.txt")]), /empty|no words/);
  bad("a binary input file", (d) => (writeFileSync(join(d, "b.txt"), Buffer.from([0, 1, 2, 255, 0, 7, 0])), [...model, "--input", join(d, "b.txt")]), /binary/);
  bad("a missing tokenizer", (d) => {
    const m = join(d, "m");
    mkdirSync(m);
    for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(FIXTURES, "tiny-bert", f), join(m, f));
    writeFileSync(join(d, "in.txt"), "hello\n");
    return ["--model", m, "--input", join(d, "in.txt")];
  }, /tokenizer/);
  bad("a truncated model.safetensors", (d) => {
    const m = join(d, "m");
    mkdirSync(m);
    for (const f of ["config.json", "tokenizer.json"]) copyFileSync(join(FIXTURES, "tiny-bert", f), join(m, f));
    const full = readFileSync(join(FIXTURES, "tiny-bert", "model.safetensors"));
    writeFileSync(join(m, "model.safetensors"), full.subarray(0, full.length - 1000));
    writeFileSync(join(d, "in.txt"), "hello\n");
    return ["--model", m, "--input", join(d, "in.txt")];
  }, /truncated/);
  bad("an unknown model_type", (d) => {
    const m = join(d, "m");
    mkdirSync(m);
    for (const f of ["tokenizer.json", "model.safetensors"]) copyFileSync(join(FIXTURES, "tiny-bert", f), join(m, f));
    const cfg = JSON.parse(readFileSync(join(FIXTURES, "tiny-bert", "config.json"), "utf8"));
    writeFileSync(join(m, "config.json"), JSON.stringify({ ...cfg, model_type: "gpt2" }));
    writeFileSync(join(d, "in.txt"), "hello\n");
    return ["--model", m, "--input", join(d, "in.txt")];
  }, /gpt2/);
  for (const eps of ["-1", "0"]) {
    bad(`layer_norm_eps ${eps} (every hidden state would be NaN)`, (d) => {
      const m = join(d, "m");
      mkdirSync(m);
      for (const f of ["tokenizer.json", "model.safetensors"]) copyFileSync(join(FIXTURES, "tiny-bert", f), join(m, f));
      const cfg = JSON.parse(readFileSync(join(FIXTURES, "tiny-bert", "config.json"), "utf8"));
      writeFileSync(join(m, "config.json"), JSON.stringify({ ...cfg, layer_norm_eps: Number(eps) }));
      writeFileSync(join(d, "in.txt"), "hello\n");
      return ["--model", m, "--input", join(d, "in.txt")];
    }, new RegExp(`config\\.json: layer_norm_eps must be a positive number .*, got ${eps}$`));
  }

  it("the real XLM-R vocabulary with an embedding table over the binding limit (layer 0 vs a float64 reference)", async () => {
    const path = join(SHARED_DATA, "tokenizers/xlm-roberta-base/pos.dict.utf8");
    const pieces: [string, number][] = [["<s>", 0]];
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (!line) continue;
      const [p, , s] = line.split("\t");
      pieces.push([p, p.startsWith("<") && p.endsWith(">") ? 0 : Number(s)]);
    }
    const V = pieces.length; // 250,002
    const H = 136; // 250002 × 136 × 4 B = 136 MB > 128 MiB: the table is bound in chunks
    const dir = tmp();
    const m = join(dir, "model");
    mkdirSync(m);
    let seed = 11;
    const r = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296 - 0.5) * 0.2;
    const word = Float32Array.from({ length: V * H }, r);
    const pos = Float32Array.from({ length: 66 * H }, r);
    const type = Float32Array.from({ length: H }, r);
    const lnw = Float32Array.from({ length: H }, () => 1 + r());
    const lnb = Float32Array.from({ length: H }, r);
    const t = new Map<string, { shape: number[]; data: Float32Array }>([
      ["roberta.embeddings.word_embeddings.weight", { shape: [V, H], data: word }],
      ["roberta.embeddings.position_embeddings.weight", { shape: [66, H], data: pos }],
      ["roberta.embeddings.token_type_embeddings.weight", { shape: [1, H], data: type }],
      ["roberta.embeddings.LayerNorm.weight", { shape: [H], data: lnw }],
      ["roberta.embeddings.LayerNorm.bias", { shape: [H], data: lnb }],
    ]);
    const F = 2 * H;
    const lin = (o: number, i: number) => ({ shape: [o, i], data: Float32Array.from({ length: o * i }, r) });
    const vec = (n: number) => ({ shape: [n], data: Float32Array.from({ length: n }, r) });
    const p = "roberta.encoder.layer.0.";
    for (const n of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
      t.set(`${p}${n}.weight`, lin(H, H));
      t.set(`${p}${n}.bias`, vec(H));
    }
    t.set(`${p}intermediate.dense.weight`, lin(F, H));
    t.set(`${p}intermediate.dense.bias`, vec(F));
    t.set(`${p}output.dense.weight`, lin(H, F));
    t.set(`${p}output.dense.bias`, vec(H));
    for (const n of ["attention.output.LayerNorm", "output.LayerNorm"]) {
      t.set(`${p}${n}.weight`, vec(H));
      t.set(`${p}${n}.bias`, vec(H));
    }
    writeF32(join(m, "model.safetensors"), t);
    writeFileSync(join(m, "config.json"), JSON.stringify({
      model_type: "xlm-roberta", hidden_size: H, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: F,
      vocab_size: V, max_position_embeddings: 66, type_vocab_size: 1, layer_norm_eps: 1e-5, pad_token_id: 1, hidden_act: "gelu",
    }));
    writeFileSync(join(m, "tokenizer.json"), JSON.stringify(unigramTokenizerJson(pieces)));
    // words whose ids lie in different 128 MiB chunks of the table (high ids: rare pieces)
    writeFileSync(join(dir, "in.txt"), "Hello world .\nDie Straßenbahnhaltestelle ist geschlossen ! ☃ 日本語\n");
    const out = join(dir, "o.safetensors");
    const res = await xlt("node", ["embed", "--model", m, "--input", join(dir, "in.txt"), "--out", out, "--layer", "0"]);
    expect(res.code, res.stderr).toBe(0);
    const got = loadAll(out);
    const ids = [[0, 35378, 8999, 5, 2]]; // <s> ▁Hello ▁world . </s> (the "▁" before "." is dropped)
    const s0 = got.get("s0.layer0")!;
    expect(s0.shape).toEqual([5, H]);
    ids[0].forEach((id, j) => {
      const x = Array.from({ length: H }, (_, c) => word[id * H + c] + pos[(j + 2) * H + c] + type[c]);
      const mean = x.reduce((a, b) => a + b, 0) / H;
      const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / H;
      for (let c = 0; c < H; c++) {
        const y = ((x[c] - mean) / Math.sqrt(v + 1e-5)) * lnw[c] + lnb[c];
        expect(Math.abs(s0.data[j * H + c] - y)).toBeLessThan(1e-4);
      }
    });
    expect(got.get("s1.layer0")!.shape[0]).toBeGreaterThan(8);
  });
});
