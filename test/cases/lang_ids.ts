// Language ids in fine-tuning and evaluation (XLM / DICT-MLM checkpoints, align-mlm-spec.md §4.2): the batch
// gets the authors' `_transitive` inputs (language id on real tokens, 1 on padding; positions
// cumsum(id ≠ pad)·(id ≠ pad) + pad), the language table loads with the encoder, --lang-id is checked against
// it, and the encoder adds the chosen row to every real token. (The encoder's sum with a language table
// against PyTorch, forward and backward: test/cases/pretrain.ts, "XLM / DICT-MLM batch with language
// embeddings".) POS is also scored with seqeval F1 over its tags, on a hand-checked example.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getGpu } from "../../src/index.ts";
import { loadCheckpoint, type ModelConfig } from "../../src/io/checkpoint.ts";
import { loadAll } from "../../src/io/safetensors.ts";
import { writeF32 } from "../../src/io/safetensors_write.ts";
import { loadTokenizer } from "../../src/io/tokenize.ts";
import { Encoder } from "../../models/encoder.ts";
import { makeBatch } from "../../src/tasks/batch.ts";
import { checkLangId } from "../../src/tasks/lang_ids.ts";
import { POS_TASK } from "../../src/tasks/token_tasks.ts";
import { cellLangIds } from "../../src/run/study_align_mlm.ts";
import { type Cases, maxRelErr } from "../lib/check.ts";
import { FIXTURES, get } from "../lib/fixtures.ts";

export const cases: Cases = {};

const TINY_XLMR = join(FIXTURES, "tiny-xlmr");

function eq(what: string, got: ArrayLike<number> | undefined, want: number[]): void {
  const g = got ? Array.from(got) : undefined;
  if (JSON.stringify(g) !== JSON.stringify(want)) throw new Error(`${what}: got ${JSON.stringify(g)}, expected ${JSON.stringify(want)}`);
}

function throwsLine(what: string, f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    const m = (e as Error).message;
    if (!re.test(m) || m.includes("\n")) throw new Error(`${what}: message ${JSON.stringify(m)} does not match ${re}`);
    return;
  }
  throw new Error(`${what}: no error`);
}

/** tiny-xlmr with a [4, H] language table (rows scaled up so that they matter) as the authors' XLM checkpoints name it. */
export function tinyXlmWithLanguages(dir: string): string {
  const out = join(dir, "xlm");
  const w = loadAll(join(TINY_XLMR, "model.safetensors"));
  const t = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [n, v] of w) t.set(n, { shape: v.shape, data: Float32Array.from(v.data) });
  const H = t.get("roberta.embeddings.word_embeddings.weight")!.shape[1];
  let s = 11;
  const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296 - 0.5) * 2;
  t.set("roberta.embeddings.lang_type_embeddings.weight", { shape: [4, H], data: Float32Array.from({ length: 4 * H }, r) });
  mkdirSync(out, { recursive: true });
  writeF32(join(out, "model.safetensors"), t, { format: "pt" });
  const cfg = JSON.parse(readFileSync(join(TINY_XLMR, "config.json"), "utf8"));
  writeFileSync(join(out, "config.json"), JSON.stringify({ ...cfg, use_lang_ids: true, num_langs: 4 }, null, 2));
  copyFileSync(join(TINY_XLMR, "tokenizer.json"), join(out, "tokenizer.json"));
  return out;
}

cases["batch: language id on real tokens, 1 on padding; XLM-R positions as the authors' _transitive scripts"] = () => {
  const cfg = loadCheckpoint(TINY_XLMR).config;
  const items = [{ ids: [0, 5, 6, 2], labels: [-100, 1, 2, -100] }, { ids: [0, 7, 2], labels: [-100, 3, -100] }];
  const m = makeBatch(cfg, items, "token", 3);
  // numpy: mask = ids != 1; positions = cumsum(mask, 1) * mask + 1; lang = full(1); lang[mask] = 3
  eq("ids", m.batch.ids, [0, 5, 6, 2, 0, 7, 2, 1]);
  eq("positions", m.batch.positions, [2, 3, 4, 5, 2, 3, 4, 1]);
  eq("language ids", m.batch.langIds, [3, 3, 3, 3, 3, 3, 3, 1]);
  eq("original language", makeBatch(cfg, items, "token", 2).batch.langIds, [2, 2, 2, 2, 2, 2, 2, 1]);
  eq("no language id", makeBatch(cfg, items, "token").batch.langIds, undefined as unknown as number[]);
};

