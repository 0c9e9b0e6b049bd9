// Linear-layer matrix products: shaders/matmul.wgsl (one section per layout, nt/nn/tn, on the tiled main of
// shaders/lib/matmul_tile.wgsl, with epilogue and vector defines) and shaders/matmul_bias.wgsl (bias grad).
//
// Layouts follow PyTorch: a Linear weight is W [N,K] (out, in), activations are row-major [..., K].
//   linear          Y  = X·Wᵀ + b         forward
//   matmulNN        dX = dY·W             input gradient
//   matmulTN        dW (+)= dYᵀ·X         weight gradient, accumulated across micro-batches
//   biasGrad        db (+)= Σ_rows dY     bias gradient
// The weight (linear's W, matmulNN's b) may be an f16 tensor (a frozen weight under --f16-frozen): the
// kernels then read it as f16 and convert on load, accumulating in f32 (the WEIGHT define).
// Leading dimensions of activations are flattened into rows. Tensors bigger than the adapter's binding
// limit (128 MiB on lavapipe: a 16k-token batch of 3072-wide activations is 200 MB) are processed in
// row chunks bound as byte sub-ranges; for dW the chunks split the reduction and accumulate.
import type { Gpu } from "../gpu/device.ts";
import { GpuError, isSoftwareAdapter } from "../gpu/device.ts";
import { type Binding, dispatch, kernel, sync } from "../gpu/recorder.ts";
import { rowChunks, type RowChunk, rowRange as rows, whole } from "../gpu/ranges.ts";
import { expectShape, Tensor } from "../gpu/tensor.ts";
import { type MatmulTile, tileDefines, type Vec } from "./matmul_tile.ts";
import { fitsImage, imgDefines, type ImgLayout, type ImgTile, imgTileCols, stageOperand } from "./matmul_img.ts";
import { candidates, choiceLabel, classKey, type MatmulChoice, retuneRequested, storeChoice, tunedChoice, tuningDisabled } from "./matmul_tune.ts";

export type { MatmulTile } from "./matmul_tile.ts";

/**
 * GPUs: 64×64 tiles, 4×4 per thread (256 threads), 16-deep slabs staged in 8 KiB of workgroup memory.
 * CPU adapters (lavapipe/llvmpipe, SwiftShader) run each invocation as one SIMD lane, and Mesa 25's
 * llvmpipe turns every storage-buffer load inside a loop into 8 bounds-checked scalar loads, one per
 * lane, whether the address is uniform or not (seen in its GALLIVM_DEBUG=ir output). Loads, not FMAs,
 * are the cost, so the kernel maximises FMAs per loaded element: a workgroup of 8 threads owns a 12×96
 * tile, every thread all 12 rows × 12 columns (24 loads feed 144 FMAs per k; the former 8×4 block fed
 * 32 FMAs with 12 loads). 16×16 ran as fast but took LLVM 2.5× longer to compile (7 s a kernel).
 * No workgroup memory, no barriers. Sweep and figures in bench/results/lavapipe-matmul-tuning.txt.
 * Narrow outputs (small models: N = 64, 128) waste a third of a 96-wide tile's lanes; there the 12×8 block
 * (64-wide tile) does more useful FMAs per load (cpuTile; tuning log §9).
 */
export const GPU_TILE: MatmulTile = { BM: 64, BN: 64, BK: 16, RM: 4, RN: 4 };
export const CPU_TILE: MatmulTile = { BM: 12, BN: 96, BK: 1, RM: 12, RN: 12, direct: true };
export const CPU_TILE_NARROW: MatmulTile = { BM: 12, BN: 64, BK: 1, RM: 12, RN: 8, direct: true };

/**
 * The CPU tile for N output columns: the one with the most useful FMAs per loaded element, i.e.
 * RM·RN/(RM+RN) × N / (N rounded up to whole tiles). 12×12 wins at N = 768, 3072; 12×8 at N = 64, 128.
 */
