// Masked-LM fine-tuning, behind `xlt finetune --task mlm`: an encoder's masked-LM training continued on
// plain text (one sentence per line), e.g. a task's own text before fine-tuning on its labels (task-adaptive
// pre-training). Fine-tuning's setup (src/train/objectives/finetune.ts: epochs over the lines, Adam without
// weight decay, linear warm-up over 10% of the steps then decay to 0) with pre-training's loss: the model's
// MLM head (kept from the checkpoint, or a new one), 15% of the tokens masked as HF's collator does
// (src/pretrain/masking.ts), each line a sequence padded to its batch's longest. Writes a *ForMaskedLM
// checkpoint, which `xlt finetune --task pos|ner|xnli|qa --model OUT` takes like any other.
import { type Gpu, getGpu } from "../../gpu/device.ts";
import type { Tensor } from "../../gpu/tensor.ts";
import { checkpointFiles, modelFingerprint, sequenceLength } from "../../io/checkpoint.ts";
import { loadTokenizer, type WordTokenizer } from "../../io/tokenize.ts";
import { XltError } from "../../errors.ts";
import { shuffled } from "../../rng.ts";
import { Encoder, positionIds, tuneEncoderMatmuls } from "../../../models/encoder.ts";
import { MlmHead } from "../../../models/mlm_head.ts";
import type { HeadTensors } from "../../../models/head_tensors.ts";
import type { TrainingState } from "../../gpu/workspace.ts";
import { readCorpus, type Row, tokenizeLine } from "../../pretrain/data.ts";
import { collate } from "../../pretrain/collate.ts";
import { type PretrainBatch, recordPretrainStep } from "../../pretrain/step.ts";
import { startModel, type StartModel, writeMaskedLm } from "../../pretrain/model.ts";
import { maskIdOf } from "../../pretrain/rows.ts";
import type { ParamGroup } from "../adam.ts";
import { allGroups } from "../freeze.ts";
import { linearScheduleFactor } from "../schedule.ts";
import { dataFingerprint, MODEL_KEY, type RunSettings } from "../resume.ts";
import type { Objective, Outputs, RunSummary, SettledStep } from "../objective.ts";
import { checkResumable, Trainer } from "../trainer.ts";
import { defaultLr } from "./realign.ts";
import type { FinetuneOptions } from "./finetune.ts";

/**
 * Fine-tuning's options without those of labelled tasks: --train is plain text (one sentence per line),
 * --epochs defaults to 1, --max-length (tokens per line, longer ones cut) to 128 or the model's positions,
 * --limit counts lines.
 */
export type MlmFinetuneOptions = Omit<FinetuneOptions, "task" | "dev" | "realignDuring" | "langId">;

export interface MlmFinetuneResult {
  steps: number;
  epochs: number;
  lines: number;
  losses: number[];
  finalLoss: number;
  seconds: number;
}

/** One step's masked micro-batches and the lines they hold. */
interface LineBatch {
  micro: PretrainBatch[];
  lines: number;
  tokens: number;
}

export class MlmFinetuneObjective implements Objective<LineBatch> {
  readonly label = "finetune mlm";
  readonly stepsGiven = false; // the length is --epochs over the lines
  readonly resumeHint = "different --model?";
  readonly optimizer: Objective<LineBatch>["optimizer"];
  readonly steps: number;
  readonly encoder: Encoder;
  readonly head: MlmHead;
  private readonly perEpoch: number;
  private readonly warmup: number;
  private readonly special: Set<number>;
  private readonly maskId: number;
  private order: number[] = [];

  constructor(readonly gpu: Gpu, state: TrainingState, readonly o: MlmFinetuneOptions, readonly model: StartModel, tok: WordTokenizer, readonly lines: number[][], readonly epochs: number, readonly lr0: number, readonly settings: RunSettings) {
    const cfg = model.cfg;
    this.perEpoch = Math.ceil(lines.length / o.batchSize);
    this.steps = this.perEpoch * epochs;
    this.warmup = Math.floor(0.1 * this.steps);
    this.optimizer = { lr: lr0, health: "finetune.health" };
    this.special = new Set([...tok.prefix, ...tok.suffix, tok.padId]);
    this.maskId = maskIdOf(tok);
    this.encoder = new Encoder(gpu, cfg, model.encoder, { dropout: o.dropout, state });
    this.encoder.setTrainable(allGroups(cfg.layers));
    this.head = new MlmHead(gpu, cfg, cfg.vocab, model.head);
    this.head.enableGrads();
  }

  get heads(): HeadTensors[] {
    return [this.head];
  }

  paramGroups(): ParamGroup[] {
    const enc = this.encoder, head = this.head;
    return [{ name: "all", enabled: true, params: [
      ...[...enc.grads].map(([n, grad]) => ({ name: n, param: enc.p(n), grad })),
      ...[...head.grads].map(([n, grad]) => ({ name: `head.${n}`, param: head.p(n), grad })),
    ] }];
  }

  stateParams(): Map<string, Tensor> {
    const m = new Map<string, Tensor>(this.encoder.params);
    for (const [n, p] of this.head.params) m.set(`head.${n}`, p);
    return m;
  }

  lr(step: number): number {
    return this.lr0 * linearScheduleFactor(step, this.steps, this.warmup);
  }

