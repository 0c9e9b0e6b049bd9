// Word-alignment quality against gold links (Och & Ney 2003): precision, recall, F1 and AER, summed
// over a corpus. Gold without a sure/possible distinction counts every link as sure (then AER = 1 − F1).
import { XltError } from "../errors.ts";
import type { Link } from "../data/align.ts";

export interface AlignmentScore {
  precision: number;
  recall: number;
  f1: number;
  aer: number;
}

export function scoreAlignments(pred: Link[][], sure: Link[][], possible: Link[][] = sure): AlignmentScore {
  if (pred.length !== sure.length || possible.length !== sure.length) {
    throw new XltError(`scoreAlignments: ${pred.length} predicted, ${sure.length} sure and ${possible.length} possible sentence pairs`);
  }
  let a = 0, s = 0, aS = 0, aP = 0;
  pred.forEach((links, k) => {
    const S = new Set(sure[k].map(([i, j]) => `${i}-${j}`));
    // sure links are possible too
    const P = new Set([...possible[k].map(([i, j]) => `${i}-${j}`), ...S]);
    const A = new Set(links.map(([i, j]) => `${i}-${j}`));
    a += A.size;
    s += S.size;
    for (const x of A) {
      if (S.has(x)) aS++;
      if (P.has(x)) aP++;
    }
  });
  const precision = a ? aP / a : 0;
  const recall = s ? aS / s : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const aer = a + s ? 1 - (aS + aP) / (a + s) : 0;
  return { precision, recall, f1, aer };
}
