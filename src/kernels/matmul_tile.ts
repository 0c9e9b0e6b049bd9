// The matmul tile library's host side: the tile shape, the generated register-block body of the direct
// path, and the defines of shaders/lib/matmul_tile.wgsl. The matmul family (src/kernels/matmul.ts) and
// attention's batched products (src/kernels/attention.ts) both compile that tiled main with these.

/** Workgroup tile BM×BN, K slab depth BK, per-thread register block RM×RN (BM % RM == BN % RN == 0). */
export interface MatmulTile {
  BM: number;
  BN: number;
  BK: number;
  RM: number;
  RN: number;
  /** read operands straight from the buffers, no workgroup-memory staging (for CPU adapters) */
  direct?: boolean;
}

/**
 * vec4 variants of the direct (CPU) path, picked per dispatch when the shape allows (else scalar):
 *   "k4" (nt with any epilogue; K % 4 == 0): X and W bound as array<vec4<f32>>, one 16-byte load per operand
 *        row/column per 4 k steps (the uniform row loads drop 4×, the k loop runs K/4 times).
 *   "n4" (nn, tn; N % 4 == 0, RN == 4; tn's section switches by define so its name stays matmul.tn): each
 *        thread owns 4 CONSECUTIVE output columns, so B and C are read/written as vec4 (the 8 threads
 *        of a workgroup cover 128 contiguous bytes of a B row).
 * Both keep the scalar path's per-element fma order, so results equal the scalar kernels bit for bit.
 */
export type Vec = "" | "k4" | "n4";

/** The unrolled register-block loop of the direct (unstaged) path; see shaders/lib/matmul_tile.wgsl. */
function directBody(t: MatmulTile, vec: Vec): string {
  const L: string[] = [];
  const I = [...Array(t.RM).keys()], J = [...Array(t.RN).keys()];
  for (const i of I) L.push(`  let r${i} = min(row0 + ty + ${i}u * WY, P.M - 1u);`);
  if (vec === "n4") {
    // columns col0 + 4·tx .. +3 (P.N % 4 == 0, so clamping the start to P.N - 4 keeps the vec4 in range)
    L.push(`  let cc = min(col0 + tx * 4u, P.N - 4u);`);
    for (const i of I) L.push(`  var s${i} = vec4<f32>(0.0);`);
    L.push("  for (var k = 0u; k < P.K; k++) {");
    L.push("    let b = readB4(z, k, cc);");
    for (const i of I) L.push(`    let a${i} = readA(z, r${i}, k);`);
    for (const i of I) L.push(`    s${i} = fma(vec4<f32>(a${i}), b, s${i});`);
    L.push("  }");
    L.push("  let cw = col0 + tx * 4u;");
    L.push("  if (cw < P.N) {");
    for (const i of I) L.push(`    if (row0 + ty + ${i}u * WY < P.M) { store4(z, row0 + ty + ${i}u * WY, cw, s${i}); }`);
    L.push("  }");
    return L.join("\n");
  }
  for (const j of J) L.push(`  let c${j} = min(col0 + tx + ${j}u * WX, P.N - 1u);`);
  for (const i of I) L.push("  " + J.map((j) => `var s${i}_${j} = 0.0;`).join(" "));
  if (vec === "k4") {
    L.push("  for (var k4 = 0u; k4 < P.K / 4u; k4++) {");
    for (const i of I) L.push(`    let a${i} = readA4(z, r${i}, k4);`);
    for (const j of J) L.push(`    let b${j} = readB4(z, k4, c${j});`);
    for (const c of ["x", "y", "z", "w"]) {
      for (const i of I) L.push("    " + J.map((j) => `s${i}_${j} = fma(a${i}.${c}, b${j}.${c}, s${i}_${j});`).join(" "));
    }
    L.push("  }");
  } else {
    // k unrolled by KU (more independent loads in flight per iteration), then a remainder loop
    const step = (ku: number) => {
      for (let u = 0; u < ku; u++) {
        const k = u ? `k + ${u}u` : "k";
        for (const i of I) L.push(`    let a${i}_${u} = readA(z, r${i}, ${k});`);
        for (const j of J) L.push(`    let b${j}_${u} = readB(z, ${k}, c${j});`);
      }
      for (let u = 0; u < ku; u++) {
        for (const i of I) L.push("    " + J.map((j) => `s${i}_${j} = fma(a${i}_${u}, b${j}_${u}, s${i}_${j});`).join(" "));
      }
    };
    const KU = t.BK; // the direct path has no slabs: BK is its k unroll (1 was fastest on lavapipe)
    L.push(`  var k = 0u;`);
    L.push(`  for (; k + ${KU - 1}u < P.K; k += ${KU}u) {`);
    step(KU);
    L.push("  }");
    L.push("  for (; k < P.K; k++) {");
    step(1);
    L.push("  }");
  }
  for (const i of I) L.push("  " + J.map((j) => `acc[${i}][${j}] = s${i}_${j};`).join(" "));
  return L.join("\n");
}

// tileDefines() per tile and variant, built once: the unrolled body is ~20 KB of WGSL, and regenerating it
// (and hashing it as part of the kernel-cache key) on every dispatch cost ~6 ms of CPU per realign step.
const definesCache = new Map<string, Record<string, string | number>>();

/** The defines of shaders/lib/matmul_tile.wgsl for a tile and vector variant (one object per pair). */
export function tileDefines(t: MatmulTile, vec: Vec = ""): Record<string, string | number> {
  const key = `${t.BM},${t.BN},${t.BK},${t.RM},${t.RN},${!!t.direct},${vec}`;
  let d = definesCache.get(key);
  if (!d) {
    const WX = t.BN / t.RN, WY = t.BM / t.RM;
    d = {
      BM: t.BM, BN: t.BN, BK: t.BK, RM: t.RM, RN: t.RN, WX, WY, WG: WX * WY,
      AS: t.direct ? 1 : t.BK * t.BM, BS: t.direct ? 1 : t.BK * t.BN,
      DIRECT: t.direct ? "true" : "false", DIRECT_BODY: t.direct ? directBody(t, vec) : "",
      STORE_ACC: vec === "n4" ? "false" : "true",
    };
    definesCache.set(key, d);
  }
  return d;
}
