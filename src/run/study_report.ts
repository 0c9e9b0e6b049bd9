// The ALIGN-MLM study's outputs from its finished cells: the paper's table (BS / BZ / Δ / alignment per
// objective and transformation, mean ± std over seeds), a Δ chart per objective and alignment vs Δ with
// Spearman ρ (spec §5.2: ρ(alignment, BZ − BS) over the objective × transformation points).
import { meanStd, spearman } from "../eval/metrics.ts";

export interface StudyCellResult {
  objective: string;
  transform: string;
  seed: number;
  task: string;
  metric: string;
  /** supervised: fine-tuned on the derived language, tested on it (fraction) */
  bs: number;
  /** zero-shot: fine-tuned on the original language, tested on the derived one */
  bz: number;
  /** bz − bs */
  delta: number;
  /** the original-language model on the original test set */
  original?: number;
  /** POS: the same four figures in seqeval F1 over the tags (spec §4.1: ALIGN-MLM computes both metrics) */
  bsF1?: number;
  bzF1?: number;
  deltaF1?: number;
  originalF1?: number;
  /** static-embedding alignment of the pre-trained checkpoint (fraction) */
  alignment: number;
  pretrainLoss?: number;
  /** XLM / DICT-MLM: corpus lines (original and derived) longer than a pre-training sequence, left out of packing */
  droppedLines?: number;
  seconds: number;
}

type Stat = { mean: number; std: number };

export interface StudyRow {
  objective: string;
  transform: string;
  seeds: number[];
  bs: Stat;
  bz: Stat;
  delta: Stat;
  alignment: Stat;
  /** POS: BS, BZ and Δ in seqeval F1, when every cell of the row has them */
  f1?: { bs: Stat; bz: Stat; delta: Stat };
}

export interface StudySummary {
  rows: StudyRow[];
  /** Spearman ρ of (alignment, Δ) over the rows' means; null below 3 rows */
  correlation: { rho: number; n: number } | null;
}

const stat = (xs: number[]): Stat => {
  const m = meanStd(xs);
  return { mean: m.mean, std: m.std };
};

