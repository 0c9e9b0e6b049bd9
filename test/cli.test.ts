// End-to-end tests of the `xlt` command on Node (compiled dist/) and on Deno (the .ts sources):
// --dump-grads against the PyTorch reference for every architecture and freeze mode, AlignFreeze's
// bit-identical frozen blocks, Node == Deno, loss going down on real PUD + MUSE data, and bad input.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliCommand, DENO, ROOT, runProgram, xlt } from "./lib/cli.ts";
import { loadAll, readHeader } from "../src/io/safetensors.ts";
import { wordPieceTokenizerJson } from "../src/io/tokenize.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { maxRelErr } from "./lib/check.ts";
import { FIXTURES, SHARED_DATA } from "./lib/fixtures.ts";

const SHARED = SHARED_DATA;

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-test-"));

/** The fixture's realignment batch (4 pairs, hand-made links) as CLI inputs. */
function fixtureInputs(arch: string) {
  const ref = join(FIXTURES, arch, "reference.safetensors");
  const meta = readHeader(ref).metadata;
  const all = loadAll(ref);
  const left: string[][] = JSON.parse(meta.realign_left_words);
  const right: string[][] = JSON.parse(meta.realign_right_words);
  const L = all.get("realign.links")!;
  const links: string[][] = left.map(() => []);
  for (let k = 0; k < L.shape[0]; k++) links[L.data[3 * k]].push(`${L.data[3 * k + 1]}-${L.data[3 * k + 2]}`);
  const dir = tmp();
  // words are joined with spaces: the fixture's words contain no spaces, and splitWords keeps them whole
  writeFileSync(join(dir, "pairs.txt"), left.map((l, b) => `${l.join(" ")} ||| ${right[b].join(" ")}`).join("\n") + "\n");
  writeFileSync(join(dir, "links.txt"), links.map((l) => l.join(" ")).join("\n") + "\n");
  const head = new Map([0, 2].map((i) => [`realignment_head.${i}.weight`, all.get(`realignment_head.${i}.weight`) as { shape: number[]; data: Float32Array }]));
  writeF32(join(dir, "head.safetensors"), head);
  const config = JSON.parse(readFileSync(join(FIXTURES, arch, "config.json"), "utf8"));
  return { dir, ref, all, meta, layers: Number(config.num_hidden_layers ?? config.n_layers) };
}

function realignArgs(arch: string, dir: string, freeze: string, extra: string[] = []) {
  return [
    "realign", "--model", join(FIXTURES, arch), "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"),
    "--batch-size", "4", "--dropout", "0", "--projection", "16", "--init-head", join(dir, "head.safetensors"),
    "--freeze", freeze, "--quiet", ...extra,
  ];
}

