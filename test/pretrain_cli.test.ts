// `xlt pretrain` end to end on tiny models: from scratch (a --size preset with tiny-bert's tokenizer) writing a
// checkpoint that scripts/check_mlm_output.py loads as BertForMaskedLM with xlt's logits reproduced in plain
// torch; --dump-grads; --resume from a checkpoint reproducing the uninterrupted run exactly; ALIGN-MLM and
// XLM on a tiny-bert doubled by `xlt derive --transform trans`; Deno; bad input: one line, non-zero exit,
// nothing written.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram, xlt } from "./lib/cli.ts";
import { PARALLEL_TINY, TINY_BERT } from "./lib/fixtures.ts";
import { loadAll } from "../src/io/safetensors.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { getGpu } from "../src/index.ts";
import { loadCheckpoint } from "../src/io/checkpoint.ts";
import { Encoder, positionIds } from "../models/encoder.ts";
import { MlmHead, mlmHeadShapes } from "../models/mlm_head.ts";
import { readTensors } from "../src/pretrain/weights.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-pretrain-cli-"));
// XLT_TEST_PYTHON: a python with torch (and, for the transformers checks, transformers); Debian's by default
const PY = process.env.XLT_TEST_PYTHON ?? "/usr/bin/python3";
let torchChecked: Promise<boolean> | null = null;
const haveTorch = () => (torchChecked ??= runProgram(PY, ["-c", "import torch"]).then((r) => r.code === 0, () => false));

/** English sides of parallel-tiny, repeated: enough text for a few 16-token blocks. */
function corpus(dir: string, name = "en.txt", repeat = 4): string {
  const en = readFileSync(PARALLEL_TINY, "utf8").trim().split("\n").map((l) => l.split(" ||| ")[0]);
  const p = join(dir, name);
  writeFileSync(p, Array.from({ length: repeat }, () => en).flat().join("\n") + "\n");
  return p;
}

const SMALL = ["--steps", "3", "--batch-size", "4", "--max-length", "16", "--quiet"];

/** 600 bytes of "random" binary data (NUL bytes and invalid UTF-8 among them). */
function binary(dir: string): string {
  const p = join(dir, "random.bin");
  writeFileSync(p, Uint8Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) % 256));
  return p;
}