/** Rows in the order the objectives and transforms first appear (the study's order). */
export function summarizeStudy(cells: StudyCellResult[]): StudySummary {
  const groups = new Map<string, StudyCellResult[]>();
  for (const c of cells) {
    const k = `${c.objective}\u0000${c.transform}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const rows: StudyRow[] = [...groups.values()].map((g) => ({
    objective: g[0].objective, transform: g[0].transform, seeds: g.map((c) => c.seed).sort((a, b) => a - b),
    bs: stat(g.map((c) => c.bs)), bz: stat(g.map((c) => c.bz)), delta: stat(g.map((c) => c.delta)), alignment: stat(g.map((c) => c.alignment)),
    ...(g.every((c) => c.bsF1 !== undefined && c.bzF1 !== undefined && c.deltaF1 !== undefined)
      ? { f1: { bs: stat(g.map((c) => c.bsF1!)), bz: stat(g.map((c) => c.bzF1!)), delta: stat(g.map((c) => c.deltaF1!)) } }
      : {}),
  }));
  const correlation = rows.length >= 3 ? { rho: spearman(rows.map((r) => r.alignment.mean), rows.map((r) => r.delta.mean)), n: rows.length } : null;
  return { rows, correlation };
}

const pts = (s: Stat, seeds: number) => (seeds > 1 ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : (100 * s.mean).toFixed(1));
const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}`;

const signedStat = (s: Stat, seeds: number) => (seeds > 1 ? `${signed(s.mean)} ± ${(100 * s.std).toFixed(1)}` : signed(s.mean));

/** The paper's table on the main metric; for POS, BS / BZ / Δ in seqeval F1 over the tags follow in three more columns. */
export function studyMarkdown(s: StudySummary, title: string): string {
  const f1 = s.rows.some((r) => r.f1);
  const lines = [`## ${title}`, "",
    `| objective | transf. | BS | BZ | Δ (BZ − BS) | Align | seeds |${f1 ? " BS F1 | BZ F1 | Δ F1 |" : ""}`,
    `|---|---|---|---|---|---|---|${f1 ? "---|---|---|" : ""}`];
  for (const r of s.rows) {
    const n = r.seeds.length;
    const extra = !f1 ? "" : r.f1 ? ` ${pts(r.f1.bs, n)} | ${pts(r.f1.bz, n)} | ${signedStat(r.f1.delta, n)} |` : " – | – | – |";
    lines.push(`| ${r.objective} | ${r.transform} | ${pts(r.bs, n)} | ${pts(r.bz, n)} | ${signedStat(r.delta, n)} | ${pts(r.alignment, n)} | ${r.seeds.join(" ")} |${extra}`);
  }
  if (f1) lines.push("", "BS, BZ and Δ are accuracy; the F1 columns are seqeval's F1 over the POS tags (runs of identical tags), which ALIGN-MLM also computes.");
  lines.push("", s.correlation ? `Spearman ρ(alignment, Δ) = ${s.correlation.rho.toFixed(3)} over ${s.correlation.n} objective × transformation points.` : "Spearman ρ(alignment, Δ): needs at least 3 objective × transformation points.");
  return lines.join("\n") + "\n";
}

export function studyCsv(cells: StudyCellResult[]): string {
  const head = "objective,transform,seed,task,metric,bs,bz,delta,original,alignment,pretrain_loss,seconds,bs_f1,bz_f1,delta_f1,original_f1";
  const rows = cells.map((c) => [c.objective, c.transform, c.seed, c.task, c.metric, c.bs, c.bz, c.delta, c.original ?? "", c.alignment, c.pretrainLoss ?? "", c.seconds.toFixed(1),
    c.bsF1 ?? "", c.bzF1 ?? "", c.deltaF1 ?? "", c.originalF1 ?? ""].join(","));
  return [head, ...rows].join("\n") + "\n";
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"];

/** One bar per transformation: the objective's mean Δ = BZ − BS in points. */
export function deltaSvg(s: StudySummary, objective: string): string {
  const rows = s.rows.filter((r) => r.objective === objective);
  const lim = Math.max(1, ...s.rows.map((r) => Math.abs(100 * r.delta.mean)));
  const W = Math.max(300, 90 + rows.length * 70), H = 300, mid = 150, scale = 110 / lim;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13">${esc(objective)}: Δ = BZ − BS (points)</text>`,
    `<line x1="60" y1="${mid}" x2="${W - 10}" y2="${mid}" stroke="#333"/>`,
    `<text x="55" y="${mid - 106}" text-anchor="end">+${lim.toFixed(1)}</text><text x="55" y="${mid + 114}" text-anchor="end">−${lim.toFixed(1)}</text>`];
  rows.forEach((r, i) => {
    const d = 100 * r.delta.mean, h = Math.abs(d) * scale, x = 75 + i * 70;
    parts.push(`<rect x="${x}" y="${(d >= 0 ? mid - h : mid).toFixed(1)}" width="40" height="${Math.max(h, 0.5).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(r.transform)}: ${d.toFixed(2)}</title></rect>`);
    parts.push(`<text x="${x + 20}" y="${d >= 0 ? mid + 14 : mid - 4}" text-anchor="middle">${d.toFixed(1)}</text>`);
    parts.push(`<text x="${x + 20}" y="${H - 10}" text-anchor="middle">${esc(r.transform)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Alignment (x) vs Δ (y), one point per objective × transformation, with Spearman ρ. */
export function alignmentDeltaSvg(s: StudySummary): string {
  const W = 460, H = 340, L = 60, B = 290, R = 440, T = 40;
  const xs = s.rows.map((r) => 100 * r.alignment.mean), ys = s.rows.map((r) => 100 * r.delta.mean);
  const [x0, x1] = [0, 100];
  const [y0, y1] = ys.length ? [Math.min(0, ...ys), Math.max(0, ...ys)] : [-1, 0];
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (R - L);
  const sy = (y: number) => B - ((y - y0) / (y1 - y0 || 1)) * (B - T);
  const objectives = [...new Set(s.rows.map((r) => r.objective))];
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13">static alignment vs Δ = BZ − BS${s.correlation ? ` (Spearman ρ = ${s.correlation.rho.toFixed(3)}, n = ${s.correlation.n})` : ""}</text>`,
    `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="#333"/>`,
    `<text x="${(L + R) / 2}" y="${H - 12}" text-anchor="middle">alignment % (pre-trained embeddings)</text>`,
    `<text x="${L}" y="${B + 14}" text-anchor="middle">0</text><text x="${R}" y="${B + 14}" text-anchor="middle">100</text>`,
    `<text x="${L - 4}" y="${B}" text-anchor="end">${y0.toFixed(1)}</text><text x="${L - 4}" y="${T + 4}" text-anchor="end">${y1.toFixed(1)}</text>`];
  s.rows.forEach((r, i) => {
    const c = COLORS[objectives.indexOf(r.objective) % COLORS.length];
    parts.push(`<circle cx="${sx(xs[i]).toFixed(1)}" cy="${sy(ys[i]).toFixed(1)}" r="4" fill="${c}"><title>${esc(r.objective)} ${esc(r.transform)}: alignment ${xs[i].toFixed(1)}, Δ ${ys[i].toFixed(1)}</title></circle>`);
  });
  objectives.forEach((o, i) => parts.push(`<circle cx="${L + 10 + i * 95}" cy="${T - 8}" r="4" fill="${COLORS[i % COLORS.length]}"/><text x="${L + 18 + i * 95}" y="${T - 4}">${esc(o)}</text>`));
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Every output file of the study by name, from its finished cells. */
/** studyFiles' tables and chart of every objective, and the name of an objective's Δ chart. */
export const STUDY_RESULT_FILES = ["results.csv", "results.json", "results.md", "alignment.svg"];
export const deltaChartName = (objective: string) => `delta-${objective}.svg`;

export function studyFiles(cells: StudyCellResult[], title: string): Record<string, string> {
  const sorted = [...cells].sort((a, b) => a.objective.localeCompare(b.objective) || a.transform.localeCompare(b.transform) || a.seed - b.seed);
  const s = summarizeStudy(sorted);
  const files: Record<string, string> = {
    [STUDY_RESULT_FILES[0]]: studyCsv(sorted),
    [STUDY_RESULT_FILES[1]]: JSON.stringify({ summary: s, cells: sorted }, null, 2) + "\n",
    [STUDY_RESULT_FILES[2]]: studyMarkdown(s, title),
    [STUDY_RESULT_FILES[3]]: alignmentDeltaSvg(s),
  };
  for (const o of new Set(s.rows.map((r) => r.objective))) files[deltaChartName(o)] = deltaSvg(s, o);
  return files;
}
