// What a training objective is to the one training loop (src/train/trainer.ts): the model and data it
// trains, its parameter groups, its batches and how one is recorded (forward and backward into the
// training state, gradients added into the zeroed buffers), an optional epoch hook, and what it saves. The
// loop owns the rest: the optimizer, resume, pipelining, the health flag, --profile phases, checkpoints,
// --log, run.json and teardown. The objectives are in src/train/objectives/.
import type { Gpu } from "../gpu/device.ts";
import type { Encoder } from "../../models/encoder.ts";
import type { HeadTensors } from "../../models/head_tensors.ts";
import type { Tensor } from "../gpu/tensor.ts";
import type { Loss } from "../../models/micro_batches.ts";
import type { ProfileSession } from "../profile/session.ts";
import type { ParamGroup } from "./adam.ts";
import type { StepStatus } from "./pipeline.ts";
import type { RunSettings } from "./resume.ts";

export type { Loss };

/** What recording a step leaves on the GPU: its weighted losses, and other values the step's one read copies beside them. */
export interface Recorded {
  losses: Loss[];
  /** read with the losses (StepStatus.extra); e.g. pre-training's alignment term and mean cosine */
  extra?: Tensor;
}

/** A step the loop has read back: its number, its batch, what the read brought and the training seconds
 * since the run began (across resumes). */
export interface SettledStep<B> {
  step: number;
  batch: B;
  status: StepStatus;
  /** the step's loss (lossOf) */
  loss: number;
  elapsed: number;
  /** throughput so far, in the objective's units per second */
  rate: number;
  /** the learning rate the step was taken with */
  lr: number;
}

/** What the loop knows at the end of a run, for the objective's outputs and run.json. */
export interface RunSummary {
  steps: number;
  losses: number[];
  finalLoss: number;
  /** training seconds since the run began, a resumed run's earlier part included (its checkpoint's clock) */
  seconds: number;
  /** the objective's units (pairs, examples, tokens) the steps of this process went through */
  seen: number;
  /** the seconds of this process alone, over which `seen` was counted (a rate is seen / processSeconds) */
  processSeconds: number;
}

/** The files of a finished run: written into the output directory's temporary twin, beside run.json. */
export interface Outputs {
  write(dir: string): void;
  /** run.json */
  run: Record<string, unknown>;
  /** the files of an earlier run in the directory this one replaces (checkpointFiles) */
  replaces: RegExp;
}

/** The epoch hook's view of the run. */
export interface EpochContext {
  prof: ProfileSession;
  log?: string;
}

export interface Objective<B> {
  readonly gpu: Gpu;
  /** the encoder it trains (built on the training state the loop passed it) and its heads */
  readonly encoder: Encoder;
  readonly heads: HeadTensors[];
  /** the --profile session's label ("realign", "finetune pos", …) */
  readonly label: string;
  /** optimizer steps of the whole run */
  readonly steps: number;
  /** what a resume must match (src/train/resume.ts), keyed by option */
  readonly settings: RunSettings;
  /** whether --resume checks that --steps is not below the checkpoint's step (runs whose length is --steps) */
  readonly stepsGiven: boolean;
  /** which option may differ when a saved tensor does not fit (resume) */
  readonly resumeHint: string;
  /** the optimizer: Adam (decoupled: AdamW), its base rate, clipping; the health flag's label */
  readonly optimizer: { lr: number; decoupled?: boolean; maxGradNorm?: number; health: string };

  /** Adam's parameter groups */
  paramGroups(): ParamGroup[];
  /** the tensors a resumable state holds, by name */
  stateParams(): Map<string, Tensor>;
  /** learning rate of optimizer step `step` (1-based) */
  lr(step: number): number;
  /** the batch of step `step` (steps come in order, from the first after the checkpoint on) */
  nextBatch(step: number): B;
  /** records step `step`'s forward and backward: gradients added into the (zeroed) buffers */
  record(batch: B, step: number): Recorded;
  /** how many units (pairs, examples, tokens) a batch holds */
  units(batch: B): number;
  /** the step's loss from what its read brought (default: the weighted sum of the losses) */
  lossOf?(status: StepStatus): number;
  /** the progress bar's text of a settled step */
  progress(s: SettledStep<B>): string;
  /** the step's --log line */
  logLine(s: SettledStep<B>): Record<string, unknown>;

  /**
   * the JSON side files of a checkpoint, by file name (default: progress.json with the losses so far; an
   * objective that keeps more, or moves its data along as it goes, gives these three)
   */
  checkpointSide?(losses: number[]): Record<string, unknown>;
  /**
   * resume: takes its side files back (as checkResumable read and checked them, by name), returning the
   * losses so far, and moves its data to the step after `start` (the batches an uninterrupted run would see)
   */
  restore?(side: Record<string, any>, start: number): number[];
  /** resume: whether a --log line of the interrupted run stays (default: the lines of steps up to the checkpoint) */
  keepsLogLine?(rec: Record<string, unknown>, start: number): boolean;

  /** whether an epoch ends after step `step` with work of its own (a dev evaluation) */
  epochEnds?(step: number): boolean;
  /** that work, after the step's loss is read and before a checkpoint at the same step */
  endEpoch?(step: number, ctx: EpochContext): Promise<void>;
  /** --dump-grads: writes the batch's gradients, before any update */
  dumpGradients?(path: string, batch: B): Promise<void>;

  /** the run's outputs (reads the trained weights off the GPU) */
  outputs(r: RunSummary): Promise<Outputs>;
  /** frees the model and its heads (the training state is the loop's) */
  dispose(): void;
}
