// WGSL sources: one file per kernel family in shaders/, split into kernels by `//#kernel NAME` markers.
//
// A family file looks like
//   //#common            (optional: helpers shared by every kernel of the family)
//   ...
//   //#kernel forward
//   @group(0) @binding(0) var<uniform> P: Params; ...
//   @compute @workgroup_size({{WG}}) fn main(...) {...}
//   //#kernel backward
//   ...
// Each kernel is compiled as `includes + common + its own section`, with `{{NAME}}` placeholders replaced
// from a defines map (tile sizes, workgroup sizes: things that must be compile-time constants in WGSL).
// A line `//#include LIB` before `//#common` prepends shaders/lib/LIB.wgsl (helpers shared by several
// families, e.g. the row reductions); compile errors in it are reported against that file. LIB may be a
// placeholder, `//#include {{NAME}}`, filled from the defines (a kernel variant picks its library). An
// //#include inside a kernel's section applies to that kernel only (e.g. the matmul epilogue it uses);
// its library is prepended after the family's (WGSL declarations may come in any order).
// The bindings are read from the source so the pipeline layout can be explicit (needed for the
// dynamic uniform offsets that let bind groups be cached), and so is the uniform binding's struct, whose
// fields are the kernel's named parameters (src/gpu/params.ts checks every dispatch against them).
//
// Where the files come from: shaders/ beside the sources on Node and Deno, or, in a browser, the texts a
// bundle carries (the web build inlines shaders/ and hands it to useShaderFiles before anything compiles).
import { fs, nodePath, url } from "../host.ts";
import { paramLayout, type ParamLayout } from "./params.ts";

/** "texture": a read-only storage texture (texture_storage_2d<FORMAT, read>), bound as a texture view */
export type BindingKind = "uniform" | "read" | "read_write" | "texture";
export interface ShaderSource {
  family: string;
  kernel: string;
  code: string;
  /** line in the family file where the kernel's section starts (for error messages) */
  lineOffset: number;
  commonLines: number;
  /** the included libraries, in order, with their line counts (they come first in `code`) */
  includes: { lib: string; lines: number }[];
  /** `format` only for textures (e.g. rgba32float) */
  bindings: { index: number; kind: BindingKind; name: string; format?: GPUTextureFormat }[];
  /** the uniform binding's struct (the kernel's parameters), or null when the kernel has no uniform */
  params: ParamLayout | null;
}

let shaderDir: string | null = null;

/** Finds shaders/ by walking up from this file: works from src/ (Deno, vitest) and from dist/src/ (Node). */
export function shadersDir(): string {
  if (shaderDir) return shaderDir;
  let dir = nodePath.dirname(url.fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = nodePath.join(dir, "shaders");
    if (fs.existsSync(nodePath.join(cand, "elementwise.wgsl"))) return (shaderDir = cand);
    dir = nodePath.dirname(dir);
  }
  throw new Error("cannot find the shaders/ folder next to the xlt sources; reinstall the package");
}

/** shaders/ as texts by path inside it ("matmul.wgsl", "lib/gelu.wgsl"), when a bundle carries them */
let bundled: Map<string, string> | null = null;

/**
 * Reads the shaders from `files` (path inside shaders/ → text) instead of the shaders/ folder: a browser
 * bundle has no files to read. Must come before the first kernel compiles.
 */
export function useShaderFiles(files: Record<string, string>): void {
  bundled = new Map(Object.entries(files));
  fileCache.clear();
  libCache.clear();
}

/** A file of shaders/ by its path inside it, or undefined when there is none. */
function shaderFile(rel: string): string | undefined {
  if (bundled) return bundled.get(rel);
  const p = nodePath.join(shadersDir(), rel);
  return fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
}

interface Family {
  /** "#common" and each kernel's section, with the file line where it starts */
  sections: Map<string, { text: string; line: number }>;
  /** libraries named by //#include before the first section, in order */
  includes: string[];
  /** libraries named by //#include inside a kernel's section, by kernel */
  sectionIncludes: Map<string, string[]>;
}

const fileCache = new Map<string, Family>();
const libCache = new Map<string, string>();

function libText(lib: string): string {
  let t = libCache.get(lib);
  if (t === undefined) {
    const text = shaderFile(`lib/${lib}.wgsl`);
    if (text === undefined) throw new Error(`shader library shaders/lib/${lib}.wgsl (from an //#include) does not exist`);
    libCache.set(lib, (t = text.replace(/\n$/, "")));
  }
  return t;
}
const registered = new Map<string, string>();

/**
 * Adds a kernel family from source text instead of shaders/FAMILY.wgsl (custom kernels in user code,
 * and tests of the compile-error path). Must be called before the family's first use.
 */
export function registerShaderSource(family: string, text: string): void {
  registered.set(family, text);
  fileCache.delete(family);
}