export function cpuTile(N: number): MatmulTile {
  const score = (t: MatmulTile) => ((t.RM * t.RN) / (t.RM + t.RN)) * (N / (Math.ceil(N / t.BN) * t.BN));
  return score(CPU_TILE_NARROW) > score(CPU_TILE) ? CPU_TILE_NARROW : CPU_TILE;
}
let override: MatmulTile | null = null;

/** Forces a tile shape for later dispatches (benchmarks, tuning, tests); null restores the automatic choice. */
export function setMatmulTile(t: MatmulTile | null): void {
  if (t) {
    const wg = (t.BM / t.RM) * (t.BN / t.RN);
    if (!Number.isInteger(wg) || t.BM % t.RM || t.BN % t.RN || wg > 256 || (t.direct ? 0 : (t.BM + t.BN) * t.BK * 4) > 16384) {
      throw new GpuError(`setMatmulTile: bad tile ${JSON.stringify(t)} (needs BM%RM = BN%RN = 0, ≤256 threads, ≤16 KiB)`);
    }
  }
  override = t ? { ...t } : null;
}

/** The tile used on this adapter for N output columns: the override if set, else by adapter kind. */
export function matmulTile(g: Gpu, N = 768): MatmulTile {
  if (override) return override;
  return isSoftwareAdapter(g) ? cpuTile(N) : GPU_TILE;
}

/** Which vec4 variants of the direct path are used: none (default), the forward's "k4" only, or all. */
export type MatmulVec4 = "off" | "nt" | "all";
let vec4Mode: MatmulVec4 = "off";

/**
 * Selects the vec4 variants (benchmarks and tests compare them with the scalar kernels in one process).
 * Default "off": with the 8×4 CPU tile the k4 forward gained 4-13% and n4 lost up to 35%; with the
 * 12×12 block k4 loses 20-40% (its 4-way k unroll quadruples a body that is already 256 FMAs) and n4
 * needs RN = 4 (bench/results/lavapipe-matmul-tuning.txt). Results are bit-identical in every mode.
 */
export function setMatmulVec4(mode: MatmulVec4): void {
  vec4Mode = mode;
}

/**
 * Which products take the image path (src/kernels/matmul_img.ts): "auto" (default) on CPU adapters where
 * the operands' rows can be copied into images, with the tile the adapter's tuning chose; "off" (always
 * the buffer kernels); or a tile forced on every eligible product, on any adapter (tests, benchmarks).
 */
export type MatmulImg = "auto" | "off" | ImgTile;
let imgMode: MatmulImg = "auto";

export function setMatmulImg(mode: MatmulImg): void {
  imgMode = mode;
}

/** Default image tiles per product, with and without subgroups (bench/results/lavapipe-matmul-ceiling.md). */
export const IMG_TILES: Record<ImgLayout, { sg: ImgTile; direct: ImgTile }> = {
  nt: { sg: { RM: 16, RN: 4, sg: true }, direct: { RM: 8, RN: 8, sg: false } },
  nn: { sg: { RM: 16, RN: 1, sg: true }, direct: { RM: 8, RN: 2, sg: false } },
  tn: { sg: { RM: 16, RN: 1, sg: true }, direct: { RM: 8, RN: 2, sg: false } },
};

/** SIMD lanes of an image-path workgroup: the subgroup size when the tile broadcasts through subgroups. */
export function imgLanes(g: Gpu, t: ImgTile): number {
  return t.sg ? g.caps.subgroupRows : 8;
}

/**
 * The choice without measurements: on CPU adapters the default image tile (with subgroups where the
 * adapter has them), on GPUs the buffer kernels (their staged tile).
 */
export function defaultChoice(g: Gpu, layout: ImgLayout): MatmulChoice {
  if (!isSoftwareAdapter(g)) return "buffer";
  return g.caps.subgroupRows ? IMG_TILES[layout].sg : IMG_TILES[layout].direct;
}

/**
 * The dimensions a product's shape class is keyed by: the weight's, so a class does not depend on the batch
 * (nt, nn: output columns N and reduction K; tn, whose reduction runs over the batch's rows: M and N).
 */
