// `xlt pretrain`: masked-LM pre-training with the objectives of ALIGN-MLM (mlm, xlm, dict-mlm, align-mlm).
import { join } from "node:path";
import { checkOutputs, checkpointWrites } from "../src/io/outputs.ts";
import { ensurePretrainDemo } from "../src/pretrain/demo.ts";
import { type ARCHS, presetConfig, readConfigFile, type Size } from "../src/pretrain/model.ts";
import { pretrain, type PretrainingObjective } from "../src/train/objectives/pretrain.ts";
import { readConfig } from "../src/train/config.ts";
import { PRETRAIN_OPTIONS } from "../src/train/configs/pretrain.ts";
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
  options: PRETRAIN_OPTIONS,
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
      ...readConfig(PRETRAIN_OPTIONS, v), objective, train, derived, config, configWhere: v.config ?? "--size preset", tokenizer, steps,
      maxLength: demo ? 64 : maxLength, lr: v.lr ?? (v.model ? 5e-5 : 5e-4), meta: { demo },
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
