// The one training loop behind `xlt realign`, `xlt finetune` (with or without --realign-during) and
// `xlt pretrain`: an objective (src/train/objective.ts, src/train/objectives/) says what is trained and on
// what; the Trainer does the rest, the same way for all of them:
//  - the optimizer over the objective's parameter groups, with a health flag every update ORs non-finite
//    gradients, weights or norms into (src/kernels/optim.ts);
//  - resume from OUT/checkpoint: the settings (and --model's weights) checked and the objective's side files
//    read before any GPU work (checkResumable), then the state's tensors and Adam moments, the --log cut
//    back to the checkpoint's step;
//  - steps pipelined one deep (src/gpu/in_flight.ts): step n is recorded and submitted with one read of its
//    losses and the health flag (src/train/pipeline.ts) before step n−1's read is awaited; the pipeline is
//    drained before an epoch's work (a dev evaluation), a checkpoint and the end, so nothing is saved from
//    a state past a bad loss;
//  - --profile phases per step ("step N": batch, record, submit, the wait for the GPU), the progress bar,
//    one --log line per step, a resumable checkpoint every --checkpoint-every steps (with its clock, so a
//    resumed run's --log times and run.json seconds count the whole run);
//  - at the end the objective's outputs and run.json, written atomically into OUT, and the teardown.
import { sync } from "../gpu/recorder.ts";
import { setProfileContext } from "../gpu/recorder.ts";
import type { Gpu } from "../gpu/device.ts";
import type { Tensor } from "../gpu/tensor.ts";
import { TrainingState } from "../gpu/workspace.ts";
import { OneInFlight } from "../gpu/in_flight.ts";
import { writeDirAtomic, writeFileAtomic } from "../io/atomic.ts";
import { healthFlag } from "../kernels/optim.ts";
import type { ProfileReport } from "../profile/profiler.ts";
import { ProfileSession, type SteadyState } from "../profile/session.ts";
import { GPU_WAIT_PHASE } from "../profile/table.ts";
import { Adam } from "./adam.ts";
import type { Objective, Recorded, RunSummary } from "./objective.ts";
import { checkStepStatus, readStepStatus, type StepStatus } from "./pipeline.ts";
import { Progress } from "./progress.ts";
import { appendLog, checkResume, CLOCK_FILE, isNumberList, readCheckpointClock, readResumeJson, truncateLog } from "./resume.ts";
import { loadTrainingState, saveTrainingState } from "./state.ts";
import { nodePath } from "../host.ts";

export const CHECKPOINT_DIR = "checkpoint";
/** a checkpoint's side file of the losses so far, unless the objective keeps its own */
const PROGRESS = "progress.json";

/** The JSON side files of a checkpoint by name, each with a check that it holds what xlt saved there. */
export type SideFiles = Record<string, (v: any) => boolean>;
const PROGRESS_FILES: SideFiles = { [PROGRESS]: (v) => isNumberList(v?.losses) };

/** A checkpoint's side files as checkResumable read them, by name. */
export type Resumed = Record<string, any>;

export interface TrainerOptions {
  /** the output directory; "" where the caller keeps the outputs itself (the library, a browser): no checkpoints */
  out: string;
  /** append one JSON line per step (and per epoch's dev score) */
  log?: string;
  /** save a resumable state every N steps into OUT/checkpoint (0: never) */
  checkpointEvery: number;
  resume: boolean;
  quiet?: boolean;
  /** profile the steps: kernel table to stderr, Chrome trace to this file */
  profile?: string;
  /** --dump-grads: the first step's gradients, before any update, to this file */
  dumpGrads?: string;
  /** called after each step's loss is known */
  onStep?: (step: number, loss: number) => void;
  /** extra fields recorded in run.json */
  meta?: Record<string, unknown>;
}

export interface TrainResult extends RunSummary {
  /** with `profile`: the profiler's report, and the account of the steps after the first */
  profile?: ProfileReport;
  steady?: SteadyState;
}