function classDims(layout: ImgLayout, M: number, N: number, K: number): [number, number] {
  return layout === "tn" ? [N, M] : [N, K];
}

/** The image tile for a product, or null for the buffer path. */
function imgTileFor(g: Gpu, layout: ImgLayout, a: Operand, b: Operand, M: number, N: number, K: number, weight: WeightDtype): ImgTile | null {
  if (imgMode === "off" || override) return null;
  const choice = imgMode === "auto" ? ((!tuningDisabled() && tunedChoice(g, layout, ...classDims(layout, M, N, K))) || defaultChoice(g, layout)) : imgMode;
  if (choice === "buffer") return null;
  // operand rows of whole texels, each operand within one image, and a grid within the per-dimension limit
  if (a.cols % 4 || b.cols % 4 || !fitsImage(g, a.rows * a.cols) || !fitsImage(g, b.rows * b.cols) || K === 0) return null;
  if (Math.ceil(M / choice.RM) > g.caps.maxWorkgroupsPerDim) return null;
  let t = choice;
  if (t.sg && !g.caps.subgroupRows) t = { ...t, sg: false };
  const lanes = imgLanes(g, t);
  if (t.sg && layout !== "tn" && t.RM % lanes) t = { ...t, sg: false };
  if (layout === "tn" && t.RM % 4) return null;
  return t;
}

/**
 * Whether products take the image path now: null (the buffer kernels), "default" (a CPU adapter in auto
 * mode: each family's default tile) or the tile forced with setMatmulImg.
 */
export function imagePath(g: Gpu): "default" | ImgTile | null {
  if (imgMode === "off" || override) return null;
  if (imgMode === "auto") return isSoftwareAdapter(g) ? "default" : null;
  return imgMode;
}

// Defines per (tile, vector variant, epilogue), built once so the kernel cache sees one object per
// variant: the tile library's (tileDefines) plus the family's element types and epilogue.
const definesCache = new Map<string, Record<string, string | number>>();

/** Element type of the Linear weight a product reads (nt's W, nn's B): f16 for frozen weights (--f16-frozen). */
export type WeightDtype = "f32" | "f16";

function defines(t: MatmulTile, vec: Vec, epilogue: Epilogue, weight: WeightDtype) {
  const key = `${t.BM},${t.BN},${t.BK},${t.RM},${t.RN},${!!t.direct},${vec},${epilogue},${weight}`;
  let d = definesCache.get(key);
  if (!d) {
    d = {
      ...tileDefines(t, vec),
      EPILOGUE: `matmul_epilogue${epilogue ? "_" + epilogue : ""}`,
      // operand element types: X/W (nt) vec4 along k for "k4", B/C (tn) vec4 along n for "n4"; the scalar
      // readA/readB take lane i % 4 of a vec4 element
      XV: vec === "k4" ? "vec4<f32>" : "f32", BV: vec === "n4" ? "vec4<f32>" : "f32",
      VEC: vec ? 4 : 1, LANE: vec ? "v[i % 4u]" : "v",
      // the weight's element type WT (shaders/lib/weight_*.wgsl); nt binds W as WV (vec4<f32> for "k4")
      WEIGHT: `weight_${weight}`, WV: vec === "k4" ? "vec4<f32>" : "WT",
    };
    definesCache.set(key, d);
  }
  return d;
}

/** The weight operand's element type: f32, or f16 (a frozen weight; the device must have shader-f16). */
function weightDtype(op: string, w: Tensor): WeightDtype {
  if (w.dtype === "f32") return "f32";
  if (w.dtype === "f16" && w.gpu.caps.f16) return "f16";
  throw new GpuError(`${op}: weight '${w.label}' is ${w.dtype}${w.dtype === "f16" ? " but the device has no shader-f16" : ""}; expected f32 or f16`);
}

