// `xlt derive`: writes a synthetic language (ALIGN-MLM's Trans, Inv, Trans+Inv) from original-language
// files: a text corpus, CoNLL-U, WikiANN IOB2 or XNLI TSV, labels following their words.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { XltError } from "../src/errors.ts";
import { checkOutputs, type OwnName, ownNames } from "../src/io/outputs.ts";
import { writeDirAtomic } from "../src/io/atomic.ts";
import { buildTokenizer, TokenizerError, wordPieceTokenizerJson } from "../src/io/tokenize.ts";
import { type DeriveFormat, deriveFile, derivedNames, detectDeriveFormat, FORMATS, parseTransform, transformProblem, TRANSFORMS } from "../src/synthetic/derive.ts";
import { TRANS_MODEL_FILES, writeTransModel } from "../src/synthetic/extend_model.ts";
import { doubleTokenizerJson, sharedIds, transliterateWord } from "../src/synthetic/trans.ts";
import { type Command, UsageError } from "./options.ts";

/** --tokenizer and --model serve Trans only (Inv works on words) */
const TRANS = { option: "transform", values: ["trans", "trans+inv"] } as const;

function readInput(path: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new XltError(`${path}: cannot read input (missing or unreadable)`);
  }
  if (bytes.length === 0) throw new XltError(`${path}: input is empty`);
  if (bytes.indexOf(0) >= 0) throw new XltError(`${path}: input looks binary (NUL byte), expected UTF-8 text`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new XltError(`${path}: input is not valid UTF-8 text`);
  }
}

/** DIR/tokenizer.json, or a BERT DIR/vocab.txt as loadTokenizer reads it */
function tokenizerJsonOf(dir: string): any {
  const vocabTxt = join(dir, "vocab.txt");
  if (!existsSync(join(dir, "tokenizer.json")) && existsSync(vocabTxt)) {
    const cfg = join(dir, "tokenizer_config.json");
    const lower = existsSync(cfg) ? !!readJson(cfg, "tokenizer_config.json").do_lower_case : false;
    return wordPieceTokenizerJson(readFileSync(vocabTxt, "utf8").split(/\r?\n/), lower);
  }
  return readJson(join(dir, "tokenizer.json"), "tokenizer.json");
}

function readJson(path: string, what: string): any {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new XltError(`${path}: cannot read ${what} (missing or not JSON)`);
  }
}

