// The results of an `xlt run` grid as a researcher reports them: per strategy and language, mean ± std
// over seeds (AlignFreeze's tables), as CSV, JSON and Markdown; and two SVG charts: per-language delta
// against the baseline, and alignment vs relative transfer with Spearman's ρ (Gaschi et al. 2023).
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
  const xs: number[] = [];
  const ys: number[] = [];
  for (const c of cells) {
    const src = c.scores[source];
    if (!c.alignment || !src) continue;
    for (const [l, a] of Object.entries(c.alignment)) {
      if (l === source || c.scores[l] === undefined) continue;
      xs.push(a.after);
      ys.push((c.scores[l] - src) / src);
    }
  }
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

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"];

/** Grouped bars: per target language, each strategy's mean score minus the baseline's. */
export function deltaChartSvg(s: Summary): string {
  const others = s.strategies.filter((x) => x !== "baseline");
  const langs = s.languages.filter((l) => l !== s.source);
  const deltas = others.map((st) => langs.map((l) => (s.table[st][l]?.mean ?? NaN) - (s.table.baseline?.[l]?.mean ?? NaN)));
  const all = deltas.flat().filter(Number.isFinite);
  const lim = Math.max(1, ...all.map(Math.abs));
  const W = Math.max(360, 80 + langs.length * (others.length * 18 + 16)), H = 300, top = 30, mid = top + 110, scale = 100 / lim;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13">Δ vs baseline (points)</text>`,
    `<line x1="60" y1="${mid}" x2="${W - 10}" y2="${mid}" stroke="#333"/>`,
    `<text x="55" y="${mid - 100}" text-anchor="end">+${lim.toFixed(1)}</text><text x="55" y="${mid + 104}" text-anchor="end">−${lim.toFixed(1)}</text>`];
  langs.forEach((l, li) => {
    const x0 = 70 + li * (others.length * 18 + 16);
    deltas.forEach((row, si) => {
      const d = row[li];
      if (!Number.isFinite(d)) return;
      const h = Math.abs(d) * scale;
      parts.push(`<rect x="${x0 + si * 18}" y="${d >= 0 ? mid - h : mid}" width="16" height="${Math.max(h, 0.5)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(others[si])} ${esc(l)}: ${d.toFixed(2)}</title></rect>`);
    });
    parts.push(`<text x="${x0 + (others.length * 18) / 2}" y="${mid + 125}" text-anchor="middle">${esc(l)}</text>`);
  });
  others.forEach((st, si) => parts.push(`<rect x="${70 + si * 110}" y="${H - 22}" width="10" height="10" fill="${COLORS[si % COLORS.length]}"/><text x="${84 + si * 110}" y="${H - 13}">${esc(st)}</text>`));
  parts.push("</svg>");
  return parts.join("\n");
}

/** Scatter of alignment (after fine-tuning) against relative transfer, with Spearman's ρ. */
export function alignmentScatterSvg(cells: CellResult[], s: Summary): string {
  const pts: { x: number; y: number; label: string; strategy: string }[] = [];
  for (const c of cells) {
    const src = c.scores[s.source];
    if (!c.alignment || !src) continue;
    for (const [l, a] of Object.entries(c.alignment)) {
      if (l !== s.source && c.scores[l] !== undefined) pts.push({ x: a.after, y: (c.scores[l] - src) / src, label: `${c.strategy} seed ${c.seed} ${l}`, strategy: c.strategy });
    }
  }
  const W = 440, H = 330, L = 60, B = 280, R = 420, T = 52;
  const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [-1, 0];
  const sx = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (R - L);
  const sy = (y: number) => B - ((y - y0) / (y1 - y0 || 1)) * (B - T);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13">alignment vs relative transfer${s.correlation ? ` (Spearman ρ = ${s.correlation.rho.toFixed(3)}, n = ${s.correlation.n})` : ""}</text>`,
    `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="#333"/>`,
    `<text x="${(L + R) / 2}" y="${H - 15}" text-anchor="middle">strong alignment accuracy (after fine-tuning)</text>`,
    `<text x="14" y="${(T + B) / 2}" transform="rotate(-90 14 ${(T + B) / 2})" text-anchor="middle">(target − source) / source</text>`,
    `<text x="${L}" y="${B + 14}" text-anchor="middle">${x0.toFixed(2)}</text><text x="${R}" y="${B + 14}" text-anchor="middle">${x1.toFixed(2)}</text>`,
    `<text x="${L - 4}" y="${B}" text-anchor="end">${y0.toFixed(2)}</text><text x="${L - 4}" y="${T + 4}" text-anchor="end">${y1.toFixed(2)}</text>`];
  const strategies = [...new Set(pts.map((p) => p.strategy))];
  for (const p of pts) {
    parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${COLORS[strategies.indexOf(p.strategy) % COLORS.length]}" fill-opacity="0.8"><title>${esc(p.label)}</title></circle>`);
  }
  strategies.forEach((st, si) => parts.push(`<circle cx="${L + 10 + si * 100}" cy="${T - 20}" r="4" fill="${COLORS[si % COLORS.length]}"/><text x="${L + 18 + si * 100}" y="${T - 16}">${esc(st)}</text>`));
  parts.push("</svg>");
  return parts.join("\n");
}
