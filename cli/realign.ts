// `xlt realign`: contrastive realignment with AlignFreeze layer freezing.
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { join } from "node:path";
import { SHIPPED_LANGS, SHIPPED_REALIGN, shippedBuiltin, shippedSpec } from "../src/builtin/shipped.ts";
import { LANG_SPEC_HELP, parseLangSpec, realignStream } from "../src/data/pairs.ts";
import { loadAlignedPairs } from "../src/align/load.ts";
import { REALIGNMENT_HEAD_FILE } from "../models/realignment_head.ts";
import { realign } from "../src/train/objectives/realign.ts";
import { readConfig } from "../src/train/config.ts";
import { REALIGN_OPTIONS } from "../src/train/configs/realign.ts";
import { type Command, UsageError } from "./options.ts";

export const realignCommand: Command = {
  summary: "realign an encoder with the contrastive word-alignment loss, freezing chosen layers (AlignFreeze)",
  description: [
    "Without --model and data, runs the built-in default shipped with xlt (builtin/): a small BERT that xlt",
    "pre-trained itself on UD PUD and XQuAD text (19 languages), and PUD en-de/en-fr/en-ar sentence pairs with",
    "fast_align links, no download.",
    "Links come from --alignments (Pharaoh i-j per line, e.g. FastAlign or AWESOME-align output) or from",
    "--dictionary (MUSE 'src tgt' lines, with the papers' unambiguous-match rule), or from a built-in aligner",
    "run on the sentence pairs (--aligner fastalign, or embeddings of --model at layer min(8, N)).",
    LANG_SPEC_HELP,
  ].join("\n"),
  options: REALIGN_OPTIONS,
  async run(v) {
    checkOutputs({
      dirs: { out: v.out }, files: { "dump-grads": v["dump-grads"], profile: v.profile }, appends: { log: v.log },
      inputs: { model: v.model ?? shippedBuiltin().dir, pairs: v.pairs, alignments: v.alignments, dictionary: v.dictionary, parallel: v.parallel, conllu: v.conllu, "init-head": v["init-head"] },
      writes: { out: checkpointWrites("realign", v.model ?? shippedBuiltin().model, [REALIGNMENT_HEAD_FILE]) }, overwrite: v.overwrite, resume: v.resume,
    });
    const hasData = ["pairs", "parallel", "conllu"].some((k) => v[k]?.length);
    let model: string = v.model;
    let examples;
    let builtin = false;
    if (!model && !hasData) {
      builtin = true;
      const b = shippedBuiltin();
      model = b.model;
      const specs = SHIPPED_LANGS.map((lang) => shippedSpec(b, lang, v.aligner));
      const perLang = (await loadAlignedPairs(specs, model)).map((l) => l.examples);
      examples = realignStream(perLang, v.seed);
      if (!v.quiet) console.error(`built-in default: ${b.dir}/ (small pre-trained BERT, ${examples.length} PUD ${SHIPPED_LANGS.map((l) => `en-${l}`).join("/")} pairs)`);
    } else {
      if (!model) throw new UsageError("--model DIR is required with your own data (a Hugging Face snapshot directory)");
      if (!hasData) throw new UsageError("no parallel data: give --pairs FILE with --alignments FILE or --dictionary FILE (or --parallel A,B / --conllu A,B)");
      const specs = parseLangSpec(v);
      if (v.limit !== undefined) for (const s of specs) s.limit = v.limit;
      const loaded = await loadAlignedPairs(specs, model);
      examples = realignStream(loaded.map((l) => l.examples), v.seed);
      if (!v.quiet) specs.forEach((s, i) => console.error(`en-${s.lang}: ${loaded[i].stats.withLinks} pairs with ${loaded[i].stats.links} links`));
    }
    const steps: number = v.steps ?? (builtin ? SHIPPED_REALIGN.steps : 1000);
    const lr: number | undefined = v.lr ?? (builtin ? SHIPPED_REALIGN.lr : undefined);
    const maxLength: number | undefined = v["max-length"] ?? (builtin ? SHIPPED_REALIGN.maxLength : undefined);
    const result = await realign({
      ...readConfig(REALIGN_OPTIONS, v), model, examples, steps, maxLength, lr,
      meta: { builtin, aligner: v.aligner ?? null }, // --aligner as given (null: links from --dictionary/--alignments)
    });
    const first = result.losses[0];
    console.log(
      `realigned ${result.steps} steps (freeze ${v.freeze}: frozen ${result.frozen.join(", ") || "nothing"}); ` +
        `loss ${first?.toFixed(4)} → ${result.finalLoss.toFixed(4)}; ${result.pairsPerSecond.toFixed(1)} pairs/s; wrote ${join(v.out)}/`,
    );
    return 0;
  },
};
