// Inputs checked when they are read (issue 19), without the GPU: config.json values, tokenizer.json ids,
// safetensors headers that are not an object of entries, SQuAD answers against their contexts, one
// --vocab-size rule for both tokenizer kinds, binary text refused by every reader, and the two-language
// check `pretrain --derived` and `alignment --static` share. Each error is one line that names the fault.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/io/checkpoint.ts";
import { readHeader } from "../../src/io/safetensors.ts";
import { buildTokenizer, loadTokenizer } from "../../src/io/tokenize.ts";
import { readTextFile } from "../../src/io/words.ts";
import { readCorpus } from "../../src/pretrain/data.ts";
import { doubleTokenizerJson, twoLanguageProblem } from "../../src/synthetic/trans.ts";
import { readSquad } from "../../src/tasks/squad.ts";
import { QA_TASK } from "../../src/tasks/qa.ts";
import { trainVocab } from "../../src/vocab/train.ts";
import { type Cases, throwsLike } from "../lib/check.ts";
import { TINY_BERT } from "../lib/fixtures.ts";

export const cases: Cases = {};

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-input-checks-"));
const BERT_CONFIG = JSON.parse(readFileSync(join(TINY_BERT, "config.json"), "utf8"));
const TOKENIZER = JSON.parse(readFileSync(join(TINY_BERT, "tokenizer.json"), "utf8"));

function assert(ok: unknown, msg: string): void {
  if (!ok) throw new Error(msg);
}

cases["config.json: eps, sizes, ids and probabilities the model cannot run with are refused at load (item 5)"] = async () => {
  const with_ = (change: Record<string, unknown>) => () => parseConfig({ ...BERT_CONFIG, ...change }, "m/config.json");
  for (const eps of [-1, 0]) throwsLike(`layer_norm_eps ${eps}`, with_({ layer_norm_eps: eps }), new RegExp(`^m/config\\.json: layer_norm_eps must be a positive number .*, got ${eps}$`));
  throwsLike("layer_norm_eps as text", with_({ layer_norm_eps: "1e-12" }), /^m\/config\.json: field 'layer_norm_eps' must be a number/);
  throwsLike("hidden_size 32.5", with_({ hidden_size: 32.5 }), /^m\/config\.json: hidden_size must be a positive integer, got 32\.5$/);
  throwsLike("num_hidden_layers 0", with_({ num_hidden_layers: 0 }), /^m\/config\.json: num_hidden_layers must be a positive integer, got 0$/);
  throwsLike("vocab_size -5", with_({ vocab_size: -5 }), /vocab_size must be a positive integer, got -5/);
  throwsLike("type_vocab_size 0", with_({ type_vocab_size: 0 }), /type_vocab_size must be a positive integer, got 0/);
  throwsLike("pad_token_id 2.5", with_({ pad_token_id: 2.5 }), /^m\/config\.json: pad_token_id must be a token id in 0-243 \(vocab_size 244\), got 2\.5$/);
  throwsLike("pad_token_id -1", with_({ pad_token_id: -1 }), /pad_token_id must be a token id in 0-243/);
  throwsLike("pad_token_id past the vocabulary", with_({ pad_token_id: 244 }), /pad_token_id must be a token id in 0-243/);
  throwsLike("hidden_dropout_prob 1.5", with_({ hidden_dropout_prob: 1.5 }), /hidden_dropout_prob must be a probability between 0 and 1, got 1\.5/);
  throwsLike("initializer_range -0.02", with_({ initializer_range: -0.02 }), /initializer_range must be a positive number, got -0\.02/);
  throwsLike("classifier_dropout 2", with_({ classifier_dropout: 2 }), /classifier_dropout must be a probability between 0 and 1, got 2/);
  throwsLike("distilbert dim 0", () => parseConfig({ model_type: "distilbert", dim: 0, n_layers: 1, n_heads: 1, hidden_dim: 4, vocab_size: 9, max_position_embeddings: 8 }, "d"), /^d: dim must be a positive integer, got 0$/);
  throwsLike("XLM-R positions", with_({ model_type: "xlm-roberta", pad_token_id: 63 }), /pad_token_id 63 leaves no position/);
  // the fixtures' own configs (and HF's null classifier_dropout) load as before
  for (const a of ["bert", "distilbert", "xlmr"]) parseConfig(JSON.parse(readFileSync(join(TINY_BERT, "..", `tiny-${a}`, "config.json"), "utf8")));
};

