// `xlt doctor`: what xlt sees on this machine: the WebGPU adapter (limits, features), the Vulkan loader and
// driver manifests, the kernel variants picked for the adapter, and a short matmul GFLOP/s probe. Without an
// adapter it says what to install and exits non-zero.
import { XltError } from "../src/errors.ts";
import { getGpu, GpuError, type Gpu, isSoftwareAdapter, runtime } from "../src/gpu/device.ts";
import { fmtBytes } from "../src/gpu/tensor.ts";
import { findVulkan, installAdvice, type VulkanSetup } from "../src/gpu/vulkan.ts";
import { cpuVariants, rowLayout } from "../src/kernels/grid.ts";
import { defaultChoice, linearShapes, type MatmulShape, type MatmulTile, matmulTile, tuneMatmuls } from "../src/kernels/matmul.ts";
import type { ImgLayout } from "../src/kernels/matmul_img.ts";
import { choiceLabel, tuneFile, tuneTable, tuningDisabled } from "../src/kernels/matmul_tune.ts";
import { measurePeak } from "../src/train/roofline.ts";
import { type Command } from "./options.ts";

declare const Deno: any;
const line = (k: string, v: string) => console.log(`${k.padEnd(13)} ${v}`);

function runtimeLine(): string {
  if (runtime === "deno") {
    const backend = Deno.env.get("DENO_WEBGPU_BACKEND");
    // wgpu falls back to OpenGL when Vulkan has no driver; the bundle's launcher pins Vulkan
    return `deno ${Deno.version.deno} (wgpu; backends: ${backend ? `DENO_WEBGPU_BACKEND=${backend}` : "any, OpenGL included"})`;
  }
  return `node ${process.version} (Dawn, npm webgpu)`;
}

function printVulkan(v: VulkanSetup): void {
  line("vulkan loader", v.loader.length ? v.loader.join(", ") : "libvulkan.so.1 not found (ldconfig -p, LD_LIBRARY_PATH, /usr/lib*, /usr/local/nvidia)");
  if (v.envOverride) line("", `${v.envOverride} is set: the loader reads only the manifests it names`);
  if (!v.icds.length) line("vulkan ICDs", "none found (VK_ICD_FILENAMES / VK_DRIVER_FILES unset; searched */vulkan/icd.d and /usr/local/nvidia)");
  v.icds.forEach((f, i) => {
    const state = !f.exists ? "MISSING" : f.error ? f.error : `library ${f.library ?? "?"} ${f.libraryFound === false ? "NOT FOUND" : "found"}${f.apiVersion ? `, Vulkan ${f.apiVersion}` : ""}`;
    line(i ? "" : "vulkan ICDs", `${f.path} (${f.source}): ${state}`);
  });
}

function adapterFacts(g: Gpu): { info: Record<string, unknown>; limits: [string, number][]; features: string[] } {
  const a: any = g.adapter ?? {};
  const raw: any = a.info ?? {};
  const info: Record<string, unknown> = {};
  for (const k of ["vendor", "architecture", "device", "description", "subgroupMinSize", "subgroupMaxSize", "isFallbackAdapter"]) {
    if (raw[k] !== undefined && raw[k] !== "") info[k] = raw[k];
  }
  if (info.isFallbackAdapter === undefined && a.isFallbackAdapter !== undefined) info.isFallbackAdapter = a.isFallbackAdapter;
  const limits: [string, number][] = [];
  for (const k in a.limits ?? {}) if (typeof a.limits[k] === "number") limits.push([k, a.limits[k]]);
  limits.sort((x, y) => x[0].localeCompare(y[0]));
  return { info, limits, features: [...(a.features ?? [])].map(String).sort() };
}

/** The matmul tuning table of this adapter (src/kernels/matmul_tune.ts). */
function printTuning(g: Gpu): void {
  const rows = tuneTable(g);
  const file = tuneFile() ?? "(no cache directory)";
  if (tuningDisabled()) line("matmul tuning", `off (XLT_TUNE=off): ${describeDefaults(g)}`);
  else if (!rows.length) line("matmul tuning", `none measured yet (${file}); until then ${describeDefaults(g)}`);
  else {
    line("matmul tuning", `${file} (xlt doctor --retune measures again)`);
    for (const [key, e] of rows) {
      const times = Object.entries(e.ms).map(([k, ms]) => `${k} ${ms.toFixed(2)}`).join(", ");
      line("", `${key.padEnd(16)} ${choiceLabel(e.choice).padEnd(16)} at ${e.shape.join("×")}: ${times} ms`);
    }
  }
}