/** rows × (elements per row), flattening leading dims; the last dim must equal `cols` */
function rowsOf(op: string, what: string, t: Tensor, cols: number): number {
  if (t.shape.length < 1 || t.shape[t.shape.length - 1] !== cols) {
    throw new GpuError(`${op}: ${what} has shape [${t.shape}], expected last dimension ${cols}`);
  }
  return t.size / cols;
}

/**
 * Row chunks whose ranges (rows of each of `widths` floats) fit the binding limit and whose grid fits the
 * per-dimension limit (with the buffer kernels' tile for `outCols` output columns: the image path takes the
 * same chunks, so the choice of path never changes how a weight gradient's reduction is split).
 */
function chunks(g: Gpu, total: number, widths: number[], outCols: number): RowChunk[] {
  return rowChunks(g, total, widths, { maxRows: g.caps.maxWorkgroupsPerDim * matmulTile(g, outCols).BM, op: "matmul" });
}

/** Epilogues of the matmul family: shaders/lib/matmul_epilogue{,_bias,_bias_gelu,_gelu_grad}.wgsl. */
type Epilogue = "" | "bias" | "bias_gelu" | "gelu_grad";

/** Each product: the kernel section of shaders/matmul.wgsl and the epilogue it is compiled with. */
const PRODUCTS = {
  nt: { section: "nt", epilogue: "" },
  nt_bias: { section: "nt", epilogue: "bias" },
  nt_bias_gelu: { section: "nt", epilogue: "bias_gelu" },
  nn: { section: "nn", epilogue: "" },
  nn_gelu: { section: "nn", epilogue: "gelu_grad" },
  tn: { section: "tn", epilogue: "" },
} as const satisfies Record<string, { section: string; epilogue: Epilogue }>;
type Product = keyof typeof PRODUCTS;

/** A row range of a row-major tensor with `cols` columns: a product's A or B operand. */
interface Operand {
  t: Tensor;
  cols: number;
  row0: number;
  rows: number;
}
const op = (t: Tensor, cols: number, row0 = 0, n = t.size / cols): Operand => ({ t, cols, row0, rows: n });

/**
 * One product: the image path (src/kernels/matmul_img.ts) where it applies, else the buffer kernels.
 * `rest` are the bindings after A and B (epilogue operands, the output).
 */
function product(g: Gpu, name: Product, a: Operand, b: Operand, rest: Binding[], M: number, N: number, K: number, acc: boolean, detail: string, weight: WeightDtype = "f32") {
  const layout = PRODUCTS[name].section;
  const img = imgTileFor(g, layout, a, b, M, N, K, weight);
  if (img) {
    const ta = stageOperand(g, "a", a.t.buffer, a.row0 * a.cols * 4, a.rows * a.cols, "rgba32float");
    const tb = stageOperand(g, "b", b.t.buffer, b.row0 * b.cols * (weight === "f16" ? 2 : 4), b.rows * b.cols, weight === "f16" ? "rgba16float" : "rgba32float");
    gemmImg(g, name, img, [{ texture: ta }, { texture: tb }, ...rest], M, N, K, acc, detail, weight);
    return;
  }
  // a whole tensor binds as itself (an f16 weight's bytes are not 4 per element)
  const bind = (o: Operand) => (o.row0 === 0 && o.rows * o.cols === o.t.size ? whole(o.t) : rows(o.t, o.cols, o.row0, o.rows));
  gemm(g, name, [bind(a), bind(b), ...rest], M, N, K, acc, detail, weight);
}

function gemmImg(g: Gpu, name: Product, t: ImgTile, bufs: Binding[], M: number, N: number, K: number, acc: boolean, detail: string, weight: WeightDtype) {
  const { section, epilogue } = PRODUCTS[name];
  const lanes = imgLanes(g, t);
  const extra = { EPILOGUE: `matmul_epilogue${epilogue ? "_" + epilogue : ""}`, BFORMAT: weight === "f16" && section !== "tn" ? "rgba16float" : "rgba32float" };
  dispatch(g, kernel(g, "matmul_img", section, imgDefines(section, t, lanes, extra)), bufs,
    { M, N, K, acc: acc ? 1 : 0 }, [Math.ceil(N / imgTileCols(section, t, lanes)), Math.ceil(M / t.RM)], {
      name: `matmul.${name}`,
      flops: 2 * M * N * K + (name.endsWith("_gelu") ? 25 * M * N : 0),
      bytes: 4 * (M * K + M * N * (acc || name.endsWith("_gelu") ? 2 : 1)) + (weight === "f16" ? 2 : 4) * N * K,
      detail: `${detail} (image ${t.RM}×${t.RN}${t.sg ? " sg" : ""})${weight === "f16" ? " (f16 weight)" : ""}`,
    });
}

