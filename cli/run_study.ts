// `xlt run --study align-mlm`: the ALIGN-MLM experiment (src/run/study_align_mlm.ts). Its options join
// `xlt run`'s; the shared ones (--train, --test, --task, --seeds, --epochs, --out, --cell, --jobs, --merge,
// --dry-run, …) mean the same there.
import { XltError } from "../src/errors.ts";
import { getGpu } from "../src/gpu/device.ts";
import { checkOutputs, ownNames } from "../src/io/outputs.ts";
import { slurmScriptPath } from "../src/run/cells.ts";
import { measurePeak } from "../src/train/roofline.ts";
import { SIZES, type Size } from "../src/pretrain/model.ts";
import type { Task } from "../src/tasks/labels.ts";
import {
  describeStudy, isStudyDir, mergeStudy, parseObjectives, parseTransforms, runStudy, STUDY_OBJECTIVES, STUDY_OUT_NAMES, STUDY_TRANSFORMS, studyCells,
  type StudyPlan, writeStudyJobs,
} from "../src/run/study_align_mlm.ts";
import { type Opt, parseNumber } from "./options.ts";

export const STUDY_OPTIONS: Record<string, Opt> = {
  study: { type: "string", meta: "align-mlm", help: "run the ALIGN-MLM study (objectives × transforms × seeds) instead of the realignment grid" },
  objectives: { type: "string", meta: "O,O,...", help: `study: pre-training objectives (default ${STUDY_OBJECTIVES.join(",")})` },
  transforms: { type: "string", meta: "T,T,...", help: `study: derived languages (default ${STUDY_TRANSFORMS.join(",")})` },
  corpus: { type: "string", meta: "FILE", help: "study: original-language pre-training text, one sentence per line" },
  tokenizer: { type: "string", meta: "DIR", help: "study: directory with the original tokenizer.json (doubled to 2V for Trans)" },
  size: { type: "string", default: "small", meta: "tiny|small|base", help: "study: model size preset" },
  arch: { type: "string", default: "roberta", meta: "roberta|bert", help: "study: architecture" },
  "pretrain-steps": { type: "int", min: 1, default: 1000, meta: "N", help: "study: pre-training steps per cell" },
  "pretrain-batch-size": { type: "int", min: 1, default: 32, meta: "N", help: "study: sequences per pre-training step" },
  "max-length": { type: "int", min: 4, default: 128, meta: "N", help: "study: tokens per pre-training sequence" },
  "pretrain-lr": { type: "number", min: 0, default: 5e-4, help: "study: peak pre-training learning rate" },
  "bilingual-rate": { type: "number", min: 0, max: 1, default: 0.5, help: "study: align-mlm and dict-mlm dictionary share of the V ids" },
  lambda: { type: "number", min: 0, default: 10, help: "study: align-mlm weight of the cosine term" },
};

export async function runStudyCommand(v: Record<string, any>): Promise<number> {
  if (v.study !== "align-mlm") throw new XltError(`--study ${v.study}: the only study is align-mlm`);
  for (const k of ["corpus", "tokenizer", "train", "test"]) if (!v[k]?.length) throw new XltError(`--study align-mlm needs --${k}`);
  if (v.test.length !== 1) throw new XltError("--study align-mlm takes one --test FILE (the original-language test set; the study derives its twin)");
  checkOutputs({
    dirs: { out: v.out }, files: { jobs: v.jobs, "jobs (its Slurm script)": v.jobs && slurmScriptPath(v.jobs) },
    inputs: { corpus: v.corpus, tokenizer: v.tokenizer, train: v.train, test: v.test },
    writes: { out: ownNames("the study's", STUDY_OUT_NAMES) }, overwrite: v.overwrite, resume: isStudyDir(v.out),
  });
  if (!(SIZES as readonly string[]).includes(v.size)) throw new XltError(`--size must be one of ${SIZES.join(", ")}, got '${v.size}'`);
  if (v.arch !== "roberta" && v.arch !== "bert") throw new XltError(`--arch must be roberta or bert, got '${v.arch}'`);
  const task = v.task as Task;
  if (!["pos", "ner", "xnli"].includes(task)) throw new XltError(`--task ${task}: use pos, ner or xnli`);
  const plan: StudyPlan = {
    corpus: v.corpus, tokenizer: v.tokenizer, task, train: v.train, test: String(v.test[0]).replace(/^[A-Za-z][\w-]*=/, ""),
    objectives: parseObjectives(v.objectives ?? STUDY_OBJECTIVES.join(",")),
    transforms: parseTransforms(v.transforms ?? STUDY_TRANSFORMS.join(",")),
    seeds: (v.seeds ?? "42").split(",").map((x: string) => x.trim()).filter(Boolean).map((x: string) => parseNumber("seeds", x, { type: "int" })),
    size: v.size as Size, arch: v.arch, pretrainSteps: v["pretrain-steps"], pretrainBatch: v["pretrain-batch-size"], maxLength: v["max-length"],
    pretrainLr: v["pretrain-lr"], bilingualRate: v["bilingual-rate"], lambda: v.lambda, epochs: v.epochs, finetuneLr: v["finetune-lr"],
    trainLimit: v["train-limit"], batchSize: v["batch-size"], out: v.out, keepModels: !!v["keep-models"], quiet: !!v.quiet,
  };
  studyCells(plan); // validates the matrix before anything else
  if (v.merge) {
    const m = await mergeStudy(plan);
    console.log(`merged ${m.done} cells: ${m.files.join(", ")}`);
    return 0;
  }
  if (v.jobs) {
    const slurm = writeStudyJobs(plan, (globalThis as any).process?.argv?.slice(3) ?? [], v.jobs);
    console.log(`wrote ${studyCells(plan).length} cell commands to ${v.jobs} and a Slurm array script ${slurm}`);
    return 0;
  }
  if (v["dry-run"]) {
    const peak = await measurePeak(await getGpu()).catch(() => null);
    console.log(describeStudy(plan, peak?.gflops ?? null));
    return 0;
  }
  await runStudy(plan, v.cell);
  if (v.cell === undefined) console.log(`study done: ${(await mergeStudy(plan)).files.join(", ")}`);
  else console.log(`cell ${v.cell} done; gather finished cells with --merge`);
  return 0;
}