// scripts/golden/pretrain.py's XLM batch (PyTorch checks xlt's encoder sum with a language table on it, forward
// and backward: test/cases/pretrain.ts): its row 2 is one derived-language sentence with padding, exactly what a
// fine-tuning batch of that sentence with --lang-id 3 must feed
for (const arch of ["xlmr", "bert"] as const) {
  cases[`batch (${arch}): a derived sentence with --lang-id 3 gets the PyTorch golden's positions and language ids`] = () => {
    const cfg = loadCheckpoint(join(FIXTURES, `tiny-${arch}`)).config;
    const pre = `${arch}.lang.`;
    const [, T] = get("pretrain", pre + "input_ids").shape;
    const row = (n: string) => Array.from(get("pretrain", pre + n).data.slice(2 * T, 3 * T));
    const ids = row("input_ids");
    const mask = row("attention_mask");
    const n = mask.filter((m) => m === 1).length;
    // a second, full-length item pads the sentence to the golden's T
    const m = makeBatch(cfg, [{ ids: ids.slice(0, n), labels: [] }, { ids: new Array(T).fill(5), labels: [] }], "token", 3);
    const real = (xs: ArrayLike<number>) => Array.from(xs).slice(0, n);
    eq("positions of the real tokens", real(m.batch.positions), real(row("position_ids")));
    eq("language ids of the real tokens", real(m.batch.langIds!), real(row("lang_ids")));
    // XLM-R's padding gets the pad position and pad language as in the golden (BERT counts positions on, masked out)
    if (arch === "xlmr") eq("the padded row", Array.from(m.batch.langIds!).slice(0, T), row("lang_ids"));
    if (arch === "xlmr") eq("the padded row's positions", Array.from(m.batch.positions).slice(0, T), row("position_ids"));
  };
}