/** A step in flight: its work submitted, its read pending. */
interface InFlight<B> {
  step: number;
  batch: B;
  lr: number;
  status: Promise<StepStatus>;
}

/**
 * With --resume, checks before any GPU work that OUT/checkpoint holds a state this run may continue (the
 * same settings, the same --model weights; --steps not below its step where the run's length is --steps)
 * and reads its side files (`sideFiles`, default progress.json), a damaged one being a one-line error now.
 * `o.why` explains a setting in the refusal (checkResume). Returns them for Trainer.run; undefined without
 * --resume.
 */
export function checkResumable<B>(
  t: Pick<TrainerOptions, "out" | "resume">, o: Pick<Objective<B>, "settings" | "stepsGiven" | "steps"> & { why?: Record<string, string> }, sideFiles = PROGRESS_FILES,
): Resumed | undefined {
  if (!t.resume) return undefined;
  const dir = nodePath.join(t.out, CHECKPOINT_DIR);
  checkResume(dir, o.settings, o.stepsGiven ? o.steps : undefined, o.why);
  return Object.fromEntries(Object.entries(sideFiles).map(([name, valid]) => [name, readResumeJson(dir, name, valid)]));
}

export class Trainer<B> {
  /** the run's training state, which the objective's encoder and heads allocate from */
  readonly state: TrainingState;
  readonly objective: Objective<B>;
  readonly adam: Adam;
  readonly health: Tensor;

  /** `build` makes the objective on the trainer's training state, on device `g`. */
  constructor(g: Gpu, build: (state: TrainingState) => Objective<B>) {
    this.state = new TrainingState(g);
    const objective = (this.objective = build(this.state));
    const o = objective.optimizer;
    this.health = healthFlag(objective.gpu, o.health);
    this.adam = new Adam(objective.paramGroups(), { lr: o.lr, decoupled: o.decoupled, maxGradNorm: o.maxGradNorm, health: this.health });
  }

  /** Records step `step`'s forward and backward into zeroed gradients (no update yet). */
  recordGradients(batch: B, step: number): Recorded {
    this.adam.zeroGrad();
    return this.objective.record(batch, step);
  }

  /** Records the optimizer update of step `step`. */
  update(step: number): void {
    const g = this.objective.gpu;
    setProfileContext(g, "optimizer");
    this.adam.step(this.objective.lr(step));
    setProfileContext(g, undefined);
  }