export const deriveCommand: Command = {
  summary: "derive a synthetic language (ALIGN-MLM Trans, Inv, Trans+Inv) from text, CoNLL-U, IOB2 or XNLI files",
  description: [
    "Inv reverses the words of each sentence (a final . ! ? stays last), tags moving with their words: IOB2",
    "spans are relabelled B, I…; CoNLL-U ids are renumbered and HEAD remapped (range lines and empty nodes",
    "dropped, DEPS/MISC '_'); plain text is cut into sentences, one per line (NAME.orig.EXT holds the same",
    "sentences uninverted, line-aligned); XNLI premise and hypothesis are inverted separately.",
    "Trans gives the derived language its own vocabulary: original id i becomes i+V (the sequence specials",
    "stay shared). Each subword piece is written as two Yi syllables (base-1024 digits of i), the pieces of a",
    "word separated by spaces, and OUT/tokenizer.json (from --tokenizer or --model) maps them to i+V. With",
    "--model, OUT also holds the model with the doubled embedding table (new rows N(0, σ²), σ = initializer_range; or --init copy).",
    "Every input is written to OUT under its own name; OUT/derive.json records what was done.",
  ].join("\n"),
  options: {
    transform: { type: "string", required: true, meta: TRANSFORMS.join("|"), check: transformProblem, help: "the derived language (see above)" },
    input: { type: "string", required: true, multiple: true, meta: "FILE", help: "an original-language file (repeat for several)" },
    format: { type: "string", choices: FORMATS, help: "input format (default: from the extension .txt .conllu .iob2 .tsv, or the columns of an extensionless file)" },
    tokenizer: { type: "string", meta: "DIR", appliesWith: TRANS, help: "Trans: the original tokenizer (DIR/tokenizer.json)" },
    model: { type: "string", meta: "DIR", appliesWith: TRANS, help: "Trans: a Hugging Face snapshot; its tokenizer is used and its doubled model written to OUT" },
    init: { type: "string", default: "normal", choices: ["normal", "copy"], appliesWith: { option: "model" }, help: "Trans with --model: new embedding rows drawn N(0, initializer_range²) or copied from the original rows" },
    seed: { type: "int", default: 42, help: "seed of the new embedding rows" },
    out: { type: "string", required: true, meta: "DIR", help: "output directory (an existing non-empty one needs --overwrite)" },
    overwrite: { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" },
  },
  async run(v) {
    const transform = parseTransform(v.transform);
    const inputs: string[] = v.input ?? [];
    if (v.format !== undefined && !(FORMATS as string[]).includes(v.format)) throw new XltError(`unknown --format '${v.format}' (expected ${FORMATS.join(", ")})`);
    if (v.init !== "normal" && v.init !== "copy") throw new XltError(`--init must be normal or copy, got '${v.init}'`);
    const seed: number = v.seed;
    const trans = transform !== "inv";
    const inv = transform !== "trans";
    if (!trans && (v.model || v.tokenizer)) throw new XltError("--tokenizer/--model are for Trans only (Inv works on words)");
    if (trans && !v.model && !v.tokenizer) throw new XltError(`--transform ${transform} needs --tokenizer DIR or --model DIR (Trans works on token ids)`);
    // each input's format decides the names it is written under (plain text under Inv has a .orig twin)
    const read = inputs.map((p) => {
      const text = readInput(p);
      const format = (v.format as DeriveFormat | undefined) ?? detectDeriveFormat(p, text.split("\n")[0]);
      if (!format) throw new XltError(`${p}: cannot tell the format from the extension; give --format ${FORMATS.join("|")}`);
      return { path: p, text, format, names: derivedNames(p, format, inv) };
    });
    // every name derive writes into OUT, so that no two of them (nor an input) meet there
    const writes: OwnName[] = read.flatMap((r) => [
      { name: r.names.derived, what: `the derived --input ${r.path}` },
      ...(r.names.original ? [{ name: r.names.original, what: `the original sentences of --input ${r.path}` }] : []),
    ]);
    writes.push(...ownNames("derive's", [...(v.model ? TRANS_MODEL_FILES : trans ? ["tokenizer.json"] : []), "derive.json"]));
    checkOutputs({ dirs: { out: v.out }, inputs: { input: v.input, tokenizer: v.tokenizer, model: v.model }, writes: { out: writes }, overwrite: v.overwrite });
    let tokJson: any = null;
    let modelVocab: number | null = null;
    if (trans) {
      const dir = v.model ?? v.tokenizer;
      if (!dir) throw new UsageError(`--transform ${transform} needs --tokenizer DIR or --model DIR (Trans works on token ids)`);
      tokJson = tokenizerJsonOf(dir);
      if (v.model) modelVocab = readJson(join(v.model, "config.json"), "config.json").vocab_size;
    }
    const tok = tokJson ? buildTokenizer(tokJson, "tokenizer.json") : null;
    if (tok && modelVocab !== null && modelVocab !== tok.vocabSize) {
      throw new TokenizerError(`${v.model}: config vocab_size ${modelVocab} differs from the tokenizer's ${tok.vocabSize} tokens; Trans needs them equal`);
    }
    // a tokenizer Trans cannot double is an error before anything is derived or written
    const doubled = tok ? doubleTokenizerJson(tokJson, tok.vocabSize) : null;
    const opts = { inv, trans: tok ? (w: string) => transliterateWord(tok, w) : null };
    // derive every input before writing anything
    const results = read.map((r) => ({ ...r, derived: deriveFile(r.format, r.path, r.text, opts) }));
    await writeDirAtomic(v.out, (tmp) => {
      for (const r of results) {
        writeFileSync(join(tmp, r.names.derived), r.derived.text);
        if (r.names.original) writeFileSync(join(tmp, r.names.original), r.derived.original ?? "");
      }
      if (v.model) writeTransModel(v.model, tmp, { init: v.init, seed });
      else if (doubled) writeFileSync(join(tmp, "tokenizer.json"), JSON.stringify(doubled));
      const manifest = {
        transform,
        inputs: results.map((r) => ({ file: r.path, format: r.format, units: r.derived.units, droppedConlluLines: r.derived.dropped })),
        ...(tok ? { vocab: tok.vocabSize, shared: [...sharedIds(tok)].sort((a, b) => a - b), spelling: "twin(i) = U+A000+⌊i/1024⌋, U+A000+(i mod 1024) → id i+V" } : {}),
        ...(v.model ? { model: v.model, init: v.init, seed } : {}),
      };
      writeFileSync(join(tmp, "derive.json"), JSON.stringify(manifest, null, 2) + "\n");
    });
    for (const r of results) {
      const d = r.derived.dropped ? ` (${r.derived.dropped} multi-word-token/empty-node lines dropped)` : "";
      console.log(`xlt derive: ${r.path} (${r.format}): ${r.derived.units} ${r.format === "xnli" ? "pairs" : r.format === "text" ? "lines" : "sentences"} -> ${join(v.out, basename(r.path))}${d}`);
    }
    if (tok) console.log(`xlt derive: vocabulary ${tok.vocabSize} -> ${2 * tok.vocabSize}${v.model ? " (model and tokenizer)" : " (tokenizer)"} in ${v.out}`);
    return 0;
  },
};
