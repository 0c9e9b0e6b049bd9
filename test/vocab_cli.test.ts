// `xlt vocab` end to end: byte-level BPE and WordPiece trained from corpus files, the output directory read by
// xlt's loadTokenizer and by @huggingface/tokenizers alike, the same bytes from Node and Deno, and bad input:
// one line, non-zero exit, nothing written.
import { Tokenizer } from "@huggingface/tokenizers";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { xlt } from "./lib/cli.ts";
import { SHARED_DATA } from "./lib/fixtures.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-vocab-cli-"));

const SAMPLE = [
  "The cat sat on the mat. The dog sat on the log.",
  "Die Katze saß auf der Matte, der Hund auf dem Holz.",
  "Кошка сидела на коврике.",
  "猫はマットの上に座った。",
  "",
].join("\n");

/** two corpus files: the sample, and up to 300 EWT sentences when ../shared/data is present */
function corpus(dir: string): string[] {
  writeFileSync(join(dir, "a.txt"), SAMPLE);
  const ewt = join(SHARED_DATA, "ud/UD_English-EWT/en_ewt-ud-dev.conllu");
  const lines = existsSync(ewt) ? readFileSync(ewt, "utf8").split("\n").filter((l) => l.startsWith("# text = ")).slice(0, 300).map((l) => l.slice(9)) : [SAMPLE];
  writeFileSync(join(dir, "b.txt"), lines.join("\n") + "\n");
  return [join(dir, "a.txt"), join(dir, "b.txt")];
}

