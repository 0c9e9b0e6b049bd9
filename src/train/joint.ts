// Realignment during fine-tuning: the joint strategy of Gaschi et al. (2023), "during" in the method spec
// §1.2 (epoch_loop.py in the papers' code). Every optimiser step of the task also draws one realignment
// batch (16 sentence pairs; the stream is cycled when it runs out) and trains on
//   task_loss + weight · realign_loss        (weight = realignment_coef = 0.1)
// with the same contrastive loss as `xlt realign` (hidden_states[N-1], projection head H→H→ReLU→128 that is
// trained along, τ = 0.1), one backward and one optimiser (the task's Adam and LR schedule) over the encoder,
// the task head and the realignment head.
//
// Freezing follows the papers' "during_partial_freeze" strategies (AlignFreeze): the realignment
// gradients of the frozen groups are dropped before the task's backward, so those groups learn from the
// task alone, as in "before" where freezing applies to the realignment phase only.
import { join } from "node:path";
import type { Gpu } from "../gpu/device.ts";
import { Tensor } from "../gpu/tensor.ts";
import { type ModelConfig, sequenceLength } from "../io/checkpoint.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import { writeF32 } from "../io/safetensors_write.ts";
import { XltError } from "../errors.ts";
import { Encoder, groupOf } from "../../models/encoder.ts";
import { PairBatcher } from "../data/pairs.ts";
import type { PairExample, SideBatch } from "../data/side_batch.ts";
import { type HeadWeights, initHead, type RealignSetup, realignStep } from "./realign.ts";
import type { ParamRef } from "./adam.ts";
import { frozenGroups } from "./freeze.ts";
import { dataFingerprint, type RunSettings } from "./resume.ts";
import type { StepStatus } from "./pipeline.ts";

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

type Loss = { t: Tensor; w: number };

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

/** The realignment side of a fine-tuning run: its data stream, projection head and frozen gradients. */
export class JointRealignment {
  readonly layer: number;
  readonly frozen: string[];
  readonly maxLength: number;
  readonly head: HeadWeights | null = null;
  readonly headGrads: HeadWeights | null = null;
  private readonly batcher: PairBatcher;
  /** gradient buffers of the frozen groups the loss reaches (blocks below the loss's layer, the embeddings) */
  private readonly frozenGrads: Tensor[];
  private pairs = 0;

  constructor(g: Gpu, readonly enc: Encoder, tok: WordTokenizer, readonly o: RealignDuringOptions, readonly seed: number) {
    const cfg = enc.cfg;
    this.layer = realignLayer(o, cfg);
    const frozen = frozenGroups(o.freeze, cfg.layers);
    this.frozen = [...frozen];
    this.maxLength = sequenceLength(cfg, o.maxLength, 96, "--realign-max-length");
    this.frozenGrads = [...enc.grads].filter(([n]) => frozen.has(groupOf(n)) && !(groupOf(n).startsWith("layer.") && Number(groupOf(n).slice(6)) >= this.layer)).map(([, t]) => t);
    if (o.projection !== null) {
      this.head = initHead(g, cfg.hidden, o.projection, seed);
      this.headGrads = { w0: Tensor.zeros(g, [cfg.hidden, cfg.hidden]), w2: Tensor.zeros(g, [o.projection, cfg.hidden]) };
    }
    this.batcher = new PairBatcher(o.examples, tok, cfg, { batchSize: o.batchSize, maxLength: this.maxLength, seed });
  }

  /** The realignment head's weights and gradients, for the task's optimizer. */
  get params(): ParamRef[] {
    if (!this.head || !this.headGrads) return [];
    return [
      { name: "realignment_head.0.weight", param: this.head.w0, grad: this.headGrads.w0 },
      { name: "realignment_head.2.weight", param: this.head.w2, grad: this.headGrads.w2 },
    ];
  }

  /** Tensors a resumable state holds besides the encoder's and the task head's. */
  get state(): [string, Tensor][] {
    return this.params.map((p) => [p.name, p.param]);
  }

  /** Advances the realignment stream past `steps` optimizer steps (a resumed run sees the same batches). */
  skip(steps: number): void {
    for (let s = 0; s < steps; s++) this.pairs += this.batcher.next().pairs;
  }

  /** Records optimizer step `step`'s joint gradients; `task` records the task's (see recordJointStep). */
  record(step: number, task: () => Loss[]): Loss[] {
    const b = this.batcher.next();
    this.pairs += b.pairs;
    // dropout streams of their own: 2^45 + seed·2^32 + 2·step + {1,2}, above every task stream (< 2^44)
    const dropoutStep = 2 ** 44 + (this.seed % 4096) * 2 ** 31 + step;
    const setup: RealignSetup = { encoder: this.enc, layer: this.layer, head: this.head, headGrads: this.headGrads, tau: this.o.tau };
    return recordJointStep(setup, b, dropoutStep, this.o.weight, this.frozenGrads, task);
  }

  /** The --log fields of a step: the task loss and the (unweighted) realignment loss. */
  logFields(s: StepStatus): Record<string, number> {
    const v = s.values ?? [];
    const realign = v[v.length - 1];
    return { task_loss: s.loss - this.o.weight * realign, realign_loss: realign };
  }

  /** run.json's record of the realignment settings. */
  describe(): Record<string, unknown> {
    const c = this.batcher.counters;
    return {
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
    };
  }

  /** Reads the projection head off the GPU (null without one). */
  async readHead(): Promise<Map<string, { shape: number[]; data: Float32Array }> | null> {
    if (!this.head) return null;
    return new Map([
      ["realignment_head.0.weight", { shape: this.head.w0.shape, data: await this.head.w0.read() }],
      ["realignment_head.2.weight", { shape: this.head.w2.shape, data: await this.head.w2.read() }],
    ]);
  }

  static writeHead(dir: string, head: Map<string, { shape: number[]; data: Float32Array }>): void {
    writeF32(join(dir, HEAD_FILE), head);
  }

  release(): void {
    for (const t of [...Object.values(this.head ?? {}), ...Object.values(this.headGrads ?? {})]) t.release();
  }
}

export const HEAD_FILE = "realignment_head.safetensors";