cases["tokenizer.json: ids −3 or 2.5 are refused, whichever section holds them (item 17)"] = async () => {
  const bad = (what: string, edit: (j: any) => void, re: RegExp) => {
    const j = structuredClone(TOKENIZER);
    edit(j);
    throwsLike(what, () => buildTokenizer(j, "t/tokenizer.json"), re);
  };
  bad("vocab id -3", (j) => (j.model.vocab.the = -3), /^t\/tokenizer\.json: model\.vocab: token "the" has id -3; token ids must be non-negative integers$/);
  bad("vocab id 2.5", (j) => (j.model.vocab.the = 2.5), /token "the" has id 2\.5; token ids must be non-negative integers/);
  bad("vocab id as text", (j) => (j.model.vocab.the = "7"), /token "the" has id "7"/);
  bad("added token id", (j) => (j.added_tokens[0].id = -1), /^t\/tokenizer\.json: added_tokens: token "\[PAD\]" has id -1/);
  bad("padding id", (j) => (j.padding = { pad_id: 0.5 }), /padding\.pad_id has id 0\.5/);
  bad("post-processor id", (j) => (j.post_processor = { type: "BertProcessing", cls: ["[CLS]", 1.5], sep: ["[SEP]", 3] }), /post_processor: special token '\[CLS\]' has id 1\.5/);
  // the fixture itself loads, and a fractional id never reaches an encoding
  const tok = buildTokenizer(TOKENIZER);
  assert(tok.encodeWord("the").every((id) => Number.isInteger(id) && id >= 0), "fixture ids");
};

cases["safetensors: a header that is not an object of {dtype, shape, data_offsets} says what it is (item 18)"] = async () => {
  const dir = tmp();
  const file = (name: string, header: string) => {
    const h = new TextEncoder().encode(header);
    const b = new Uint8Array(8 + h.length);
    new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
    b.set(h, 8);
    writeFileSync(join(dir, name), b);
    return join(dir, name);
  };
  const deep = "[".repeat(5000) + "]".repeat(5000);
  throwsLike("a JSON array", () => readHeader(file("a", '[{"dtype":"F32","shape":[0],"data_offsets":[0,0]}]')), /a: header is a JSON array, expected an object \{name: \{dtype, shape, data_offsets\}\}/);
  throwsLike("deeply nested", () => readHeader(file("b", deep)), /b: header is a JSON array, expected an object/);
  throwsLike("null", () => readHeader(file("c", "null")), /c: header is null, expected an object/);
  throwsLike("a number", () => readHeader(file("d", "42")), /d: header is a JSON number, expected an object/);
  throwsLike("an entry that is an array", () => readHeader(file("e", '{"w":[[[[1]]]]}')), /e: tensor w: entry is a JSON array, expected \{dtype, shape, data_offsets\} \(corrupt header\)$/);
  throwsLike("a nested dtype", () => readHeader(file("f", '{"w":{"dtype":{"x":{"y":1}},"shape":[1],"data_offsets":[0,4]}}')), /f: tensor w: dtype is a JSON object, expected a string like "F32"/);
  throwsLike("a missing dtype", () => readHeader(file("g", '{"w":{"shape":[1],"data_offsets":[0,4]}}')), /g: tensor w: dtype is missing/);
  throwsLike("a fractional shape", () => readHeader(file("h", '{"w":{"dtype":"F32","shape":[0.5],"data_offsets":[0,2]}}')), /h: tensor w: shape \[0\.5\] is not a list of non-negative integers/);
  throwsLike("a nested shape", () => readHeader(file("i", '{"w":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}}')), /i: tensor w: shape \[\[1\]\] is not a list/);
  throwsLike("three offsets", () => readHeader(file("j", '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}')), /j: tensor w: data_offsets \[0,4,8\] is not \[begin, end\]/);
  throwsLike("metadata of numbers", () => readHeader(file("k", '{"__metadata__":{"step":3}}')), /k: __metadata__ is a JSON object, expected an object of strings/);
  // the fixtures still read
  readHeader(join(TINY_BERT, "model.safetensors"));
};

