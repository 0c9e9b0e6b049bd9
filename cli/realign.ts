// `xlt realign`: contrastive realignment with AlignFreeze layer freezing.
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { join } from "node:path";
import { SHIPPED_LANGS, shippedBuiltin, shippedSpec } from "../src/builtin/shipped.ts";
import { LANG_SPEC_HELP, parseLangSpec, realignStream } from "../src/data/pairs.ts";
import { loadAlignedPairs } from "../src/align/load.ts";
import { REALIGNMENT_HEAD_FILE } from "../models/realignment_head.ts";
import { realign } from "../src/train/objectives/realign.ts";
import { type Command, FREEZE_SPEC, PARALLEL_DATA_OPTIONS, PROJECTION_OPTION, projectionWidth, UsageError } from "./options.ts";

export const realignCommand: Command = {
  summary: "realign an encoder with the contrastive word-alignment loss, freezing chosen layers (AlignFreeze)",
  description: [
    "Without --model and data, runs the built-in default shipped with xlt (builtin/): a small BERT that xlt",
    "pre-trained itself on UD PUD text and PUD en-de/en-fr sentence pairs with fast_align links, no download.",
    "Links come from --alignments (Pharaoh i-j per line, e.g. FastAlign or AWESOME-align output) or from",
    "--dictionary (MUSE 'src tgt' lines, with the papers' unambiguous-match rule), or from a built-in aligner",
    "run on the sentence pairs (--aligner fastalign, or embeddings of --model at layer min(8, N)).",
    LANG_SPEC_HELP,
  ].join("\n"),
  options: {
    model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory (config.json, model.safetensors, tokenizer.json)" },
    ...PARALLEL_DATA_OPTIONS,
    freeze: { type: "string", default: "none", ...FREEZE_SPEC, help: "lower | upper | none | explicit list like 0-2,embeddings" },
    layer: { type: "int", meta: "L", help: "hidden_states index the loss reads (default N-1, as the published runs)" },
    projection: PROJECTION_OPTION,
    tau: { type: "number", above: 0, default: 0.1, help: "contrastive temperature" },
    steps: { type: "int", min: 1, meta: "N", help: "optimizer steps (default 40 on the built-in data, else 1000)" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "sentence pairs per batch" },
    "max-length": { type: "int", min: 3, meta: "N", help: "subword tokens per sentence, longer ones truncated (default 96, or the model's position limit if smaller; 64 on the built-in data)" },
    lr: { type: "number", min: 0, help: "learning rate (default 2e-5 for (distil)mBERT, 7.5e-6 for XLM-R; 2e-4 for the built-in model)" },
    seed: { type: "int", default: 42, help: "seed for data order, dropout and head initialisation" },
    dropout: { type: "number", min: 0, max: 1, help: "dropout probability (default: the model's own; 0 disables)" },
    "max-grad-norm": { type: "number", above: 0, help: "clip the global gradient norm (off by default, as the papers)" },
    overwrite: { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" },
    out: { type: "string", default: "out/realign", meta: "DIR", help: "output directory (realigned checkpoint, realignment_head.safetensors, run.json)" },
    log: { type: "string", meta: "FILE", help: "append one JSON line per step (step, loss, lr, elapsed)" },
    "checkpoint-every": { type: "int", min: 0, default: 0, meta: "N", help: "save a resumable state every N steps into OUT/checkpoint" },
    resume: { type: "boolean", help: "continue from OUT/checkpoint" },
    "dump-grads": { type: "string", meta: "FILE", help: "write the first batch's gradients (before any update) to a safetensors file" },
    "init-head": { type: "string", meta: "FILE", help: "start the projection head from a realignment_head.safetensors" },
    quiet: { type: "boolean", help: "no progress bar" },
    profile: { type: "string", meta: "FILE", help: "profile the steps: per-kernel table to stderr, Chrome trace JSON to FILE" },
    "f16-frozen": { type: "boolean", help: "store frozen weight matrices and embedding tables in f16 on the GPU (adapters with shader-f16; xlt doctor); the checkpoint stays f32" },
  },
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
      if (!v.quiet) console.error(`built-in default: ${b.dir}/ (small pre-trained BERT, ${examples.length} PUD en-de/en-fr pairs)`);
    } else {
      if (!model) throw new UsageError("--model DIR is required with your own data (a Hugging Face snapshot directory)");
      if (!hasData) throw new UsageError("no parallel data: give --pairs FILE with --alignments FILE or --dictionary FILE (or --parallel A,B / --conllu A,B)");
      const specs = parseLangSpec(v);
      if (v.limit !== undefined) for (const s of specs) s.limit = v.limit;
      const loaded = await loadAlignedPairs(specs, model);
      examples = realignStream(loaded.map((l) => l.examples), v.seed);
      if (!v.quiet) specs.forEach((s, i) => console.error(`en-${s.lang}: ${loaded[i].stats.withLinks} pairs with ${loaded[i].stats.links} links`));
    }
    // The built-in model is small: a higher LR shows realignment in a few dozen steps, and 40 steps of PUD's
    // long sentences (cut at 64 subwords) keep the flagship command near 2 minutes on a software adapter.
    const steps: number = v.steps ?? (builtin ? 40 : 1000);
    const lr: number | undefined = v.lr ?? (builtin ? 2e-4 : undefined);
    const maxLength: number | undefined = v["max-length"] ?? (builtin ? 64 : undefined);
    const result = await realign({
      model,
      examples,
      out: v.out,
      freeze: v.freeze,
      layer: v.layer,
      projection: projectionWidth(v.projection),
      tau: v.tau,
      steps,
      batchSize: v["batch-size"],
      maxLength,
      lr,
      seed: v.seed,
      dropout: v.dropout,
      maxGradNorm: v["max-grad-norm"],
      log: v.log,
      checkpointEvery: v["checkpoint-every"],
      resume: !!v.resume,
      dumpGrads: v["dump-grads"],
      initHead: v["init-head"],
      quiet: !!v.quiet,
      profile: v.profile,
      f16Frozen: !!v["f16-frozen"],
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
