// Symmetrisation of two directional word alignments with grow-diag-final-and (Koehn et al. 2005), as
// fast_align's `atools -c grow-diag-final-and` computes it: start from the intersection, grow into the
// union through the 8 neighbours of an aligned point while one of its two words is still unaligned
// (repeated until nothing changes), then add the remaining forward and then reverse points whose two
// words are both unaligned. Candidates are visited in (source, target) order, so the result is
// deterministic and equal to atools' on the same two inputs.
import type { Link } from "../data/align.ts";

const NEIGHBOURS: [number, number][] = [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1], [1, -1], [-1, -1]];

/** `fwd` and `rev` are links [source, target] of one sentence pair with n source and m target words. */
export function growDiagFinalAnd(fwd: Link[], rev: Link[], n: number, m: number): Link[] {
  const key = (i: number, j: number) => i * m + j;
  const inFwd = new Set(fwd.map(([i, j]) => key(i, j)));
  const inRev = new Set(rev.map(([i, j]) => key(i, j)));
  const res = new Set<number>();
  const srcAligned = new Array<boolean>(n).fill(false);
  const tgtAligned = new Array<boolean>(m).fill(false);
  const align = (i: number, j: number) => {
    res.add(key(i, j));
    srcAligned[i] = true;
    tgtAligned[j] = true;
  };
  for (const k of inFwd) if (inRev.has(k)) align(Math.floor(k / m), k % m);

  // grow-diag: union points next to an aligned point, one of whose words is unaligned
  let pending = [...new Set([...inFwd, ...inRev])].filter((k) => !res.has(k)).sort((a, b) => a - b);
  const neighbourAligned = (i: number, j: number) =>
    NEIGHBOURS.some(([di, dj]) => i + di >= 0 && i + di < n && j + dj >= 0 && j + dj < m && res.has(key(i + di, j + dj)));
  for (let grew = true; grew && pending.length; ) {
    grew = false;
    const left: number[] = [];
    for (const k of pending) {
      const i = Math.floor(k / m), j = k % m;
      if ((!srcAligned[i] || !tgtAligned[j]) && neighbourAligned(i, j)) {
        align(i, j);
        grew = true;
      } else left.push(k);
    }
    pending = left;
  }
  // final-and: directional points whose two words are both still unaligned
  for (const dir of [inFwd, inRev]) {
    for (const k of [...dir].sort((a, b) => a - b)) {
      const i = Math.floor(k / m), j = k % m;
      if (!res.has(k) && !srcAligned[i] && !tgtAligned[j]) align(i, j);
    }
  }
  return [...res].sort((a, b) => a - b).map((k) => [Math.floor(k / m), k % m] as Link);
}