function familyOf(family: string): Family {
  const cached = fileCache.get(family);
  if (cached) return cached;
  const text = registered.get(family) ?? shaderFile(`${family}.wgsl`);
  if (text === undefined) throw new Error(`shader family shaders/${family}.wgsl does not exist`);
  const sections = new Map<string, { text: string; line: number }>();
  const includes: string[] = [];
  const sectionIncludes = new Map<string, string[]>();
  let name = "#common";
  let start = 1;
  let buf: string[] = [];
  const lines = text.split("\n");
  const flush = () => sections.set(name, { text: buf.join("\n"), line: start });
  lines.forEach((l, i) => {
    const inc = /^\/\/#include\s+(\w+|\{\{\w+\}\})/.exec(l);
    if (inc) {
      if (name === "#common" && sections.has("#common")) {
        throw new Error(`shaders/${family}.wgsl:${i + 1}: //#include belongs before //#common or inside a //#kernel section`);
      }
      if (name === "#common") includes.push(inc[1]);
      else sectionIncludes.set(name, [...(sectionIncludes.get(name) ?? []), inc[1]]);
      buf.push(""); // keep the line numbering of the file
      return;
    }
    const m = /^\/\/#kernel\s+(\S+)/.exec(l) ?? (/^\/\/#common/.test(l) ? [l, "#common"] : null);
    if (m) {
      flush();
      name = m[1];
      start = i + 2;
      buf = [];
    } else buf.push(l);
  });
  flush();
  const f = { sections, includes, sectionIncludes };
  fileCache.set(family, f);
  return f;
}

export function shaderSource(family: string, kernel: string, defines: Record<string, string | number> = {}): ShaderSource {
  const { sections, includes: familyLibs, sectionIncludes } = familyOf(family);
  const sec = sections.get(kernel);
  if (!sec) throw new Error(`shader ${family}.wgsl has no kernel '${kernel}'`);
  const libs = [...familyLibs, ...(sectionIncludes.get(kernel) ?? [])];
  const common = sections.get("#common")?.text ?? "";
  // an include may be named by a define (`//#include {{ROW_REDUCE}}`): one family, several library variants
  const includes = libs.map((name) => {
    const k = /^\{\{(\w+)\}\}$/.exec(name)?.[1];
    if (k && !(k in defines)) throw new Error(`shader ${family}.wgsl:${kernel} needs the define {{${k}}} (an //#include)`);
    const lib = k ? String(defines[k]) : name;
    if (!/^\w+$/.test(lib)) throw new Error(`shader ${family}.wgsl:${kernel}: //#include {{${k}}} = '${lib}' is not a library name`);
    return { lib, text: libText(lib) };
  });
  let code = includes.map((i) => i.text + "\n").join("") + (common ? common + "\n" : "") + sec.text;
  code = code.replace(/\{\{(\w+)\}\}/g, (_, k) => {
    if (!(k in defines)) throw new Error(`shader ${family}.wgsl:${kernel} needs the define {{${k}}}`);
    return String(defines[k]);
  });
  const bindings: ShaderSource["bindings"] = [];
  const re = /@binding\((\d+)\)\s*var(?:<\s*(uniform|storage)\s*(?:,\s*(read_write|read))?\s*>)?\s+(\w+)\s*:\s*(\w+)?(?:<\s*(\w+)\s*,\s*read\s*>)?/g;
  let params: ParamLayout | null = null;
  for (let m; (m = re.exec(code)); ) {
    if (m[5] === "texture_storage_2d") {
      if (!m[6]) throw new Error(`shader ${family}.wgsl:${kernel}: texture '${m[4]}' must be texture_storage_2d<FORMAT, read>`);
      bindings.push({ index: Number(m[1]), kind: "texture", name: m[4], format: m[6] as GPUTextureFormat });
      continue;
    }
    const kind: BindingKind = m[2] === "uniform" ? "uniform" : m[3] === "read_write" ? "read_write" : "read";
    bindings.push({ index: Number(m[1]), kind, name: m[4] });
    if (kind === "uniform") {
      if (params) throw new Error(`shader ${family}.wgsl:${kernel} has more than one uniform binding; kernel parameters live in one struct`);
      if (!m[5]) throw new Error(`shader ${family}.wgsl:${kernel}: the uniform binding '${m[4]}' must have a struct type`);
      params = paramLayout(code, m[5], `${family}.${kernel}`);
    }
  }
  bindings.sort((a, b) => a.index - b.index);
  const commonLines = common ? common.split("\n").length : 0;
  const incs = includes.map((i) => ({ lib: i.lib, lines: i.text.split("\n").length }));
  return { family, kernel, code, lineOffset: sec.line, commonLines, includes: incs, bindings, params };
}

/** Maps a line of the assembled kernel source back to `family.wgsl:LINE`. */
export function sourceLine(src: ShaderSource, line: number): string {
  for (const inc of src.includes) {
    if (line <= inc.lines) return `shaders/lib/${inc.lib}.wgsl:${line}`;
    line -= inc.lines;
  }
  if (line <= src.commonLines) {
    const common = familyOf(src.family).sections.get("#common");
    return `shaders/${src.family}.wgsl:${(common?.line ?? 1) + line - 1}`;
  }
  return `shaders/${src.family}.wgsl:${src.lineOffset + line - src.commonLines - 1}`;
}
