// `xlt derive`: a synthetic language from an original-language file, in the file's own format, with labels
// following their words (align-mlm-spec.md §3). Inv (word-order inversion) runs first, on words; Trans
// (transliteration, src/synthetic/trans.ts) then respells each word in the derived vocabulary.
import { basename, extname } from "node:path";
import { splitWords } from "../io/words.ts";
import { TaskDataError } from "../tasks/labels.ts";
import { inversionOrder, invertTextLine, invertXnliSentence, reverseBioTags } from "./invert.ts";

export type Transform = "trans" | "inv" | "trans+inv";
export const TRANSFORMS: Transform[] = ["trans", "inv", "trans+inv"];
export type DeriveFormat = "text" | "conllu" | "iob2" | "xnli";
export const FORMATS: DeriveFormat[] = ["text", "conllu", "iob2", "xnli"];

export interface DeriveOptions {
  inv: boolean;
  /** respells one word in the derived vocabulary; null without Trans */
  trans: ((word: string) => string) | null;
}

export interface Derived {
  text: string;
  /** text: the original sentences line-aligned with the derived ones (Inv cuts lines into sentences) */
  original?: string;
  /** sentences (or lines, or pairs) written */
  units: number;
  /** CoNLL-U multi-word-token range lines and empty nodes dropped by Inv */
  dropped: number;
}

/**
 * The names under which `xlt derive` writes an input: its own name, and for plain text under Inv the
 * original sentences as NAME.orig.EXT beside it (Derived.original).
 */
export function derivedNames(path: string, format: DeriveFormat, inv: boolean): { derived: string; original: string | null } {
  const name = basename(path);
  const ext = extname(name);
  return { derived: name, original: format === "text" && inv ? `${name.slice(0, name.length - ext.length)}.orig${ext}` : null };
}

/** What is wrong with a transform's name (the option tables ask this before any work), or undefined. */
export function transformProblem(s: string): string | undefined {
  const t = s.trim().toLowerCase();
  if (t === "inv+trans" || (TRANSFORMS as string[]).includes(t)) return undefined;
  if (t === "perm") return "perm is not implemented (no ALIGN-MLM result uses it, spec §3.4); use trans, inv or trans+inv";
  return "not a transform: use trans, inv or trans+inv";
}

export function parseTransform(s: string): Transform {
  const problem = transformProblem(s);
  if (problem) throw new TaskDataError(`--transform '${s}': ${problem}`);
  const t = s.trim().toLowerCase();
  return (t === "inv+trans" ? "trans+inv" : t) as Transform;
}

/**
 * The format from the extension (.txt text, .conllu, .iob2/.bio, .tsv: 3 columns XNLI, 2 columns IOB2);
 * without an extension (WikiANN's `train`, `dev`) from the first line's columns (2 IOB2, 3 XNLI, 10 or a
 * comment CoNLL-U); null when unsure (plain text needs .txt or --format).
 */
export function detectDeriveFormat(path: string, firstLine: string): DeriveFormat | null {
  const ext = extname(path).toLowerCase();
  const cols = firstLine.replace(/\r$/, "").split("\t").length;
  if (ext === ".conllu") return "conllu";
  if (ext === ".txt") return "text";
  if (ext === ".iob2" || ext === ".bio") return "iob2";
  if (ext === ".tsv") return cols === 3 ? "xnli" : cols === 2 ? "iob2" : null;
  if (ext !== "") return null;
  if (firstLine.startsWith("#") || cols === 10) return "conllu";
  return cols === 2 ? "iob2" : cols === 3 ? "xnli" : null;
}

const stripCr = (l: string) => (l.endsWith("\r") ? l.slice(0, -1) : l);

