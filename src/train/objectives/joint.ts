// Realignment during fine-tuning (`xlt finetune --realign-during`): the joint strategy of Gaschi et al.
// (2023), "during" in the method spec §1.2 (epoch_loop.py in the papers' code). Every optimiser step of the
// task also draws one realignment batch (16 sentence pairs; the stream is cycled when it runs out) and
// trains on
//   task_loss + weight · realign_loss        (weight = realignment_coef = 0.1)
// with the same contrastive loss as `xlt realign` (hidden_states[N-1], projection head H→H→ReLU→128 that is
// trained along, τ = 0.1), one backward and one optimiser (the task's Adam and LR schedule) over the encoder,
// the task head and the realignment head.
//
// Freezing follows the papers' "during_partial_freeze" strategies (AlignFreeze): the realignment
// gradients of the frozen groups are dropped before the task's backward, so those groups learn from the
// task alone, as in "before" where freezing applies to the realignment phase only.
//
// The objective wraps the fine-tuning one: the same batches, schedule, epochs and outputs, with the
// realignment head's parameters in its optimizer group and the realignment loss added to each step.
import { join } from "node:path";
import type { Gpu } from "../../gpu/device.ts";
import type { Tensor } from "../../gpu/tensor.ts";
import { type ModelConfig, sequenceLength } from "../../io/checkpoint.ts";
import { writeF32 } from "../../io/safetensors_write.ts";
import { XltError } from "../../errors.ts";
import { groupOf } from "../../../models/encoder.ts";
import { REALIGNMENT_HEAD_FILE, RealignmentHead } from "../../../models/realignment_head.ts";
import { PairBatcher } from "../../data/pairs.ts";
import type { PairExample, SideBatch } from "../../data/side_batch.ts";
import { type RealignSetup, realignStep } from "../realign.ts";
import type { ParamGroup } from "../adam.ts";
import { frozenGroups } from "../freeze.ts";
import { dataFingerprint, type RunSettings } from "../resume.ts";
import type { EpochContext, Loss, Objective, Outputs, RunSummary, SettledStep } from "../objective.ts";
import type { Encoder } from "../../../models/encoder.ts";
import type { HeadTensors } from "../../../models/head_tensors.ts";
import type { WordTokenizer } from "../../io/tokenize.ts";

/**
 * What the joint objective adds realignment to: a task objective with one optimizer group over an encoder,
 * whose run.json takes the realignment's record (fine-tuning, src/train/objectives/finetune.ts).
 */
export interface TaskObjective<B> extends Objective<B> {
  readonly encoder: Encoder;
  /** the model's tokenizer (the realignment pairs are tokenized with it) */
  readonly tokenizer: WordTokenizer;
  /** the run's seed (the realignment head's initialisation, the pair stream's order, dropout) */
  readonly seed: number;
  epochEnds(step: number): boolean;
  endEpoch(step: number, ctx: EpochContext): Promise<void>;
  checkpointSide(losses: number[]): Record<string, unknown>;
  restore(side: Record<string, any>, start: number): number[];
  keepsLogLine(rec: Record<string, unknown>, start: number): boolean;
  /** the outputs, `extra` going into run.json before the caller's meta */
  outputs(r: RunSummary, extra?: Record<string, unknown>): Promise<Outputs>;
}

/** The papers' realignment_coef for the joint loss. */
export const REALIGN_WEIGHT = 0.1;

export interface RealignDuringOptions {
  /** realignment pairs, already in stream order (realignStream) */
  examples: PairExample[];
  /** groups the realignment loss does not update (lower | upper | none | list, as `xlt realign`) */
  freeze: string;
  /** hidden_states index the loss reads; default N-1 (the published setup) */
  layer?: number;
  /** projection head width, null = no head */
  projection: number | null;
  tau: number;
  /** sentence pairs per realignment batch (16 in the papers) */
  batchSize: number;
  /** weight of the realignment loss in the joint loss (0.1 in the papers) */
  weight: number;
  /** subword tokens per realignment sentence; default 96 or the model's limit */
  maxLength?: number;
  /** recorded in run.json beside the settings (e.g. the aligner) */
  meta?: Record<string, unknown>;
}