describe("xlt vocab end to end", () => {
  it("bpe on Node: tokenizer.json read alike by xlt and @huggingface/tokenizers; the same files from Deno", async () => {
    const dir = tmp();
    const files = corpus(dir);
    const args = (out: string) => ["vocab", ...files.flatMap((f) => ["--corpus", f]), "--vocab-size", "600", "--out", out];
    const r = (await xlt("node", args(join(dir, "n"))));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^xlt vocab: bpe, 600 tokens, 339 merges from \d+ distinct words/);
    const out = join(dir, "n");
    expect(readdirSync(out).sort()).toEqual(["merges.txt", "tokenizer.json", "tokenizer_config.json", "vocab-train.json", "vocab.json"]);
    const tok = loadTokenizer(out);
    const hf = new Tokenizer(JSON.parse(readFileSync(join(out, "tokenizer.json"), "utf8")), {});
    expect(tok.model).toBe("bpe");
    expect(tok.vocabSize).toBe(600);
    for (const line of SAMPLE.split("\n").filter((l) => l)) expect([...tok.prefix, ...tok.encodeWord(line), ...tok.suffix]).toEqual(hf.encode(line).ids);
    expect(JSON.parse(readFileSync(join(out, "vocab-train.json"), "utf8"))).toMatchObject({ kind: "bpe", vocabSize: 600, minFrequency: 2, corpus: files, vocab: 600 });
    const d = (await xlt("deno", args(join(dir, "d"))));
    expect(d.stderr).toBe("");
    expect(d.code).toBe(0);
    for (const f of ["tokenizer.json", "merges.txt", "vocab.json"]) expect(readFileSync(join(dir, "d", f), "utf8")).toBe(readFileSync(join(out, f), "utf8"));
  });

  it("wordpiece --lowercase: vocab.txt, tokenizer.json with a lowercasing BertNormalizer, same ids in HF", async () => {
    const dir = tmp();
    const files = corpus(dir);
    const out = join(dir, "wp");
    const r = (await xlt("node", ["vocab", "--kind", "wordpiece", "--lowercase", ...files.flatMap((f) => ["--corpus", f]), "--vocab-size", "800", "--min-frequency", "1", "--out", out]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const vocab = readFileSync(join(out, "vocab.txt"), "utf8").trimEnd().split("\n");
    expect(vocab.slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    expect(vocab.some((t) => t.startsWith("##"))).toBe(true);
    const json = JSON.parse(readFileSync(join(out, "tokenizer.json"), "utf8"));
    expect(json.normalizer.lowercase).toBe(true);
    const tok = loadTokenizer(out);
    const hf = new Tokenizer(json, {});
    for (const line of SAMPLE.split("\n").filter((l) => l)) expect([...tok.prefix, ...tok.encodeWord(line), ...tok.suffix]).toEqual(hf.encode(line).ids);
    expect(tok.encodeWord("THE").map((i) => tok.idToToken(i))).toEqual(["the"]);
  });
});

describe("xlt vocab rejects bad input with one line and writes nothing", () => {
  const bad = async (args: string[], re: RegExp, runtime: "node" | "deno" = "node") => {
    const dir = tmp();
    corpus(dir);
    writeFileSync(join(dir, "empty.txt"), "");
    writeFileSync(join(dir, "blank.txt"), "\n  \n");
    writeFileSync(join(dir, "bin.txt"), new Uint8Array([97, 0, 98]));
    writeFileSync(join(dir, "latin1.txt"), new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    mkdirSync(join(dir, "adir"));
    const out = join(dir, "out");
    const r = (await xlt(runtime, args.map((a) => a.replace("DIR", dir)).concat(["--out", out])));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  };
  it("empty corpus", () => bad(["vocab", "--corpus", "DIR/a.txt", "--corpus", "DIR/empty.txt"], /empty\.txt: the corpus is empty/));
  it("empty corpus (Deno)", () => bad(["vocab", "--corpus", "DIR/empty.txt"], /empty\.txt: the corpus is empty/, "deno"));
  it("blank corpus", () => bad(["vocab", "--corpus", "DIR/blank.txt"], /blank\.txt: the corpus is empty \(only blank lines\)/));
  it("missing corpus", () => bad(["vocab", "--corpus", "DIR/nope.txt"], /nope\.txt: cannot read the corpus/));
  // (not DIR itself: --out DIR/out lies inside it, which checkOutputs refuses first)
  it("a directory as corpus", () => bad(["vocab", "--corpus", "DIR/adir"], /adir: cannot read the corpus/));
  it("binary corpus", () => bad(["vocab", "--corpus", "DIR/bin.txt"], /bin\.txt:1: the corpus looks binary/));
  it("corpus not UTF-8", () => bad(["vocab", "--corpus", "DIR/latin1.txt"], /latin1\.txt: the corpus is not valid UTF-8/));
  it("no corpus", () => bad(["vocab"], /--corpus/));
  it("unknown kind", () => bad(["vocab", "--corpus", "DIR/a.txt", "--kind", "unigram"], /--kind must be one of bpe, wordpiece, got 'unigram'/));
  it("--lowercase with bpe", () => bad(["vocab", "--corpus", "DIR/a.txt", "--lowercase"], /--lowercase applies only with --kind wordpiece, not --kind bpe/));
  it("vocabulary too small for byte-level BPE", () => bad(["vocab", "--corpus", "DIR/a.txt", "--vocab-size", "100"], /--vocab-size 100 is too small: bpe needs at least 261/));
  it("vocabulary too small for WordPiece: the same rule, not more tokens than asked", () => bad(["vocab", "--kind", "wordpiece", "--corpus", "DIR/a.txt", "--vocab-size", "20"], /--vocab-size 20 is too small: wordpiece needs at least \d+ \(5 specials and the corpus's \d+ characters and ##-continuations\)/));
  it("vocabulary size not a number", () => bad(["vocab", "--corpus", "DIR/a.txt", "--vocab-size", "8k"], /--vocab-size must be an integer/));
  it("an existing output directory is kept; --overwrite replaces only xlt's files", async () => {
    const dir = tmp();
    const [a] = corpus(dir);
    const out = join(dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "mine.txt"), "keep me");
    const r = (await xlt("node", ["vocab", "--corpus", a, "--vocab-size", "300", "--out", out]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exists and is not empty; pass --overwrite/);
    expect(readdirSync(out)).toEqual(["mine.txt"]);
    expect((await xlt("node", ["vocab", "--corpus", a, "--vocab-size", "300", "--out", out, "--overwrite"])).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["merges.txt", "mine.txt", "tokenizer.json", "tokenizer_config.json", "vocab-train.json", "vocab.json"]);
  });
  it("the corpus as --out", async () => {
    const dir = tmp();
    const [a] = corpus(dir);
    const r = (await xlt("node", ["vocab", "--corpus", a, "--out", dir, "--overwrite"]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/contains the input --corpus/);
    expect(readFileSync(a, "utf8")).toBe(SAMPLE);
  });
});
