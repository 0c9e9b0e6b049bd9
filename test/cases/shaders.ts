// The shader preprocessor (src/gpu/shaders.ts): an //#include inside a kernel's section applies to that
// kernel only, and the matmul family builds every product from one section per layout plus an epilogue
// and vector defines (shaders/matmul.wgsl), sharing its tiled main with attention (lib/matmul_tile.wgsl).
import { registerShaderSource, shaderSource, sourceLine } from "../../src/gpu/shaders.ts";
import { tileDefines } from "../../src/kernels/matmul_tile.ts";
import { CPU_TILE, GPU_TILE } from "../../src/kernels/matmul.ts";
import type { Cases } from "../lib/check.ts";

function expect(what: string, got: unknown, want: unknown) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

const names = (src: { bindings: { name: string }[] }) => src.bindings.map((b) => b.name);

export const cases: Cases = {
  "an //#include inside a kernel section applies to that kernel only, and error lines map back to the library": () => {
    registerShaderSource("test_section_include", [
      "//#include gelu", //           1
      "//#common", //                 2
      "const C = 1u;", //             3
      "//#kernel plain", //           4
      "fn f() {}", //                 5
      "//#kernel fused", //           6
      "//#include {{WHICH}}", //      7
      "fn g() {}", //                 8
    ].join("\n"));
    const plain = shaderSource("test_section_include", "plain", { WHICH: "matmul_epilogue" });
    const fused = shaderSource("test_section_include", "fused", { WHICH: "matmul_epilogue" });
    expect("plain includes", plain.includes.map((i) => i.lib), ["gelu"]);
    expect("fused includes", fused.includes.map((i) => i.lib), ["gelu", "matmul_epilogue"]);
    if (!fused.code.includes("fn store(") || plain.code.includes("fn store(")) throw new Error("the section's library went to the wrong kernel");
    const gelu = plain.includes[0].lines;
    expect("line in the section's library", sourceLine(fused, gelu + 2), "shaders/lib/matmul_epilogue.wgsl:2");
    const lines = fused.code.split("\n");
    const at = lines.findIndex((l) => l.startsWith("fn g()")) + 1;
    expect("line in the section after it", sourceLine(fused, at), "shaders/test_section_include.wgsl:8");
    registerShaderSource("test_include_late", "//#common\nconst C = 1u;\n//#include gelu\n//#kernel k\nfn f() {}");
    try {
      shaderSource("test_include_late", "k");
    } catch (e) {
      if (!/test_include_late\.wgsl:3: \/\/#include belongs before \/\/#common or inside a \/\/#kernel section/.test((e as Error).message)) throw e;
      return;
    }
    throw new Error("an //#include inside //#common was accepted");
  },
  "matmul products: one nt section with epilogue and vec4 defines (bindings by epilogue)": () => {
    const nt = (epilogue: string, vec: "" | "k4", tile = CPU_TILE, weight = "f32") =>
      shaderSource("matmul", "nt", {
        ...tileDefines(tile, vec), EPILOGUE: epilogue, XV: vec ? "vec4<f32>" : "f32", BV: "f32", VEC: vec ? 4 : 1, LANE: vec ? "v[i % 4u]" : "v",
        WEIGHT: `weight_${weight}`, WV: vec ? "vec4<f32>" : "WT",
      });
    expect("nt", names(nt("matmul_epilogue", "")), ["P", "x", "w", "y"]);
    expect("nt + bias", names(nt("matmul_epilogue_bias", "")), ["P", "x", "w", "bias", "y"]);
    expect("nt + bias + gelu, k4", names(nt("matmul_epilogue_bias_gelu", "k4")), ["P", "x", "w", "bias", "y", "act"]);
    if (!/alias XV = vec4<f32>;/.test(nt("matmul_epilogue_bias", "k4").code)) throw new Error("k4 does not bind X and W as vec4");
    // f16 weights (--f16-frozen): the module starts with `enable f16;` and binds W as f16, converted on load
    const f16 = nt("matmul_epilogue_bias", "", CPU_TILE, "f16").code;
    if (!f16.startsWith("enable f16;") || !/alias WT = f16;/.test(f16) || !/var<storage, read> w: array<WV>/.test(f16) || !/alias WV = WT;/.test(f16)) {
      throw new Error("the f16-weight variant does not enable f16 first and bind W as f16");
    }
    if (/enable f16/.test(nt("matmul_epilogue_bias", "").code)) throw new Error("the f32 variant enables f16");
    // the staged (GPU) tile compiles the same section with no generated body
    if (nt("matmul_epilogue", "", GPU_TILE).code.includes("readA(z, r0, k)")) throw new Error("staged tile has a direct body");
    for (const fam of ["matmul", "attention"]) {
      const src = shaderSource(fam, fam === "matmul" ? "tn" : "scores", { ...tileDefines(CPU_TILE), BV: "f32", VEC: 1, LANE: "v", WEIGHT: "weight_f32" });
      if (src.includes[src.includes.length - 1].lib !== "matmul_tile") throw new Error(`${fam} does not use lib/matmul_tile.wgsl`);
      if ((src.code.match(/fn main\(/g) ?? []).length !== 1) throw new Error(`${fam}: expected one main`);
    }
  },
};