cases["SQuAD data: answers checked against the context, one line naming the question (item 14)"] = async () => {
  const dir = tmp();
  const context = "The cat sat on the mat in Zürich.";
  const squad = (qas: unknown[]) => {
    const p = join(dir, `q${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(p, JSON.stringify({ version: "1.1", data: [{ title: "t", paragraphs: [{ context, qas }] }] }));
    return p;
  };
  const q = (id: string, answers?: unknown) => ({ id, question: "Where?", ...(answers === undefined ? {} : { answers }) });
  throwsLike("answer_start 999", () => readSquad(squad([q("q1", [{ text: "mat", answer_start: 999 }])])), /question q1: answer_start 999 with a 3-character answer lies outside the 33-character context$/);
  throwsLike("answer_start -5", () => readSquad(squad([q("q2", [{ text: "mat", answer_start: -5 }])])), /question q2: answer_start -5 with a 3-character answer lies outside/);
  throwsLike("text not at answer_start", () => readSquad(squad([q("q3", [{ text: "mat", answer_start: 4 }])])), /question q3: answer "mat" does not match the context at answer_start 4, which reads "cat"$/);
  throwsLike("a missing answers key", () => readSquad(squad([q("q4")])), /question q4: no "answers" list/);
  throwsLike("answers [] in test data", () => readSquad(squad([q("q5", [])]), Infinity, true), /question q5: "answers" is empty; a test question needs at least one gold answer/);
  // code points, as SQuAD (Python) counts them: "Zürich" at 26
  const ok = readSquad(squad([q("q6", [{ text: "Zürich", answer_start: 26 }, { text: "mat", answer_start: 19 }]), q("q7", [])]));
  assert(ok.length === 2 && ok[0].answers.length === 2 && ok[1].answers.length === 0, "valid answers, and answers: [] in training data (HF run_qa: labelled [CLS])");
  // evaluation reads test files with the test rule
  const tok = loadTokenizer(TINY_BERT);
  throwsLike("evaluate's reader", () => QA_TASK.prepareTest(squad([q("q8", [])]), tok, 64), /question q8: "answers" is empty/);
};

cases["xlt vocab: one --vocab-size rule for both kinds, the specials and base symbols at least (item 11)"] = async () => {
  const text = "the cat sat on the mat\nthe dog sat on the log\n";
  throwsLike("wordpiece 20", () => trainVocab([text], { kind: "wordpiece", vocabSize: 20, minFrequency: 2 }),
    /^--vocab-size 20 is too small: wordpiece needs at least (\d+) \(5 specials and the corpus's \d+ characters and ##-continuations\); give --vocab-size \1 or more$/);
  throwsLike("bpe 100", () => trainVocab([text], { kind: "bpe", vocabSize: 100, minFrequency: 2 }),
    /^--vocab-size 100 is too small: bpe needs at least 261 \(5 specials and the 256 byte symbols\); give --vocab-size 261 or more$/);
  const min = Number(/at least (\d+)/.exec((() => {
    try {
      trainVocab([text], { kind: "wordpiece", vocabSize: 20, minFrequency: 2 });
    } catch (e) {
      return (e as Error).message;
    }
    return "";
  })())![1]);
  for (const kind of ["wordpiece", "bpe"] as const) {
    const size = kind === "bpe" ? 261 : min;
    const r = trainVocab([text], { kind, vocabSize: size, minFrequency: 2 });
    assert(r.vocabSize === size, `${kind} at its minimum ${size}: ${r.vocabSize} tokens`);
    const more = trainVocab([text], { kind, vocabSize: size + 3, minFrequency: 1 });
    assert(more.vocabSize <= size + 3, `${kind}: never more tokens than asked (${more.vocabSize} > ${size + 3})`);
  }
};

cases["binary input is refused by every text reader, pretrain's corpus included (item 12)"] = async () => {
  const dir = tmp();
  const bin = join(dir, "random.bin");
  writeFileSync(bin, Uint8Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) % 256));
  const latin1 = join(dir, "latin1.txt");
  writeFileSync(latin1, new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  throwsLike("pretrain corpus: NUL bytes", () => readCorpus(bin), /random\.bin:1: the corpus looks binary \(NUL byte\), expected UTF-8 text/);
  throwsLike("pretrain corpus: not UTF-8", () => readCorpus(latin1), /latin1\.txt: the corpus is not valid UTF-8 text/);
  throwsLike("vocab corpus", () => readTextFile(bin, "the corpus"), /random\.bin:1: the corpus looks binary/);
  const ok = join(dir, "ok.txt");
  writeFileSync(ok, "\ufeffone line\n\n two \n");
  assert(JSON.stringify(readCorpus(ok)) === JSON.stringify(["one line", " two "]), `blank lines dropped, BOM removed: ${JSON.stringify(readCorpus(ok))}`);
};

cases["a two-language (Trans) model: 2V rows and the doubled tokenizer, as pretrain and alignment --static ask (item 4)"] = async () => {
  const tok = buildTokenizer(TOKENIZER);
  const V = tok.vocabSize;
  assert(/^its tokenizer is not the two-language tokenizer of xlt derive --transform trans: it does not read derived text as ids 122\.\.243$/.test(twoLanguageProblem(V, () => tok) ?? ""),
    `tiny-bert (never doubled, an even vocabulary): ${twoLanguageProblem(V, () => tok)}`);
  assert(/^vocab_size 243 is odd/.test(twoLanguageProblem(243, () => tok) ?? ""), "an odd vocabulary");
  const doubled = buildTokenizer(doubleTokenizerJson(TOKENIZER, V));
  assert(twoLanguageProblem(2 * V, () => doubled) === undefined, "the doubled tokenizer");
  assert(/has 488 tokens but the model's vocabulary is 244/.test(twoLanguageProblem(V, () => doubled) ?? ""), "a doubled tokenizer on an undoubled model");
};
