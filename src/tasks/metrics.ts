// Evaluation metrics of the papers: token accuracy (POS, XNLI), seqeval entity F1 after the Wu et al. BIO
// repair (NER), Spearman correlation (alignment vs transfer) and mean/std over seeds.

/** Fraction of positions where pred == gold, ignoring gold −100. NaN when nothing is scored. */
export function accuracy(pred: number[], gold: number[]): number {
  if (pred.length !== gold.length) throw new Error(`accuracy: ${pred.length} predictions but ${gold.length} gold labels`);
  let n = 0;
  let ok = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === -100) continue;
    n++;
    if (pred[i] === gold[i]) ok++;
  }
  return n === 0 ? NaN : ok / n;
}

/**
 * The papers' `ner_post_processing` (Wu & Dredze): an I-X that does not follow B-X or I-X becomes B-X.
 * Returns a new array.
 */
export function repairBio(tags: string[]): string[] {
  const out = tags.slice();
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    if (!t.startsWith("I-")) continue;
    const type = t.slice(2);
    const prev = i > 0 ? out[i - 1] : "O";
    if (prev !== `B-${type}` && prev !== `I-${type}`) out[i] = `B-${type}`;
  }
  return out;
}

/**
 * Entity chunks as seqeval's default (non-strict, conlleval-style) get_entities: tag = first character,
 * type = the part after "-"; an I- after O or after another type starts a chunk. Sentences are joined
 * with an "O" between them, exactly as seqeval flattens a list of sequences.
 */
function entities(seqs: string[][]): Set<string> {
  const flat: string[] = [];
  for (const s of seqs) flat.push(...s, "O");
  flat.push("O");
  const out = new Set<string>();
  let prevTag = "O";
  let prevType = "";
  let begin = 0;
  for (let i = 0; i < flat.length; i++) {
    const chunk = flat[i];
    const tag = chunk.charAt(0);
    const rest = chunk.slice(1);
    const dash = rest.indexOf("-");
    const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || "_";
    // end_of_chunk
    let end =
      prevTag === "E" ||
      prevTag === "S" ||
      ((prevTag === "B" || prevTag === "I") && (tag === "B" || tag === "S" || tag === "O"));
    if (prevTag !== "O" && prevTag !== "." && prevType !== type) end = true;
    if (end) out.add(`${prevType}\t${begin}\t${i - 1}`);
    // start_of_chunk
    let start =
      tag === "B" ||
      tag === "S" ||
      ((prevTag === "E" || prevTag === "S" || prevTag === "O") && (tag === "E" || tag === "I"));
    if (tag !== "O" && tag !== "." && prevType !== type) start = true;
    if (start) begin = i;
    prevTag = tag;
    prevType = type;
  }
  return out;
}

/** seqeval's default micro-averaged entity precision / recall / F1 (0 where undefined). */
export function seqevalF1(goldSeqs: string[][], predSeqs: string[][]): { precision: number; recall: number; f1: number } {
  if (goldSeqs.length !== predSeqs.length) throw new Error(`seqevalF1: ${goldSeqs.length} gold sequences but ${predSeqs.length} predicted`);
  goldSeqs.forEach((g, i) => {
    if (g.length !== predSeqs[i].length) throw new Error(`seqevalF1: sequence ${i} has ${g.length} gold tags but ${predSeqs[i].length} predicted`);
  });
  const gold = entities(goldSeqs);
  const pred = entities(predSeqs);
  let tp = 0;
  for (const e of pred) if (gold.has(e)) tp++;
  const precision = pred.size ? tp / pred.size : 0;
  const recall = gold.size ? tp / gold.size : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** 1-based ranks, ties get their average rank (scipy.stats.rankdata "average") */
function ranks(x: number[]): number[] {
  const order = x.map((v, i) => [v, i] as [number, number]).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k][1]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation (Pearson on average ranks). NaN if either side is constant or n < 2. */
export function spearman(x: number[], y: number[]): number {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} vs ${y.length} values`);
  const n = x.length;
  if (n < 2) return NaN;
  const rx = ranks(x);
  const ry = ranks(y);
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Mean and sample standard deviation (ddof = 1; 0 for a single value; NaN for none). */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0 };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(v) };
}