function realignLayer(o: RealignDuringOptions, cfg: ModelConfig): number {
  const N = cfg.layers;
  const layer = o.layer ?? N - 1;
  if (!Number.isInteger(layer) || layer < 1 || layer > N) {
    throw new XltError(`--layer ${o.layer}: the model's hidden states are 0 (embeddings) to ${N}; the realignment loss needs 1-${N}`);
  }
  return layer;
}

/** The settings a resumed joint run must share, checked before any GPU work (a bad --freeze or --layer fails here). */
export function jointSettings(o: RealignDuringOptions, cfg: ModelConfig): RunSettings {
  if (!(o.weight >= 0) || !Number.isFinite(o.weight)) throw new XltError(`--realign-weight must be a finite number ≥ 0, got ${o.weight}`);
  const frozen = frozenGroups(o.freeze, cfg.layers);
  return {
    "--realign-during": true,
    "--freeze": `frozen ${[...frozen].join(",") || "nothing"}`,
    "--layer": realignLayer(o, cfg),
    "--projection": o.projection ?? "none",
    "--tau": o.tau,
    "--realign-batch-size": o.batchSize,
    "--realign-weight": o.weight,
    "--realign-max-length": sequenceLength(cfg, o.maxLength, 96, "--realign-max-length"),
    "the realignment data": dataFingerprint(o.examples),
  };
}

/** One realignment batch as realignStep reads it. */
export interface RealignBatch {
  left: SideBatch;
  right: SideBatch;
  links: { l: number; r: number }[];
}

/**
 * Records one joint step's gradients into the (zeroed) gradient buffers: the realignment forward/backward
 * with its loss scaled by `weight`, then the realignment gradients of `frozen` cleared, then `task()` (the
 * task's forward/backward over its micro-batches). Returns the task's losses followed by the realignment
 * loss (unscaled, weight `weight`), so their weighted sum is the joint loss.
 */
export function recordJointStep(setup: RealignSetup, batch: RealignBatch, dropoutStep: number, weight: number, frozen: Tensor[], task: () => Loss[]): Loss[] {
  const { loss } = realignStep(setup, batch.left, batch.right, batch.links, dropoutStep, true, weight);
  for (const grad of frozen) grad.zero();
  return [...task(), { t: loss, w: weight }];
}

/** A task objective with the realignment loss of one batch of parallel data added to every step. */
export class JointObjective<B> implements Objective<B> {
  readonly layer: number;
  readonly frozen: string[];
  readonly maxLength: number;
  readonly head: RealignmentHead | null = null;
  private readonly batcher: PairBatcher;
  /** gradient buffers of the frozen groups the loss reaches (blocks below the loss's layer, the embeddings) */
  private readonly frozenGrads: Tensor[];
  private pairs = 0;
  // the task's run, as the task objective has it
  readonly gpu: Gpu;
  readonly label: string;
  readonly steps: number;
  readonly stepsGiven: boolean;
  readonly resumeHint: string;
  readonly optimizer: Objective<B>["optimizer"];

  /** `settings`: the task's and jointSettings', checked on resume */
  constructor(readonly task: TaskObjective<B>, readonly o: RealignDuringOptions, readonly settings: RunSettings) {
    ({ gpu: this.gpu, label: this.label, steps: this.steps, stepsGiven: this.stepsGiven, resumeHint: this.resumeHint, optimizer: this.optimizer } = task);
    const enc = task.encoder;
    const cfg = enc.cfg;
    this.layer = realignLayer(o, cfg);
    const frozen = frozenGroups(o.freeze, cfg.layers);
    this.frozen = [...frozen];
    this.maxLength = sequenceLength(cfg, o.maxLength, 96, "--realign-max-length");
    this.frozenGrads = [...enc.grads].filter(([n]) => frozen.has(groupOf(n)) && !(groupOf(n).startsWith("layer.") && Number(groupOf(n).slice(6)) >= this.layer)).map(([, t]) => t);
    const seed = task.seed;
    if (o.projection !== null) {
      this.head = new RealignmentHead(this.gpu, cfg.hidden, o.projection, seed);
      this.head.enableGrads();
    }
    this.batcher = new PairBatcher(o.examples, task.tokenizer, cfg, { batchSize: o.batchSize, maxLength: this.maxLength, seed });
  }

