// Contrastive realignment loss, strong variant (spec §1.1; MAT multilingual_eval/models/realignment_loss.py):
// shaders/contrastive.wgsl.
//
// Follows the reference code exactly: cosine similarity (q·c)/(‖q‖‖c‖)/τ between each query word and EVERY
// word of the batch (both languages), the query's own entry lowered by 1e6 (subtracted, as the code does;
// its softmax weight is exactly 0 in f32 and f64), log-softmax over all M candidates, NLL of the aligned
// partner, mean over the Q rows. The only deviation: norms are clamped at 1e-12 (F.normalize's eps), so an
// all-zero word vector gives a finite loss where the reference would give NaN; otherwise identical.
//
// The backward is deterministic (no atomics): every dc element is one invocation's fixed-order sum. Query
// indices must be distinct (they are: each aligned word is one query), so a row of c is the query of at
// most one row; that row is found by a scan of `query` inside the kernel (no inverse map to build).
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel } from "../gpu/recorder.ts";
import { rowLaunch } from "./grid.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";
import { embeddingForward } from "./embedding.ts";
import { linear, matmulNN, matmulTN } from "./matmul.ts";

const WG = 64; // at most this many invocations per row (src/kernels/grid.ts rowLayout)
const LOSS_DEFINES = { WG, LANES: WG, ROW_REDUCE: "rows_shared" }; // `loss`: one workgroup, a single row

/**
 * What the backward needs from the forward. Inside a training state it belongs to the state; otherwise call
 * release() once the backward has been recorded.
 */
export interface ContrastiveSaved {
  /** row-normalised c, [M,E] */
  cn: Tensor;
  /** the query rows of cn, [Q,E] */
  qn: Tensor;
  /** 1 / max(‖c_j‖, 1e-12), [M] */
  invNorm: Tensor;
  /** softmax(S), [Q,M] (0 at each query's own entry) */
  probs: Tensor;
  release(): void;
}

function checkInputs(op: string, c: Tensor, query: Tensor, target: Tensor, tau: number): { M: number; E: number; Q: number } {
  if (c.shape.length !== 2) throw new GpuError(`${op}: c has shape [${c.shape}] but [M, E] was expected`);
  const [M, E] = c.shape;
  if (query.shape.length !== 1 || query.dtype !== "i32") {
    throw new GpuError(`${op}: query must be an i32 [Q] tensor, got ${query.dtype} [${query.shape}]`);
  }
  const Q = query.shape[0];
  expectShape(op, "target", target, [Q]);
  if (target.dtype !== "i32") throw new GpuError(`${op}: target must be i32, got ${target.dtype}`);
  if (M < 2 || E < 1 || Q < 1) throw new GpuError(`${op}: needs M ≥ 2 words, E ≥ 1 and Q ≥ 1 queries, got M=${M} E=${E} Q=${Q}`);
  if (!(tau > 0)) throw new GpuError(`${op}: tau must be positive, got ${tau}`);
  return { M, E, Q };
}

/**
 * Forward. c: [M,E] projected word vectors (left-language words first, then right-language words);
 * query: i32 [Q], distinct rows of c (aligned left words, then aligned right words); target: i32 [Q], the
 * row of each query's aligned partner. Returns loss [1] and what the backward needs.
 */
