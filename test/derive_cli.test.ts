// `xlt derive` and `xlt alignment --static` end to end: CoNLL-U, IOB2 and XNLI samples (hand-written, and
// real EWT / WikiANN / XNLI lines when ../shared/data is present) through Trans+Inv with tiny-bert, the
// doubled model fine-tuned for one step on the derived language, static alignment of the doubled model
// (random new rows ≈ chance, copied rows 100%), and bad input: one line, non-zero exit, nothing written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runProgram, xlt } from "./lib/cli.ts";
import { loadAll } from "../src/io/safetensors.ts";
import { writeF32 } from "../src/io/safetensors_write.ts";
import { encodeWords, loadTokenizer, type WordTokenizer } from "../src/io/tokenize.ts";
import { tokenizeLine } from "../src/pretrain/data.ts";
import { encodePair, readTokenTask, readXnli } from "../src/tasks/data.ts";
import { SHARED_DATA, TINY_BERT } from "./lib/fixtures.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-derive-cli-"));

const CONLLU = [
  "# sent_id = a1",
  "# text = The cat sat down.",
  "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_",
  "2\tcat\tcat\tNOUN\tNN\t_\t3\tnsubj\t_\t_",
  "3\tsat\tsit\tVERB\tVBD\t_\t0\troot\t_\t_",
  "4\tdown\tdown\tADV\tRB\t_\t3\tadvmod\t_\tSpaceAfter=No",
  "5\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_",
  "",
  "# sent_id = a2",
  "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_",
  "1\tdo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_",
  "2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_",
  "3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_",
  "",
].join("\n");
const IOB2 = ["en:Sioux\tB-ORG", "en:Falls\tI-ORG", "en:Arena\tI-ORG", "en:in\tO", "en:Ohio\tB-LOC", "", "en:Ann\tB-PER", "en:Lee\tI-PER", "en:.\tO", ""].join("\n");
const XNLI = ["And he said, Mama, I'm home.\tHe didn't say a word.\tcontradiction", "The cat sat.\tA cat sat!\tentailment", ""].join("\n");

