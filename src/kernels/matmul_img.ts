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
 * The kernel body (inside main(l, wg)): index set-up, the reduction loop over fully unrolled register
 * blocks, and the guarded stores through the section's store(z, m, n, v).
 */
export function imgBody(layout: ImgLayout, t: ImgTile, lanes: number): string {
  const L: string[] = [];
  const I = range(t.RM), J = range(t.RN);
  const q = (j: number) => `q0 + l${j ? ` + ${j * lanes}u` : ""}`; // this lane's j-th column (nt) or texel (nn, tn)
  L.push(`  let row0 = wg.y * ${t.RM}u;`, `  let q0 = wg.x * ${lanes * t.RN}u;`);
  if (layout === "tn") return tnBody(L, t, lanes, I, J, q);
  // nt, nn: ta holds rows of A along k; one texel = 4 reduction steps of one row
  if (t.sg) for (const g of range(t.RM / lanes)) L.push(`  let ar${g} = min(row0 + ${g * lanes}u + l, P.M - 1u);`);
  else for (const i of I) L.push(`  let r${i} = min(row0 + ${i}u, P.M - 1u);`);
  const aLoads = (k4: string) => {
    if (!t.sg) return I.map((i) => `    let a${i} = textureLoad(ta, vec2u(${k4}, r${i}));`);
    const out = range(t.RM / lanes).map((g) => `    let av${g} = textureLoad(ta, vec2u(${k4}, ar${g}));`);
    return out.concat(I.map((i) => `    let a${i} = subgroupBroadcast(av${Math.floor(i / lanes)}, ${i % lanes}u);`));
  };
  if (layout === "nt") {
    for (const j of J) L.push(`  let c${j} = min(${q(j)}, P.N - 1u);`);
    for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = 0.0;`).join(" "));
    L.push("  for (var k4 = 0u; k4 < P.K / 4u; k4++) {");
    L.push(...aLoads("k4"));
    for (const j of J) L.push(`    let b${j} = textureLoad(tb, vec2u(k4, c${j}));`);
    for (const i of I) {
      for (const j of J) L.push(`    s${i}_${j} = ${XYZW.reduce((acc, c) => `fma(a${i}.${c}, b${j}.${c}, ${acc})`, `s${i}_${j}`)};`);
    }
    L.push("  }");
    for (const i of I) {
      for (const j of J) L.push(`  if (row0 + ${i}u < P.M && ${q(j)} < P.N) { store(0u, row0 + ${i}u, ${q(j)}, s${i}_${j}); }`);
    }
    return L.join("\n");
  }
  // nn: tb holds rows of B (reduction index k) along the output columns; one texel = 4 columns
  for (const j of J) L.push(`  let c${j} = min(${q(j)}, P.N / 4u - 1u);`);
  for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = vec4f(0.0);`).join(" "));
  L.push("  for (var k4 = 0u; k4 < P.K / 4u; k4++) {");
  L.push(...aLoads("k4"));
  for (const c of range(4)) {
    for (const j of J) L.push(`    let b${j}_${c} = textureLoad(tb, vec2u(c${j}, k4 * 4u + ${c}u));`);
  }
  for (const c of range(4)) {
    for (const i of I) L.push("    " + J.map((j) => `s${i}_${j} = fma(vec4f(a${i}.${XYZW[c]}), b${j}_${c}, s${i}_${j});`).join(" "));
  }
  L.push("  }");
  storeTexels(L, I, J, q, (i) => `row0 + ${i}u`, (i, j) => `s${i}_${j}`);
  return L.join("\n");
}

/** Stores of vec4 accumulators: 4 consecutive columns from texel column q(j). */
function storeTexels(L: string[], I: number[], J: number[], q: (j: number) => string, row: (i: number) => string, acc: (i: number, j: number) => string) {
  for (const i of I) {
    L.push(`  if (${row(i)} < P.M) {`);
    for (const j of J) {
      L.push(`    if ((${q(j)}) * 4u < P.N) {`);
      for (const c of range(4)) L.push(`      store(0u, ${row(i)}, (${q(j)}) * 4u + ${c}u, ${acc(i, j)}.${XYZW[c]});`);
      L.push("    }");
    }
    L.push("  }");
  }
}

