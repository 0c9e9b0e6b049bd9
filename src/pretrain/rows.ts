// What a pre-training objective of ALIGN-MLM (align-mlm-spec.md §2) reads: its names, the rows it trains on
// (blocks of the corpus, or whole lines packed with language ids and XLM's TLM pairs), its dictionary and
// the tokenizer's mask id. The training itself is src/train/objectives/pretrain.ts.
import { XltError } from "../errors.ts";
import type { ModelConfig } from "../io/checkpoint.ts";
import type { WordTokenizer } from "../io/tokenize.ts";
import { shuffled } from "../rng.ts";
import { blocks, packed, readCorpus, type Row, tlmRows, tokenizeLine, withoutLongLines } from "./data.ts";
import { LANG_DERIVED, LANG_ORIGINAL } from "./model.ts";

export const OBJECTIVES = ["mlm", "xlm", "dict-mlm", "align-mlm"] as const;
export type PretrainingObjective = (typeof OBJECTIVES)[number];

/** Every objective but MLM reads a derived-language corpus beside the original one. */
export const needsPairs = (o: PretrainingObjective) => o !== "mlm";
/** XLM and DICT-MLM: language embeddings, and whole lines packed per sequence (the others cut blocks) */
export const usesLang = (o: PretrainingObjective) => o === "xlm" || o === "dict-mlm";

/** The ALIGN-MLM / DICT-MLM dictionary: a seeded shuffle of 0..V−1, its first ⌊rate·V⌋ ids minus the shared specials. */
export function dictionaryIds(V: number, rate: number, seed: number, shared: Set<number>): Int32Array {
  const perm = shuffled(Array.from({ length: V }, (_, i) => i), seed ^ 0xd1c7);
  return Int32Array.from(perm.slice(0, Math.floor(rate * V)).filter((i) => !shared.has(i)));
}

export function maskIdOf(tok: WordTokenizer): number {
  for (const t of ["<mask>", "[MASK]"]) {
    const id = tok.tokenToId(t);
    if (id !== undefined) return id;
  }
  throw new XltError("the tokenizer has no <mask> or [MASK] token");
}

/** The corpora and how an objective reads them. */
export interface RowOptions {
  objective: PretrainingObjective;
  /** original-language corpora */
  train: string[];
  /** derived-language corpora */
  derived: string[];
  /** XLM / DICT-MLM: leave out lines longer than a sequence (the authors' scripts do) instead of stopping */
  dropLongLines?: boolean;
  tlmRate: number;
  seed: number;
}

/**
 * Derived text (xlt derive --transform trans) reads as ids V..2V−1 only, apart from the shared specials:
 * original text given as --derived would train the original rows as if they were the other language's.
 */
function checkDerived(path: string, lines: number[][], V: number, shared: Set<number>, tok: WordTokenizer): void {
  for (const ids of lines) {
    const id = ids.find((i) => !shared.has(i) && (i < V || i >= 2 * V));
    if (id === undefined) continue;
    throw new XltError(
      `${path}: not derived text: token '${tok.idToToken(id)}' has id ${id}, outside the derived ids ${V}..${2 * V - 1}; ` +
        "--derived takes the output of xlt derive --transform trans (original-language text goes to --train)",
    );
  }
}

/**
 * The rows of T tokens the objective trains on, and the lines left out for being longer than one. `V`: one
 * language's vocabulary size; `shared`: the special ids both languages use (the derived files are checked
 * to read as ids V..2V−1 apart from them).
 */
export function buildRows(o: RowOptions, tok: WordTokenizer, cfg: ModelConfig, T: number, V: number, shared: Set<number>): { rows: Row[]; droppedLines: number } {
  const read = (p: string) => readCorpus(p).map((l) => tokenizeLine(tok, l));
  const orig = o.train.map((p) => ({ p, lines: read(p) }));
  const der = o.derived.map((p) => ({ p, lines: read(p) }));
  for (const f of der) checkDerived(f.p, f.lines, V, shared, tok);
  const rows: Row[] = [];
  let droppedLines = 0;
  // TLM pairs below read the full, still line-aligned files; only the monolingual packing leaves lines out
  const fitting = (lines: number[][]) => {
    if (!o.dropLongLines) return lines;
    const r = withoutLongLines(lines, T);
    droppedLines += r.dropped;
    return r.lines;
  };
  if (!usesLang(o.objective)) {
    for (const f of [...orig, ...der]) rows.push(...blocks(f.lines, T));
  } else {
    const off = cfg.positionOffset;
    for (const f of orig) rows.push(...packed(fitting(f.lines), T, LANG_ORIGINAL, cfg.padId, off, f.p));
    for (const f of der) rows.push(...packed(fitting(f.lines), T, LANG_DERIVED, cfg.padId, off, f.p));
    if (o.objective === "xlm") {
      if (orig.length !== 1 || der.length !== 1) throw new XltError("--objective xlm needs one --train file and one --derived file, line-aligned (TLM pairs)");
      if (orig[0].lines.length !== der[0].lines.length) {
        throw new XltError(`--objective xlm: ${orig[0].p} has ${orig[0].lines.length} lines but ${der[0].p} has ${der[0].lines.length}; TLM needs line-aligned files`);
      }
      rows.push(...tlmRows(orig[0].lines, der[0].lines, T, o.tlmRate, o.seed, cfg.padId, off));
    }
  }
  if (!rows.length) throw new XltError(`the corpus gives no sequence of ${T} tokens (too little text for --max-length ${T})`);
  return { rows, droppedLines };
}
