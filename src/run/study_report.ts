// The ALIGN-MLM study's outputs from its finished cells: the paper's table (BS / BZ / Δ / alignment per
// objective and transformation, mean ± std over seeds), and its charts (study_figures.ts): BS / BZ / Δ per
// objective, and alignment vs Δ with Spearman ρ (spec §5.2: ρ(alignment, BZ − BS) over the objective ×
// transformation points).
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

/** The study's order of cells: objective, transformation, seed. */
export const sortStudyCells = (cells: StudyCellResult[]) =>
  [...cells].sort((a, b) => a.objective.localeCompare(b.objective) || a.transform.localeCompare(b.transform) || a.seed - b.seed);

/** The study's tables by file name, from its finished cells (the charts: study_figures.ts). */
export function studyFiles(cells: StudyCellResult[], title: string): Record<string, string> {
  const sorted = sortStudyCells(cells);
  const s = summarizeStudy(sorted);
  return {
    "results.csv": studyCsv(sorted),
    "results.json": JSON.stringify({ summary: s, cells: sorted }, null, 2) + "\n",
    "results.md": studyMarkdown(s, title),
  };
}
