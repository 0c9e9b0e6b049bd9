// Multi-head self-attention for BERT-style encoders: shaders/attention.wgsl (products) and
// shaders/attention_softmax.wgsl (row softmax forward/backward).
//
// Bidirectional attention with a key padding mask, probabilities materialized as [B,H,T,T] (T ≤ 512 for
// these encoders, so it fits and the backward can reuse them instead of recomputing). The mask follows
// Hugging Face exactly: padded keys get torch.finfo(float32).min added to their score, so real rows match
// HF in the math and a fully padded row becomes a uniform softmax (finite, never NaN).
import type { Gpu } from "../gpu/device.ts";
import { GpuError } from "../gpu/device.ts";
import { dispatch, kernel } from "../gpu/recorder.ts";
import { expectShape, Tensor, withScratch } from "../gpu/tensor.ts";
import { dropoutBackward, dropoutForward } from "./dropout.ts";
import { cpuVariants, rowLaunch } from "./grid.ts";
import { type MatmulTile, tileDefines } from "./matmul_tile.ts";
import { imagePath, imgLanes } from "./matmul.ts";
import { fitsImage, imgDefines, type ImgLayout, type ImgTile, imgTileCols, stageOperand } from "./matmul_img.ts";

// Product tiling (the matmul tile library, shaders/lib/matmul_tile.wgsl): BM×BN output tile per
// workgroup, BK-deep K slabs, RM×RN register block per thread. Long sequences (T ≥ 96, e.g. 128/512) use
// 64×64 tiles (256 threads, 8 KiB of workgroup memory: fewer slab loads per FMA); short ones 32×32 (64
// threads, 4 KiB), so a padded T of 20-60 does not waste most of a 64-wide tile.
// CPU adapters (lavapipe) use the direct variant instead: no workgroup memory, 8 threads per workgroup
// (one llvmpipe SIMD group) each with a 4×4 block (8×8 for long sequences) read straight from the buffers.
const BIG: MatmulTile = { BM: 64, BN: 64, BK: 16, RM: 4, RN: 4 };
const SMALL: MatmulTile = { BM: 32, BN: 32, BK: 16, RM: 4, RN: 4 };
const CPU_BIG: MatmulTile = { BM: 16, BN: 32, BK: 1, RM: 8, RN: 8, direct: true };
const CPU_SMALL: MatmulTile = { BM: 8, BN: 16, BK: 1, RM: 4, RN: 4, direct: true };
const WG = 64; // at most this many invocations per row in the row-softmax kernels (shaders/attention_softmax.wgsl)

function checkDims(op: string, B: number, T: number, H: number, D: number) {
  for (const [n, v] of Object.entries({ B, T, H, D })) {
    if (!Number.isInteger(v) || v < 1) throw new GpuError(`${op}: ${n} must be a positive integer, got ${v}`);
  }
}

function checkBH(g: Gpu, op: string, B: number, H: number) {
  if (B * H > g.caps.maxWorkgroupsPerDim) {
    throw new GpuError(`${op}: B*H = ${B * H} exceeds the adapter's ${g.caps.maxWorkgroupsPerDim} workgroups per dimension`);
  }
}

type Product = "scores" | "dprobs" | "pv" | "pv_t";

/**
 * The image path's tile per product (shaders/attention_img.wgsl): scores and dprobs are nt products
 * (K = D), pv nn and pv_t tn (K = T), all with the subgroup broadcast where the adapter has it.
 */
const IMG: Record<Product, { layout: ImgLayout; tile: ImgTile }> = {
  scores: { layout: "nt", tile: { RM: 8, RN: 2, sg: true } },
  dprobs: { layout: "nt", tile: { RM: 8, RN: 2, sg: true } },
  pv: { layout: "nn", tile: { RM: 8, RN: 1, sg: true } },
  pv_t: { layout: "tn", tile: { RM: 8, RN: 1, sg: true } },
};