/** lines of a blank-line-separated file, grouped by sentence, with 1-based line numbers */
function blocks(text: string): { line: number; text: string }[][] {
  const out: { line: number; text: string }[][] = [];
  let cur: { line: number; text: string }[] = [];
  text.split("\n").forEach((raw, i) => {
    const l = stripCr(raw);
    if (l.trim() === "") {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push({ line: i + 1, text: l });
  });
  if (cur.length) out.push(cur);
  return out;
}

function nonEmpty(path: string, units: number, what: string): void {
  if (units === 0) throw new TaskDataError(`${path}: no ${what} to derive (empty corpus?)`);
}

export function deriveFile(format: DeriveFormat, path: string, text: string, o: DeriveOptions): Derived {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  switch (format) {
    case "text":
      return deriveText(path, text, o);
    case "conllu":
      return deriveConllu(path, text, o);
    case "iob2":
      return deriveIob2(path, text, o);
    case "xnli":
      return deriveXnli(path, text, o);
  }
}

/**
 * Plain text, one line per paragraph or sentence, words split on spaces. Trans keeps the lines; Inv cuts
 * them into sentences (invert_pretrain_data.py), one per line, and `original` holds the same sentences
 * uninverted (the authors' train_orig.txt, line-aligned for XLM's TLM pairs).
 */
function deriveText(path: string, text: string, o: DeriveOptions): Derived {
  const lines = text.split("\n").map(stripCr);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const out: string[] = [];
  const orig: string[] = [];
  const tr = (s: string) => (o.trans ? s.split(" ").filter((w) => w !== "").map(o.trans).join(" ") : s);
  for (const l of lines) {
    if (!o.inv) {
      out.push(tr(l));
      continue;
    }
    const { original, inverted } = invertTextLine(l);
    orig.push(...original);
    out.push(...inverted.map(tr));
  }
  const units = out.filter((l) => l.trim() !== "").length;
  nonEmpty(path, units, "text");
  const join = (xs: string[]) => xs.map((l) => l + "\n").join("");
  return { text: join(out), original: o.inv ? join(orig) : undefined, units, dropped: 0 };
}

/**
 * CoNLL-U. Inv reverses the syntactic words (a final `.`/`!`/`?` stays last) and renumbers them; HEAD is
 * remapped to the head's new id, so the tree and DEPREL stay correct. Multi-word-token range lines and
 * empty nodes are dropped (their spans and decimal ids have no place in the reversed order), DEPS and MISC
 * become `_` (they name ids and spacing of the old order), and `# text` is rewritten. Trans respells FORM
 * and LEMMA (the pieces of one word are space-separated, which CoNLL-U v2 allows in both).
 */
function deriveConllu(path: string, text: string, o: DeriveOptions): Derived {
  const out: string[] = [];
  let units = 0;
  let dropped = 0;
  for (const b of blocks(text)) {
    const comments: string[] = [];
    const rows: { cols: string[]; line: number }[] = [];
    for (const { line, text: l } of b) {
      if (l.startsWith("#")) {
        comments.push(l);
        continue;
      }
      const cols = l.split("\t");
      if (cols.length !== 10) throw new TaskDataError(`${path}:${line}: CoNLL-U token line must have 10 tab-separated columns, found ${cols.length}`);
      if (!/^\d+(?:-\d+|\.\d+)?$/.test(cols[0])) throw new TaskDataError(`${path}:${line}: bad CoNLL-U ID '${cols[0]}'`);
      rows.push({ cols, line });
    }
    if (rows.length === 0) continue;
    let kept = rows;
    if (o.inv) {
      kept = rows.filter((r) => /^\d+$/.test(r.cols[0]));
      dropped += rows.length - kept.length;
      const order = inversionOrder(kept, (r) => r.cols[1]);
      const newId = new Map<string, string>();
      order.forEach((k, pos) => newId.set(kept[k].cols[0], String(pos + 1)));
      kept = order.map((k) => {
        const c = [...kept[k].cols];
        c[0] = newId.get(c[0])!;
        if (c[6] !== "_" && c[6] !== "0") {
          const h = newId.get(c[6]);
          if (h === undefined) throw new TaskDataError(`${path}:${kept[k].line}: HEAD '${c[6]}' is not a word of the sentence`);
          c[6] = h;
        }
        c[8] = "_";
        c[9] = "_";
        return { cols: c, line: kept[k].line };
      });
    }
    if (o.trans) {
      for (const r of kept) {
        r.cols = [...r.cols];
        r.cols[1] = o.trans(r.cols[1]);
        if (r.cols[2] !== "_") r.cols[2] = o.trans(r.cols[2]);
      }
    }
    const words = kept.filter((r) => /^\d+$/.test(r.cols[0]) || /^\d+-\d+$/.test(r.cols[0]));
    // a range line's FORM stands for its words: the sentence text is the tokens, ranges instead of their parts
    const surface: string[] = [];
    let skipTo = 0;
    for (const r of words) {
      const m = /^(\d+)-(\d+)$/.exec(r.cols[0]);
      if (m) {
        surface.push(r.cols[1]);
        skipTo = Number(m[2]);
      } else if (Number(r.cols[0]) > skipTo) surface.push(r.cols[1]);
    }
    for (const c of comments) out.push(/^# text\s*=/.test(c) && (o.inv || o.trans) ? `# text = ${surface.join(" ")}` : c);
    for (const r of kept) out.push(r.cols.join("\t"));
    out.push("");
    units++;
  }
  nonEmpty(path, units, "CoNLL-U sentences");
  return { text: out.map((l) => l + "\n").join(""), units, dropped };
}

const LANG_PREFIX = /^([a-z]{2,3}(?:-[a-z]+)?):(?=.)/;

/**
 * IOB2 (WikiANN `[xx:]word<TAB>TAG`, also XTREME udpos `form<TAB>UPOS`): Inv reverses each sentence with
 * its tags and repairs the BIO prefixes (reverseBioTags); the language prefix stays on each word.
 */
function deriveIob2(path: string, text: string, o: DeriveOptions): Derived {
  const out: string[] = [];
  let units = 0;
  for (const b of blocks(text)) {
    const words: string[] = [];
    const prefixes: string[] = [];
    const tags: string[] = [];
    for (const { line, text: l } of b) {
      const cols = l.split("\t");
      if (cols.length !== 2) throw new TaskDataError(`${path}:${line}: expected 'word<TAB>TAG' (2 tab-separated columns), found ${cols.length}`);
      const m = LANG_PREFIX.exec(cols[0]);
      prefixes.push(m ? `${m[1]}:` : "");
      words.push(m ? cols[0].slice(m[0].length) : cols[0]);
      tags.push(cols[1].trim());
    }
    let order = words.map((_, i) => i);
    let newTags = tags;
    if (o.inv) {
      order = inversionOrder(words, (w) => w);
      newTags = reverseBioTags(tags, order);
    }
    order.forEach((i, k) => out.push(`${prefixes[i]}${o.trans ? o.trans(words[i]) : words[i]}\t${newTags[o.inv ? k : i]}`));
    out.push("");
    units++;
  }
  nonEmpty(path, units, "sentences");
  return { text: out.map((l) => l + "\n").join(""), units, dropped: 0 };
}

/**
 * XNLI TSV (XTREME `premise<TAB>hypothesis<TAB>label`, or XNLI 1.0 with a header naming sentence1 and
 * sentence2): premise and hypothesis are each transformed, label and other columns unchanged. Inv follows
 * invert_xnli_data.py; Trans respells the words readXnli would see (splitWords), space-separated.
 */
function deriveXnli(path: string, text: string, o: DeriveOptions): Derived {
  const lines = text.split("\n").map(stripCr);
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  let cols = [0, 1];
  let n = 3;
  let start = 0;
  const head = (lines[0] ?? "").split("\t");
  if (head.includes("sentence1") && head.includes("sentence2")) {
    cols = [head.indexOf("sentence1"), head.indexOf("sentence2")];
    n = head.length;
    start = 1;
  }
  const tr = (s: string) => {
    const t = o.inv ? invertXnliSentence(s) : s;
    return o.trans ? splitWords(t).map(o.trans).join(" ") : t;
  };
  const out = lines.slice(0, start);
  let units = 0;
  for (let i = start; i < lines.length; i++) {
    if (lines[i].trim() === "") {
      out.push(lines[i]);
      continue;
    }
    const f = lines[i].split("\t");
    if (f.length !== n) throw new TaskDataError(`${path}:${i + 1}: expected ${n} tab-separated columns${start ? "" : " (premise, hypothesis, label)"}, found ${f.length}`);
    for (const c of cols) f[c] = tr(f[c]);
    out.push(f.join("\t"));
    units++;
  }
  nonEmpty(path, units, "XNLI pairs");
  return { text: out.map((l) => l + "\n").join(""), units, dropped: 0 };
}
