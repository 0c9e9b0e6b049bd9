// GPU memory estimates for a model and a batch shape: printed by `xlt info` and `--dry-run`, so a user
// knows before loading a real checkpoint whether it fits their GPU.
import type { ModelConfig } from "./io/checkpoint.ts";
import { fmtBytes } from "./gpu/tensor.ts";

export interface MemoryEstimate {
  params: number;
  weights: number;
  grads: number;
  adam: number;
  activations: number;
  total: number;
}

export function paramCount(c: ModelConfig): number {
  const H = c.hidden, F = c.ffn;
  const emb = (c.vocab + c.maxPositions + c.typeVocab) * H + 2 * H;
  const layer = 4 * (H * H + H) + 2 * (H * F) + F + H + 4 * H;
  return emb + c.layers * layer;
}

/**
 * Bytes for training with everything trainable (f32 weights, grads, Adam m and v) and the activations
 * kept for backward for `batch` sequences of `seq` tokens (x2 for realignment's two sides).
 */
export function estimateMemory(c: ModelConfig, batch: number, seq: number, sides = 2): MemoryEstimate {
  const params = paramCount(c);
  const weights = params * 4;
  const BT = batch * seq * sides;
  const H = c.hidden, F = c.ffn;
  // per block: x, q, k, v, ctx, r1, h1, r2 (8·H), f1 and gelu (2·F) per token, probs heads·T per token
  const perLayer = BT * (8 * H + 2 * F + c.heads * seq) * 4;
  const activations = c.layers * perLayer + BT * 3 * H * 4;
  const grads = weights;
  const adam = 2 * weights;
  return { params, weights, grads, adam, activations, total: weights + grads + adam + activations };
}

/**
 * The model and what a forward pass needs (`xlt info`, `embed --dry-run`): `m` from estimateMemory with the
 * sides the command runs (1 to embed). Training needs are estimateRealign's, printed beside it by xlt info.
 */
export function formatMemory(c: ModelConfig, m: MemoryEstimate, batch: number, seq: number, sides = 2): string {
  // one block's activations at a time: the forward frees each block's tensors before the next
  const io = batch * seq * sides * 3 * c.hidden * 4;
  const forward = m.weights + (m.activations - io) / c.layers + io;
  return [
    `architecture  ${c.arch}: ${c.layers} layers, hidden ${c.hidden}, ${c.heads} heads, FFN ${c.ffn}, vocab ${c.vocab}`,
    `parameters    ${(m.params / 1e6).toFixed(1)} M`,
    `weights       ${fmtBytes(m.weights)} (f32)`,
    `forward       ~${fmtBytes(forward)} for batch ${batch} × ${seq} tokens${sides === 2 ? " × 2 sides" : ""} (weights + one block's activations: embed, evaluate)`,
  ].join("\n");
}

/** Parameters of one group ("embeddings" or "layer.i"), as paramCount counts them. */
export function groupParams(c: ModelConfig, group: string): number {
  const H = c.hidden, F = c.ffn;
  if (group === "embeddings") return (c.vocab + c.maxPositions + c.typeVocab) * H + 2 * H;
  return 4 * (H * H + H) + 2 * (H * F) + F + H + 4 * H;
}

/**
 * Parameters of a group stored in f16 when it is frozen under --f16-frozen: its 2-D ones (Linear weight
 * matrices, embedding tables; models/encoder.ts storedInF16). Biases and LayerNorm stay f32.
 */
export function groupMatrixParams(c: ModelConfig, group: string): number {
  const H = c.hidden, F = c.ffn;
  if (group === "embeddings") return (c.vocab + c.maxPositions + c.typeVocab) * H;
  return 4 * H * H + 2 * H * F;
}

export interface RealignEstimate extends MemoryEstimate {
  trainable: number;
  frozen: number;
  /** of the frozen parameters, those stored in f16 (--f16-frozen: weight matrices and tables; else 0) */
  frozenF16: number;
  /** bytes per frozen weight matrix/table parameter: 4 (f32) or 2 (f16) */
  frozenBytes: 2 | 4;
  /** the projection head H→H→128 (always trained) */
  head: number;
  /**
   * the rest of the training state (src/gpu/workspace.ts): activation gradients, the blocks below the lowest
   * trainable one, the head and loss, ids, masks and kernel scratch
   */
  workspace: number;
}

/** What realignStateBytes needs beyond the model: the batch and the run's settings (defaults: the CLI's). */
export interface RealignShape {
  batch: number;
  /** padded tokens per sentence (the longest batch's) */
  seq: number;
  /** first-subword words per side (default: every token) */
  words?: number;
  /** aligned word pairs (default: every word) */
  links?: number;
  /** projection width, null without a head (default 128) */
  projection?: number | null;
  /** hidden and attention dropout (default: the model's) */
  dropout?: number;
  attnDropout?: number;
}

