// `xlt align`: extracts realignment word pairs with the papers' bilingual-dictionary rule and post-filter
// (Gaschi et al. 2023; multilingual_eval/datasets/realignment_dataset.py in the papers' code) and writes
// them in Pharaoh format, one line per input sentence pair, so the result can be inspected or passed back to `--alignments` with the same sentence source.
import { XltError } from "../src/errors.ts";
import { writeFileAtomic } from "../src/io/atomic.ts";
import { extractLanguagePairs, parseLangSpec } from "../src/data/pairs.ts";
import { type Command, num } from "./options.ts";

export const alignCommand: Command = {
  summary: "extract word pairs from parallel text with a MUSE dictionary (Pharaoh output)",
  description: [
    "Sentence source (one of): --pairs FILE ('english ||| target' per line, split into words with \\w+|[^\\w\\s]+),",
    "--parallel EN_FILE,XX_FILE (raw sentence-aligned files), --conllu EN.conllu,XX.conllu (paired by '# sent_id',",
    "words = FORM column). Links: a word is linked when the dictionary match is unambiguous both ways; then",
    "only one-to-one links between different strings are kept. Output: line k holds the links 'i-j' of",
    "sentence pair k (input line k for --pairs/--parallel), empty when it has none.",
  ].join("\n"),
  options: {
    pairs: { type: "string", meta: "FILE", help: "'english ||| target' file" },
    parallel: { type: "string", meta: "EN,XX", help: "two raw sentence-aligned text files, comma-separated" },
    conllu: { type: "string", meta: "EN,XX", help: "two CoNLL-U files paired by '# sent_id' (e.g. PUD)" },
    dictionary: { type: "string", meta: "FILE", help: "MUSE bilingual dictionary ('english target' per line)" },
    limit: { type: "string", meta: "N", help: "read at most N sentence pairs" },
    out: { type: "string", meta: "FILE", help: "output Pharaoh file (written atomically)" },
  },
  async run(values) {
    if (!values.out) throw new XltError("--out FILE is required");
    if (!values.dictionary) throw new XltError("--dictionary FILE is required");
    const given = ["pairs", "parallel", "conllu"].filter((k) => values[k] !== undefined);
    if (given.length !== 1) throw new XltError(`give exactly one of --pairs, --parallel, --conllu (got ${given.length ? given.map((k) => "--" + k).join(", ") : "none"})`);
    const [spec] = parseLangSpec({ [given[0]]: values[given[0]], dictionary: values.dictionary });
    if (values.limit !== undefined) spec.limit = num("limit", values.limit, { int: true, min: 1 });
    const x = extractLanguagePairs(spec);
    const text = x.links.map((ls) => ls.map(([i, j]) => `${i}-${j}`).join(" ") + "\n").join("");
    writeFileAtomic(values.out, text);
    const { sentences, withLinks, links } = x.stats;
    console.log(
      `xlt align: ${sentences} sentence pairs read, ${withLinks} with links (${((100 * withLinks) / Math.max(1, sentences)).toFixed(1)}%), ${links} links -> ${values.out}`,
    );
    return 0;
  },
};