/**
 * tn: both images hold reduction rows k along the outputs, ta 4 output rows per texel, tb 4 output columns.
 * With subgroups, lane l loads ta's texels at reduction row k0 + l and the broadcast walks k0 … k0 + LANES − 1;
 * the last K mod LANES rows take the direct loop.
 */
function tnBody(L: string[], t: ImgTile, lanes: number, I: number[], J: number[], q: (j: number) => string): string {
  const T = range(t.RM / 4); // texel rows: output rows 4·tt .. 4·tt + 3
  for (const tt of T) L.push(`  let m${tt} = min(row0 / 4u + ${tt}u, P.M / 4u - 1u);`);
  for (const j of J) L.push(`  let c${j} = min(${q(j)}, P.N / 4u - 1u);`);
  for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = vec4f(0.0);`).join(" "));
  const step = (k: string, a: (tt: number) => string) => {
    for (const j of J) L.push(`    let b${j} = textureLoad(tb, vec2u(c${j}, ${k}));`);
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
    for (const tt of T) L.push(`    let av${tt} = textureLoad(ta, vec2u(m${tt}, k + l));`);
    for (const kk of range(lanes)) {
      L.push("    {");
      step(`k + ${kk}u`, (tt) => `subgroupBroadcast(av${tt}, ${kk}u)`);
      L.push("    }");
    }
    L.push("  }");
  }
  L.push("  for (; k < P.K; k++) {");
  step("k", (tt) => `textureLoad(ta, vec2u(m${tt}, k))`);
  L.push("  }");
  storeTexels(L, I, J, q, (i) => `row0 + ${i}u`, (i, j) => `s${i}_${j}`);
  return L.join("\n");
}

// Scratch images the operands are copied into, one per (role, width in texels, format), grown (never
// shrunk) to the rows needed, rounded up so batches of varying length do not reallocate every step. Work
// on the queue runs in order, so one image per role serves every product of a step: each copy lands
// after the previous product has read it. A replaced image is destroyed after the next submit.
interface Scratch {
  images: Map<string, { tex: GPUTexture; rows: number }>;
  retired: GPUTexture[];
}
const scratch = new WeakMap<Gpu, Scratch>();
const ROW_QUANTUM = 256;

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

/** Bytes per float of an image format: rgba32float (f32 operands) or rgba16float (f16 weights). */
export type ImgFormat = "rgba32float" | "rgba16float";
const FLOAT_BYTES: Record<ImgFormat, number> = { rgba32float: 4, rgba16float: 2 };

/** Whether a row of `cols` floats can be copied into an image of `format` as it is (bytesPerRow % 256). */
export function copyableRow(cols: number, format: ImgFormat = "rgba32float"): boolean {
  return cols > 0 && (cols * FLOAT_BYTES[format]) % 256 === 0;
}

/**
 * Records a copy of `rows` rows of `cols` floats starting at byte `offset` of `buffer` into the role's
 * scratch image (texel (x, y) = floats 4x..4x+3 of row y) and returns the image.
 */
export function stageOperand(g: Gpu, role: "a" | "b", buffer: GPUBuffer, offset: number, cols: number, rows: number, format: ImgFormat): GPUTexture {
  const s = scratchOf(g);
  const width = cols / 4;
  const key = `${role}:${width}:${format}`;
  let img = s.images.get(key);
  if (!img || img.rows < rows) {
    if (img) s.retired.push(img.tex);
    const h = Math.min(g.caps.maxTexture2D, Math.ceil(rows / ROW_QUANTUM) * ROW_QUANTUM);
    const tex = g.device.createTexture({
      size: [width, h],
      format,
      usage: 0x08 /*STORAGE_BINDING*/ | 0x02 /*COPY_DST*/,
      label: `matmul image ${key}`,
    });
    s.images.set(key, (img = { tex, rows: h }));
  }
  recordCopyToTexture(g, buffer, offset, cols * FLOAT_BYTES[format], rows, img.tex, width);
  return img.tex;
}

/** Bytes the scratch images hold now (what the image path adds to the memory a step needs). */
export function imageBytes(g: Gpu): number {
  let n = 0;
  for (const [key, { rows }] of scratchOf(g).images) {
    const [, width, format] = key.split(":");
    n += Number(width) * 4 * rows * FLOAT_BYTES[format as ImgFormat];
  }
  return n;
}