  /**
   * Trains the objective's steps (from the checkpoint's with `resume`: `resumed` is what checkResumable read),
   * checkpointing into OUT/checkpoint; save() writes the outputs.
   */
  async run(o: TrainerOptions, resumed?: Resumed): Promise<TrainResult> {
    const obj = this.objective;
    const g = obj.gpu;
    const ckptDir = o.out ? nodePath.join(o.out, CHECKPOINT_DIR) : null;
    if (!ckptDir && (o.resume || o.checkpointEvery > 0)) throw new Error("Trainer.run: checkpoints and --resume need an output directory");
    let start = 0;
    // training seconds before this process (a resumed run's): --log's elapsed and the result's seconds go on
    let before = 0;
    const losses: number[] = [];
    if (o.resume) {
      if (!resumed) throw new Error("Trainer.run: --resume without checkResumable's side files");
      start = await loadTrainingState(ckptDir!, (n) => obj.stateParams().get(n), this.adam, obj.resumeHint);
      before = readCheckpointClock(ckptDir!);
      losses.push(...(obj.restore ? obj.restore(resumed, start) : resumed[PROGRESS].losses));
      // the steps after the checkpoint run again: their lines from the interrupted run go
      const keep = obj.keepsLogLine?.bind(obj) ?? ((rec: Record<string, unknown>) => typeof rec.step === "number" && rec.step <= start);
      if (o.log) truncateLog(o.log, (rec) => keep(rec, start));
      if (!o.quiet) console.error(`resuming from step ${start} (${ckptDir})`);
    }
    const progress = new Progress(obj.steps, o.quiet);
    const t0 = performance.now();
    let seen = 0;
    const prof = new ProfileSession(g, o.profile, obj.label);
    const inFlight = new OneInFlight<InFlight<B>>(async (f) => {
      const status = await prof.phase(GPU_WAIT_PHASE, () => f.status);
      const loss = obj.lossOf ? obj.lossOf(status) : status.loss;
      checkStepStatus({ ...status, loss }, f.step, ckptDir);
      losses.push(loss);
      seen += obj.units(f.batch);
      const own = (performance.now() - t0) / 1000;
      const settled = { step: f.step, batch: f.batch, status, loss, elapsed: before + own, rate: seen / own, lr: f.lr };
      progress.update(f.step, obj.progress(settled));
      o.onStep?.(f.step, loss);
      if (o.log) appendLog(o.log, obj.logLine(settled));
    }, (f) => f.status);
    try {
      for (let step = start + 1; step <= obj.steps; step++) {
        // with --profile, each step's CPU phase is split into what the host does (batch, record, submit) and
        // the wait for the GPU (for the PREVIOUS step's loss), so the trace shows both
        const endStep = prof.startPhase(`step ${step}`);
        if (step === start + 2) prof.steadyFrom(step); // after the first step (kernel compilation)
        const batch = prof.phase("batch", () => obj.nextBatch(step));
        const rec = prof.phase("record", () => this.recordGradients(batch, step));
        // the gradients before any update: drains the pipeline (reads wait for everything recorded)
        if (o.dumpGrads && step === start + 1) {
          if (!obj.dumpGradients) throw new Error(`${obj.label}: this objective does not dump its gradients`);
          await obj.dumpGradients(o.dumpGrads, batch);
        }
        prof.phase("record", () => this.update(step));
        const endSubmit = prof.startPhase("submit"); // (not phase(): that would stay open until the loss is read)
        const status = readStepStatus(rec.losses, this.health, rec.extra); // submits the step with a copy of its losses and health
        endSubmit();
        await inFlight.push({ step, batch, lr: obj.lr(step), status });
        const atEpoch = obj.epochEnds?.(step) ?? false;
        const atCheckpoint = o.checkpointEvery > 0 && step % o.checkpointEvery === 0 && step < obj.steps;
        // before an epoch's work, a checkpoint and the end: the step's phase includes the wait for its own loss
        if (step === obj.steps || atEpoch || atCheckpoint) await inFlight.drain();
        endStep();
        if (atEpoch) {
          progress.done();
          await obj.endEpoch!(step, { prof, log: o.log });
        }
        if (atCheckpoint) {
          const side: Record<string, unknown> = obj.checkpointSide ? obj.checkpointSide(losses) : { [PROGRESS]: { losses } };
          side[CLOCK_FILE] = { elapsed: before + (performance.now() - t0) / 1000 };
          await saveTrainingState(ckptDir!, obj.stateParams(), this.adam, step, side, obj.settings);
        }
      }
    } catch (e) {
      inFlight.abandon();
      await prof.abort();
      throw e;
    }
    await sync(g);
    const { report, steady } = await prof.finish({ quiet: o.quiet, lastStep: obj.steps });
    progress.done();
    const processSeconds = (performance.now() - t0) / 1000;
    const result: TrainResult = {
      steps: obj.steps, losses, finalLoss: losses.length ? losses[losses.length - 1] : NaN, seconds: before + processSeconds, seen, processSeconds,
    };
    if (report) result.profile = report;
    if (steady) result.steady = steady;
    return result;
  }

  /** Writes the objective's outputs and run.json into `out` (an existing OUT/checkpoint is kept). */
  async save(out: string, r: RunSummary): Promise<void> {
    const files = await this.objective.outputs(r);
    await writeDirAtomic(out, (tmp) => {
      files.write(tmp);
      writeFileAtomic(nodePath.join(tmp, "run.json"), JSON.stringify(files.run, null, 2) + "\n");
    }, { replaces: files.replaces });
  }

  /** Frees the optimizer, the health flag, the model and the training state. */
  dispose(): void {
    this.adam.release();
    this.health.release();
    this.objective.dispose();
    this.state.destroy();
  }
}
