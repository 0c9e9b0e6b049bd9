// The image-operand path of the matmul family for CPU adapters: shaders/matmul_img.wgsl, its generated
// register block, and the copies of the operands into images (see that file for why images).
//
// Every product keeps the buffer path's arithmetic (fma over k in order from 0), so the two paths, and
// every tile of this one, give bit-identical results; which one runs is a matter of speed only.
import type { Gpu } from "../gpu/device.ts";
import { onFlush, recordCopyToTexture } from "../gpu/recorder.ts";

/** The three products: nt (Y = X·Wᵀ), nn (dX = dY·W), tn (dW = dYᵀ·X); see shaders/matmul_img.wgsl. */
export type ImgLayout = "nt" | "nn" | "tn";

/**
 * A workgroup is one SIMD group (LANES invocations) owning RM output rows, uniform across it, and RN
 * columns per lane (nt) or RN texels of 4 columns per lane (nn, tn). sg: rows reach the lanes through
 * subgroupBroadcast (one image load per LANES rows) instead of one image load per row; needs subgroups
 * and RM a multiple of LANES (tn: RM a multiple of 4, and its broadcast runs over LANES reduction rows).
 */
export interface ImgTile {
  RM: number;
  RN: number;
  sg: boolean;
}

/** Output columns one workgroup covers: RN per lane, or RN texels of 4 per lane. */
export function imgTileCols(layout: ImgLayout, t: ImgTile, lanes: number): number {
  return lanes * t.RN * (layout === "nt" ? 1 : 4);
}

const range = (n: number) => [...Array(n).keys()];
const XYZW = ["x", "y", "z", "w"];

/**
 * The kernel body (inside lib/img_tile.wgsl's main): index set-up, the reduction loop over a fully
 * unrolled register block, and the guarded stores through the section's store(z, m, n, v).
 */
export function imgBody(layout: ImgLayout, t: ImgTile, lanes: number): string {
  const L: string[] = [];
  const I = range(t.RM), J = range(t.RN);
  const q = (j: number) => `q0 + l${j ? ` + ${j * lanes}u` : ""}`; // this lane's j-th column (nt) or texel (nn, tn)
  L.push(`  let row0 = wg.y * ${t.RM}u;`, `  let q0 = wg.x * ${lanes * t.RN}u;`, "  let K4 = (P.K + 3u) / 4u;");
  if (layout === "tn") return tnBody(L, t, lanes, I, J, q);
  // nt, nn: A's rows along the reduction, a texel = 4 reduction steps of one row
  if (t.sg) for (const g of range(t.RM / lanes)) L.push(`  let ar${g} = min(row0 + ${g * lanes}u + l, P.M - 1u);`);
  else for (const i of I) L.push(`  let r${i} = min(row0 + ${i}u, P.M - 1u);`);
  const aLoads = () => {
    if (!t.sg) return I.map((i) => `    let a${i} = loadA(z, r${i}, k4);`);
    const out = range(t.RM / lanes).map((g) => `    let av${g} = loadA(z, ar${g}, k4);`);
    return out.concat(I.map((i) => `    let a${i} = subgroupBroadcast(av${Math.floor(i / lanes)}, ${i % lanes}u);`));
  };
  if (layout === "nt") {
    for (const j of J) L.push(`  let c${j} = min(${q(j)}, P.N - 1u);`);
    for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = 0.0;`).join(" "));
    L.push("  for (var k4 = 0u; k4 < K4; k4++) {");
    L.push(...aLoads());
    for (const j of J) L.push(`    let b${j} = loadB(z, c${j}, k4);`);
    for (const i of I) {
      for (const j of J) L.push(`    s${i}_${j} = ${XYZW.reduce((acc, c) => `fma(a${i}.${c}, b${j}.${c}, ${acc})`, `s${i}_${j}`)};`);
    }
    L.push("  }");
    for (const i of I) {
      for (const j of J) L.push(`  if (row0 + ${i}u < P.M && ${q(j)} < P.N) { store(z, row0 + ${i}u, ${q(j)}, s${i}_${j}); }`);
    }
    return L.join("\n");
  }
  // nn: B's rows are reduction steps, along the output columns; a texel = 4 columns
  for (const j of J) L.push(`  let c${j} = min(${q(j)}, (P.N + 3u) / 4u - 1u);`);
  for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = vec4f(0.0);`).join(" "));
  L.push("  for (var k4 = 0u; k4 < K4; k4++) {");
  L.push(...aLoads());
  for (const c of range(4)) {
    L.push(`    let k${c} = min(k4 * 4u + ${c}u, P.K - 1u);`); // past K: A is 0 there, B any finite row
    for (const j of J) L.push(`    let b${j}_${c} = loadB(z, k${c}, c${j});`);
  }
  for (const c of range(4)) {
    for (const i of I) L.push("    " + J.map((j) => `s${i}_${j} = fma(vec4f(a${i}.${XYZW[c]}), b${j}_${c}, s${i}_${j});`).join(" "));
  }
  L.push("  }");
  storeTexels(L, I, J, q, (i) => `row0 + ${i}u`, (i, j) => `s${i}_${j}`);
  return L.join("\n");
}