cases["checkpoint: the language table loads with the encoder; --lang-id is required for it, refused without it, within its rows"] = () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-lang-"));
  try {
    const xlm = tinyXlmWithLanguages(dir);
    const ck = loadCheckpoint(xlm);
    eq("language table shape", ck.tensors.get("embeddings.lang")?.shape, [4, 48]);
    if (ck.sourceNames.get("embeddings.lang") !== "roberta.embeddings.lang_type_embeddings.weight") throw new Error(`source name ${ck.sourceNames.get("embeddings.lang")}`);
    if (loadCheckpoint(TINY_XLMR).tensors.has("embeddings.lang")) throw new Error("tiny-xlmr has no language table");
    if (checkLangId(xlm, ck.tensors, 3) !== 3 || checkLangId(xlm, ck.tensors, 0) !== 0) throw new Error("ids 0..3 are rows of the table");
    if (checkLangId(TINY_XLMR, loadCheckpoint(TINY_XLMR).tensors, undefined) !== undefined) throw new Error("no table, no id: none");
    throwsLine("table without id", () => checkLangId(xlm, ck.tensors, undefined), /has language embeddings \(an XLM \/ DICT-MLM checkpoint\): give --lang-id 2 for the original language or --lang-id 3 for the derived one$/);
    throwsLine("id past the table", () => checkLangId(xlm, ck.tensors, 4), /^--lang-id 4: .* language table has rows 0-3$/);
    throwsLine("id without table", () => checkLangId(TINY_XLMR, loadCheckpoint(TINY_XLMR).tensors, 2), /^--lang-id 2: .*tiny-xlmr has no language embeddings/);
    // a table of the wrong width is a one-line checkpoint error, not a crash later
    const w = loadAll(join(xlm, "model.safetensors"));
    const bad = new Map([...w].map(([n, v]) => [n, { shape: v.shape, data: Float32Array.from(v.data) }]));
    bad.set("roberta.embeddings.lang_type_embeddings.weight", { shape: [4, 5], data: new Float32Array(20) });
    writeF32(join(xlm, "model.safetensors"), bad, { format: "pt" });
    throwsLine("wrong width", () => loadCheckpoint(xlm), /lang_type_embeddings\.weight has shape \[4,5\] \(F32\), expected \[rows, 48\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["encoder: language id L adds row L of the table to every real token (= that row added to the token-type row), 2 and 3 differ"] = async () => {
  const g = await getGpu();
  const dir = mkdtempSync(join(tmpdir(), "xlt-lang-"));
  const encs: Encoder[] = [];
  try {
    const ck = loadCheckpoint(tinyXlmWithLanguages(dir));
    const cfg: ModelConfig = ck.config;
    const table = ck.tensors.get("embeddings.lang")!.data;
    const H = cfg.hidden;
    const items = [{ ids: [0, 5, 6, 7, 2], labels: [] }, { ids: [0, 9, 2], labels: [] }];
    const hidden = async (enc: Encoder, langId?: number) => {
      const { batch } = makeBatch(cfg, items, "token", langId);
      const st = enc.forward(batch, cfg.layers, false);
      const out = await st.hidden[cfg.layers].read();
      enc.release(st);
      // real tokens only: padding rows differ by design (pad id 1 there) and are masked out of attention
      const real: number[] = [];
      batch.mask.forEach((m, i) => m > 0 && real.push(...out.slice(i * H, (i + 1) * H)));
      return Float32Array.from(real);
    };
    const enc = new Encoder(g, cfg, ck.tensors, { dropout: 0 });
    encs.push(enc);
    const h2 = await hidden(enc, 2);
    const h3 = await hidden(enc, 3);
    // XLM-R's token-type table has one row, added to every token: folding language row 3 into it must give h3
    const folded = new Map(ck.tensors);
    folded.delete("embeddings.lang");
    const tt = Float32Array.from(ck.tensors.get("embeddings.token_type")!.data);
    for (let j = 0; j < H; j++) tt[j] += table[3 * H + j];
    folded.set("embeddings.token_type", { shape: [1, H], data: tt });
    const ref = new Encoder(g, cfg, folded, { dropout: 0 });
    encs.push(ref);
    const want = await hidden(ref);
    const err = maxRelErr(h3, want);
    if (!(err < 1e-5)) throw new Error(`language id 3 vs the row folded into the token type: max rel err ${err}`);
    if (!(maxRelErr(h2, h3) > 1e-2)) throw new Error("language ids 2 and 3 give the same hidden states");
  } finally {
    for (const e of encs) for (const t of e.params.values()) t.release();
    rmSync(dir, { recursive: true, force: true });
  }
};

cases["study: XLM and DICT-MLM fine-tune and test with language ids 2 / 3, MLM and ALIGN-MLM without"] = () => {
  eq("xlm", Object.values(cellLangIds("xlm") ?? {}), [2, 3]);
  eq("dict-mlm", Object.values(cellLangIds("dict-mlm") ?? {}), [2, 3]);
  if (cellLangIds("mlm") !== null || cellLangIds("align-mlm") !== null) throw new Error("mlm and align-mlm have no language table");
};

cases["POS: accuracy and seqeval F1 over the tags (runs of identical tags; S-initial tags are singletons), hand-checked"] = () => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-pos-f1-"));
  try {
    const path = join(dir, "test.conllu");
    const sent = (id: string, rows: [string, string][]) => [`# sent_id = ${id}`, ...rows.map(([w, t], i) => `${i + 1}\t${w}\t_\t${t}\t_\t_\t0\t_\t_\t_`), ""].join("\n");
    writeFileSync(path, sent("a", [["The", "DET"], ["big", "ADJ"], ["dog", "NOUN"], ["house", "NOUN"], ["stood", "VERB"], [".", "PUNCT"]]) + "\n" +
      sent("b", [["if", "SCONJ"], ["so", "SCONJ"]]) + "\n");
    const predicted = [["DET", "ADJ", "NOUN", "VERB", "VERB", "PUNCT"], ["SCONJ", "SCONJ"]];
    const test = POS_TASK.prepareTest(path, loadTokenizer(join(FIXTURES, "tiny-bert")), 64);
    if (test.items.length !== 2) throw new Error(`expected one chunk per sentence, got ${test.items.length}`);
    // the model's output per position: the wanted tag at each word's first subword (the labelled positions)
    const outputs = test.items.map((it, s) => {
      let w = 0;
      return it.labels.map((l) => (l === -100 ? 0 : POS_TASK.labels.indexOf(predicted[s][w++])));
    });
    const r = test.score(outputs);
    // accuracy: 7 of 8 words. seqeval reads NOUN as N + "OUN": gold chunks DET, ADJ, NOUN NOUN, VERB, PUNCT,
    // SCONJ, SCONJ (S- starts a chunk every time) = 7; predicted DET, ADJ, NOUN, VERB VERB, PUNCT, SCONJ, SCONJ
    // = 7; 5 identical (DET, ADJ, PUNCT, both SCONJ): P = R = F1 = 5/7
    if (r.metric !== "accuracy" || Math.abs(r.value - 7 / 8) > 1e-12) throw new Error(`accuracy ${r.value}, expected 7/8`);
    if (r.seqevalF1 === undefined || Math.abs(r.seqevalF1 - 5 / 7) > 1e-12) throw new Error(`seqeval F1 ${r.seqevalF1}, expected 5/7`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