function gemm(g: Gpu, name: Product, bufs: Binding[], M: number, N: number, K: number, acc: boolean, detail: string, weight: WeightDtype = "f32") {
  const t = matmulTile(g, N);
  let vec: Vec = "";
  // the vec4 variants bind the weight as vec4<f32>: f16 weights take the scalar kernels
  if (t.direct && vec4Mode !== "off" && weight === "f32") {
    if (name.startsWith("nt") && K % 4 === 0) vec = "k4";
    else if (vec4Mode === "all" && (name === "nn" || name === "tn") && N % 4 === 0 && t.RN === 4) vec = "n4";
  }
  const { section, epilogue } = PRODUCTS[name];
  // profiles and traces name each product and vector variant as before: matmul.nt4_bias, matmul.nn4, ...
  // (tn keeps its name in both variants: the profiler counts weight-gradient products by it)
  const label = vec && name !== "tn" ? name.replace(/^(nt|nn)/, "$14") : name;
  dispatch(g, kernel(g, "matmul", vec === "n4" && name === "nn" ? "nn4" : section, defines(t, vec, epilogue, weight)), bufs,
    { M, N, K, acc: acc ? 1 : 0 }, [Math.ceil(N / t.BN), Math.ceil(M / t.BM)], {
      name: `matmul.${label}`,
      // the GELU epilogues: ~25 flops per output (erf polynomial, exp) and a second output or input
      flops: 2 * M * N * K + (name.endsWith("_gelu") ? 25 * M * N : 0),
      bytes: 4 * (M * K + M * N * (acc || name.endsWith("_gelu") ? 2 : 1)) + (weight === "f16" ? 2 : 4) * N * K,
      detail: `${detail}${vec ? ` (${vec})` : ""}${weight === "f16" ? " (f16 weight)" : ""}`,
    });
}

/** Y = X·Wᵀ + b. x: [..., K], w: [N, K], bias: [N] → [..., N] (leading dims of x kept). */
export function linear(x: Tensor, w: Tensor, bias?: Tensor, out?: Tensor): Tensor {
  const g = x.gpu;
  if (w.shape.length !== 2) throw new GpuError(`linear: weight has shape [${w.shape}], expected [out, in]`);
  const [N, K] = w.shape;
  const M = rowsOf("linear", "x", x, K);
  const shape = [...x.shape.slice(0, -1), N];
  if (bias) expectShape("linear", "bias", bias, [N]);
  const y = out ?? Tensor.empty(g, shape, "f32", "linear.out");
  expectShape("linear", "out", y, shape);
  for (const { row0: r0, rows: n } of chunks(g, M, [K, N], N)) {
    const rest = bias ? [whole(bias), rows(y, N, r0, n)] : [rows(y, N, r0, n)];
    product(g, bias ? "nt_bias" : "nt", op(x, K, r0, n), op(w, K), rest, n, N, K, false, `linear ${n}x${K} · [${N},${K}]ᵀ${bias ? " + b" : ""}`, weightDtype("linear", w));
  }
  return y;
}

/**
 * F = X·Wᵀ + b and G = GELU(F) from one matmul (bias and GELU in its epilogue): a transformer FFN's first
 * Linear and its activation. Returns both: `pre` (F, which GELU's backward needs) and `out` (G).
 */