  get encoder(): Encoder {
    return this.task.encoder;
  }

  get heads(): HeadTensors[] {
    return [...this.task.heads, ...(this.head ? [this.head] : [])];
  }

  /** The task's one group, with the realignment head's parameters after the task's. */
  paramGroups(): ParamGroup[] {
    const head = this.head;
    const extra = head ? [...head.grads].map(([name, grad]) => ({ name, param: head.params.get(name)!, grad })) : [];
    const [group, ...more] = this.task.paramGroups();
    if (more.length) throw new Error("realignment during training needs a task objective with one optimizer group");
    return [{ ...group, params: [...group.params, ...extra] }];
  }

  stateParams(): Map<string, Tensor> {
    const m = this.task.stateParams();
    for (const [n, p] of this.head?.params ?? []) m.set(n, p);
    return m;
  }

  lr(step: number): number {
    return this.task.lr(step);
  }

  nextBatch(step: number): B {
    return this.task.nextBatch(step);
  }

  /** The realignment batch's gradients (frozen groups' dropped), then the task's. */
  record(batch: B, step: number) {
    const b = this.batcher.next();
    this.pairs += b.pairs;
    // dropout streams of their own: 2^45 + seed·2^32 + 2·step + {1,2}, above every task stream (< 2^44)
    const dropoutStep = 2 ** 44 + (this.task.seed % 4096) * 2 ** 31 + step;
    const setup: RealignSetup = { encoder: this.task.encoder, layer: this.layer, head: this.head?.weights ?? null, headGrads: this.head?.gradients ?? null, tau: this.o.tau };
    return { losses: recordJointStep(setup, b, dropoutStep, this.o.weight, this.frozenGrads, () => this.task.record(batch, step).losses) };
  }

  units(batch: B): number {
    return this.task.units(batch);
  }

  progress(s: SettledStep<B>): string {
    return this.task.progress(s);
  }

  /** The task's line, with the task loss and the (unweighted) realignment loss. */
  logLine(s: SettledStep<B>): Record<string, unknown> {
    const v = s.status.values ?? [];
    const realign = v[v.length - 1];
    return { ...this.task.logLine(s), task_loss: s.status.loss - this.o.weight * realign, realign_loss: realign };
  }

  checkpointSide(losses: number[]) {
    return this.task.checkpointSide(losses);
  }

  /** The task's side file, and the realignment stream advanced past the steps before the checkpoint. */
  restore(side: Record<string, any>, start: number): number[] {
    for (let s = 0; s < start; s++) this.pairs += this.batcher.next().pairs;
    return this.task.restore(side, start);
  }

  keepsLogLine(rec: Record<string, unknown>, start: number): boolean {
    return this.task.keepsLogLine(rec, start);
  }

  epochEnds(step: number): boolean {
    return this.task.epochEnds(step);
  }

  endEpoch(step: number, ctx: EpochContext): Promise<void> {
    return this.task.endEpoch(step, ctx);
  }

  /** The task's checkpoint with the realignment head beside it, and run.json's record of the realignment. */
  async outputs(r: RunSummary): Promise<Outputs> {
    const head = await this.head?.readParams();
    const c = this.batcher.counters;
    const task = await this.task.outputs(r, {
      realign_during: {
        weight: this.o.weight,
        freeze: this.o.freeze,
        frozen: this.frozen,
        layer: this.layer,
        projection: this.o.projection,
        tau: this.o.tau,
        batch_size: this.o.batchSize,
        max_length: this.maxLength,
        examples: this.o.examples.length,
        pairs_seen: this.pairs,
        passes: c.epoch,
        dropped_links: c.droppedLinks,
        ...this.o.meta,
      },
    });
    return {
      ...task,
      write: (dir) => {
        task.write(dir);
        if (head) writeF32(join(dir, REALIGNMENT_HEAD_FILE), head);
      },
    };
  }

  dispose(): void {
    this.task.dispose();
    this.head?.dispose();
  }
}
