// Word pairs from parallel text (Gaschi et al. 2023; realignment_dataset.py in the papers' code): the
// bilingual-dictionary aligner with the papers' unambiguous-match rule, and the post-filters every aligner goes through.

export type Link = [number, number];

/** MUSE dictionary: source word -> its translations, and the reverse map. Identical pairs are dropped. */
export interface Dictionary {
  fwd: Map<string, Set<string>>;
  bwd: Map<string, Set<string>>;
}

export function buildDictionary(entries: [string, string][]): Dictionary {
  const fwd = new Map<string, Set<string>>();
  const bwd = new Map<string, Set<string>>();
  for (const [s, t] of entries) {
    if (s === t) continue; // get_dicos(..., ignore_identical=True)
    if (!fwd.has(s)) fwd.set(s, new Set());
    fwd.get(s)!.add(t);
    if (!bwd.has(t)) bwd.set(t, new Set());
    bwd.get(t)!.add(s);
  }
  return { fwd, bwd };
}

/**
 * The papers' dictionary rule (case-sensitive exact match). A left token w is aligned iff
 *  (i) its translations meet the right sentence's tokens in exactly one distinct type,
 *  (ii) that type occurs exactly once in the right sentence, and
 *  (iii) exactly one left token belongs to that right word's reverse translations.
 */
export function dictionaryLinks(src: string[], tgt: string[], dict: Dictionary): Link[] {
  const tgtCount = new Map<string, number>();
  const tgtIndex = new Map<string, number>();
  tgt.forEach((w, j) => {
    tgtCount.set(w, (tgtCount.get(w) ?? 0) + 1);
    tgtIndex.set(w, j);
  });
  const links: Link[] = [];
  src.forEach((w, i) => {
    const tr = dict.fwd.get(w);
    if (!tr) return;
    const hits = [...tr].filter((t) => tgtCount.has(t));
    if (hits.length !== 1) return;
    const t = hits[0];
    if (tgtCount.get(t) !== 1) return;
    const back = dict.bwd.get(t)!;
    const srcMatches = src.filter((x) => back.has(x)).length;
    if (srcMatches !== 1) return;
    links.push([i, tgtIndex.get(t)!]);
  });
  return links;
}

/**
 * Post-filter for every aligner (get_pharaoh_dataset): keep only one-to-one links (a word that appears
 * in more than one link loses all its links) and drop links between identical strings.
 */
export function filterLinks(src: string[], tgt: string[], links: Link[]): Link[] {
  const sc = new Map<number, number>();
  const tc = new Map<number, number>();
  for (const [i, j] of links) {
    sc.set(i, (sc.get(i) ?? 0) + 1);
    tc.set(j, (tc.get(j) ?? 0) + 1);
  }
  const seen = new Set<string>();
  const out: Link[] = [];
  for (const [i, j] of links) {
    if (sc.get(i) !== 1 || tc.get(j) !== 1) continue;
    if (src[i] === tgt[j]) continue;
    const k = `${i}-${j}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([i, j]);
  }
  return out;
}

export { shuffled } from "../rng.ts";

/**
 * Round-robin interleaving of several languages' streams (HF interleave_datasets without probabilities,
 * stopping strategy "first_exhausted"): a, b, c, a, b, c, ... until the shortest runs out.
 */
export function interleave<T>(streams: T[][]): T[] {
  if (!streams.length) return [];
  const n = Math.min(...streams.map((s) => s.length));
  const out: T[] = [];
  for (let i = 0; i < n; i++) for (const s of streams) out.push(s[i]);
  return out;
}