export function linearGelu(x: Tensor, w: Tensor, bias: Tensor): { pre: Tensor; out: Tensor } {
  const g = x.gpu;
  if (w.shape.length !== 2) throw new GpuError(`linearGelu: weight has shape [${w.shape}], expected [out, in]`);
  const [N, K] = w.shape;
  const M = rowsOf("linearGelu", "x", x, K);
  const shape = [...x.shape.slice(0, -1), N];
  expectShape("linearGelu", "bias", bias, [N]);
  const pre = Tensor.empty(g, shape, "f32", "linear_gelu.pre");
  const out = Tensor.empty(g, shape, "f32", "linear_gelu.out");
  for (const { row0: r0, rows: n } of chunks(g, M, [K, N], N)) {
    product(g, "nt_bias_gelu", op(x, K, r0, n), op(w, K), [whole(bias), rows(pre, N, r0, n), rows(out, N, r0, n)], n, N, K, false,
      `linear+gelu ${n}x${K} · [${N},${K}]ᵀ + b`, weightDtype("linearGelu", w));
  }
  return { pre, out };
}

/** C = A·B. a: [..., N], b: [N, K] → [..., K] (leading dims of a kept). Used for dX = dY·W. */
export function matmulNN(a: Tensor, b: Tensor, out?: Tensor, geluOf?: Tensor): Tensor {
  const g = a.gpu;
  if (b.shape.length !== 2) throw new GpuError(`matmulNN: b has shape [${b.shape}], expected 2 dims`);
  const [N, K] = b.shape;
  const M = rowsOf("matmulNN", "a", a, N);
  const shape = [...a.shape.slice(0, -1), K];
  const c = out ?? Tensor.empty(g, shape, "f32", "matmulNN.out");
  expectShape("matmulNN", "out", c, shape);
  if (geluOf) expectShape("matmulNN", "geluOf", geluOf, shape);
  const wdt = weightDtype("matmulNN", b); // b is the Linear weight in dX = dY·W
  for (const { row0: r0, rows: n } of chunks(g, M, [N, K], K)) {
    if (geluOf) {
      product(g, "nn_gelu", op(a, N, r0, n), op(b, K), [rows(geluOf, K, r0, n), rows(c, K, r0, n)], n, K, N, false, `nn·gelu' ${n}x${N} · ${N}x${K}`, wdt);
    } else product(g, "nn", op(a, N, r0, n), op(b, K), [rows(c, K, r0, n)], n, K, N, false, `nn ${n}x${N} · ${N}x${K}`, wdt);
  }
  return c;
}

/**
 * out (+)= Aᵀ·B. a: [..., N], b: [..., K] with the same leading dims (M rows) → out [N, K].
 * Used for dW = dYᵀ·X; `accumulate` adds into out (gradient accumulation across micro-batches).
 */
export function matmulTN(a: Tensor, b: Tensor, out: Tensor, accumulate: boolean): void {
  const g = a.gpu;
  const N = a.shape[a.shape.length - 1];
  const K = b.shape[b.shape.length - 1];
  const M = rowsOf("matmulTN", "a", a, N);
  if (rowsOf("matmulTN", "b", b, K) !== M) {
    throw new GpuError(`matmulTN: a [${a.shape}] and b [${b.shape}] have different numbers of rows`);
  }
  expectShape("matmulTN", "out", out, [N, K]);
  if (M === 0) {
    if (!accumulate) out.zero();
    return;
  }
  // the reduction runs over rows, so row chunks become partial products added into out
  for (const { row0: r0, rows: n } of chunks(g, M, [N, K], K)) {
    product(g, "tn", op(a, N, r0, n), op(b, K, r0, n), [whole(out)], N, K, n, accumulate || r0 > 0, `tn [${n},${N}]ᵀ · ${n}x${K}`);
  }
}