const definesCache = new Map<string, Record<string, string | number>>();

/**
 * The defines of a kernel built on lib/img_tile.wgsl: the generated body for the product's layout and
 * tile, the SIMD width, the subgroup library, and the family's own (`extra`: epilogue, weight format).
 * One object per combination, so the kernel cache keys stay cheap.
 */
export function imgDefines(layout: ImgLayout, t: ImgTile, lanes: number, extra: Record<string, string> = {}): Record<string, string | number> {
  const key = `${layout},${t.RM},${t.RN},${t.sg},${lanes},${JSON.stringify(extra)}`;
  let d = definesCache.get(key);
  if (!d) {
    d = { SUBGROUPS: t.sg ? "subgroups_on" : "subgroups_off", LANES: lanes, WSHIFT, BODY: imgBody(layout, t, lanes), ...extra };
    definesCache.set(key, d);
  }
  return d;
}

/** Stores of vec4 accumulators: 4 consecutive columns from texel column q(j). */
function storeTexels(L: string[], I: number[], J: number[], q: (j: number) => string, row: (i: number) => string, acc: (i: number, j: number) => string) {
  for (const i of I) {
    L.push(`  if (${row(i)} < P.M) {`);
    for (const j of J) {
      for (const c of range(4)) L.push(`    if ((${q(j)}) * 4u + ${c}u < P.N) { store(z, ${row(i)}, (${q(j)}) * 4u + ${c}u, ${acc(i, j)}.${XYZW[c]}); }`);
    }
    L.push("  }");
  }
}

/**
 * tn: both operands' rows are reduction steps k along the outputs, A's texels 4 output rows, B's 4 output
 * columns. With subgroups, lane l loads A's texels at k + l and the broadcast walks k … k + LANES − 1; the
 * last K mod LANES steps take the direct loop.
 */
