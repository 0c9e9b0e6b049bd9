// `xlt run --study align-mlm`: the ALIGN-MLM experiment (src/run/study_align_mlm.ts). Its options join
// `xlt run`'s; the shared ones (--train, --test, --task, --seeds, --epochs, --out, --cell, --jobs, --merge,
// --dry-run, …) mean the same there.
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
import { OBJECTIVES } from "../src/train/objectives/pretrain.ts";
import { parseTransform, transformProblem } from "../src/synthetic/derive.ts";
import { listItems, type Opt, parseNumber, UsageError } from "./options.ts";

/** A study transform must give the derived language its own vocabulary (Trans), for alignment and the dictionary. */
function studyTransformProblem(t: string): string | undefined {
  return transformProblem(t) ?? (parseTransform(t) === "inv" ? "the study needs Trans (a disjoint vocabulary for alignment and the dictionary); use trans or trans+inv" : undefined);
}

/** every study option applies only with --study (the realignment grid would ignore it) */
const STUDY_ONLY = { appliesWith: { option: "study" } } as const;

export const STUDY_OPTIONS: Record<string, Opt> = {
  study: { type: "string", choices: ["align-mlm"], help: "run the ALIGN-MLM study (objectives × transforms × seeds) instead of the realignment grid" },
  objectives: { type: "string", meta: "O,O,...", list: true, choices: OBJECTIVES, ...STUDY_ONLY, help: `study: pre-training objectives (default ${STUDY_OBJECTIVES.join(",")})` },
  transforms: { type: "string", meta: "T,T,...", list: true, check: studyTransformProblem, ...STUDY_ONLY, help: `study: derived languages, each with its own vocabulary: trans, trans+inv (default ${STUDY_TRANSFORMS.join(",")})` },
  corpus: { type: "string", ...STUDY_ONLY, meta: "FILE", help: "study: original-language pre-training text, one sentence per line" },
  tokenizer: { type: "string", ...STUDY_ONLY, meta: "DIR", help: "study: directory with the original tokenizer.json (doubled to 2V for Trans)" },
  size: { type: "string", ...STUDY_ONLY, default: "small", choices: SIZES, help: "study: model size preset" },
  arch: { type: "string", ...STUDY_ONLY, default: "roberta", choices: ["roberta", "bert"], help: "study: architecture" },
  "pretrain-steps": { type: "int", ...STUDY_ONLY, min: 1, default: 1000, meta: "N", help: "study: pre-training steps per cell" },
  "pretrain-batch-size": { type: "int", ...STUDY_ONLY, min: 1, default: 32, meta: "N", help: "study: sequences per pre-training step" },
  "max-length": { type: "int", ...STUDY_ONLY, min: 4, default: 128, meta: "N", help: "study: tokens per pre-training sequence" },
  "pretrain-lr": { type: "number", ...STUDY_ONLY, min: 0, default: 5e-4, help: "study: peak pre-training learning rate" },
  "bilingual-rate": { type: "number", ...STUDY_ONLY, min: 0, max: 1, default: 0.5, help: "study: align-mlm and dict-mlm dictionary share of the V ids" },
  lambda: { type: "number", ...STUDY_ONLY, min: 0, default: 10, help: "study: align-mlm weight of the cosine term" },
};

export async function runStudyCommand(v: Record<string, any>): Promise<number> {
  for (const k of ["corpus", "tokenizer", "train", "test"]) if (!v[k]?.length) throw new UsageError(`--study align-mlm needs --${k}`);
  if (v.test.length !== 1) throw new UsageError("--study align-mlm takes one --test FILE (the original-language test set; the study derives its twin)");
  checkOutputs({
    dirs: { out: v.out }, files: { jobs: v.jobs, "jobs (its Slurm script)": v.jobs && slurmScriptPath(v.jobs) },
    inputs: { corpus: v.corpus, tokenizer: v.tokenizer, train: v.train, test: v.test },
    writes: { out: ownNames("the study's", STUDY_OUT_NAMES) }, overwrite: v.overwrite, resume: isStudyDir(v.out),
  });
  const task = v.task as Task;
  if (!["pos", "ner", "xnli"].includes(task)) throw new UsageError(`--task ${task}: the study uses pos, ner or xnli (tasks xlt derive can write)`);
  const plan: StudyPlan = {
    corpus: v.corpus, tokenizer: v.tokenizer, task, train: v.train, test: String(v.test[0]).replace(/^[A-Za-z][\w-]*=/, ""),
    objectives: parseObjectives(v.objectives ?? STUDY_OBJECTIVES.join(",")),
    transforms: parseTransforms(v.transforms ?? STUDY_TRANSFORMS.join(",")),
    seeds: listItems(v.seeds ?? "42").map((x) => parseNumber("seeds", x, { type: "int" })),
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
