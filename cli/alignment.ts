// `xlt alignment`: the per-layer word-retrieval alignment metric (Gaschi et al. 2023) of a model.
import { checkOutputs } from "../src/io/outputs.ts";
import { getGpu } from "../src/gpu/device.ts";
import { loadCheckpoint } from "../src/io/checkpoint.ts";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { LANG_SPEC_HELP, parseLangSpec } from "../src/data/pairs.ts";
import { loadAlignedPairs } from "../src/align/load.ts";
import { alignmentByLayer, type LayerAlignment } from "../src/eval/alignment.ts";
import { Encoder } from "../models/encoder.ts";
import { type Command, PARALLEL_DATA_OPTIONS, UsageError } from "./options.ts";
import { runStaticAlignment } from "./alignment_static.ts";

const pct = (x: number) => (100 * x).toFixed(1).padStart(6);

/** The per-language table: one row per hidden state. */
export function formatAlignmentTable(lang: string, pairs: number, layers: LayerAlignment[]): string {
  const lines = [
    `en-${lang}: ${pairs} word pairs — cosine retrieval accuracy (%)`,
    "layer  weak fwd  weak bwd  strong fwd  strong bwd",
  ];
  for (const l of layers) {
    lines.push(`${String(l.layer).padStart(5)}  ${pct(l.weakFwd).padStart(8)}  ${pct(l.weakBwd).padStart(8)}  ${pct(l.strongFwd).padStart(10)}  ${pct(l.strongBwd).padStart(10)}`);
  }
  return lines.join("\n");
}

export const alignmentCommand: Command = {
  summary: "measure cross-lingual alignment at every layer (word-pair retrieval accuracy, weak and strong)",
  description: [
    "For the first N aligned word pairs of each language (sentence pairs shuffled with seed 42), the",
    "first-subword vector of each word at every hidden state (0 = embeddings) is compared by cosine",
    "similarity. weak: a word must find its translation among the N other-language words; strong: among",
    "the N other-language words plus the N same-language words (itself excluded). fwd = en→X, bwd = X→en.",
    LANG_SPEC_HELP,
  ].join("\n"),
  options: {
    model: { type: "string", required: true, meta: "DIR", help: "Hugging Face snapshot directory (config.json, model.safetensors, tokenizer.json)" },
    ...PARALLEL_DATA_OPTIONS,
    "align-pairs": { type: "int", min: 1, default: 1000, meta: "N", help: "aligned word pairs evaluated per language" },
    "max-length": { type: "int", min: 3, meta: "N", help: "subword tokens per sentence (default 128, or the model's position limit if smaller)" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "sentences per forward pass" },
    seed: { type: "int", default: 42, help: "seed of the sentence-pair shuffle" },
    overwrite: { type: "boolean", help: "replace existing output files" },
    json: { type: "string", meta: "FILE", help: "also write the results as JSON" },
    static: {
      type: "boolean",
      conflicts: { options: [...Object.keys(PARALLEL_DATA_OPTIONS), "align-pairs", "max-length", "batch-size"], why: "static alignment reads only the word embeddings, no sentences" },
      help: "ALIGN-MLM static-embedding alignment of a two-language (Trans) model: E[i] retrieves E[i+V]? (reads only the word embeddings: no parallel data)",
    },
  },
  async run(v) {
    checkOutputs({ files: { json: v.json }, inputs: { model: v.model, pairs: v.pairs, alignments: v.alignments, dictionary: v.dictionary, parallel: v.parallel, conllu: v.conllu }, overwrite: v.overwrite });
    if (v.static) return runStaticAlignment(v);
    const hasData = ["pairs", "parallel", "conllu"].some((k) => v[k]?.length);
    if (!hasData) throw new UsageError("no parallel data: give --pairs FILE with --alignments FILE or --dictionary FILE (or --parallel A,B / --conllu A,B)");
    const nbPairs: number = v["align-pairs"];
    const { "batch-size": batchSize, seed, "max-length": maxLength } = v;
    const specs = parseLangSpec(v);
    if (v.limit !== undefined) for (const s of specs) s.limit = v.limit;
    // read every input before any GPU work so a bad file fails fast
    const loaded = await loadAlignedPairs(specs, v.model);
    const ck = loadCheckpoint(v.model);
    const tok = loadTokenizer(v.model);
    const g = await getGpu();
    const encoder = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
    const languages: Record<string, { pairs: number; layers: LayerAlignment[] }> = {};
    try {
      for (let k = 0; k < specs.length; k++) {
        const r = await alignmentByLayer(encoder, tok, loaded[k].examples, { nbPairs, maxLength, batchSize, seed });
        languages[specs[k].lang] = { pairs: r.pairs, layers: r.layers };
        if (r.pairs < nbPairs) console.error(`warning: en-${specs[k].lang}: only ${r.pairs} of ${nbPairs} word pairs available`);
        console.log(formatAlignmentTable(specs[k].lang, r.pairs, r.layers));
      }
    } finally {
      encoder.dispose();
    }
    if (v.json) writeFileAtomic(v.json, JSON.stringify({ model: v.model, languages }, null, 2) + "\n");
    return 0;
  },
};
