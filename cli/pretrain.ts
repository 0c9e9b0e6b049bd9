// `xlt pretrain`: masked-LM pre-training with the objectives of ALIGN-MLM (mlm, xlm, dict-mlm, align-mlm).
import { join } from "node:path";
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { ensurePretrainDemo } from "../src/pretrain/demo.ts";
import { ARCHS, presetConfig, readConfigFile, type Size, SIZES } from "../src/pretrain/model.ts";
import { OBJECTIVES, pretrain, type PretrainingObjective } from "../src/train/objectives/pretrain.ts";
import { loadTokenizer } from "../src/io/tokenize.ts";
import { type Command, UsageError } from "./options.ts";

export const DEMO_DIR = "out/builtin-pretrain";

export const pretrainCommand: Command = {
  summary: "pre-train a masked-LM encoder (mlm | xlm | dict-mlm | align-mlm), from scratch or continued",
  description: [
    "Objectives as ALIGN-MLM's code defines them (../shared/docs/align-mlm-spec.md §2): mlm and align-mlm cut the",
    "concatenated lines into blocks of --max-length tokens; xlm and dict-mlm pack whole lines with language",
    "embeddings (2 = --train, 3 = --derived); xlm adds TLM rows from line-aligned --train/--derived; align-mlm",
    "adds λ·(−mean cos(E[i], E[i+V])) over a dictionary of ⌊rate·V⌋ ids. The derived language is the output of",
    "`xlt derive --transform trans…` (its model or tokenizer has the doubled 2V vocabulary).",
    "From scratch: --tokenizer DIR (tokenizer.json) with --config FILE (an HF config.json) or --size.",
    "Without arguments: a built-in demo (a tiny BERT on generated English, out/pretrain).",
  ].join("\n"),
  options: {
    objective: { type: "string", default: "mlm", choices: OBJECTIVES, help: "pre-training objective (see above)" },
    train: { type: "string", multiple: true, meta: "FILE", help: "original-language text, one sentence or paragraph per line" },
    derived: { type: "string", multiple: true, meta: "FILE", help: "derived-language text (from xlt derive), line-aligned with --train for xlm" },
    model: { type: "string", meta: "DIR", conflicts: { options: ["config", "size"], why: "--model continues a checkpoint, --config and --size build a new one" }, help: "continue pre-training this Hugging Face checkpoint" },
    config: { type: "string", meta: "FILE", conflicts: { options: ["size"], why: "both describe the new model" }, help: "from scratch: an HF config.json (bert, roberta, xlm-roberta or distilbert)" },
    size: { type: "string", choices: SIZES, help: "from scratch: a preset size for --arch" },
    arch: { type: "string", default: "roberta", choices: ARCHS, appliesWith: { option: "size" }, help: "architecture of a --size preset" },
    tokenizer: { type: "string", meta: "DIR", help: "directory with tokenizer.json (from scratch; default: --model's)" },
    steps: { type: "int", min: 1, meta: "N", help: "optimizer steps (default 1000; 150 for the demo)" },
    "batch-size": { type: "int", min: 1, default: 32, meta: "N", help: "sequences per optimizer step" },
    "micro-batch": { type: "int", min: 1, meta: "N", help: "sequences per forward/backward (gradient accumulation); default = batch size" },
    "max-length": { type: "int", min: 4, meta: "N", help: "tokens per sequence (default 128, or the model's positions if fewer)" },
    lr: { type: "number", min: 0, help: "peak learning rate (default 5e-4 from scratch, 5e-5 continued)" },
    warmup: { type: "int", min: 0, meta: "N", help: "linear warm-up steps (default 5% of --steps), then linear decay to 0" },
    "weight-decay": { type: "number", min: 0, default: 0.01, help: "AdamW decoupled weight decay (not on biases and LayerNorm)" },
    "max-grad-norm": { type: "number", above: 0, default: 1.0, help: "clip the global gradient norm" },
    "bilingual-rate": { type: "number", min: 0, max: 1, default: 0.5, appliesWith: { option: "objective", values: ["align-mlm", "dict-mlm"] }, help: "align-mlm, dict-mlm: share of the V ids in the dictionary" },
    lambda: { type: "number", min: 0, default: 10, appliesWith: { option: "objective", values: ["align-mlm"] }, help: "align-mlm: weight of the cosine alignment term" },
    "tlm-rate": { type: "number", min: 0, max: 1, default: 0.25, appliesWith: { option: "objective", values: ["xlm"] }, help: "xlm: share of aligned line pairs sampled for TLM rows" },
    seed: { type: "int", default: 42, help: "seed for initialisation, data order, masking, dropout and the dictionary" },
    dropout: { type: "number", min: 0, max: 1, help: "dropout probability (default: the model's own)" },
    overwrite: { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" },
    out: { type: "string", default: "out/pretrain", meta: "DIR", help: "output directory (*ForMaskedLM checkpoint, tokenizer, run.json)" },
    log: { type: "string", meta: "FILE", help: "append one JSON line per step (loss, mlm, align, cos, lr, elapsed)" },
    "checkpoint-every": { type: "int", min: 0, default: 0, meta: "N", help: "save a resumable state every N steps into OUT/checkpoint" },
    resume: { type: "boolean", help: "continue from OUT/checkpoint" },
    "dump-grads": { type: "string", meta: "FILE", help: "write the first batch and the gradients after it to a safetensors file" },
    quiet: { type: "boolean", help: "no progress bar" },
    profile: { type: "string", meta: "FILE", help: "profile the steps: per-kernel table to stderr, Chrome trace JSON to FILE" },
  },
  async run(v) {
    const objective: PretrainingObjective = v.objective;
    checkOutputs({
      dirs: { out: v.out }, files: { "dump-grads": v["dump-grads"], profile: v.profile }, appends: { log: v.log },
      inputs: { train: v.train, derived: v.derived, model: v.model, config: v.config, tokenizer: v.tokenizer },
      writes: { out: checkpointWrites("pretrain", v.model ?? v.tokenizer) }, overwrite: v.overwrite, resume: v.resume,
    });
    let train: string[] = v.train ?? [];
    const derived: string[] = v.derived ?? [];
    let tokenizer: string | undefined = v.tokenizer;
    let size: string | undefined = v.size;
    let arch: string = v.arch;
    const demo = !train.length && !derived.length && !v.model && !v.config && !size && !tokenizer;
    if (demo) {
      const d = ensurePretrainDemo(DEMO_DIR);
      train = [d.corpus];
      tokenizer = d.tokenizer;
      size = "tiny";
      arch = "bert";
      if (!v.quiet) console.error(`built-in demo: a tiny BERT pre-trained on ${d.corpus} (generated English)`);
    }
    if (!train.length && !derived.length) throw new UsageError("no corpus: give --train FILE (and --derived FILE for a derived language)");
    const maxLength: number | undefined = v["max-length"];
    let config: Record<string, any> | undefined;
    if (!v.model) {
      if (!tokenizer) throw new UsageError("a model from scratch needs --tokenizer DIR (with tokenizer.json); or continue one with --model DIR");
      if (v.config) config = readConfigFile(v.config);
      else if (size) {
        const tok = loadTokenizer(tokenizer);
        config = presetConfig(size as Size, arch as (typeof ARCHS)[number], tok.vocabSize, tok.padId, demo ? 64 : Math.max(maxLength ?? 128, 128));
      } else throw new UsageError("a model from scratch needs --config FILE or --size tiny|small|base");
    }
    const steps: number = v.steps ?? (demo ? 150 : 1000);
    const r = await pretrain({
      objective, train, derived, model: v.model, config, configWhere: v.config ?? "--size preset", tokenizer, out: v.out, steps,
      batchSize: v["batch-size"], microBatch: v["micro-batch"], maxLength: demo ? 64 : maxLength,
      lr: v.lr ?? (v.model ? 5e-5 : 5e-4), warmup: v.warmup, weightDecay: v["weight-decay"],
      maxGradNorm: v["max-grad-norm"], bilingualRate: v["bilingual-rate"], lambda: v.lambda, tlmRate: v["tlm-rate"], seed: v.seed,
      dropout: v.dropout, log: v.log, checkpointEvery: v["checkpoint-every"], resume: !!v.resume, dumpGrads: v["dump-grads"],
      profile: v.profile, quiet: !!v.quiet, meta: { demo },
    });
    const q = Math.max(1, Math.floor(r.losses.length / 10));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
    console.log(
      `pre-trained ${objective} for ${r.steps} steps on ${r.rows} sequences: loss ${mean(r.losses.slice(0, q)).toFixed(4)} (first 10%) → ` +
        `${mean(r.losses.slice(-q)).toFixed(4)} (last 10%); ${r.seconds.toFixed(1)} s; wrote ${join(v.out)}/`,
    );
    return 0;
  },
};
