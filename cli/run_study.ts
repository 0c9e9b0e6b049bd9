// `xlt run --study align-mlm`: the ALIGN-MLM experiment (src/run/study_align_mlm.ts). Its options join
// `xlt run`'s; the shared ones (--train, --test, --task, --seeds, --epochs, --out, --cell, --jobs, --merge,
// --dry-run, …) mean the same there.
import { getGpu } from "../src/gpu/device.ts";
import { checkOutputs, ownNames } from "../src/io/outputs.ts";
import { slurmScriptPath } from "../src/run/cells.ts";
import { measurePeak } from "../src/train/roofline.ts";
import type { Size } from "../src/pretrain/model.ts";
import type { Task } from "../src/tasks/labels.ts";
import {
  describeStudy, isStudyDir, mergeStudy, parseObjectives, parseTransforms, runStudy, STUDY_OBJECTIVES, STUDY_OUT_NAMES, STUDY_TRANSFORMS, studyCells,
  type StudyPlan, writeStudyJobs,
} from "../src/run/study_align_mlm.ts";
import { listItems, parseNumber, UsageError } from "./options.ts";

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
    size: v.size as Size, arch: v.arch, pretrainSteps: v["pretrain-steps"], pretrainBatchSize: v["pretrain-batch-size"], maxLength: v["max-length"],
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