  /** The step's lines, padded to the longest, masked with the step's draws. */
  nextBatch(step: number): LineBatch {
    const cfg = this.model.cfg;
    const bs = this.o.batchSize;
    const epoch = Math.floor((step - 1) / this.perEpoch);
    const inEpoch = (step - 1) % this.perEpoch;
    if (inEpoch === 0 || !this.order.length) this.order = shuffled(Array.from({ length: this.lines.length }, (_, i) => i), this.o.seed * 1000 + epoch + 1);
    const picked = this.order.slice(inEpoch * bs, (inEpoch + 1) * bs).map((i) => this.lines[i]);
    const T = Math.max(...picked.map((l) => l.length));
    const rows: Row[] = picked.map((l) => {
      const ids = [...l, ...new Array(T - l.length).fill(cfg.padId)];
      return { ids, positions: Array.from(positionIds(cfg, Int32Array.from(ids), 1, T)) };
    });
    const micro = collate(cfg, rows, Math.min(this.o.microBatch ?? bs, bs), { seed: this.o.seed, step, maskId: this.maskId, V: cfg.vocab, specialIds: this.special });
    return { micro, lines: picked.length, tokens: picked.reduce((a, l) => a + l.length, 0) };
  }

  record(b: LineBatch, step: number) {
    const seed = this.o.seed;
    return { losses: recordPretrainStep(this.encoder, this.head, b.micro, true, (i) => (seed % 4096) * 2 ** 32 + step * 64 + i).mlm };
  }

  units(b: LineBatch): number {
    return b.tokens;
  }

  progress(s: SettledStep<LineBatch>): string {
    return `epoch ${Math.floor((s.step - 1) / this.perEpoch) + 1}/${this.epochs}  loss ${s.loss.toFixed(4)}  ${s.rate.toFixed(0)} tok/s`;
  }

  logLine(s: SettledStep<LineBatch>): Record<string, unknown> {
    return { step: s.step, epoch: Math.floor((s.step - 1) / this.perEpoch) + 1, loss: s.loss, lr: s.lr, elapsed: +s.elapsed.toFixed(3), lines: s.batch.lines };
  }

  async outputs(r: RunSummary): Promise<Outputs> {
    const { cfg, raw, tokenizerDir } = this.model;
    const o = this.o;
    const encParams = await this.encoder.readParams();
    const headParams = await this.head.readParams();
    const run = {
      command: "finetune", task: "mlm", model: o.model, train: o.train, lines: this.lines.length, epochs: this.epochs, steps: this.steps, warmup_steps: this.warmup,
      schedule: "linear, warmup int(0.1*total) optimizer steps, decay to 0", batch_size: o.batchSize, micro_batch: Math.min(o.microBatch ?? o.batchSize, o.batchSize),
      max_length: Math.max(...this.lines.map((l) => l.length)), lr: this.lr0, seed: o.seed, limit: o.limit ?? null, dropout: o.dropout ?? cfg.dropout, masking: 0.15,
      first_loss: r.losses[0] ?? null, final_loss: r.finalLoss, seconds: +r.seconds.toFixed(3), device: { runtime: this.gpu.caps.runtime, adapter: this.gpu.caps.adapterName }, ...o.meta,
    };
    return { write: (dir) => writeMaskedLm(dir, cfg, raw, encParams, headParams, tokenizerDir), run, replaces: checkpointFiles() };
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}

export async function mlmFinetune(o: MlmFinetuneOptions): Promise<MlmFinetuneResult> {
  const model = startModel({ model: o.model, seed: o.seed, lang: false });
  const tok = loadTokenizer(o.model);
  const T = sequenceLength(model.cfg, o.maxLength, 128);
  const cut = (ids: number[]) => (ids.length <= T ? ids : [...ids.slice(0, T - tok.suffix.length), ...tok.suffix]);
  const lines = readCorpus(o.train).slice(0, o.limit).map((l) => cut(tokenizeLine(tok, l)));
  if (T < tok.prefix.length + tok.suffix.length + 1) throw new XltError(`--max-length ${T}: no room for a token between the tokenizer's special tokens`);
  const epochs = o.epochs ?? 1;
  const lr = o.lr ?? defaultLr(model.cfg);
  const settings: RunSettings = {
    "--task": "mlm", "--seed": o.seed, "--lr": lr, "--batch-size": o.batchSize, "--epochs": epochs, "--max-length": T,
    "--dropout": o.dropout ?? null, "the training data": dataFingerprint(lines),
    // the run started from --model's weights: another model of the same shapes is refused
    [MODEL_KEY]: o.resume || o.checkpointEvery > 0 ? modelFingerprint(o.model) : null,
  };
  const steps = Math.ceil(lines.length / o.batchSize) * epochs;
  const resumed = checkResumable(o, { settings, stepsGiven: false, steps });
  const g = await getGpu();
  await tuneEncoderMatmuls(g, model.cfg, o.batchSize * T, [[model.cfg.hidden, model.cfg.hidden]]);
  const trainer = new Trainer(g, (state) => new MlmFinetuneObjective(g, state, o, model, tok, lines, epochs, lr, settings));
  try {
    const r = await trainer.run(o, resumed);
    await trainer.save(o.out, r);
    return { steps: r.steps, epochs, lines: lines.length, losses: r.losses, finalLoss: r.finalLoss, seconds: r.seconds };
  } finally {
    trainer.dispose();
  }
}