function samples(dir: string): string[] {
  writeFileSync(join(dir, "s.conllu"), CONLLU);
  writeFileSync(join(dir, "s.iob2"), IOB2);
  writeFileSync(join(dir, "s.tsv"), XNLI);
  writeFileSync(join(dir, "s.txt"), "the cat sat . it was happy !\nno end here\n");
  const files = ["s.conllu", "s.iob2", "s.tsv", "s.txt"].map((f) => join(dir, f));
  const real = (p: string, name: string, n: number, sep: RegExp, join_: string) => {
    if (!existsSync(p)) return;
    writeFileSync(join(dir, name), readFileSync(p, "utf8").split(sep).slice(0, n).join(join_) + join_);
    files.push(join(dir, name));
  };
  real(join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-dev.conllu"), "ewt.conllu", 8, /\n\s*\n/, "\n\n");
  real(join(SHARED_DATA, "xnli/dev-en.tsv"), "xnli-en.tsv", 8, /\r?\n/, "\n");
  return files;
}

describe("xlt derive end to end", () => {
  it("inv on Node: CoNLL-U renumbered with HEAD remapped, IOB2 spans repaired, XNLI sides inverted", async () => {
    const dir = tmp();
    const files = samples(dir);
    const out = join(dir, "inv");
    const r = (await xlt("node", ["derive", "--transform", "inv", ...files.flatMap((f) => ["--input", f]), "--out", out]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const conllu = readFileSync(join(out, "s.conllu"), "utf8").split("\n");
    expect(conllu).toContain("# text = down sat cat The .");
    expect(conllu).toContain("1\tdown\tdown\tADV\tRB\t_\t2\tadvmod\t_\t_");
    expect(conllu).toContain("4\tThe\tthe\tDET\tDT\t_\t3\tdet\t_\t_");
    expect(conllu).toContain("5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_");
    // the multi-word token's range line is dropped, its words reversed
    expect(conllu.filter((l) => /^\d+-\d+\t/.test(l))).toEqual([]);
    expect(conllu).toContain("1\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_");
    expect(conllu).toContain("3\tdo\tdo\tAUX\tVBP\t_\t1\taux\t_\t_");
    expect(readFileSync(join(out, "s.iob2"), "utf8")).toBe(["en:Ohio\tB-LOC", "en:in\tO", "en:Arena\tB-ORG", "en:Falls\tI-ORG", "en:Sioux\tI-ORG", "", "en:Lee\tB-PER", "en:Ann\tI-PER", "en:.\tO", "", ""].join("\n"));
    expect(readFileSync(join(out, "s.tsv"), "utf8")).toBe("home I'm Mama, said, he And.\tword a say didn't He.\tcontradiction\nsat cat The.\tsat cat A!\tentailment\n");
    // text: one sentence per line, with the uninverted sentences line-aligned beside it
    expect(readFileSync(join(out, "s.txt"), "utf8")).toBe("sat cat the .\nhappy was it !\nhere end no\n");
    expect(readFileSync(join(out, "s.orig.txt"), "utf8")).toBe("the cat sat .\nit was happy !\nno end here\n");
    const manifest = JSON.parse(readFileSync(join(out, "derive.json"), "utf8"));
    expect(manifest.transform).toBe("inv");
    expect(manifest.inputs[0]).toMatchObject({ format: "conllu", units: 2, droppedConlluLines: 1 });
  });

  it("trans+inv with --model: doubled model and tokenizer, fine-tunes on the derived language, static alignment at chance; --init copy gives 100%", async () => {
    const dir = tmp();
    const files = samples(dir);
    const out = join(dir, "deriv");
    const r = (await xlt("node", ["derive", "--transform", "trans+inv", "--model", TINY_BERT, ...files.flatMap((f) => ["--input", f]), "--out", out]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("vocabulary 244 -> 488");
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).vocab_size).toBe(488);
    // every derived word is spelled in the twin script only
    const forms = readFileSync(join(out, "s.conllu"), "utf8").split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split("\t")[1]);
    for (const f of forms) expect(f).toMatch(/^[\ua000-\ua3ff ]+$/);
    const ft = (await xlt("node", ["finetune", "--task", "pos", "--model", out, "--train", join(out, "s.conllu"), "--epochs", "1", "--batch-size", "2", "--out", join(dir, "ft"), "--quiet"]));
    expect(ft.stderr.split("\n").filter((l) => /error/i.test(l))).toEqual([]);
    expect(ft.code).toBe(0);
    const st = (await xlt("node", ["alignment", "--static", "--model", out, "--json", join(dir, "static.json")]));
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(/static alignment: \d+\.\d% of 97 query ids/);
    expect(JSON.parse(readFileSync(join(dir, "static.json"), "utf8")).static.accuracy).toBeLessThan(0.2);
    const copy = join(dir, "copy");
    expect((await xlt("node", ["derive", "--transform", "trans", "--model", TINY_BERT, "--init", "copy", "--input", files[0], "--out", copy])).code).toBe(0);
    expect((await xlt("node", ["alignment", "--static", "--model", copy])).stdout).toContain("static alignment: 100.0% of 97 query ids");
  });

  it("trans with --tokenizer on Deno: the same derived files and tokenizer as on Node", async () => {
    const dir = tmp();
    const files = samples(dir).slice(0, 3);
    const args = (o: string) => ["derive", "--transform", "trans", "--tokenizer", join(TINY_BERT), ...files.flatMap((f) => ["--input", f]), "--out", o];
    expect((await xlt("node", args(join(dir, "n")))).code).toBe(0);
    const d = (await xlt("deno", args(join(dir, "d"))));
    expect(d.stderr).toBe("");
    expect(d.code).toBe(0);
    for (const f of ["s.conllu", "s.iob2", "s.tsv", "tokenizer.json"]) expect(readFileSync(join(dir, "d", f), "utf8")).toBe(readFileSync(join(dir, "n", f), "utf8"));
    expect(existsSync(join(dir, "d", "model.safetensors"))).toBe(false);
  });
});

/** ids of every unit of a derived file, as xlt's readers tokenize it (CoNLL-U/IOB2 words, XNLI pairs, text lines) */
function unitIds(path: string, tok: WordTokenizer): number[][] {
  if (path.endsWith(".conllu")) return readTokenTask("pos", path).examples.map((e) => encodeWords(tok, e.words, 100_000).ids);
  if (path.endsWith(".iob2")) return readTokenTask("ner", path).examples.map((e) => encodeWords(tok, e.words, 100_000).ids);
  if (path.endsWith(".tsv")) return readXnli(path).map((e) => encodePair(e.premise, e.hypothesis, tok, 100_000).ids);
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim()).map((l) => tokenizeLine(tok, l));
}

describe("xlt derive with a byte-level BPE tokenizer (xlt vocab --kind bpe)", () => {
  it("trans and trans+inv: every derived file reads as the original's ids + V (Node = Deno); HF tokenizers gives xlt's ids", async () => {
    const dir = tmp();
    const files = samples(dir);
    const ewtDev = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-dev.conllu");
    if (existsSync(ewtDev)) {
      // 200 real sentences as a text corpus: non-ASCII words, long words in many pieces, each line's first word
      writeFileSync(join(dir, "ewt200.txt"), readTokenTask("pos", ewtDev, { limit: 200 }).examples.map((e) => e.words.join(" ")).join("\n") + "\n");
      files.push(join(dir, "ewt200.txt"));
    }
    const ewtTrain = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-train.conllu");
    const corpus = join(dir, "corpus.txt");
    const sentences = existsSync(ewtTrain) ? readTokenTask("pos", ewtTrain, { limit: 2000 }).examples.map((e) => e.words.join(" ")) : [];
    writeFileSync(corpus, [...sentences, ...readFileSync(join(dir, "s.txt"), "utf8").split("\n")].join("\n") + "\n");
    const bpe = join(dir, "bpe");
    expect((await xlt("node", ["vocab", "--kind", "bpe", "--corpus", corpus, "--vocab-size", "1200", "--out", bpe])).code).toBe(0);
    const tok = loadTokenizer(bpe);
    const V = tok.vocabSize;
    const shift = (ids: number[]) => ids.map((i) => (i <= 2 ? i : i + V));
    const inputs = files.flatMap((f) => ["--input", f]);
    const derive = async (runtime: "node" | "deno", transform: string, out: string) => {
      const r = await xlt(runtime, ["derive", "--transform", transform, ...(transform === "inv" ? [] : ["--tokenizer", bpe]), ...inputs, "--out", join(dir, out)]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    };
    await derive("node", "trans", "t");
    await derive("deno", "trans", "t-deno");
    await derive("node", "inv", "i");
    await derive("node", "trans+inv", "ti");
    expect(readFileSync(join(dir, "t-deno", "tokenizer.json"), "utf8")).toBe(readFileSync(join(dir, "t", "tokenizer.json"), "utf8"));
    const dbl = loadTokenizer(join(dir, "t"));
    expect(dbl.vocabSize).toBe(2 * V);
    const cases: { tokenizer: string; ids: number[]; words?: string[]; text?: string }[] = [];
    for (const f of files) {
      const name = f.slice(dir.length + 1);
      expect(readFileSync(join(dir, "t-deno", name), "utf8"), name).toBe(readFileSync(join(dir, "t", name), "utf8"));
      const orig = unitIds(f, tok);
      expect(orig.length, name).toBeGreaterThan(0);
      expect(unitIds(join(dir, "t", name), dbl), `trans ${name}`).toEqual(orig.map(shift));
      expect(unitIds(join(dir, "ti", name), dbl), `trans+inv ${name}`).toEqual(unitIds(join(dir, "i", name), tok).map(shift));
      if (name.endsWith(".conllu")) {
        const words = (p: string) => readTokenTask("pos", p).examples.map((e) => e.words);
        const [a, b] = [words(f), words(join(dir, "t", name))];
        a.forEach((w, k) => cases.push({ tokenizer: bpe, words: w, ids: orig[k] }, { tokenizer: join(dir, "t"), words: b[k], ids: shift(orig[k]) }));
      }
      if (name.endsWith(".txt")) {
        const lines = (p: string) => readFileSync(p, "utf8").split("\n").filter((l) => l.trim());
        const [a, b] = [lines(f), lines(join(dir, "t", name))];
        b.forEach((text, k) => cases.push({ tokenizer: bpe, text: a[k], ids: orig[k] }, { tokenizer: join(dir, "t"), text, ids: shift(orig[k]) }));
      }
    }
    // HF's Python tokenizers, where installed (PYTHONPATH), reads the same tokenizer.json files to the same ids
    const casesFile = join(dir, "cases.json");
    writeFileSync(casesFile, JSON.stringify(cases));
    const py = existsSync("/usr/bin/python3") ? await runProgram("/usr/bin/python3", [join(ROOT, "scripts/check_hf_ids.py"), casesFile]) : { code: 2, stdout: "", stderr: "no /usr/bin/python3" };
    if (py.code === 2) console.warn(`skipped the HF tokenizers check: ${py.stderr.trim()}`);
    else {
      expect(py.stdout + py.stderr).toMatch(/check_hf_ids\.py: (\d+) of \1 cases give xlt's ids/);
      expect(py.code).toBe(0);
    }
  }, 300_000);
});

describe("xlt derive --model on a RoBERTa checkpoint with a byte-level BPE tokenizer", () => {
  it("pre-train mlm → derive trans --model → the 2V model pre-trains align-mlm on the derived corpus and fine-tunes on derived POS", async () => {
    const dir = tmp();
    const files = samples(dir);
    const X = (args: string[]) => xlt("node", args);
    const ok = (r: { code: number | null; stderr: string }) => {
      expect(r.stderr.split("\n").filter((l) => /error|at .*\.js:\d+/i.test(l))).toEqual([]);
      expect(r.code).toBe(0);
    };
    const corpus = join(dir, "s.txt");
    ok(await X(["vocab", "--kind", "bpe", "--corpus", corpus, "--vocab-size", "300", "--min-frequency", "1", "--out", join(dir, "bpe")]));
    const small = ["--steps", "1", "--batch-size", "2", "--max-length", "8", "--quiet"];
    ok(await X(["pretrain", "--objective", "mlm", "--tokenizer", join(dir, "bpe"), "--size", "tiny", "--arch", "roberta", "--train", corpus, ...small, "--out", join(dir, "m")]));
    const deriv = join(dir, "deriv");
    ok(await X(["derive", "--transform", "trans", "--model", join(dir, "m"), "--input", corpus, "--input", files[0], "--out", deriv]));
    const V = loadTokenizer(join(dir, "bpe")).vocabSize;
    expect(JSON.parse(readFileSync(join(deriv, "config.json"), "utf8")).vocab_size).toBe(2 * V);
    const all = loadAll(join(deriv, "model.safetensors"));
    expect(all.get("roberta.embeddings.word_embeddings.weight")!.shape[0]).toBe(2 * V);
    expect(all.get("lm_head.bias")!.shape).toEqual([2 * V]);
    ok(await X(["pretrain", "--objective", "align-mlm", "--model", deriv, "--train", corpus, "--derived", join(deriv, "s.txt"), ...small, "--out", join(dir, "p")]));
    ok(await X(["finetune", "--task", "pos", "--model", deriv, "--train", join(deriv, "s.conllu"), "--epochs", "1", "--batch-size", "2", "--out", join(dir, "ft"), "--quiet"]));
  }, 300_000);
});

describe("xlt derive rejects bad input with one line and writes nothing", () => {
  const bad = async (args: string[], re: RegExp, runtime: "node" | "deno" = "node") => {
    const dir = tmp();
    samples(dir);
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "blank.txt"), "\n\n");
    writeFileSync(join(dir, "data.dat"), "a b c\n");
    const out = join(dir, "out");
    const r = (await xlt(runtime, args.map((a) => a.replace("DIR", dir)).concat(["--out", out])));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  };
  it("unknown transform", () => bad(["derive", "--transform", "rot13", "--input", "DIR/s.tsv"], /--transform 'rot13': not a transform: use trans, inv or trans\+inv/));
  it("unknown transform (Deno)", () => bad(["derive", "--transform", "rot13", "--input", "DIR/s.tsv"], /--transform 'rot13': not a transform/, "deno"));
  it("perm", () => bad(["derive", "--transform", "perm", "--input", "DIR/s.tsv"], /perm is not implemented/));
  it("empty corpus", () => bad(["derive", "--transform", "inv", "--input", "DIR/empty.txt"], /empty\.txt: input is empty/));
  it("blank corpus", () => bad(["derive", "--transform", "inv", "--input", "DIR/blank.txt"], /blank\.txt: no text to derive/));
  it("missing corpus", () => bad(["derive", "--transform", "inv", "--input", "DIR/nope.txt"], /nope\.txt: cannot read input/));
  it("unknown format", () => bad(["derive", "--transform", "inv", "--input", "DIR/s.tsv", "--format", "csv"], /--format must be one of text, conllu, iob2, xnli, got 'csv'/));
  it("undetectable format", () => bad(["derive", "--transform", "inv", "--input", "DIR/data.dat"], /cannot tell the format.*--format/));
  it("wrong format for the file", () => bad(["derive", "--transform", "inv", "--input", "DIR/s.tsv", "--format", "conllu"], /s\.tsv:1: CoNLL-U token line must have 10/));
  it("trans without a tokenizer", () => bad(["derive", "--transform", "trans", "--input", "DIR/s.tsv"], /needs --tokenizer DIR or --model DIR/));
  it("trans with a BPE tokenizer whose added token lies outside its vocabulary (Node and Deno)", async () => {
    const dir = tmp();
    samples(dir);
    const added = { id: 3, content: "<extra>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
    mkdirSync(join(dir, "tok"));
    writeFileSync(join(dir, "tok", "tokenizer.json"), JSON.stringify({ added_tokens: [added], pre_tokenizer: { type: "ByteLevel" }, model: { type: "BPE", vocab: { a: 0, b: 1, c: 2 }, merges: [] } }));
    for (const runtime of ["node", "deno"] as const) {
      const out = join(dir, `out-${runtime}`);
      const r = await xlt(runtime, ["derive", "--transform", "trans", "--tokenizer", join(dir, "tok"), "--input", join(dir, "s.tsv"), "--out", out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim()).toMatch(/^xlt derive: .*BPE vocabulary has 3 tokens but the tokenizer 4 ids; Trans needs every added token inside the vocabulary$/);
      expect(existsSync(out)).toBe(false);
    }
  });
  it("an existing output directory is kept", async () => {
    const dir = tmp();
    samples(dir);
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "mine.txt"), "keep me");
    const r = (await xlt("node", ["derive", "--transform", "inv", "--input", join(dir, "s.tsv"), "--out", out]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exists and is not empty; pass --overwrite/);
    expect(readdirSync(out)).toEqual(["mine.txt"]);
    expect((await xlt("node", ["derive", "--transform", "inv", "--input", join(dir, "s.tsv"), "--out", out, "--overwrite"])).code).toBe(0);
    // asked to: xlt's files written, the user's file kept
    expect(readdirSync(out).sort()).toEqual(["derive.json", "mine.txt", "s.tsv"]);
  });
  it("alignment --static on a model never doubled (an even vocabulary, the original tokenizer) is refused, as pretrain --derived refuses it", async () => {
    const dir = tmp();
    const r = await xlt("node", ["alignment", "--static", "--model", TINY_BERT, "--json", join(dir, "s.json")]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^xlt alignment: .*tiny-bert: not a two-language \(Trans\) model: its tokenizer is not the two-language tokenizer of xlt derive --transform trans: it does not read derived text as ids 122\.\.243$/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
    expect(existsSync(join(dir, "s.json"))).toBe(false);
  });
  it("alignment --static on an odd vocabulary (not a doubled one)", async () => {
    const dir = tmp();
    const all = loadAll(join(TINY_BERT, "model.safetensors"));
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of all) {
      if (!(t.data instanceof Float32Array)) continue;
      out.set(name, name.endsWith("word_embeddings.weight") ? { shape: [243, t.shape[1]], data: t.data.slice(0, 243 * t.shape[1]) } : (t as { shape: number[]; data: Float32Array }));
    }
    writeF32(join(dir, "model.safetensors"), out);
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...JSON.parse(readFileSync(join(TINY_BERT, "config.json"), "utf8")), vocab_size: 243 }));
    const r = (await xlt("node", ["alignment", "--static", "--model", dir]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vocab_size 243 is odd/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