describe("xlt pretrain", () => {
  it("from scratch: a BertForMaskedLM checkpoint whose logits plain torch reproduces; --dump-grads; --log", async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const r = await xlt("node", ["pretrain", "--train", corpus(dir), "--tokenizer", TINY_BERT, "--size", "tiny", "--arch", "bert", ...SMALL,
      "--out", out, "--dump-grads", join(dir, "g.safetensors"), "--log", join(dir, "log.jsonl")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pre-trained mlm for 3 steps/);
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).architectures).toEqual(["BertForMaskedLM"]);
    expect(readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const dump = loadAll(join(dir, "g.safetensors"));
    expect(dump.get("batch.0.input_ids")!.shape).toEqual([4, 16]);
    expect([...dump.get("batch.0.labels")!.data].some((x) => x !== -100)).toBe(true);
    expect([...dump.get("grad.bert.embeddings.word_embeddings.weight")!.data].some((x) => x !== 0)).toBe(true);
    expect(dump.has("grad.cls.predictions.transform.dense.weight")).toBe(true);
    // xlt's own MLM logits of the written checkpoint, for the Python check
    const g = await getGpu();
    const ck = loadCheckpoint(out);
    const cfg = ck.config;
    const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
    const head = new MlmHead(g, cfg, cfg.vocab, readTensors(out, mlmHeadShapes(cfg.arch, cfg.hidden, cfg.vocab).keys()));
    const ids = Int32Array.from([2, 10, 11, 4, 12, 3, 0, 0]);
    const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 0, 0]);
    const st = enc.forward({ B: 1, T: 8, ids, mask, typeIds: new Int32Array(8), positions: positionIds(cfg, ids, 1, 8) });
    const hs = head.forward(st.hidden[cfg.layers], Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), enc.p("embeddings.word"));
    const logits = await hs.logits.read();
    head.release(hs);
    enc.release(st);
    const expectFile = join(dir, "expect.safetensors");
    writeF32(expectFile, new Map([["input_ids", { shape: [1, 8], data: Float32Array.from(ids) }], ["attention_mask", { shape: [1, 8], data: mask }],
      ["logits", { shape: [1, 8, cfg.vocab], data: logits }]]));
    // the check script reads F32 ids: it converts them
    if (!(await haveTorch())) {
      console.warn(`skipped scripts/check_mlm_output.py: ${PY} has no torch (apt-get install python3-torch)`);
      return;
    }
    const py = await runProgram(PY, [join(ROOT, "scripts/check_mlm_output.py"), out, "--expect", expectFile]);
    expect(py.stdout + py.stderr).toMatch(/MLM logits in plain torch match/);
    expect(py.code).toBe(0);
  }, 300_000);

  it("from scratch with --config FILE (tiny-xlmr's config.json and tokenizer): an XLMRobertaForMaskedLM of that shape, freshly initialised", async () => {
    const dir = tmp();
    const xlmr = join(TINY_BERT, "..", "tiny-xlmr");
    const out = join(dir, "out");
    const r = await xlt("node", ["pretrain", "--train", corpus(dir), "--config", join(xlmr, "config.json"), "--tokenizer", xlmr, "--steps", "2", "--batch-size", "4", "--max-length", "16", "--quiet", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).architectures).toEqual(["XLMRobertaForMaskedLM"]);
    const w = loadAll(join(out, "model.safetensors"));
    const src = loadAll(join(xlmr, "model.safetensors"));
    expect(w.get("roberta.embeddings.word_embeddings.weight")!.shape).toEqual([188, 48]);
    expect(w.get("lm_head.bias")!.shape).toEqual([188]);
    // a new model, not the fixture's weights (those are N(0, 0.5); HF init is N(0, 0.02))
    const std = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0) / a.length);
    expect(std(w.get("roberta.embeddings.word_embeddings.weight")!.data)).toBeLessThan(0.03);
    expect(std(src.get("roberta.embeddings.word_embeddings.weight")!.data)).toBeGreaterThan(0.3);
  }, 300_000);

  it("--resume from OUT/checkpoint gives exactly the uninterrupted run's weights", async () => {
    const dir = tmp();
    const c = corpus(dir);
    const args = ["pretrain", "--train", c, "--tokenizer", TINY_BERT, "--size", "tiny", "--arch", "bert", "--steps", "4", "--batch-size", "4", "--max-length", "16", "--quiet"];
    expect((await xlt("node", [...args, "--out", join(dir, "a")])).code).toBe(0);
    expect((await xlt("node", [...args, "--out", join(dir, "b"), "--checkpoint-every", "2"])).code).toBe(0);
    expect(existsSync(join(dir, "b", "checkpoint", "state.safetensors"))).toBe(true);
    // run b again from its step-2 checkpoint: steps 3 and 4 must land on the same weights as run a
    const r = await xlt("node", [...args.filter((a) => a !== "--quiet"), "--out", join(dir, "b"), "--resume"]);
    expect(r.stderr).toMatch(/resuming from step 2/);
    expect(r.code).toBe(0);
    const a = readFileSync(join(dir, "a", "model.safetensors"));
    const b = readFileSync(join(dir, "b", "model.safetensors"));
    expect(Buffer.compare(a, b)).toBe(0);
    const changed = await xlt("node", [...args, "--out", join(dir, "b"), "--resume", "--lr", "0.1"]);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toMatch(/--lr is 0.1 but the checkpoint/);
    // another --steps would continue another LR schedule (decay to 0 at the last step) than the checkpoint's:
    // refused naming --steps and why, not --warmup (its default follows --steps; the user never gave it)
    for (const steps of ["6", "3"]) {
      const longer = await xlt("node", [...args.map((a, i) => (args[i - 1] === "--steps" ? steps : a)), "--out", join(dir, "b"), "--resume"]);
      expect(longer.code).not.toBe(0);
      expect(longer.stderr).toMatch(new RegExp(`^xlt pretrain: --resume: --steps is ${steps} but the checkpoint in \\S+ was trained with 4 \\(the learning rate warms up, then decays linearly to 0 at the last step, so the schedule depends on --steps;`));
      expect(longer.stderr).not.toMatch(/--warmup/);
      expect(longer.stderr.trim().split("\n")).toHaveLength(1);
    }
    // an explicit --warmup that differs is named, and one left to its default says where its value came from
    const warm = await xlt("node", [...args, "--warmup", "1", "--out", join(dir, "b"), "--resume"]);
    expect(warm.stderr).toMatch(/--resume: --warmup is 1 but the checkpoint in \S+ was trained with 0;/);
    expect((await xlt("node", [...args, "--warmup", "1", "--out", join(dir, "c"), "--checkpoint-every", "2"])).code).toBe(0);
    const unset = await xlt("node", [...args, "--out", join(dir, "c"), "--resume"]);
    expect(unset.stderr).toMatch(/--resume: --warmup is 0 but the checkpoint in \S+ was trained with 1 \(not given: 5% of --steps\);/);
  }, 300_000);

  it("align-mlm and xlm on a tiny-bert doubled by xlt derive (Trans): cosine term logged, language embeddings saved", async () => {
    const dir = tmp();
    const c = corpus(dir);
    const deriv = join(dir, "deriv");
    expect((await xlt("node", ["derive", "--transform", "trans", "--model", TINY_BERT, "--input", c, "--out", deriv])).code).toBe(0);
    const d = join(deriv, "en.txt");
    const log = join(dir, "align.jsonl");
    const r = await xlt("node", ["pretrain", "--objective", "align-mlm", "--model", deriv, "--train", c, "--derived", d, ...SMALL, "--out", join(dir, "align"), "--log", log]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const recs = readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(recs[0].align).toBeCloseTo(-10 * recs[0].cos, 4);
    expect(recs[0].loss).toBeCloseTo(recs[0].mlm + recs[0].align, 4);
    const run = JSON.parse(readFileSync(join(dir, "align", "run.json"), "utf8"));
    expect(run.vocab_per_language).toBe(244);
    expect(run.dictionary_size).toBeGreaterThan(100);
    const x = await xlt("node", ["pretrain", "--objective", "xlm", "--model", deriv, "--train", c, "--derived", d, ...SMALL, "--out", join(dir, "xlm")]);
    expect(x.stderr).toBe("");
    expect(x.code).toBe(0);
    const w = loadAll(join(dir, "xlm", "model.safetensors"));
    expect(w.get("bert.embeddings.lang_type_embeddings.weight")!.shape).toEqual([4, 32]);
    expect(JSON.parse(readFileSync(join(dir, "xlm", "config.json"), "utf8")).use_lang_ids).toBe(true);
    // MLM on the original + derived corpus: random replacements from the original V only; no --max-length:
    // the default 128 is capped by tiny-bert's 64 positions
    const m = await xlt("node", ["pretrain", "--model", deriv, "--train", c, "--derived", d, "--steps", "2", "--batch-size", "2", "--quiet", "--out", join(dir, "mlm")]);
    expect(m.stderr).toBe("");
    expect(m.code).toBe(0);
    const mr = JSON.parse(readFileSync(join(dir, "mlm", "run.json"), "utf8"));
    expect(mr.vocab_per_language).toBe(244);
    expect(mr.max_length).toBe(64);
    const dm = await xlt("node", ["pretrain", "--objective", "dict-mlm", "--model", deriv, "--train", c, "--derived", d, ...SMALL, "--out", join(dir, "dict")]);
    expect(dm.code).toBe(0);
  }, 300_000);

  it("--dump-grads of align-mlm, xlm and dict-mlm (two micro-batches) recomputed in plain torch", async () => {
    if (!(await haveTorch())) {
      console.warn(`skipped: ${PY} has no torch (apt-get install python3-torch)`);
      return;
    }
    const dir = tmp();
    const c = corpus(dir);
    const deriv = join(dir, "deriv");
    expect((await xlt("node", ["derive", "--transform", "trans", "--model", TINY_BERT, "--input", c, "--out", deriv])).code).toBe(0);
    for (const obj of ["align-mlm", "xlm", "dict-mlm"]) {
      // lr 0: the written model is the one the dumped batch ran through
      const out = join(dir, obj);
      const dump = join(dir, `${obj}.safetensors`);
      const r = await xlt("node", ["pretrain", "--objective", obj, "--model", deriv, "--train", c, "--derived", join(deriv, "en.txt"), "--steps", "1", "--lr", "0",
        "--dropout", "0", "--batch-size", "6", "--micro-batch", "4", "--max-length", "24", ...(obj === "xlm" ? ["--tlm-rate", "1"] : []), "--quiet", "--out", out, "--dump-grads", dump]);
      expect(r.code, r.stderr).toBe(0);
      const py = await runProgram(PY, [join(ROOT, "scripts/check_pretrain_grads.py"), out, dump]);
      expect(py.stdout + py.stderr).toMatch(new RegExp(`gradients of ${obj} .* match torch`));
      expect(py.code).toBe(0);
    }
  }, 300_000);

  it("the built-in demo path (no data given; --steps 3 here) writes a checkpoint and reports the loss", async () => {
    const dir = tmp();
    const out = join(dir, "demo");
    const r = await xlt("node", ["pretrain", "--steps", "3", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/built-in demo: a tiny BERT/);
    expect(r.stdout).toMatch(/pre-trained mlm for 3 steps on \d+ sequences: loss [\d.]+ \(first 10%\) → [\d.]+/);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).demo).toBe(true);
    if (await haveTorch()) {
      const py = await runProgram(PY, [join(ROOT, "scripts/check_mlm_output.py"), out]);
      expect(py.stdout).toMatch(/ok {3}BertForMaskedLM/);
      expect(py.code).toBe(0);
    }
  }, 300_000);

  it("bad input: one line, non-zero exit, nothing written", async () => {
    const dir = tmp();
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "\n\n");
    const out = join(dir, "out");
    const base = ["pretrain", "--tokenizer", TINY_BERT, "--size", "tiny", "--arch", "bert", ...SMALL, "--out", out];
    const cases: [string[], RegExp][] = [
      [[...base, "--train", empty], /empty\.txt: the corpus is empty/],
      [[...base, "--train", join(dir, "missing.txt")], /missing\.txt: cannot read the corpus/],
      [[...base, "--train", corpus(dir), "--objective", "elmo"], /--objective must be one of mlm, xlm, dict-mlm, align-mlm/],
      [[...base, "--train", corpus(dir), "--objective", "align-mlm"], /--objective align-mlm needs a derived-language corpus/],
      [[...base, "--train", corpus(dir), "--derived", corpus(dir, "d.txt"), "--objective", "align-mlm"], /not the two-language tokenizer of xlt derive/],
      // random binary input is refused, as embed, vocab and align refuse it (it used to be trained on)
      [[...base, "--train", binary(dir)], /random\.bin:1: the corpus looks binary \(NUL byte\)/],
      [["pretrain", "--tokenizer", TINY_BERT, "--size", "huge", "--train", corpus(dir), "--out", out], /--size must be one of tiny, small, base/],
      [[...base, "--train", corpus(dir), "--size", "small"], /--size is given twice \('tiny', then 'small'\)/],
      [["pretrain", "--train", corpus(dir), "--size", "tiny", "--out", out], /needs --tokenizer DIR/],
    ];
    for (const [args, msg] of cases) {
      const r = await xlt("node", args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
    // a line longer than a packed sequence (xlm / dict-mlm cannot cut it)
    const deriv = join(dir, "deriv");
    expect((await xlt("node", ["derive", "--transform", "trans", "--model", TINY_BERT, "--input", corpus(dir), "--out", deriv])).code).toBe(0);
    const long = join(dir, "long.txt");
    writeFileSync(long, "the cat sleeps on the sofa . ".repeat(6) + "\n");
    const r = await xlt("node", ["pretrain", "--objective", "dict-mlm", "--model", deriv, "--train", long, "--derived", join(deriv, "en.txt"), ...SMALL, "--out", out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/long\.txt: line 1 has \d+ tokens, more than the 16 of a sequence/);
    expect(existsSync(out)).toBe(false);
    // the original text given as --derived (it used to be accepted: ids below V trained as the derived language)
    for (const objective of ["mlm", "align-mlm"]) {
      const o = await xlt("node", ["pretrain", "--objective", objective, "--model", deriv, "--train", corpus(dir), "--derived", corpus(dir, "orig.txt"), ...SMALL, "--out", out]);
      expect(o.code, o.stderr).not.toBe(0);
      expect(o.stderr).toMatch(/^xlt pretrain: .*orig\.txt: not derived text: token '\S+' has id \d+, outside the derived ids 244\.\.487; --derived takes the output of xlt derive --transform trans/);
      expect(o.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  }, 300_000);

  it("runs on Deno with the same first loss as on Node", async () => {
    const dir = tmp();
    const c = corpus(dir);
    const args = (rt: string) => ["pretrain", "--train", c, "--tokenizer", TINY_BERT, "--size", "tiny", "--arch", "bert", "--steps", "1", "--batch-size", "4", "--max-length", "16", "--quiet", "--out", join(dir, rt), "--log", join(dir, `${rt}.jsonl`)];
    const n = await xlt("node", args("node"));
    const d = await xlt("deno", args("deno"));
    expect(n.code).toBe(0);
    expect(d.stderr).toBe("");
    expect(d.code).toBe(0);
    const loss = (rt: string) => JSON.parse(readFileSync(join(dir, `${rt}.jsonl`), "utf8").trim()).loss;
    expect(Math.abs(loss("node") - loss("deno"))).toBeLessThan(1e-4);
  }, 300_000);
});
