// The results of an `xlt run` grid as a researcher reports them: per strategy and language, mean ± std
// over seeds (AlignFreeze's tables), as CSV, JSON and Markdown. The charts are in figures.ts.
import { meanStd, spearman } from "../eval/metrics.ts";

/** One finished cell of the grid: a strategy and a seed, its scores per language and alignment. */
export interface CellResult {
  strategy: string;
  seed: number;
  task: string;
  metric: string; // "accuracy" | "f1"
  scores: Record<string, number>; // lang -> score in [0, 1], the source language included
  /** strong-alignment retrieval accuracy (mean of both directions) at the reported layer, per language */
  alignment?: Record<string, { before: number; after: number }>;
  seconds: number;
}

export interface Summary {
  strategies: string[];
  languages: string[];
  source: string;
  table: Record<string, Record<string, { mean: number; std: number; n: number }>>; // strategy -> lang -> stats
  average: Record<string, { mean: number; std: number }>; // strategy -> target-language average
  correlation: { rho: number; n: number } | null;
}

/** A cell's target language with its alignment after fine-tuning, its score and the source language's. */
export interface AlignedTarget {
  cell: CellResult;
  language: string;
  after: number;
  score: number;
  src: number;
}

/** Every target language of every cell with alignment and a source score: what the correlation pools (and the alignment chart draws). */
export function alignedTargets(cells: CellResult[], source: string): AlignedTarget[] {
  const out: AlignedTarget[] = [];
  for (const c of cells) {
    const src = c.scores[source];
    if (!c.alignment || !src) continue;
    for (const [language, a] of Object.entries(c.alignment)) {
      if (language !== source && c.scores[language] !== undefined) out.push({ cell: c, language, after: a.after, score: c.scores[language], src });
    }
  }
  return out;
}

export function summarize(cells: CellResult[], source = "en"): Summary {
  const strategies = [...new Set(cells.map((c) => c.strategy))];
  const languages = [...new Set(cells.flatMap((c) => Object.keys(c.scores)))].sort((a, b) => (a === source ? -1 : b === source ? 1 : a.localeCompare(b)));
  const table: Summary["table"] = {};
  const average: Summary["average"] = {};
  for (const s of strategies) {
    const mine = cells.filter((c) => c.strategy === s);
    table[s] = {};
    for (const l of languages) {
      const xs = mine.map((c) => c.scores[l]).filter((x) => x !== undefined).map((x) => 100 * x);
      if (xs.length) table[s][l] = { ...meanStd(xs), n: xs.length };
    }
    // average over target languages per seed, then mean ± std over seeds
    const perSeed = mine.map((c) => {
      const t = Object.entries(c.scores).filter(([l]) => l !== source).map(([, v]) => 100 * v);
      return t.reduce((a, b) => a + b, 0) / Math.max(1, t.length);
    });
    average[s] = meanStd(perSeed);
  }
  // alignment (after fine-tuning) vs relative transfer (target − source)/source, pooled over cells and languages
  const pts = alignedTargets(cells, source);
  const xs = pts.map((p) => p.after);
  const ys = pts.map((p) => (p.score - p.src) / p.src);
  const correlation = xs.length >= 3 ? { rho: spearman(xs, ys), n: xs.length } : null;
  return { strategies, languages, source, table, average, correlation };
}

export interface DeltaRow {
  language: string;
  strategy: string;
  /** mean over seeds of (strategy − baseline) with the same seed, in points */
  delta: number;
  std: number;
  lo: number;
  hi: number;
  /** seeds paired with a baseline cell */
  n: number;
}

/** Δ per strategy and target language, paired by seed with the baseline (seeds without a baseline cell are left out). */
export function deltaRows(cells: CellResult[], s: Summary): DeltaRow[] {
  const base = new Map(cells.filter((c) => c.strategy === "baseline").map((c) => [c.seed, c]));
  const rows: DeltaRow[] = [];
  for (const language of s.languages.filter((l) => l !== s.source)) {
    for (const strategy of s.strategies.filter((x) => x !== "baseline")) {
      const ds: number[] = [];
      for (const c of cells) {
        const b = base.get(c.seed);
        if (c.strategy !== strategy || !b || c.scores[language] === undefined || b.scores[language] === undefined) continue;
        ds.push(100 * (c.scores[language] - b.scores[language]));
      }
      if (!ds.length) continue;
      const m = meanStd(ds);
      rows.push({ language, strategy, delta: m.mean, std: m.std, lo: m.mean - m.std, hi: m.mean + m.std, n: ds.length });
    }
  }
  return rows;
}

const fmt = (m: { mean: number; std: number } | undefined) => (m ? `${m.mean.toFixed(1)} ± ${m.std.toFixed(1)}` : "–");

export function toCsv(cells: CellResult[]): string {
  const langs = [...new Set(cells.flatMap((c) => Object.keys(c.scores)))].sort();
  const rows = ["strategy,seed,task,metric," + langs.join(",") + ",seconds"];
  for (const c of cells) rows.push([c.strategy, c.seed, c.task, c.metric, ...langs.map((l) => c.scores[l]?.toFixed(6) ?? ""), c.seconds.toFixed(1)].join(","));
  return rows.join("\n") + "\n";
}

/**
 * The tables of results.md: mean ± std per strategy and language; then Δ against the baseline, paired by
 * seed (mean ± std of strategy − baseline over the seeds both ran), marked * where |Δ| exceeds its std.
 */
export function toMarkdown(s: Summary, title: string, cells: CellResult[]): string {
  const head = `| strategy | ${s.languages.join(" | ")} | avg (targets) |`;
  const sep = `|---|${s.languages.map(() => "---").join("|")}|---|`;
  const rows = s.strategies.map((st) => `| ${st} | ${s.languages.map((l) => fmt(s.table[st][l])).join(" | ")} | ${fmt(s.average[st])} |`);
  const out = [`# ${title}`, "", "Mean ± sample std over seeds, in %.", "", head, sep, ...rows, ""];
  if (s.strategies.includes("baseline")) {
    const targets = s.languages.filter((l) => l !== s.source);
    const rows = deltaRows(cells, s);
    out.push("Delta against the baseline, paired by seed (mean ± std over seeds, points; * where |Δ| > std):", "");
    out.push(`| strategy | ${targets.join(" | ")} |`, `|---|${targets.map(() => "---").join("|")}|`);
    for (const st of s.strategies.filter((x) => x !== "baseline")) {
      out.push(`| ${st} | ${targets.map((l) => {
        const d = rows.find((r) => r.strategy === st && r.language === l);
        if (!d) return "–";
        const mark = d.n >= 2 && Math.abs(d.delta) > d.std ? " *" : "";
        return `${d.delta >= 0 ? "+" : ""}${d.delta.toFixed(1)}${d.n >= 2 ? ` ± ${d.std.toFixed(1)}` : ""}${mark}`;
      }).join(" | ")} |`);
    }
    out.push("");
  }
  if (s.correlation) out.push(`Spearman ρ between alignment (after fine-tuning) and relative transfer: ${s.correlation.rho.toFixed(3)} (n = ${s.correlation.n}).`, "");
  return out.join("\n");
}