/**
 * Bytes of the realignment training state, frame by frame, as src/gpu/workspace.ts allocates it for one
 * shape: a frame holds, for each tensor label, its k-th buffer as large as the largest k-th tensor of that
 * label any of its runs asks for, and each withScratch depth has a child frame of the same kind, started
 * again by every withScratch of that depth. This lists what each use allocates (models/encoder.ts,
 * src/train/realign.ts and the kernels they call), by label where uses differ, and takes the same maxima.
 * `kept` is the part that grows with the blocks backward goes through (their saved activations) plus the
 * embeddings' hidden-size tensors; the rest is workspace.
 */
export function realignStateBytes(c: ModelConfig, trainable: string[], lossLayer: number, sh: RealignShape): { kept: number; workspace: number; frames: Record<string, number> } {
  const H = c.hidden, F = c.ffn, B = sh.batch, T = sh.seq, BT = B * T;
  const p = sh.dropout ?? c.dropout, pa = sh.attnDropout ?? (sh.dropout === 0 ? 0 : c.attnDropout);
  const probs = B * c.heads * T * T;
  const W = sh.words ?? BT, Q = 2 * (sh.links ?? W), M = 2 * W;
  const P = sh.projection === undefined ? 128 : sh.projection;
  const E = P ?? H;
  const train = new Set(trainable);
  const embTrained = train.has("embeddings");
  const blocks = Array.from({ length: lossLayer }, (_, i) => i);
  const lowest = embTrained ? 0 : Math.min(lossLayer, ...blocks.filter((i) => train.has(`layer.${i}`)));
  const nChunks = Math.max(1, Math.min(1024, Math.ceil(BT / 32)));
  const part = 2 * nChunks * H;
  const bytes = (sizes: number[]) => sizes.reduce((a, n) => a + Math.max(4, n * 4), 0);
  type Labeled = [string, number][];
  // what a frame holds for several uses: per label, its k-th buffer is the largest k-th tensor of that label
  const maxOver = (uses: Labeled[]) => {
    const slots = new Map<string, number>();
    for (const u of uses) {
      const seen = new Map<string, number>();
      for (const [label, n] of u) {
        const k = seen.get(label) ?? 0;
        seen.set(label, k + 1);
        slots.set(`${label}#${k}`, Math.max(slots.get(`${label}#${k}`) ?? 0, n));
      }
    }
    return bytes([...slots.values()]);
  };
  const frames: Record<string, number> = {};
  // one block's forward (layerForward) keeps its output, q, k, v, the attention probabilities and output,
  // both LayerNorms' statistics and residual sums, the first one's output and the FFN's two; its scratch
  // (depth 1: the attention and FFN projections the fused LayerNorms consume; depth 2: the dropped
  // attention probabilities) is one set per frame
  const blockKept = bytes([BT * H, BT * H, BT * H, BT * H, probs, BT * H, BT * H, BT, BT, BT * H, BT * F, BT * F, BT, BT, BT * H]);
  const blockScratch = bytes([BT * H, BT * H, ...(pa > 0 ? [probs] : [])]);
  // the embeddings: mask, their output unless dropout writes a copy, ids, positions, token types, the sum,
  // the LayerNorm's statistics, the dropped copy; two 1-element dummies as the LayerNorm's scratch
  const embSmall = bytes([BT, BT, BT, ...(c.typeVocab > 0 ? [BT] : []), BT, BT]) + bytes([1, 1]);
  const embHidden = bytes([BT * H, BT * H, ...(p > 0 ? [BT * H] : [])]);
  const keptBlocks = Math.max(0, lossLayer - lowest);
  const below = Math.min(lowest, lossLayer);
  for (const side of ["left", "right"]) {
    frames[`forward.${side}`] = embSmall + embHidden + keptBlocks * blockKept + (keptBlocks ? blockScratch : 0);
    // blocks below the lowest trainable one: two frames, each one block and its scratch
    if (below) frames[`forward.${side}.below`] = Math.min(below, 2) * (blockKept + blockScratch);
  }
  // the head and the loss (src/train/realign.ts headStep), from the gathered words to dHidden of each side;
  // scratch: the word rows' ids, the loss's per-query terms and gradient matrices, the scatter's buckets
  const csr = 2 * W + 1 + W;
  frames["realign.head"] = bytes([M * H, W * H, W * H, ...(P === null ? [] : [M * H, M * H, M * E]), Q, Q, M * E, M, Q * M, 1, Q * E,
    M * E, ...(P === null ? [] : [M * H, M * H, M * H]), BT * H, BT * H, W * H, W * H]) + bytes([W, Q, Q * M, Q * E, csr]);
  // backward: the gradient handed in, two frames used by alternate blocks (a frozen block computes no
  // weight-gradient partial sums, the lowest one no input gradient), then the embeddings'
  const lnDropped = p > 0, attnLnDropped = p > 0 && c.arch !== "distilbert";
  const blockBackward = (i: number): Labeled => [["ln.dx", BT * H], ...(lnDropped ? [["ln.da", BT * H]] as Labeled : []), ["linear.dx", BT * F],
    ["linear.dx", BT * H], ["ln.dx", BT * H], ...(attnLnDropped ? [["ln.da", BT * H]] as Labeled : []), ["linear.dx", BT * H], ["attention.dv", BT * H],
    ["attention.dq", BT * H], ["attention.dk", BT * H], ...(i > lowest || embTrained ? [["linear.dx", BT * H], ["linear.dx", BT * H], ["linear.dx", BT * H]] as Labeled : [])];
  const blockBackwardScratch = (i: number): Labeled => [["ln.mres", BT], ...(lnDropped && attnLnDropped ? [] : [["ln.unused", 1]] as Labeled),
    ...(train.has(`layer.${i}`) ? [["ln.partials", part]] as Labeled : []), ...(pa > 0 ? [["attention.dropped", probs]] as Labeled : []), ["attention.ds", probs]];
  const back = blocks.filter((i) => i >= lowest);
  if (back.length && (embTrained || back.some((i) => train.has(`layer.${i}`)))) {
    frames["backward.input"] = bytes([BT * H]);
    for (const parity of [0, 1]) {
      const mine = back.filter((i) => i % 2 === parity);
      if (mine.length) frames[`backward.${parity}`] = maxOver(mine.map(blockBackward)) + maxOver(mine.map(blockBackwardScratch));
    }
    if (embTrained) {
      const ids = (u: number) => 2 * u + 1 + BT;
      const tables = [ids(Math.min(BT, c.vocab)), ids(Math.min(T + 1, c.maxPositions)), ...(c.typeVocab > 0 ? [ids(Math.min(B, c.typeVocab))] : [])];
      frames["backward.embeddings"] = bytes([...(p > 0 ? [BT * H] : []), BT * H]) + bytes([BT, 1, part, Math.max(...tables)]);
    }
  }
  const total = Object.values(frames).reduce((a, n) => a + n, 0);
  const kept = 2 * (embHidden + keptBlocks * blockKept);
  return { kept, workspace: total - kept, frames };
}

