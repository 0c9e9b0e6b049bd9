// The ALIGN-MLM study's report from hand-made cell results (no GPU): Δ is BZ − BS per objective ×
// transformation (mean over seeds), ρ is Spearman's over those points, and every file names what it shows.
import { studyFiles, summarizeStudy, type StudyCellResult } from "../../src/run/study_report.ts";
import { type Cases } from "../lib/check.ts";

function cell(objective: string, transform: string, seed: number, bs: number, bz: number, alignment: number): StudyCellResult {
  return { objective, transform, seed, task: "pos", metric: "accuracy", bs, bz, delta: bz - bs, alignment, seconds: 1 };
}

const near = (a: number, b: number, what: string) => {
  if (!(Math.abs(a - b) < 1e-9)) throw new Error(`${what}: got ${a}, expected ${b}`);
};

// the paper's POS rows for MLM and ALIGN-MLM (spec §6), two "seeds" for MLM Trans+Inv
const CELLS = [
  cell("mlm", "trans", 42, 0.95, 0.946, 0.9),
  cell("mlm", "trans+inv", 42, 0.95, 0.565, 0.003),
  cell("mlm", "trans+inv", 43, 0.94, 0.555, 0.005),
  cell("align-mlm", "trans", 42, 0.949, 0.948, 0.984),
  cell("align-mlm", "trans+inv", 42, 0.95, 0.92, 0.952),
];

export const cases: Cases = {
  "study report: Δ = BZ − BS per objective × transform, mean over seeds": async () => {
    const s = summarizeStudy(CELLS);
    if (s.rows.length !== 4) throw new Error(`expected 4 rows, got ${s.rows.length}`);
    const inv = s.rows.find((r) => r.objective === "mlm" && r.transform === "trans+inv")!;
    near(inv.bs.mean, 0.945, "MLM Trans+Inv BS mean");
    near(inv.bz.mean, 0.56, "MLM Trans+Inv BZ mean");
    near(inv.delta.mean, 0.56 - 0.945, "MLM Trans+Inv Δ mean");
    near(inv.alignment.mean, 0.004, "MLM Trans+Inv alignment mean");
    if (inv.seeds.join() !== "42,43") throw new Error(`seeds ${inv.seeds}`);
    const al = s.rows.find((r) => r.objective === "align-mlm" && r.transform === "trans+inv")!;
    near(al.delta.mean, 0.92 - 0.95, "ALIGN-MLM Trans+Inv Δ");
  },
  "study report: Spearman ρ(alignment, Δ) over the objective × transform points": async () => {
    const s = summarizeStudy(CELLS);
    // points mlm/trans, mlm/inv, align/trans, align/inv: alignment ranks 2, 1, 4, 3; Δ (−0.004, −0.385, −0.001, −0.03) ranks 3, 1, 4, 2
    // ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·(1 + 0 + 0 + 1)/60 = 0.8
    if (!s.correlation || s.correlation.n !== 4) throw new Error(`correlation ${JSON.stringify(s.correlation)}`);
    near(s.correlation.rho, 0.8, "ρ");
    if (summarizeStudy(CELLS.slice(0, 3)).correlation !== null) throw new Error("2 points must give no ρ");
  },
  "study report files: the paper's table as Markdown, CSV and JSON": async () => {
    const f = studyFiles(CELLS, "POS");
    const names = Object.keys(f).sort().join(",");
    if (names !== "results.csv,results.json,results.md") throw new Error(`files ${names}`);
    if (!f["results.md"].includes("| mlm | trans+inv | 94.5 ± 0.7 | 56.0 ± 0.7 | −38.5 ± 0.0 | 0.4 ± 0.1 | 42 43 |")) throw new Error(`table:\n${f["results.md"]}`);
    if (!f["results.md"].includes("| align-mlm | trans+inv | 95.0 | 92.0 | −3.0 | 95.2 | 42 |")) throw new Error(`table:\n${f["results.md"]}`);
    if (!f["results.md"].includes("Spearman ρ(alignment, Δ) = 0.800 over 4")) throw new Error("ρ missing from results.md");
    if (f["results.csv"].trim().split("\n").length !== 6) throw new Error("one CSV row per cell plus the header");
    const j = JSON.parse(f["results.json"]);
    if (j.cells.length !== 5 || j.summary.rows.length !== 4) throw new Error("results.json holds the cells and the summary");
    if (f["results.md"].includes("F1")) throw new Error("no F1 columns when the cells have no F1");
  },
  "study report, POS: BS / BZ / Δ in seqeval F1 next to the accuracy table (the main metric unchanged)": async () => {
    const withF1 = (c: StudyCellResult, bsF1: number, bzF1: number): StudyCellResult => ({ ...c, bsF1, bzF1, deltaF1: bzF1 - bsF1, originalF1: 0.9 });
    const cells = [withF1(CELLS[1], 0.9, 0.5), withF1(CELLS[2], 0.8, 0.4), withF1(CELLS[3], 0.93, 0.9)];
    const f = studyFiles(cells, "POS");
    const md = f["results.md"];
    if (!md.includes("| objective | transf. | BS | BZ | Δ (BZ − BS) | Align | seeds | BS F1 | BZ F1 | Δ F1 |")) throw new Error(`header:\n${md}`);
    // MLM Trans+Inv: F1 BS 85.0 ± 7.1, BZ 45.0 ± 7.1, Δ −40.0 ± 0.0; accuracy columns as before
    if (!md.includes("| mlm | trans+inv | 94.5 ± 0.7 | 56.0 ± 0.7 | −38.5 ± 0.0 | 0.4 ± 0.1 | 42 43 | 85.0 ± 7.1 | 45.0 ± 7.1 | −40.0 ± 0.0 |")) throw new Error(`table:\n${md}`);
    if (!md.includes("| align-mlm | trans | 94.9 | 94.8 | −0.1 | 98.4 | 42 | 93.0 | 90.0 | −3.0 |")) throw new Error(`table:\n${md}`);
    const csv = f["results.csv"].trim().split("\n");
    if (!csv[0].endsWith(",bs_f1,bz_f1,delta_f1,original_f1")) throw new Error(`CSV header ${csv[0]}`);
    const row = csv.find((l) => l.startsWith("align-mlm,trans,42,"))!.split(",");
    if (row.slice(-4).map(Number).join() !== [0.93, 0.9, 0.9 - 0.93, 0.9].join()) throw new Error(`CSV row ${row}`);
    near(summarizeStudy(cells).rows[0].f1!.delta.mean, -0.4, "F1 Δ mean");
  },
};