function tnBody(L: string[], t: ImgTile, lanes: number, I: number[], J: number[], q: (j: number) => string): string {
  const T = range(t.RM / 4); // texel rows: output rows 4·tt .. 4·tt + 3
  for (const tt of T) L.push(`  let m${tt} = min(row0 / 4u + ${tt}u, (P.M + 3u) / 4u - 1u);`);
  for (const j of J) L.push(`  let c${j} = min(${q(j)}, (P.N + 3u) / 4u - 1u);`);
  for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = vec4f(0.0);`).join(" "));
  const step = (k: string, a: (tt: number) => string) => {
    for (const j of J) L.push(`    let b${j} = loadB(z, ${k}, c${j});`);
    for (const tt of T) L.push(`    let a${tt} = ${a(tt)};`);
    for (const tt of T) {
      for (const e of range(4)) {
        const i = 4 * tt + e;
        L.push("    " + J.map((j) => `s${i}_${j} = fma(vec4f(a${tt}.${XYZW[e]}), b${j}, s${i}_${j});`).join(" "));
      }
    }
  };
  L.push("  var k = 0u;");
  if (t.sg) {
    L.push(`  for (; k + ${lanes}u <= P.K; k += ${lanes}u) {`);
    for (const tt of T) L.push(`    let av${tt} = loadA(z, k + l, m${tt});`);
    for (const kk of range(lanes)) {
      L.push("    {");
      step(`k + ${kk}u`, (tt) => `subgroupBroadcast(av${tt}, ${kk}u)`);
      L.push("    }");
    }
    L.push("  }");
  }
  L.push("  for (; k < P.K; k++) {");
  step("k", (tt) => `loadA(z, k, m${tt})`);
  L.push("  }");
  storeTexels(L, I, J, q, (i) => `row0 + ${i}u`, (i, j) => `s${i}_${j}`);
  return L.join("\n");
}

// Scratch images the operands are copied into, one per (role, format), linear (texel i at (i mod W, i / W),
// W = 2^WSHIFT texels), grown (never shrunk) to the rows needed, rounded up so batches of varying length
// do not reallocate every step. Work on the queue runs in order, so one image per role serves every
// product of a step: each copy lands after the previous product has read it. A replaced image is
// destroyed after the next submit.
interface Scratch {
  images: Map<string, { tex: GPUTexture; rows: number }>;
  retired: GPUTexture[];
}
const scratch = new WeakMap<Gpu, Scratch>();
const ROW_QUANTUM = 64;
/** log2 of the images' width in texels (1024 texels: 4096 f32 a row, 64 Mi floats in a 16384-row image) */
export const WSHIFT = 10;
const WIDTH = 1 << WSHIFT;

function scratchOf(g: Gpu): Scratch {
  let s = scratch.get(g);
  if (!s) {
    const made: Scratch = (s = { images: new Map(), retired: [] });
    onFlush(g, () => {
      for (const t of made.retired.splice(0)) t.destroy();
    });
    scratch.set(g, s);
  }
  return s;
}

/** An image's texel format: rgba32float (f32 operands) or rgba16float (f16 weights). */
export type ImgFormat = "rgba32float" | "rgba16float";
const FLOAT_BYTES: Record<ImgFormat, number> = { rgba32float: 4, rgba16float: 2 };

/** Whether `floats` floats fit one linear image on this adapter (a whole number of texels). */
export function fitsImage(g: Gpu, floats: number): boolean {
  return floats > 0 && floats % 4 === 0 && Math.ceil(floats / 4 / WIDTH) <= g.caps.maxTexture2D;
}

/**
 * Records a copy of `floats` floats (a multiple of 4) starting at byte `offset` of `buffer` into the role's
 * linear scratch image and returns the image: the whole rows in one copy, the last partial row in another.
 */
export function stageOperand(g: Gpu, role: string, buffer: GPUBuffer, offset: number, floats: number, format: ImgFormat): GPUTexture {
  const s = scratchOf(g);
  const texels = floats / 4, rows = Math.ceil(texels / WIDTH);
  const key = `${role}:${format}`;
  let img = s.images.get(key);
  if (!img || img.rows < rows) {
    if (img) s.retired.push(img.tex);
    const h = Math.min(g.caps.maxTexture2D, Math.ceil(rows / ROW_QUANTUM) * ROW_QUANTUM);
    const tex = g.device.createTexture({ size: [WIDTH, h], format, usage: 0x08 /*STORAGE_BINDING*/ | 0x02 /*COPY_DST*/, label: `matmul image ${key}` });
    s.images.set(key, (img = { tex, rows: h }));
  }
  const rowBytes = WIDTH * 4 * FLOAT_BYTES[format];
  const full = Math.floor(texels / WIDTH), tail = texels % WIDTH;
  if (full) recordCopyToTexture(g, buffer, offset, rowBytes, full, img.tex, WIDTH, 0);
  if (tail) recordCopyToTexture(g, buffer, offset + full * rowBytes, rowBytes, 1, img.tex, tail, full);
  return img.tex;
}

/** Bytes the scratch images hold now (what the image path adds to the memory a step needs). */
export function imageBytes(g: Gpu): number {
  let n = 0;
  for (const [key, { rows }] of scratchOf(g).images) n += WIDTH * 4 * rows * FLOAT_BYTES[key.split(":")[1] as ImgFormat];
  return n;
}