function describeDefaults(g: Gpu): string {
  return (["nt", "nn", "tn"] as const).map((l) => `${l} ${choiceLabel(defaultChoice(g, l))}`).join(", ");
}

const describeTile = (t: MatmulTile) => `${t.BM}×${t.BN} per workgroup, ${t.RM}×${t.RN} per thread, ${t.direct ? "direct loads" : `staged in workgroup memory, BK ${t.BK}`}`;

export const doctorCommand: Command = {
  summary: "check this machine: GPU adapter, Vulkan driver files, kernel variants, a matmul GFLOP/s probe",
  options: {
    "no-probe": { type: "boolean", help: "skip the ~2-second matmul GFLOP/s probe" },
    retune: { type: "boolean", help: "measure the matmul kernels again for every shape class in the table (and the built-in model's)" },
  },
  async run(v) {
    line("runtime", `${runtimeLine()} on ${process.platform} ${process.arch}`);
    const vulkan = findVulkan();
    let g: Gpu;
    try {
      g = await getGpu();
    } catch (e) {
      if (!(e instanceof GpuError)) throw e;
      line("adapter", "none");
      printVulkan(vulkan);
      throw new XltError(`no WebGPU adapter: ${installAdvice(vulkan)}`);
    }
    const { info, limits, features } = adapterFacts(g);
    const software = isSoftwareAdapter(g) || info.isFallbackAdapter === true;
    line("adapter", g.caps.adapterName);
    for (const [k, val] of Object.entries(info)) line("", `${k}: ${val}`);
    line("software", software ? "yes (a CPU implementation of Vulkan: expect CPU speed)" : "no");
    line("features", features.join(", ") || "none");
    for (let i = 0; i < limits.length; i += 3) {
      line(i ? "" : "limits", limits.slice(i, i + 3).map(([k, n]) => `${k} ${n >= 1 << 20 && n % 1024 === 0 ? fmtBytes(n) : n}`).join(", "));
    }
    printVulkan(vulkan);
    if (runtime === "deno" && !Deno.env.get("DENO_WEBGPU_BACKEND") && !vulkan.icds.some((f) => f.exists && f.libraryFound !== false)) {
      line("", "no usable Vulkan driver: wgpu probably fell back to OpenGL; DENO_WEBGPU_BACKEND=vulkan makes that an error");
    }
    const c = g.caps;
    const wide = matmulTile(g, 768), narrow = matmulTile(g, 64);
    line("kernels", cpuVariants(g) ? "CPU variants (software adapter: matmul operands read from images, one invocation per row, no barriers)" : "GPU variants (tiled matmuls in workgroup memory)");
    line("", `matmul tile: ${describeTile(wide)}${narrow !== wide ? `; outputs ≤ 128 wide: ${describeTile(narrow)}` : ""}`);
    const rl = rowLayout(g, 768);
    line("", `row kernels (hidden 768): ${rl.WG} invocations per workgroup, ${rl.LANES} per row, ${rl.reduce === "rows_subgroup" ? "subgroup reductions" : "workgroup-memory reductions"}`);
    line("", `subgroups: ${c.subgroupRows ? `rows reduced in one subgroup of ${c.subgroupRows}` : c.subgroups ? "compile, but no workgroup is one subgroup (probe): not used" : "not available"}; shader-f16: ${c.f16 ? "yes" : "no"}; timestamps: ${c.timestamps ? "yes" : "no (wall-clock timing)"}`);
    line("", `largest binding ${fmtBytes(c.maxBinding)} (bigger tensors, e.g. embedding tables, are processed in chunks); largest buffer ${fmtBytes(c.maxBuffer)}`);
    if (v.retune) {
      const known = tuneTable(g).map(([key, e]): MatmulShape => ({ layout: key.split(" ")[0] as ImgLayout, M: e.shape[0], N: e.shape[1], K: e.shape[2] }));
      // the built-in model (hidden 128, FFN 512, projection head 128) at its realignment batch
      const builtin = linearShapes([[128, 128], [512, 128], [128, 512]], 1024);
      await tuneMatmuls(g, [...known, ...builtin], { retune: true, log: (s) => line("", s) });
    }
    printTuning(g);
    if (v["no-probe"]) {
      line("probe", "skipped (--no-probe)");
    } else {
      const t0 = performance.now();
      const p = await measurePeak(g, { targetMs: 400, repeats: 3 });
      line("probe", `matmul ${p.gflops.toFixed(1)} GFLOP/s (${p.n}×${p.n}·${p.n}×${p.n}, f32), add ${p.gbps.toFixed(1)} GB/s; ${p.timing}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    return 0;
  },
};
