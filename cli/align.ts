// `xlt align`: word links for parallel text in Pharaoh format, one line per input sentence pair, so the
// result can be inspected or passed back to `--alignments` with the same sentence source. Methods: the
// papers' bilingual-dictionary rule with its post-filter (Gaschi et al. 2023;
// multilingual_eval/datasets/realignment_dataset.py in the papers' code), fast_align's
// model trained on the input itself (src/align/fastalign.ts), or a model's embeddings (src/align/embeddings.ts).
import { checkOutputs } from "../src/io/outputs.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { extractLanguagePairs, parseLangSpec } from "../src/data/pairs.ts";
import { alignWithEmbeddings } from "../src/align/embeddings.ts";
import { type Command, UsageError } from "./options.ts";

const ALIGN_METHODS = ["dictionary", "fastalign", "embeddings"];
const EMBEDDINGS = { option: "method", values: ["embeddings"] } as const;

export const alignCommand: Command = {
  summary: "align the words of parallel text: MUSE dictionary, fast_align's model or a model's embeddings (Pharaoh output)",
  description: [
    "Sentence source (one of): --pairs FILE ('english ||| target' per line, split into words with \\w+|[^\\w\\s]+),",
    "--parallel EN_FILE,XX_FILE (raw sentence-aligned files), --conllu EN.conllu,XX.conllu (paired by '# sent_id',",
    "words = FORM column). --method dictionary (default): a word is linked when the dictionary match is",
    "unambiguous both ways, then only one-to-one links between different strings are kept (the papers' rule).",
    "--method fastalign: fast_align -d -o -v trained by EM on the input, both directions, grow-diag-final-and.",
    "--method embeddings: mutual argmax (or SimAlign's itermax) of cosine similarities of first-subword",
    "vectors at --layer of --model. fastalign and embeddings write their links unfiltered (as the tools do).",
    "Output: line k holds the links 'i-j' of sentence pair k (input line k for --pairs/--parallel).",
  ].join("\n"),
  options: {
    pairs: { type: "string", meta: "FILE", help: "'english ||| target' file" },
    parallel: { type: "string", meta: "EN,XX", help: "two raw sentence-aligned text files, comma-separated" },
    conllu: { type: "string", meta: "EN,XX", help: "two CoNLL-U files paired by '# sent_id' (e.g. PUD)" },
    method: { type: "string", default: "dictionary", choices: ALIGN_METHODS, help: "aligner (see above)" },
    dictionary: { type: "string", meta: "FILE", appliesWith: { option: "method", values: ["dictionary"] }, help: "MUSE bilingual dictionary ('english target' per line; --method dictionary)" },
    model: { type: "string", meta: "DIR", appliesWith: EMBEDDINGS, help: "Hugging Face snapshot directory (--method embeddings)" },
    layer: { type: "int", min: 0, meta: "L", appliesWith: EMBEDDINGS, help: "hidden_states index compared by --method embeddings (default min(8, N))" },
    match: { type: "string", default: "argmax", choices: ["argmax", "itermax"], appliesWith: EMBEDDINGS, help: "link extraction of --method embeddings" },
    limit: { type: "int", min: 1, meta: "N", help: "read at most N sentence pairs" },
    overwrite: { type: "boolean", help: "replace existing output files" },
    out: { type: "string", required: true, meta: "FILE", help: "output Pharaoh file (written atomically)" },
  },
  async run(values) {
    checkOutputs({ files: { out: values.out }, inputs: { model: values.model, pairs: values.pairs, parallel: values.parallel, conllu: values.conllu, dictionary: values.dictionary }, overwrite: values.overwrite });
    const method: string = values.method;
    if (method === "dictionary" && !values.dictionary) throw new UsageError("--dictionary FILE is required with --method dictionary");
    if (method === "embeddings" && !values.model) throw new UsageError("--model DIR is required with --method embeddings");
    const given = ["pairs", "parallel", "conllu"].filter((k) => values[k] !== undefined);
    if (given.length !== 1) throw new UsageError(`give exactly one of --pairs, --parallel, --conllu (got ${given.length ? given.map((k) => "--" + k).join(", ") : "none"})`);
    const match = values.match;
    const [spec] = parseLangSpec({ [given[0]]: values[given[0]], dictionary: values.dictionary, aligner: method });
    if (values.limit !== undefined) spec.limit = values.limit;
    const layer: number | undefined = values.layer;
    const computed = method === "embeddings" ? (await alignWithEmbeddings([spec], values.model, { layer, match })).get(spec.lang) : undefined;
    const x = extractLanguagePairs(spec, computed);
    // the dictionary rule's links are the papers' filtered pairs; the aligners' are what the tools write
    const links = method === "dictionary" ? x.links : x.raw;
    const text = links.map((ls) => ls.map(([i, j]) => `${i}-${j}`).join(" ") + "\n").join("");
    writeFileAtomic(values.out, text);
    const { sentences } = x.stats;
    const withLinks = links.filter((l) => l.length > 0).length;
    const total = links.reduce((a, l) => a + l.length, 0);
    console.log(
      `xlt align (${method}): ${sentences} sentence pairs read, ${withLinks} with links (${((100 * withLinks) / Math.max(1, sentences)).toFixed(1)}%), ${total} links -> ${values.out}`,
    );
    return 0;
  },
};