/** One batched product of shaders/attention.wgsl over the B*H heads; C_z is [M,N] with contraction K. */
function product(name: Product, bufs: Tensor[], dims: { B: number; T: number; H: number; D: number }, scale: number, label: string) {
  const { B, T, H, D } = dims;
  const g = bufs[0].gpu;
  const [M, N, K] = name === "scores" || name === "dprobs" ? [T, T, D] : [T, D, T];
  const info = { name: label, flops: 2 * B * H * T * T * D, bytes: 4 * (B * H * T * T + 2 * B * T * H * D), detail: `B=${B} T=${T} H=${H} D=${D}` };
  // the image path: heads of whole texels, each [B*T, H*D] operand within one image
  const mode = cpuVariants(g) ? imagePath(g) : null; // forced GPU variants keep the staged buffer kernels
  if (mode && D % 4 === 0 && fitsImage(g, B * T * H * D) && B * H <= g.caps.maxWorkgroupsPerDim) {
    let { layout, tile } = IMG[name];
    if (mode !== "default") tile = mode;
    const lanes = imgLanes(g, tile);
    if (tile.sg && (!g.caps.subgroupRows || (layout !== "tn" && tile.RM % lanes))) tile = { ...tile, sg: false };
    if (layout !== "tn" || tile.RM % 4 === 0) {
      const img = (t: Tensor, role: string) => ({ texture: stageOperand(g, role, t.buffer, 0, t.size, "rgba32float") });
      // scores, dprobs: both factors are images; pv, pv_t: the probabilities stay in their buffer
      const binds = name === "scores" || name === "dprobs"
        ? [img(bufs[0], "a"), img(bufs[1], "b"), ...bufs.slice(2).map((t) => ({ buffer: t.buffer }))]
        : [{ buffer: bufs[0].buffer }, img(bufs[1], "b"), { buffer: bufs[2].buffer }];
      const l = imgLanes(g, tile);
      dispatch(g, kernel(g, "attention_img", name, imgDefines(layout, tile, l)), binds, { M, N, K, T, H, D, scale },
        [Math.ceil(N / imgTileCols(layout, tile, l)), Math.ceil(M / tile.RM), B * H], { ...info, detail: `${info.detail} (image ${tile.RM}×${tile.RN}${tile.sg ? " sg" : ""})` });
      return;
    }
  }
  const tile = cpuVariants(g) ? (T >= 96 ? CPU_BIG : CPU_SMALL) : T >= 96 ? BIG : SMALL;
  dispatch(
    g,
    kernel(g, "attention", name, tileDefines(tile)),
    bufs.map((t) => ({ buffer: t.buffer })),
    { M, N, K, T, H, D, scale },
    [Math.ceil(N / tile.BN), Math.ceil(M / tile.BM), B * H],
    info,
  );
}

function rowKernel(name: "softmax" | "softmax_backward", bufs: Tensor[], rows: number, T: number, detail: string) {
  const g = bufs[0].gpu;
  const { defines, gx, grid } = rowLaunch(g, rows, T, WG);
  dispatch(g, kernel(g, "attention_softmax", name, defines), bufs.map((t) => ({ buffer: t.buffer })), { rows, T, gx }, grid, {
    name: `attention.${name}`,
    flops: rows * T * (name === "softmax" ? 4 : 3),
    bytes: rows * T * 4 * (name === "softmax" ? 2 : 3),
    detail,
  });
}

/** Dropout on the attention probabilities: probability and the (seed, stream) of the counter-based RNG. */
export interface AttentionDropout {
  p: number;
  seed: number;
  stream: number;
}

/** The dropped probabilities, a scratch tensor (inside withScratch). */
function dropped(probs: Tensor, d?: AttentionDropout): Tensor {
  if (!d || d.p <= 0) return probs;
  return dropoutForward(probs, d.p, d.seed, d.stream, Tensor.scratch(probs.gpu, probs.shape, "f32", "attention.probs_dropped"));
}