describe("xlt realign end to end", () => {
  for (const arch of ["tiny-bert", "tiny-distilbert", "tiny-xlmr"]) {
    for (const freeze of ["none", "lower", "upper"]) {
      it(`${arch} --freeze ${freeze}: --dump-grads matches PyTorch, frozen blocks stay bit-identical`, async () => {
        const fx = fixtureInputs(arch);
        const out = join(fx.dir, "out");
        const grads = join(fx.dir, "grads.safetensors");
        const r = await xlt("node", realignArgs(arch, fx.dir, freeze, ["--steps", "5", "--lr", "1e-3", "--out", out, "--dump-grads", grads]));
        expect(r.stderr, r.stderr).toBe("");
        expect(r.code).toBe(0);
        const got = loadAll(grads);
        const N = fx.layers;
        const half = Math.floor(N / 2);
        const frozenBlock = (i: number) => (freeze === "lower" && i < half) || (freeze === "upper" && i >= half);
        // the loss reads hidden_states[N-1], so block N-1 gets no gradient at all (as in the papers' code)
        let scale = 0;
        for (const [n, t] of fx.all) if (n.startsWith("grad.")) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
        for (const [n, t] of fx.all) {
          if (!n.startsWith("grad.")) continue;
          const name = n.slice(5);
          const block = /layer\.(\d+)\./.exec(name);
          const trainable = name.startsWith("realignment_head") || !block || (!frozenBlock(Number(block[1])) && Number(block[1]) < N - 1);
          expect(got.has(name), `${name} present`).toBe(trainable);
          if (!trainable) continue;
          let maxWant = 0;
          for (const v of t.data) maxWant = Math.max(maxWant, Math.abs(v));
          const e = (maxRelErr(got.get(name)!.data, t.data) * (maxWant || 1)) / Math.max(maxWant, 1e-4 * scale);
          expect(e, `${name} rel err`).toBeLessThanOrEqual(1e-3);
        }
        // after 5 steps: frozen blocks and the last block are byte-identical, everything else changed
        const before = loadAll(join(FIXTURES, arch, "model.safetensors"));
        const after = loadAll(join(out, "model.safetensors"));
        for (const [name, t] of before) {
          const block = /layer\.(\d+)\./.exec(name);
          const a = after.get(name)!;
          const same = Buffer.from(a.data.buffer).equals(Buffer.from(t.data.buffer));
          const isEncoder = /embeddings|layer\./.test(name) && !/position_ids|cls\.|lm_head|vocab_|pooler/.test(name);
          if (!isEncoder) expect(same, `${name} (not part of the encoder) copied`).toBe(true);
          else if (block && (frozenBlock(Number(block[1])) || Number(block[1]) === N - 1)) expect(same, `${name} frozen`).toBe(true);
          else if (!/token_type|position_embeddings/.test(name)) expect(same, `${name} trained`).toBe(false);
        }
        const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
        expect(run.steps).toBe(5);
        expect(existsSync(join(out, "realignment_head.safetensors"))).toBe(true);
      });
    }
  }

  for (const arch of ["tiny-bert", "tiny-distilbert", "tiny-xlmr"]) {
    it(`${arch} --projection none --freeze lower: --dump-grads matches PyTorch without the head`, async () => {
      const fx = fixtureInputs(arch);
      const grads = join(fx.dir, "grads.safetensors");
      const args = realignArgs(arch, fx.dir, "lower").filter((a, i, all) => !["--init-head", "--projection"].includes(a) && !["--init-head", "--projection"].includes(all[i - 1]));
      const r = await xlt("node", [...args, "--projection", "none", "--steps", "1", "--out", join(fx.dir, "out"), "--dump-grads", grads]);
      expect(r.code, r.stderr).toBe(0);
      const want = loadAll(join(FIXTURES, arch, "reference-nohead.safetensors"));
      const got = loadAll(grads);
      expect([...got.keys()].some((n) => n.startsWith("realignment_head"))).toBe(false);
      let scale = 0;
      for (const [n, t] of want) if (n.startsWith("grad.")) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
      let compared = 0;
      for (const [name, t] of got) {
        const w = want.get(`grad.${name}`)!.data;
        let maxWant = 0;
        for (const v of w) maxWant = Math.max(maxWant, Math.abs(v));
        const e = (maxRelErr(t.data, w) * (maxWant || 1)) / Math.max(maxWant, 1e-4 * scale);
        expect(e, `${name} rel err`).toBeLessThanOrEqual(1e-3);
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
      expect(got.has([...got.keys()].find((n) => /layer\.0\./.test(n)) ?? "none")).toBe(false); // block 0 frozen
    });
  }

  it("Node and Deno give the same gradients, losses and checkpoint", async () => {
    const fx = fixtureInputs("tiny-xlmr");
    const res: Record<string, { grads: Map<string, any>; log: number[]; model: Map<string, any> }> = {};
    for (const rt of ["node", "deno"] as const) {
      const out = join(fx.dir, `out-${rt}`);
      const log = join(fx.dir, `log-${rt}.jsonl`);
      const grads = join(fx.dir, `grads-${rt}.safetensors`);
      const r = await xlt(rt, realignArgs("tiny-xlmr", fx.dir, "lower", ["--steps", "4", "--lr", "1e-3", "--out", out, "--log", log, "--dump-grads", grads]));
      expect(r.code, r.stderr).toBe(0);
      res[rt] = {
        grads: loadAll(grads),
        log: readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l).loss),
        model: loadAll(join(out, "model.safetensors")),
      };
    }
    expect(res.deno.log.length).toBe(4);
    res.node.log.forEach((l, i) => expect(Math.abs(l - res.deno.log[i])).toBeLessThan(1e-4 * Math.abs(l)));
    for (const [n, t] of res.node.grads) expect(maxRelErr(res.deno.grads.get(n).data, t.data), n).toBeLessThan(1e-4);
    for (const [n, t] of res.node.model) expect(maxRelErr(res.deno.model.get(n).data, t.data), n).toBeLessThan(1e-4);
    expect([...res.node.grads.keys()].sort()).toEqual([...res.deno.grads.keys()].sort());
  });

  it("the loss goes down on 200 real PUD en-de pairs with MUSE dictionary links (mBERT vocabulary)", async () => {
    const dir = tmp();
    const model = join(dir, "model");
    // a small random BERT over the real 119,547-token mBERT vocabulary (the large-embedding path)
    const vocab = readFileSync(join(SHARED, "tokenizers/bert-base-multilingual-cased/vocab.txt"), "utf8").split("\n").filter((l) => l !== "");
    buildRandomBert(model, vocab, { hidden: 32, layers: 2, heads: 2, ffn: 64 });
    const log = join(dir, "log.jsonl");
    const r = await xlt("node", [
      "realign", "--model", model,
      "--conllu", `de=${join(SHARED, "ud/UD_English-PUD/en_pud-ud-test.conllu")},${join(SHARED, "ud/UD_German-PUD/de_pud-ud-test.conllu")}`,
      "--dictionary", `de=${join(SHARED, "muse_dictionaries/en-de.txt")}`, "--limit", "200",
      "--freeze", "lower", "--steps", "24", "--lr", "1e-3", "--batch-size", "16", "--out", join(dir, "out"), "--log", log, "--quiet",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const losses = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l).loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-6))).toBeLessThan(mean(losses.slice(0, 6)) - 0.1);
  });
});