export function contrastiveForward(c: Tensor, query: Tensor, target: Tensor, tau = 0.1): { loss: Tensor; saved: ContrastiveSaved } {
  const op = "contrastive_forward";
  const { M, E, Q } = checkInputs(op, c, query, target, tau);
  const g = c.gpu;
  const detail = `M=${M} E=${E} Q=${Q}`;
  const cn = Tensor.empty(g, [M, E], "f32", "contrastive.cn");
  const invNorm = Tensor.empty(g, [M], "f32", "contrastive.invNorm");
  const probs = Tensor.empty(g, [Q, M], "f32", "contrastive.probs");
  const loss = Tensor.empty(g, [1], "f32", "contrastive.loss");

  let L = rowLaunch(g, M, E, WG);
  dispatch(g, kernel(g, "contrastive", "normalize", L.defines), [{ buffer: c.buffer }, { buffer: cn.buffer }, { buffer: invNorm.buffer }],
    { rows: M, E, gx: L.gx }, L.grid, { flops: 3 * M * E, bytes: 8 * M * E, detail });

  // dot products of each query with every candidate: Qn·Cnᵀ on the matmul kernel
  const qn = embeddingForward(cn, query);
  linear(qn, cn, undefined, probs);
  L = rowLaunch(g, Q, M, WG);
  withScratch(g, () => {
    const rowloss = Tensor.scratch(g, [Q], "f32", "contrastive.rowloss");
    dispatch(g, kernel(g, "contrastive", "scores", L.defines),
      [{ buffer: query.buffer }, { buffer: target.buffer }, { buffer: probs.buffer }, { buffer: rowloss.buffer }],
      { Q, M, inv_tau: 1 / tau, gx: L.gx }, L.grid, { flops: 5 * Q * M, bytes: 12 * Q * M, detail });
    dispatch(g, kernel(g, "contrastive", "loss", LOSS_DEFINES), [{ buffer: rowloss.buffer }, { buffer: loss.buffer }],
      { Q, scale: 1 / Q }, [1], { flops: Q, bytes: 4 * Q, detail });
  });

  const saved: ContrastiveSaved = {
    cn,
    qn,
    invNorm,
    probs,
    release() {
      cn.release();
      qn.release();
      invNorm.release();
      probs.release();
    },
  };
  return { loss, saved };
}

/**
 * Backward: dc [M,E] = dloss · ∂loss/∂c, through both roles of each row (query and candidate) and through
 * the normalisation. `saved` comes from contrastiveForward with the same c, query, target and tau.
 */
export function contrastiveBackward(c: Tensor, query: Tensor, target: Tensor, tau: number, saved: ContrastiveSaved, dloss = 1): Tensor {
  const op = "contrastive_backward";
  const { M, E, Q } = checkInputs(op, c, query, target, tau);
  expectShape(op, "saved.cn", saved.cn, [M, E]);
  expectShape(op, "saved.invNorm", saved.invNorm, [M]);
  expectShape(op, "saved.probs", saved.probs, [Q, M]);
  const g = c.gpu;
  const detail = `M=${M} E=${E} Q=${Q}`;
  // G = dloss·(P − onehot(target))/(Q·τ); then dU = Gᵀ·Qn (candidate role) + scatter of G·Cn (query role)
  const dc = Tensor.empty(g, [M, E], "f32", "contrastive.dc");
  withScratch(g, () => {
    const G = Tensor.scratch(g, [Q, M], "f32", "contrastive.G");
    const L = rowLaunch(g, Q, M, WG);
    dispatch(g, kernel(g, "contrastive", "grad_logits", L.defines), [{ buffer: target.buffer }, { buffer: saved.probs.buffer }, { buffer: G.buffer }],
      { Q, M, coef: dloss / (Q * tau), gx: L.gx }, L.grid, { flops: 2 * Q * M, bytes: 8 * Q * M, detail });
    matmulTN(G, saved.qn, dc, false);
    const dq = matmulNN(G, saved.cn, Tensor.scratch(g, [Q, E], "f32", "contrastive.dq"));
    const LE = rowLaunch(g, Q, E, WG);
    dispatch(g, kernel(g, "contrastive", "scatter_rows", LE.defines), [{ buffer: query.buffer }, { buffer: dq.buffer }, { buffer: dc.buffer }],
      { Q, E, gx: LE.gx }, LE.grid, { flops: Q * E, bytes: 12 * Q * E, detail });
  });
  const L = rowLaunch(g, M, E, WG);
  dispatch(g, kernel(g, "contrastive", "norm_backward", L.defines),
    [{ buffer: saved.cn.buffer }, { buffer: saved.invNorm.buffer }, { buffer: dc.buffer }],
    { rows: M, E, gx: L.gx }, L.grid, { flops: 5 * M * E, bytes: 12 * M * E, detail });
  return dc;
}
