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

const fmt = (m: { mean: number; std: number } | undefined) => (m ? `${m.mean.toFixed(1)} ± ${m.std.toFixed(1)}` : "–");

export function toCsv(cells: CellResult[]): string {
  const langs = [...new Set(cells.flatMap((c) => Object.keys(c.scores)))].sort();
  const rows = ["strategy,seed,task,metric," + langs.join(",") + ",seconds"];
  for (const c of cells) rows.push([c.strategy, c.seed, c.task, c.metric, ...langs.map((l) => c.scores[l]?.toFixed(6) ?? ""), c.seconds.toFixed(1)].join(","));
  return rows.join("\n") + "\n";
}

export function toMarkdown(s: Summary, title: string): string {
  const head = `| strategy | ${s.languages.join(" | ")} | avg (targets) |`;
  const sep = `|---|${s.languages.map(() => "---").join("|")}|---|`;
  const rows = s.strategies.map((st) => `| ${st} | ${s.languages.map((l) => fmt(s.table[st][l])).join(" | ")} | ${fmt(s.average[st])} |`);
  const out = [`# ${title}`, "", "Mean ± sample std over seeds, in %.", "", head, sep, ...rows, ""];
  if (s.strategies.includes("baseline")) {
    out.push("Delta against the baseline (mean over seeds, points):", "");
    out.push(`| strategy | ${s.languages.join(" | ")} |`, `|---|${s.languages.map(() => "---").join("|")}|`);
    for (const st of s.strategies.filter((x) => x !== "baseline")) {
      out.push(`| ${st} | ${s.languages.map((l) => {
        const a = s.table[st][l]?.mean;
        const b = s.table.baseline[l]?.mean;
        return a === undefined || b === undefined ? "–" : (a - b >= 0 ? "+" : "") + (a - b).toFixed(1);
      }).join(" | ")} |`);
    }
    out.push("");
  }
  if (s.correlation) out.push(`Spearman ρ between alignment (after fine-tuning) and relative transfer: ${s.correlation.rho.toFixed(3)} (n = ${s.correlation.n}).`, "");
  return out.join("\n");
}
