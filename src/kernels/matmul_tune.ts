// The matmul family's per-adapter choice, made by measurement: for each product (nt, nn, tn) and shape
// class (output columns and reduction length, each rounded to a power of two), which path (the buffer
// kernels or an image tile, src/kernels/matmul_img.ts) runs fastest on this adapter. Every candidate gives
// bit-identical results, so the choice changes speed only. Winners are kept per adapter (its name carries
// the driver and its version), runtime and subgroup size in one JSON file in the user's cache directory
// ($XLT_CACHE_DIR, else $XDG_CACHE_HOME/xlt or ~/.cache/xlt), read once per process. `xlt doctor` prints
// the table; `xlt doctor --retune` (or XLT_RETUNE=1 for any command) measures again; XLT_TUNE=off keeps
// the built-in defaults and never measures.
import { type Gpu, runtime } from "../gpu/device.ts";
import type { ImgLayout, ImgTile } from "./matmul_img.ts";
import { env, fs, hasNodeBuiltins, nodePath, os, pid } from "../host.ts";

/** What runs a product: the buffer kernels, or an image tile. */
export type MatmulChoice = "buffer" | ImgTile;

export interface TuneEntry {
  choice: MatmulChoice;
  /** the shape it was measured on, M×N×K */
  shape: [number, number, number];
  /** best time of each candidate, ms, by its label */
  ms: Record<string, number>;
  /** when it was measured (ISO date) */
  at: string;
}

const FILE_VERSION = 1;

/** The candidates measured for a product: the buffer kernels and a few image tiles. */
export function candidates(layout: ImgLayout, subgroups: boolean): MatmulChoice[] {
  const t = (RM: number, RN: number, sg = subgroups): ImgTile => ({ RM, RN, sg });
  const img: Record<ImgLayout, ImgTile[]> = subgroups
    ? { nt: [t(8, 4), t(16, 4), t(16, 2), t(8, 8), t(16, 8)], nn: [t(8, 1), t(16, 1), t(8, 2)], tn: [t(8, 1), t(16, 1), t(8, 2)] }
    : { nt: [t(8, 4), t(8, 8), t(4, 8)], nn: [t(8, 1), t(8, 2), t(4, 2)], tn: [t(8, 2), t(16, 1), t(4, 4)] };
  return ["buffer", ...img[layout]];
}

export function choiceLabel(c: MatmulChoice): string {
  return c === "buffer" ? "buffer" : `image ${c.RM}x${c.RN}${c.sg ? " sg" : ""}`;
}

/** Rounds to the nearest power of two (log scale): the shape class of a dimension. */
export function bucket(n: number): number {
  return 2 ** Math.max(0, Math.round(Math.log2(Math.max(1, n))));
}

/** The class of a product: layout and the rounded output columns N and reduction K. */
export function classKey(layout: ImgLayout, N: number, K: number): string {
  return `${layout} N${bucket(N)} K${bucket(K)}`;
}

/** Which adapter, driver, runtime and subgroup size a measurement belongs to. */
export function adapterKey(g: Gpu): string {
  return `${runtime} | ${g.caps.adapterName} | subgroups ${g.caps.subgroupRows || "none"}`;
}

type TuneFile = { version: number; adapters: Record<string, Record<string, TuneEntry>> };

/** The cache file, or null when no directory can be named (no HOME, or a browser: no files). */
export function tuneFile(): string | null {
  if (!hasNodeBuiltins()) return null;
  const dir = env("XLT_CACHE_DIR") ?? (env("XDG_CACHE_HOME") ? nodePath.join(env("XDG_CACHE_HOME")!, "xlt") : os.homedir() ? nodePath.join(os.homedir(), ".cache", "xlt") : null);
  return dir ? nodePath.join(dir, "matmul-tuning.json") : null;
}

export function tuningDisabled(): boolean {
  return env("XLT_TUNE") === "off";
}

export function retuneRequested(): boolean {
  return env("XLT_RETUNE") === "1";
}

let cache: TuneFile | null = null;
let warned = false;

function load(): TuneFile {
  if (cache) return cache;
  cache = { version: FILE_VERSION, adapters: {} };
  const f = tuneFile();
  if (f && fs.existsSync(f)) {
    try {
      const j = JSON.parse(fs.readFileSync(f, "utf8"));
      if (j?.version === FILE_VERSION && j.adapters && typeof j.adapters === "object") cache = j;
    } catch (e) {
      if (!warned) console.error(`warning: ignoring the matmul tuning cache ${f}: ${(e as Error).message} (it is rewritten after the next tuning)`);
      warned = true;
    }
  }
  return cache!;
}

/** The measured choice for a product's class on this adapter, if any. */
export function tunedChoice(g: Gpu, layout: ImgLayout, N: number, K: number): MatmulChoice | undefined {
  return load().adapters[adapterKey(g)]?.[classKey(layout, N, K)]?.choice;
}

/** Every measured class of this adapter (for `xlt doctor`). */
export function tuneTable(g: Gpu): [string, TuneEntry][] {
  return Object.entries(load().adapters[adapterKey(g)] ?? {}).sort((a, b) => a[0].localeCompare(b[0]));
}

/** Records a measurement and writes the cache file (temp file, then rename). */
export function storeChoice(g: Gpu, key: string, e: TuneEntry): void {
  const c = load();
  (c.adapters[adapterKey(g)] ??= {})[key] = e;
  const f = tuneFile();
  if (!f) return;
  try {
    fs.mkdirSync(nodePath.join(f, ".."), { recursive: true });
    const tmp = `${f}.tmp-${pid()}`;
    fs.writeFileSync(tmp, JSON.stringify(c, null, 1) + "\n");
    fs.renameSync(tmp, f);
  } catch (e) {
    if (!warned) console.error(`warning: cannot write the matmul tuning cache ${f}: ${(e as Error).message}`);
    warned = true;
  }
}

/** Forgets the loaded cache (tests that point XLT_CACHE_DIR elsewhere). */
export function resetTuneCache(): void {
  cache = null;
}
