// `xlt alignment --static`: ALIGN-MLM's static-embedding alignment (align-mlm-spec.md §5.1) of a
// two-language (Trans) model: word embedding rows E[i] retrieve E[j+V] by cosine, scored on the authors'
// fixed query ids.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { XltError } from "../src/errors.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { loadCheckpoint } from "../src/io/checkpoint.ts";
import { decode, readHeader, readTensorBytes } from "../src/io/safetensors.ts";
import { staticAlignmentQueries } from "../src/eval/static_alignment.ts";
import { staticAlignmentGpu } from "../src/eval/static_alignment_gpu.ts";
import { getGpu } from "../src/gpu/device.ts";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { twoLanguageProblem } from "../src/synthetic/trans.ts";
import { UsageError } from "./options.ts";

// XLM and DICT-MLM checkpoints carry language embeddings (ids 2 = original, 3 = derived; spec §1.1)
const LANG_TABLE = /(?:^|\.)(?:lang_type_embeddings|lang_embeddings)\.weight$/;

function languageRows(dir: string, h: number): [Float32Array, Float32Array] | undefined {
  const path = join(dir, "model.safetensors");
  if (!existsSync(path)) return undefined;
  const { tensors, dataStart } = readHeader(path);
  for (const [name, info] of tensors) {
    if (!LANG_TABLE.test(name)) continue;
    if (info.shape.length !== 2 || info.shape[1] !== h || info.shape[0] < 4) throw new XltError(`${path}: ${name} has shape [${info.shape}], expected [≥4, ${h}]`);
    const t = decode(info, readTensorBytes(path, dataStart, info)) as Float32Array;
    return [t.slice(2 * h, 3 * h), t.slice(3 * h, 4 * h)];
  }
  return undefined;
}

export async function runStaticAlignment(v: Record<string, any>): Promise<number> {
  if (!v.model) throw new UsageError("--model DIR is required (a two-language checkpoint, e.g. from xlt derive --transform trans --model)");
  const seed = Number(v.seed ?? "42");
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${v.seed}'`);
  const ck = loadCheckpoint(v.model);
  const { vocab, hidden } = ck.config;
  // the check `xlt pretrain --derived` makes: a model never doubled has no twin rows to retrieve
  const notTwo = twoLanguageProblem(vocab, () => loadTokenizer(v.model));
  if (notTwo) throw new XltError(`${v.model}: not a two-language (Trans) model: ${notTwo}`);
  const lang = languageRows(v.model, hidden);
  const queries = staticAlignmentQueries(vocab / 2, seed);
  const t0 = performance.now();
  const r = await staticAlignmentGpu(await getGpu(), ck.tensors.get("embeddings.word")!.data, vocab, hidden, { lang, queries });
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `static alignment: ${(100 * r.accuracy).toFixed(1)}% of ${r.queries} query ids retrieve their own twin among ${r.vocab} derived rows` +
      ` (${lang ? "with" : "without"} language embeddings, ${secs.toFixed(1)} s)`,
  );
  if (v.json) writeFileAtomic(v.json, JSON.stringify({ model: v.model, static: { accuracy: r.accuracy, queries: r.queries, vocab: r.vocab, languageEmbeddings: !!lang, seed } }, null, 2) + "\n");
  return 0;
}