/**
 * Bytes to realign with only `trainable` groups trained (realignTrainable's answer for a --freeze spec):
 * frozen groups carry no gradient and no Adam state, and with `f16Frozen` their weight matrices and
 * embedding tables take 2 bytes (biases and LayerNorm 4), as xlt realign --f16-frozen stores them.
 * Activations and workspace are the training state realignStateBytes describes for `batch` pairs of `seq`
 * tokens (the blocks above the loss layer are loaded but never run).
 */
export function estimateRealign(c: ModelConfig, batch: number, seq: number, trainable: string[], lossLayer: number, f16Frozen = false, shape: Partial<RealignShape> = {}): RealignEstimate {
  const all = paramCount(c);
  const P = shape.projection === undefined ? 128 : shape.projection;
  const head = P === null ? 0 : c.hidden * c.hidden + c.hidden * P;
  const train = trainable.reduce((s, g) => s + groupParams(c, g), 0) + head;
  const frozen = all + head - train;
  const frozenBytes = f16Frozen ? 2 : 4;
  const frozenGroups = allGroupNames(c.layers).filter((g) => !trainable.includes(g));
  const frozenF16 = f16Frozen ? frozenGroups.reduce((s, g) => s + groupMatrixParams(c, g), 0) : 0;
  const weights = train * 4 + (frozen - frozenF16) * 4 + frozenF16 * 2;
  const grads = train * 4, adam = train * 8;
  const state = realignStateBytes(c, trainable, lossLayer, { ...shape, batch, seq });
  const activations = state.kept, workspace = state.workspace;
  return { params: all + head, weights, grads, adam, activations, workspace, total: weights + grads + adam + activations + workspace, trainable: train, frozen, frozenF16, frozenBytes, head };
}

function allGroupNames(layers: number): string[] {
  return ["embeddings", ...Array.from({ length: layers }, (_, i) => `layer.${i}`)];
}

export function formatRealign(m: RealignEstimate, label: string): string {
  const frozen = m.frozenF16
    ? `${fmtBytes(m.frozenF16 * 2)} f16 frozen (+ ${fmtBytes((m.frozen - m.frozenF16) * 4)} f32 frozen biases/LayerNorm)`
    : `${fmtBytes(m.frozen * 4)} f32 frozen`;
  const w = m.frozen ? `${fmtBytes(m.trainable * 4)} f32 trainable + ${frozen}` : `${fmtBytes(m.weights)} f32`;
  return [
    `realign ${label}: ${(m.trainable / 1e6).toFixed(1)} M trainable, ${(m.frozen / 1e6).toFixed(1)} M frozen (head included)`,
    `  weights ${w}; gradients ${fmtBytes(m.grads)}; Adam ${fmtBytes(m.adam)}; activations ${fmtBytes(m.activations)}; workspace ${fmtBytes(m.workspace)}`,
    `  total   ~${fmtBytes(m.total)}`,
  ].join("\n");
}