/** out[N] (+)= column sums of dy [..., N] (fixed summation order: deterministic). */
export function biasGrad(dy: Tensor, out: Tensor, accumulate: boolean): void {
  const g = dy.gpu;
  const N = out.shape[0];
  expectShape("biasGrad", "out", out, [N]);
  const M = rowsOf("biasGrad", "dy", dy, N);
  if (M === 0) {
    if (!accumulate) out.zero();
    return;
  }
  const k = kernel(g, "matmul_bias", "bias_grad");
  for (const { row0: r0, rows: n } of chunks(g, M, [N], N)) {
    dispatch(g, k, [rows(dy, N, r0, n), whole(out)], { M: n, N, acc: accumulate || r0 > 0 ? 1 : 0 },
      [Math.ceil(N / 64)], { flops: n * N, bytes: 4 * (n * N + 2 * N), detail: `bias_grad ${n}x${N}` });
  }
}

export interface LinearBackwardOpts {
  /** compute dX (default true; frozen first layers skip it) */
  dx?: boolean;
  /** weight gradient [N, K], written or accumulated; omitted for frozen layers */
  dw?: Tensor;
  /** bias gradient [N], written or accumulated */
  db?: Tensor;
  /** add into dw/db instead of overwriting them */
  accumulate: boolean;
  /**
   * x was GELU(geluOf) (linearGelu's `out`, geluOf its `pre`): return the gradient of geluOf instead of
   * x's, dX ⊙ GELU'(geluOf), from the same matmul (its epilogue)
   */
  geluOf?: Tensor;
}

/**
 * Backward of `linear(x, w, b)` given dy [..., N]: returns dX [..., K] = dY·W (or null when opts.dx is
 * false) and writes/accumulates dW = dYᵀ·X and db = Σ dY into opts.dw / opts.db when given.
 */
export function linearBackward(x: Tensor, w: Tensor, dy: Tensor, opts: LinearBackwardOpts): Tensor | null {
  if (w.shape.length !== 2) throw new GpuError(`linearBackward: weight has shape [${w.shape}], expected [out, in]`);
  const [N, K] = w.shape;
  expectShape("linearBackward", "dy", dy, [...x.shape.slice(0, -1), N]);
  rowsOf("linearBackward", "x", x, K);
  if (opts.dw) matmulTN(dy, x, opts.dw, opts.accumulate);
  if (opts.db) biasGrad(dy, opts.db, opts.accumulate);
  if (opts.dx === false) return null;
  const dx = matmulNN(dy, w, Tensor.empty(x.gpu, x.shape, "f32", "linear.dx"), opts.geluOf);
  return dx;
}

/** A product to tune for: its layout and M×N×K as gemm sees them (rows, output columns, reduction). */
export interface MatmulShape {
  layout: ImgLayout;
  M: number;
  N: number;
  K: number;
}

/** The three products of Linear layers with weights [N, K] on `rows` rows: forward, dX and dW. */
export function linearShapes(weights: [number, number][], rows: number): MatmulShape[] {
  return weights.flatMap(([N, K]): MatmulShape[] => [
    { layout: "nt", M: rows, N, K },
    { layout: "nn", M: rows, N: K, K: N },
    { layout: "tn", M: N, N: K, K: rows },
  ]);
}

/** Whether a product's operands can take the image path at all (rows of whole texels). */
function imageShape(s: MatmulShape): boolean {
  // nt reads x [M,K] and w [N,K]; nn dy [M,K] and w [K,N]; tn dy [K,M] and x [K,N]
  const [a, b] = s.layout === "nt" ? [s.K, s.K] : s.layout === "nn" ? [s.K, s.N] : [s.M, s.N];
  return a % 4 === 0 && b % 4 === 0;
}

/**
 * The cost of one call, ms: the process's CPU time (user + system, every thread: a CPU adapter's workers
 * are threads of this process) where the runtime reports it, so that other programs on the machine do not
 * count; wall time on GPUs (the CPU only waits there) and where the runtime has no CPU clock (browsers).
 */
async function timeCall(f: () => Promise<void>, cpuAdapter: boolean): Promise<number> {
  const proc = (globalThis as any).process;
  const cpu = cpuAdapter && typeof proc?.cpuUsage === "function" ? () => { const u = proc.cpuUsage(); return (u.user + u.system) / 1000; } : null;
  const t0 = performance.now(), c0 = cpu?.() ?? 0;
  await f();
  const c = cpu ? cpu() - c0 : 0;
  return c > 0 ? c : performance.now() - t0;
}