/**
 * Forward attention. q, k, v: [B*T, H*D] (outputs of the Q/K/V linears, head h = columns h*D..h*D+D−1);
 * mask: f32 [B,T], 1 = real token, 0 = padding. Returns out [B*T, H*D] (heads concatenated, ready for the
 * output linear) and probs [B,H,T,T] (the softmax, saved for the backward; the caller releases both).
 */
export function attentionForward(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  mask: Tensor,
  B: number,
  T: number,
  H: number,
  D: number,
  dropout?: AttentionDropout,
): { out: Tensor; probs: Tensor } {
  const op = "attention_forward";
  checkDims(op, B, T, H, D);
  const shape = [B * T, H * D];
  expectShape(op, "q", q, shape);
  expectShape(op, "k", k, shape);
  expectShape(op, "v", v, shape);
  expectShape(op, "mask", mask, [B, T]);
  const g = q.gpu;
  checkBH(g, op, B, H);
  const detail = `B=${B} T=${T} H=${H} D=${D}`;
  const dims = { B, T, H, D };
  const probs = Tensor.empty(g, [B, H, T, T], "f32", "attention.probs");
  product("scores", [q, k, mask, probs], dims, 1 / Math.sqrt(D), "attention.scores");
  rowKernel("softmax", [probs], B * H * T, T, detail);
  const out = Tensor.empty(g, shape, "f32", "attention.out");
  // attention-probability dropout (HF applies it to the softmax output); the undropped probs are saved and
  // the mask is recomputed in the backward from the same counter-based RNG
  withScratch(g, () => product("pv", [dropped(probs, dropout), v, out], dims, 1, "attention.pv"));
  return { out, probs };
}

/**
 * Backward attention, from the forward's inputs and saved probs: dv = Pᵀ·dO, dP = dO·Vᵀ,
 * dS = P∘(dP − rowsum(dP∘P)), dq = dS·K/√D, dk = dSᵀ·Q/√D (each [B*T, H*D], freshly allocated).
 * The mask needs no gradient: padded keys have P = 0, so dS is 0 there. Gradients of padded query rows
 * are whatever dout carries for them (the model passes 0 there).
 */
export function attentionBackward(
  dout: Tensor,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  probs: Tensor,
  B: number,
  T: number,
  H: number,
  D: number,
  dropout?: AttentionDropout,
): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const op = "attention_backward";
  checkDims(op, B, T, H, D);
  const shape = [B * T, H * D];
  expectShape(op, "dout", dout, shape);
  expectShape(op, "q", q, shape);
  expectShape(op, "k", k, shape);
  expectShape(op, "v", v, shape);
  expectShape(op, "probs", probs, [B, H, T, T]);
  const g = q.gpu;
  checkBH(g, op, B, H);
  const detail = `B=${B} T=${T} H=${H} D=${D}`;
  const scale = 1 / Math.sqrt(D);
  const dims = { B, T, H, D };
  const dv = Tensor.empty(g, shape, "f32", "attention.dv");
  return withScratch(g, () => {
    product("pv_t", [dropped(probs, dropout), dout, dv], dims, 1, "attention.dv");
    const ds = Tensor.scratch(g, [B, H, T, T], "f32", "attention.ds");
    product("dprobs", [dout, v, ds], dims, 1, "attention.dprobs");
    if (dropout && dropout.p > 0) dropoutBackward(ds, dropout.p, dropout.seed, dropout.stream, ds);
    rowKernel("softmax_backward", [probs, ds], B * H * T, T, detail);
    const dq = Tensor.empty(g, shape, "f32", "attention.dq");
    product("pv", [ds, k, dq], dims, scale, "attention.dq");
    const dk = Tensor.empty(g, shape, "f32", "attention.dk");
    product("pv_t", [ds, q, dk], dims, scale, "attention.dk");
    return { dq, dk, dv };
  });
}