describe("xlt realign rejects bad input with one line and writes nothing", () => {
  const fx = () => fixtureInputs("tiny-bert");
  const bad = (name: string, setup: (dir: string) => string[], expectText: RegExp, code = 1) =>
    it(name, async () => {
      const f = fx();
      const out = join(f.dir, "out");
      const r = await xlt("node", [...setup(f.dir), "--out", out, "--steps", "2", "--quiet"]);
      expect(r.code).toBe(code);
      expect(r.stderr.split("\n").length, r.stderr).toBe(1);
      expect(r.stderr).toMatch(expectText);
      expect(existsSync(out)).toBe(false);
    });
  const base = (dir: string) => ["realign", "--model", join(FIXTURES, "tiny-bert"), "--alignments", join(dir, "links.txt")];
  bad("a line without |||", (d) => (writeFileSync(join(d, "p.txt"), "one two three\n"), [...base(d), "--pairs", join(d, "p.txt")]), /\|\|\|/);
  bad("a link beyond the sentence", (d) => (writeFileSync(join(d, "l.txt"), "0-0 0-99\n0-0\n0-0\n0-0\n"), ["realign", "--model", join(FIXTURES, "tiny-bert"), "--pairs", join(d, "pairs.txt"), "--alignments", join(d, "l.txt")]), /99/);
  bad("an empty pairs file", (d) => (writeFileSync(join(d, "e.txt"), ""), [...base(d), "--pairs", join(d, "e.txt")]), /empty|no/i);
  bad("a dictionary with no match", (d) => (writeFileSync(join(d, "dict.txt"), "zzz yyy\n"), ["realign", "--model", join(FIXTURES, "tiny-bert"), "--pairs", join(d, "pairs.txt"), "--dictionary", join(d, "dict.txt")]), /match/);
  bad("a --freeze block the model lacks", (d) => [...base(d), "--pairs", join(d, "pairs.txt"), "--freeze", "0-7"], /block 7/);
  // the spec's grammar is the option table's (a usage error, exit 2); a block the model lacks needs the model
  bad("an unknown --freeze word", (d) => [...base(d), "--pairs", join(d, "pairs.txt"), "--freeze", "middle"], /^xlt realign: --freeze 'middle': 'middle' is not lower/, 2);

  it("a loss or weight that becomes NaN stops the run and keeps the last good checkpoint", async () => {
    const f = fx();
    const out = join(f.dir, "out");
    const r = await xlt("node", [...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--steps", "6", "--lr", "1e8", "--checkpoint-every", "1"]); // 1e38 overflows at step 1, before any checkpoint
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/(loss became|non-finite values appeared in) .* at step \d+;/);
    expect(r.stderr.split("\n").length).toBe(1);
    // no final outputs, but the resumable state of the last good step
    expect(existsSync(join(out, "run.json"))).toBe(false);
    expect(readdirSync(join(out, "checkpoint")).sort()).toEqual(["clock.json", "losses.json", "state.safetensors"]);
  });

  it("a NaN seen one step late (steps are pipelined) names the same step and saves nothing", async () => {
    const f = fx();
    const run = (out: string, extra: string[]) => xlt("node", [...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--steps", "6", "--lr", "1e38", ...extra]);
    const drained = await run(join(f.dir, "a"), ["--checkpoint-every", "1"]); // waits for every step's loss
    const piped = await run(join(f.dir, "b"), []);
    const step = (e: string) => / at step (\d+);/.exec(e)?.[1];
    expect(piped.code).toBe(1);
    expect(step(piped.stderr)).toBeDefined();
    expect(step(piped.stderr)).toBe(step(drained.stderr));
    expect(piped.stderr.split("\n").length).toBe(1);
    expect(existsSync(join(f.dir, "b", "run.json")) || existsSync(join(f.dir, "b", "checkpoint"))).toBe(false);
  });

  it("--resume continues from the checkpoint to the same result as an uninterrupted run", async () => {
    const f = fx();
    const args = (out: string, steps: string) => [...realignArgs("tiny-bert", f.dir, "lower"), "--out", out, "--steps", steps, "--lr", "1e-3", "--checkpoint-every", "2"];
    const full = join(f.dir, "full");
    expect((await xlt("node", args(full, "4"))).code).toBe(0);
    const part = join(f.dir, "part");
    const log = join(f.dir, "part.jsonl");
    expect((await xlt("node", [...args(part, "3"), "--log", log])).code).toBe(0); // leaves a checkpoint at step 2
    const clock = JSON.parse(readFileSync(join(part, "checkpoint", "clock.json"), "utf8")).elapsed;
    expect(clock).toBeGreaterThan(0);
    expect((await xlt("node", [...args(part, "4"), "--resume", "--log", log])).code).toBe(0);
    const a = loadAll(join(full, "model.safetensors"));
    const b = loadAll(join(part, "model.safetensors"));
    for (const [n, t] of a) expect(maxRelErr(b.get(n)!.data, t.data), n).toBeLessThan(1e-6);
    // the clock goes on from the checkpoint's: the log's times and run.json's seconds count the whole run
    const lines = readFileSync(log, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect(lines[2].elapsed).toBeGreaterThan(clock);
    expect(JSON.parse(readFileSync(join(part, "run.json"), "utf8")).seconds).toBeGreaterThan(clock);
  });
});

/** Non-finite float values in every .safetensors file under dir (recursively): path → count. */
function nonFiniteIn(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith(".safetensors")) continue;
    let n = 0;
    for (const t of loadAll(join(dir, f)).values()) if (t.data instanceof Float32Array) for (const v of t.data) if (!Number.isFinite(v)) n++;
    out[f] = n;
  }
  return out;
}

const stepOf = (stderr: string) => Number(/at step (\d+);/.exec(stderr)?.[1]);

describe("non-finite values stop realign and finetune at the step they appear, and nothing after it is saved", () => {
  // lr 1e8 blows the weights up within two steps; before the GPU-side health flag the projection head's
  // ReLU turned the NaN into 0, so realign printed finite losses and saved NaN weights with exit 0
  for (const runtime of ["node", "deno"] as const) {
    it(`realign --lr 1e8 (${runtime}): one-line error naming the step, the checkpoints before it hold no NaN`, async () => {
      const f = fixtureInputs("tiny-bert");
      const out = join(f.dir, "out");
      const r = (await xlt(runtime, [...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--steps", "40", "--lr", "1e8", "--checkpoint-every", "1"]));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.split("\n").length, r.stderr).toBe(1);
      const bad = stepOf(r.stderr);
      expect(bad, r.stderr).toBeGreaterThanOrEqual(1);
      expect(readdirSync(out).sort()).toEqual(["checkpoint"]); // no model, head or run.json
      expect(Number(readHeader(join(out, "checkpoint", "state.safetensors")).metadata.step)).toBe(bad - 1);
      expect(nonFiniteIn(out)).toEqual({ "checkpoint/state.safetensors": 0 });
    });
  }

  it("realign from a checkpoint that already holds a NaN weight stops at step 1", async () => {
    const f = fixtureInputs("tiny-bert");
    const model = join(f.dir, "model");
    cpSync(join(FIXTURES, "tiny-bert"), model, { recursive: true });
    const file = join(model, "model.safetensors");
    const h = readHeader(file);
    const at = h.dataStart + h.tensors.get("bert.encoder.layer.0.attention.self.query.weight")!.begin + 4 * 5;
    const bytes = readFileSync(file);
    bytes.writeFloatLE(NaN, at);
    writeFileSync(file, bytes);
    const args = realignArgs("tiny-bert", f.dir, "none").map((a) => (a === join(FIXTURES, "tiny-bert") ? model : a));
    const r = (await xlt("node", [...args, "--out", join(f.dir, "out"), "--steps", "3", "--lr", "1e-3"]));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/at step 1;/);
    expect(existsSync(join(f.dir, "out"))).toBe(false);
  });

  it("finetune --lr 1e8: one-line error naming the step, the checkpoints before it hold no NaN", async () => {
    const dir = tmp();
    const train = join(dir, "train.conllu");
    const sentences = [["The", "cat", "sleeps", "."], ["I", "like", "green", "apples", "."], ["Die", "Katze", "schläft", "."]];
    const tags = [["DET", "NOUN", "VERB", "PUNCT"], ["PRON", "VERB", "ADJ", "NOUN", "PUNCT"], ["DET", "NOUN", "VERB", "PUNCT"]];
    const block = (k: number) => [`# sent_id = s${k}`, ...sentences[k % 3].map((w, i) => `${i + 1}\t${w}\t_\t${tags[k % 3][i]}\t_\t_\t0\t_\t_\t_`), ""].join("\n");
    // (before the health flag, the step-3 checkpoint of this run held NaN weights: the loss only became NaN at step 4)
    writeFileSync(train, Array.from({ length: 9 }, (_, k) => block(k)).join("\n") + "\n");
    const out = join(dir, "out");
    const r = (await xlt("node", ["finetune", "--task", "pos", "--model", join(FIXTURES, "tiny-bert"), "--train", train, "--batch-size", "2", "--epochs", "5", "--lr", "1e8", "--checkpoint-every", "1", "--out", out, "--quiet"]));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split("\n").length, r.stderr).toBe(1);
    const bad = stepOf(r.stderr);
    expect(bad, r.stderr).toBeGreaterThanOrEqual(1);
    expect(readdirSync(out).sort()).toEqual(["checkpoint"]);
    expect(Number(readHeader(join(out, "checkpoint", "state.safetensors")).metadata.step)).toBe(bad - 1);
    expect(nonFiniteIn(out)).toEqual({ "checkpoint/state.safetensors": 0 });
  });

  it("--max-grad-norm 0 (it would scale every gradient to 0) is a one-line error before any work", async () => {
    const f = fixtureInputs("tiny-bert");
    const out = join(f.dir, "out");
    const r = (await xlt("node", [...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--steps", "2", "--max-grad-norm", "0"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^xlt realign: --max-grad-norm must be a number > 0/);
    expect(r.stderr.split("\n").length).toBe(1);
    expect(existsSync(out)).toBe(false);
  });
});

describe("usage errors: caught by the option table before any work, one line naming the option, exit 2", () => {
  for (const runtime of ["node", "deno"] as const) {
    it(`bounds, choices, repeated and inapplicable options (${runtime})`, async () => {
      const f = fixtureInputs("tiny-bert");
      const out = join(f.dir, "out");
      const cases: [string[], RegExp][] = [
        [[...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--tau", "0"], /^xlt realign: --tau must be a number > 0, got '0' \(xlt realign --help\)$/],
        [[...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--tau", "-1"], /^xlt realign: --tau must be a number > 0, got '-1'/],
        [[...realignArgs("tiny-bert", f.dir, "bogus"), "--out", out], /^xlt realign: --freeze 'bogus': 'bogus' is not lower, upper, none/],
        [["info", "--model", join(FIXTURES, "tiny-bert"), "--model", join(FIXTURES, "tiny-xlmr")], /^xlt info: --model is given twice/],
        [["finetune", "--task", "foo", "--train", join(f.dir, "pairs.txt"), "--out", out], /^xlt finetune: --task must be one of pos, ner, xnli, qa, mlm, got 'foo'/],
        [["pretrain", "--objective", "xyz", "--out", out], /^xlt pretrain: --objective must be one of mlm, xlm, dict-mlm, align-mlm, got 'xyz'/],
        [["align", "--method", "nope", "--pairs", join(f.dir, "pairs.txt"), "--out", join(f.dir, "a.txt")], /^xlt align: --method must be one of dictionary, fastalign, embeddings, got 'nope'/],
        [["finetune", "--task", "pos", "--train", join(f.dir, "pairs.txt"), "--out", out, "--realign-weight", "0.5"], /^xlt finetune: --realign-weight applies only with --realign-during/],
        [["alignment", "--static", "--model", join(FIXTURES, "tiny-bert"), "--pairs", join(f.dir, "pairs.txt")], /^xlt alignment: --static and --pairs cannot be given together/],
      ];
      for (const [args, re] of cases) {
        const r = await xlt(runtime, args);
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
        expect(r.stderr.split("\n"), r.stderr).toHaveLength(1);
        expect(r.stderr).toMatch(re);
        expect(existsSync(out)).toBe(false);
      }
    });
  }
});

describe("realign reports what truncation to --max-length dropped", () => {
  it("a one-line warning (not with --quiet), the totals in run.json, the step's counts in each --log line", async () => {
    const f = fixtureInputs("tiny-bert");
    const run = (out: string, quiet: boolean) =>
      xlt("node", [...realignArgs("tiny-bert", f.dir, "none").filter((a) => quiet || a !== "--quiet"), "--out", join(f.dir, out), "--steps", "3", "--max-length", "6", "--log", join(f.dir, `${out}.log`)]);
    const loud = await run("loud", false);
    expect(loud.code, loud.stderr).toBe(0);
    const warnings = loud.stderr.split("\n").filter((l) => l.startsWith("warning: truncation"));
    expect(warnings.length, loud.stderr).toBe(1);
    const t = JSON.parse(readFileSync(join(f.dir, "loud", "run.json"), "utf8")).truncation;
    expect(t.max_length).toBe(6);
    expect(t.pairs_used).toBe(12); // 3 steps × batch 4
    expect(t.dropped_words).toBeGreaterThan(0);
    expect(t.dropped_links).toBeGreaterThan(0);
    expect(warnings[0]).toContain(`dropped ${t.dropped_words} words and ${t.dropped_links} links`);
    const lines = readFileSync(join(f.dir, "loud.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.reduce((a, l) => a + l.dropped_words, 0)).toBe(t.dropped_words);
    expect(lines.reduce((a, l) => a + l.dropped_links, 0)).toBe(t.dropped_links);
    const quiet = await run("quiet", true);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(JSON.parse(readFileSync(join(f.dir, "quiet", "run.json"), "utf8")).truncation).toEqual(t);
  });
});

describe("--resume continues only the run its checkpoint belongs to", () => {
  const oneLine = (r: { code: number | null; stderr: string }, re: RegExp) => {
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split("\n").length, r.stderr).toBe(1);
    expect(r.stderr).toMatch(re);
  };

  it("realign: no checkpoint, changed settings (named, --freeze as --freeze) and --steps below the checkpoint are one-line errors; --log has no duplicate lines", async () => {
    const f = fixtureInputs("tiny-bert");
    const out = join(f.dir, "out");
    const log = join(f.dir, "log.jsonl");
    const args = (extra: string[]) => [...realignArgs("tiny-bert", f.dir, "none"), "--out", out, "--lr", "1e-3", "--log", log, ...extra];
    oneLine((await xlt("node", args(["--steps", "3", "--resume"]))), /^xlt realign: --resume: no checkpoint to resume in .*checkpoint/);
    expect(existsSync(out)).toBe(false);
    expect((await xlt("node", args(["--steps", "3", "--checkpoint-every", "2"]))).code).toBe(0); // lines 1-3, a checkpoint at step 2
    for (const [opt, value] of [["--seed", "7"], ["--lr", "1e-2"], ["--batch-size", "2"], ["--freeze", "lower"], ["--projection", "8"], ["--max-grad-norm", "1"]]) {
      const bad = args(["--steps", "4", "--resume"]);
      const at = bad.indexOf(opt);
      if (at >= 0) bad[at + 1] = value;
      else bad.push(opt, value);
      oneLine((await xlt("node", bad)), new RegExp(`^xlt realign: --resume: ${opt} is .* but the checkpoint in .* was trained with `));
    }
    oneLine((await xlt("node", args(["--steps", "1", "--resume"]))), /--steps 1 is below the checkpoint's step 2/);
    const r = (await xlt("node", args(["--steps", "4", "--resume"])));
    expect(r.code, r.stderr).toBe(0);
    // step 3 ran twice (before and after the resume) but is logged once
    expect(readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l).step)).toEqual([1, 2, 3, 4]);
  });

  it("finetune: no checkpoint and a changed --lr are one-line errors; --log has no duplicate lines", async () => {
    const dir = tmp();
    const train = join(dir, "train.conllu");
    const words = ["The", "cat", "sleeps", "."];
    const tags = ["DET", "NOUN", "VERB", "PUNCT"];
    const block = (k: number) => [`# sent_id = s${k}`, ...words.map((w, i) => `${i + 1}\t${w}\t_\t${tags[i]}\t_\t_\t0\t_\t_\t_`), ""].join("\n");
    writeFileSync(train, Array.from({ length: 4 }, (_, k) => block(k)).join("\n") + "\n");
    const out = join(dir, "out");
    const log = join(dir, "log.jsonl");
    const args = (extra: string[], lr = "1e-3") => ["finetune", "--task", "pos", "--model", join(FIXTURES, "tiny-bert"), "--train", train, "--dev", train, "--batch-size", "2", "--lr", lr, "--out", out, "--log", log, "--quiet", ...extra];
    oneLine((await xlt("node", args(["--epochs", "2", "--resume"]))), /^xlt finetune: --resume: no checkpoint to resume in /);
    // 2 steps per epoch: step lines 1-4 and a dev line after steps 2 and 4; checkpoints at steps 1 and 3
    expect((await xlt("node", args(["--epochs", "2", "--checkpoint-every", "1"]))).code).toBe(0);
    oneLine((await xlt("node", args(["--epochs", "2", "--resume"], "1e-2"))), /^xlt finetune: --resume: --lr is 0.01 but the checkpoint in .* was trained with 0.001/);
    oneLine((await xlt("node", args(["--epochs", "3", "--resume"]))), /^xlt finetune: --resume: --epochs is 3 /);
    const r = (await xlt("node", args(["--epochs", "2", "--resume"])));
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => (l.step !== undefined ? `step ${l.step}` : `dev ${l.epoch}`))).toEqual(["step 1", "step 2", "dev 1", "step 3", "step 4", "dev 2"]);
  });
});

function buildRandomBert(dir: string, vocab: string[], s: { hidden: number; layers: number; heads: number; ffn: number }) {
  let seed = 7;
  const r = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * 0.1;
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  const rand = (shape: number[]) => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, r) });
  const ones = (n: number) => ({ shape: [n], data: new Float32Array(n).fill(1) });
  const zeros = (n: number) => ({ shape: [n], data: new Float32Array(n) });
  const H = s.hidden;
  t.set("bert.embeddings.word_embeddings.weight", rand([vocab.length, H]));
  t.set("bert.embeddings.position_embeddings.weight", rand([128, H]));
  t.set("bert.embeddings.token_type_embeddings.weight", rand([2, H]));
  t.set("bert.embeddings.LayerNorm.weight", ones(H));
  t.set("bert.embeddings.LayerNorm.bias", zeros(H));
  for (let i = 0; i < s.layers; i++) {
    const p = `bert.encoder.layer.${i}.`;
    for (const n of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
      t.set(`${p}${n}.weight`, rand([H, H]));
      t.set(`${p}${n}.bias`, zeros(H));
    }
    t.set(`${p}intermediate.dense.weight`, rand([s.ffn, H]));
    t.set(`${p}intermediate.dense.bias`, zeros(s.ffn));
    t.set(`${p}output.dense.weight`, rand([H, s.ffn]));
    t.set(`${p}output.dense.bias`, zeros(H));
    for (const n of ["attention.output.LayerNorm", "output.LayerNorm"]) {
      t.set(`${p}${n}.weight`, ones(H));
      t.set(`${p}${n}.bias`, zeros(H));
    }
  }
  writeF32(join(dir, "model.safetensors"), t);
  writeFileSync(join(dir, "config.json"), JSON.stringify({
    model_type: "bert", hidden_size: H, num_hidden_layers: s.layers, num_attention_heads: s.heads, intermediate_size: s.ffn,
    hidden_act: "gelu", max_position_embeddings: 128, type_vocab_size: 2, layer_norm_eps: 1e-12, pad_token_id: 0,
    vocab_size: vocab.length, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
  }));
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(wordPieceTokenizerJson(vocab)));
}

describe("xlt's stderr", () => {
  // Dawn's two "artificially reduced" limit warnings are kept off a terminal and a pipe (src/gpu/adapter_log.ts).
  // Node's own child pipes (as runProgram uses) are socket pairs, which cannot be reopened: hence the shell pipe,
  // and script(1) for a terminal.
  const embed = (dir: string, out: string) =>
    ["node", join(ROOT, "bin/xlt.js"), "embed", "--model", join(FIXTURES, "tiny-bert"), "--input", join(dir, "in.txt"), "--out", join(dir, out)].join(" ");
  it("a plain GPU command prints no Dawn warnings on a pipe or a terminal (Node), nor on Deno", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "in.txt"), "hello world\n");
    const piped = await runProgram("sh", ["-c", `${embed(dir, "a.safetensors")} 2>&1 >/dev/null | cat`]);
    expect(piped.code).toBe(0);
    expect(existsSync(join(dir, "a.safetensors"))).toBe(true);
    expect(piped.stdout, "stderr through a pipe").toBe("");
    // only those two lines: what else the adapter discovery writes (here the Vulkan loader's log) still shows
    const loaderLog = await runProgram("sh", ["-c", `${embed(dir, "a2.safetensors")} 2>&1 >/dev/null | cat`], { env: { ...process.env, VK_LOADER_DEBUG: "all" } });
    expect(loaderLog.stdout).not.toBe("");
    expect(loaderLog.stdout).not.toMatch(/artificially reduced/);
    if ((await runProgram("sh", ["-c", "script --version >/dev/null 2>&1"])).code === 0) {
      const tty = await runProgram("script", ["-qec", embed(dir, "b.safetensors"), "/dev/null"]);
      expect(tty.code).toBe(0);
      expect(tty.stdout.trim(), "output on a terminal").toMatch(/^wrote \d+ tensors for 1 sentences to \S+$/);
    }
    const deno = await runProgram(...cliCommand("deno", ["embed", "--model", join(FIXTURES, "tiny-bert"), "--input", join(dir, "in.txt"), "--out", join(dir, "c.safetensors")]));
    expect(deno.code, deno.stderr).toBe(0);
    expect(deno.stderr).toBe("");
  });
});

describe("xlt's command line", () => {
  it("numbers are checked by the option table, with one line and exit 2, on Node and Deno", async () => {
    for (const rt of ["node", "deno"] as const) {
      for (const [arg, got] of [["-1", "-1"], ["=-1", "-1"], ["1e2", "1e2"], ["0x10", "0x10"]]) {
        const args = arg.startsWith("=") ? [`--steps${arg}`] : ["--steps", arg];
        const r = (await xlt(rt, ["realign", ...args, "--quiet"]));
        expect(r.code, `${rt} ${args}`).toBe(2);
        expect(r.stderr, `${rt} ${args}`).toBe(`xlt realign: --steps must be an integer ≥ 1, got '${got}' (xlt realign --help)`);
      }
      const missing = (await xlt(rt, ["finetune", "--task", "pos", "--model", "m"]));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe("xlt finetune: --train FILE is required (xlt finetune --help)");
      const help = (await xlt(rt, ["help", "finetune"]));
      expect(help.code).toBe(0);
      expect(help.stdout).toBe((await xlt(rt, ["finetune", "--help"])).stdout);
      expect(help.stdout).toMatch(/^Usage: xlt finetune/);
      const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
      expect((await xlt(rt, ["--version"])).stdout.trim()).toBe(version);
    }
  });
});

describe("xlt --help", () => {
  it("prints the same help on Node (npx xlt) and Deno (deno task xlt)", async () => {
    const node = await runProgram("npx", ["xlt", "--help"]);
    const deno = await runProgram(DENO, ["task", "-q", "xlt", "--help"]);
    expect(node.code).toBe(0);
    expect(deno.code).toBe(0);
    expect(deno.stdout).toBe(node.stdout);
    expect(node.stdout).toMatch(/realign/);
    for (const cmd of ["realign", "embed", "align"]) {
      const a = await xlt("node", [cmd, "--help"]);
      const b = await xlt("deno", [cmd, "--help"]);
      expect(b.stdout, cmd).toBe(a.stdout);
    }
  });

});