/**
 * Measures the candidates (src/kernels/matmul_tune.ts) of every shape class among `shapes` that this
 * adapter has no measurement for yet (all of them with `retune` or XLT_RETUNE=1), and keeps the fastest.
 * Each candidate runs once (compiling it), then `reps` rounds time every candidate in turn; each one's best
 * time counts (CPU time of this process on a CPU adapter, so that other work on the machine does not). M is capped at
 * 2048 rows: the tile's speed depends on the columns and the reduction, not on the row count. Returns the
 * classes measured.
 */
export async function tuneMatmuls(g: Gpu, shapes: MatmulShape[], o: { retune?: boolean; reps?: number; log?: (s: string) => void } = {}): Promise<string[]> {
  if (tuningDisabled()) return [];
  const retune = o.retune || retuneRequested();
  const todo = new Map<string, MatmulShape>();
  for (const s of shapes) {
    if (!imageShape(s)) continue; // only the buffer kernels apply: nothing to choose
    const dims = classDims(s.layout, s.M, s.N, s.K);
    const key = classKey(s.layout, ...dims);
    if ((retune || !tunedChoice(g, s.layout, ...dims)) && !todo.has(key)) todo.set(key, s);
  }
  const saved = imgMode;
  try {
    for (const [key, s] of todo) {
      // the batch's rows (M; tn: the reduction K) capped: speed depends on the weight's shape, not on them
      const rowsOf = (n: number) => Math.min(2048, Math.max(64, n));
      const [M, K] = s.layout === "tn" ? [s.M, rowsOf(s.K)] : [rowsOf(s.M), s.K];
      // operands as the products take them: nt x [M,K]·w [N,K]; nn dy [M,K]·w [K,N]; tn dy [K,M], x [K,N]
      const [xr, xc, wr, wc] = s.layout === "nt" ? [M, K, s.N, K] : s.layout === "nn" ? [M, K, K, s.N] : [K, M, K, s.N];
      const x = Tensor.empty(g, [xr, xc], "f32", "tune.a"), w = Tensor.empty(g, [wr, wc], "f32", "tune.b");
      const out = Tensor.empty(g, [M, s.N], "f32", "tune.out");
      x.zero();
      w.zero();
      const run = () => (s.layout === "nt" ? linear(x, w, undefined, out) : s.layout === "nn" ? matmulNN(x, w, out) : matmulTN(x, w, out, false));
      const cands = candidates(s.layout, g.caps.subgroupRows > 0);
      const times = cands.map(() => Infinity);
      try {
        for (const c of cands) {
          imgMode = c === "buffer" ? "off" : c;
          run(); // compiles it
          await sync(g);
        }
        // rounds over the candidates in turn, the best of each counting: a burst of other work on the machine
        // then slows one round of every candidate instead of all rounds of one
        for (let r = 0; r < (o.reps ?? 4); r++) {
          for (const [i, c] of cands.entries()) {
            imgMode = c === "buffer" ? "off" : c;
            times[i] = Math.min(times[i], await timeCall(async () => (run(), await sync(g)), isSoftwareAdapter(g)));
          }
        }
      } finally {
        for (const t of [x, w, out]) t.release();
      }
      const ms: Record<string, number> = {};
      cands.forEach((c, i) => (ms[choiceLabel(c)] = Math.round(times[i] * 1000) / 1000));
      const best = cands[times.indexOf(Math.min(...times))];
      const shape: [number, number, number] = [M, s.N, K];
      storeChoice(g, key, { choice: best, shape, ms, at: new Date().toISOString() });
      o.log?.(`tuned matmul ${key} (${shape.join("×")}): ${choiceLabel(best)} (${Object.entries(ms).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(", ")})`);
    }
  } finally {
    imgMode = saved;
  }
  return [...todo.keys()];
}
