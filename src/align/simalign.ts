// SimAlign's (Jalili Sabet et al. 2020) link extraction from a word-similarity matrix, reimplemented:
//   argmax:  (i, j) is a link when j is the best target for source i and i the best source for j;
//   itermax: argmax, then up to max_count − 1 more rounds that look again at words left unaligned —
//            cells whose row and column are both aligned are masked out, the others are scaled by
//            min(1, α·[row unaligned] + α·[column unaligned]), and mutual argmaxes of the masked
//            matrix are added (SimAlign's defaults: max_count 2, α 0.9; skipped when either side has
//            at most 2 words). SimAlign feeds it (cos + 1) / 2, so every similarity is in [0, 1].
// Ties go to the lowest index (numpy's argmax).
import type { Link } from "../data/align.ts";

function rowArgmax(sim: ArrayLike<number>, m: number, i: number): number {
  let best = 0;
  for (let j = 1; j < m; j++) if (sim[i * m + j] > sim[i * m + best]) best = j;
  return best;
}

function colArgmax(sim: ArrayLike<number>, n: number, m: number, j: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (sim[i * m + j] > sim[best * m + j]) best = i;
  return best;
}

function mutual(sim: ArrayLike<number>, n: number, m: number, allowed: (i: number, j: number) => boolean): Link[] {
  const out: Link[] = [];
  for (let i = 0; i < n; i++) {
    const j = rowArgmax(sim, m, i);
    if (colArgmax(sim, n, m, j) === i && allowed(i, j)) out.push([i, j]);
  }
  return out;
}

/** Mutual-argmax links of an n×m row-major similarity matrix (source rows, target columns). */
export function argmaxLinks(sim: ArrayLike<number>, n: number, m: number): Link[] {
  if (n === 0 || m === 0) return [];
  return mutual(sim, n, m, () => true);
}

/** SimAlign's IterMax on an n×m row-major similarity matrix with values in [0, 1]; links sorted. */
export function itermaxLinks(sim: ArrayLike<number>, n: number, m: number, maxCount = 2, alpha = 0.9): Link[] {
  if (n === 0 || m === 0) return [];
  const links = argmaxLinks(sim, n, m);
  if (Math.min(n, m) <= 2) return links;
  const have = new Set(links.map(([i, j]) => i * m + j));
  for (let round = 1; round < maxCount; round++) {
    const rowFree = new Array<boolean>(n).fill(true);
    const colFree = new Array<boolean>(m).fill(true);
    for (const k of have) {
      rowFree[Math.floor(k / m)] = false;
      colFree[k % m] = false;
    }
    if (!rowFree.some(Boolean) || !colFree.some(Boolean)) break;
    const masked = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) masked[i * m + j] = sim[i * m + j] * Math.min(1, alpha * (+rowFree[i] + +colFree[j]));
    }
    const added = mutual(masked, n, m, (i, j) => rowFree[i] || colFree[j]).filter(([i, j]) => !have.has(i * m + j));
    if (!added.length) break;
    for (const [i, j] of added) have.add(i * m + j);
  }
  return [...have].sort((a, b) => a - b).map((k) => [Math.floor(k / m), k % m] as Link);
}
