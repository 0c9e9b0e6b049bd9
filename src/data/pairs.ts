// The realignment data pipeline (Gaschi et al. 2023; realignment_task.py in the papers' code): sentence
// pairs from a `src ||| tgt` file, two raw sentence-aligned text files or two CoNLL-U treebanks (PUD), word links from a Pharaoh
// file or the MUSE-dictionary rule, the papers' post-filter (one-to-one, no identical strings, no
// link-less pairs), the seeded per-language shuffle + round-robin interleave, and the batcher that
// tokenizes pairs and maps every link to rows of the concatenated word lists the contrastive loss reads.
// Every input error is one line naming file[:line], so a bad corpus fails before any GPU work starts.
import { XltError } from "../errors.ts";
import type { ModelConfig } from "../io/checkpoint.ts";
import { encodeWords, type WordEncoding, type WordTokenizer } from "../io/tokenize.ts";
import { parseLinks, parseParallelLine, readMuseDictionary, readTextLines, splitWords, textLines, WordsError } from "../io/words.ts";
import { buildSide, type PairExample, type SideBatch } from "./side_batch.ts";
import { fastAlign } from "../align/fastalign.ts";
import { buildDictionary, dictionaryLinks, type Dictionary, filterLinks, interleave, type Link, shuffled } from "./align.ts";
import { readConlluWords } from "./conllu_words.ts";
import { fs, nodePath } from "../host.ts";

/** One language's realignment data: exactly one sentence source and exactly one link source. */
export interface LangSpec {
  lang: string;
  /** `english ||| target` file, one sentence pair per line (pre-tokenized with splitWords) */
  pairs?: string;
  /** Pharaoh `i-j` file, one line per sentence pair of the source, same order */
  alignments?: string;
  /** MUSE `english target` dictionary: links by the papers' unambiguous-match rule */
  dictionary?: string;
  /**
   * a built-in aligner run on the sentence pairs themselves: fast_align's model (src/align/fastalign.ts),
   * or the embeddings aligner, whose links the caller computes with a model (src/align/embeddings.ts)
   */
  aligner?: "fastalign" | "embeddings";
  /** two raw sentence-aligned text files [english, target] with the same number of lines */
  parallel?: [string, string];
  /** two CoNLL-U files [english, target] paired by `# sent_id` (e.g. PUD) */
  conllu?: [string, string];
  /** read at most this many sentence pairs (in source order) */
  limit?: number;
}

export interface PairStats {
  /** sentence pairs read (blank lines not counted) */
  sentences: number;
  /** sentence pairs left with at least one link after filtering */
  withLinks: number;
  /** links after filtering */
  links: number;
}

/** Every sentence pair of a source, in input order, with its filtered links (possibly none). */
export interface ExtractedPairs {
  lang: string;
  /** `blank` marks an input line with no sentence pair (kept so outputs line up with the input file) */
  sentences: { src: string[]; tgt: string[]; blank: boolean }[];
  links: Link[][];
  /** the link source's links before the post-filter */
  raw: Link[][];
  stats: PairStats;
}

const dictCache = new Map<string, Dictionary>();

/** Loads a MUSE dictionary (cached by path, size and mtime; identical-string entries dropped). */
export function loadDictionary(path: string): Dictionary {
  let key = path;
  try {
    const st = fs.statSync(path);
    key = `${path}|${st.size}|${st.mtimeMs}`;
  } catch {
    // readMuseDictionary reports the missing file
  }
  let d = dictCache.get(key);
  if (!d) {
    const entries: [string, string][] = [];
    for (const [s, ts] of readMuseDictionary(path)) for (const t of ts) entries.push([s, t]);
    d = buildDictionary(entries);
    dictCache.set(key, d);
  }
  return d;
}

function describe(spec: LangSpec): string {
  if (spec.pairs) return spec.pairs;
  if (spec.parallel) return `${spec.parallel[0]} + ${spec.parallel[1]}`;
  if (spec.conllu) return `${spec.conllu[0]} + ${spec.conllu[1]}`;
  return "(no source)";
}

type Sentence = ExtractedPairs["sentences"][number];

/** The sentence pairs of a `source ||| target` file's lines (`name` in errors), blank lines kept and marked, up to `limit` pairs. */
function pairLines(lines: string[], name: string, limit = Infinity): Sentence[] {
  const out: Sentence[] = [];
  for (let i = 0, real = 0; i < lines.length && real < limit; i++) {
    if (lines[i].trim() === "") out.push({ src: [], tgt: [], blank: true });
    else {
      out.push({ ...parseParallelLine(lines[i], `${name}:${i + 1}`), blank: false });
      real++;
    }
  }
  return out;
}

/**
 * The Pharaoh links of an alignment file's lines (`name` in errors), line k for pair k of `sentences` (read
 * from `from`); with `limited` (a --limit), lines beyond the pairs read are ignored.
 */
function alignmentLines(lines: string[], name: string, sentences: Sentence[], from: string, limited: boolean): Link[][] {
  if (lines.length !== sentences.length && !(limited && lines.length > sentences.length)) {
    throw new WordsError(`${name}: alignment file has ${lines.length} lines but ${from} has ${sentences.length} sentence pairs (line for line, blank lines included)`);
  }
  return sentences.map((s, k) => parseLinks(lines[k], `${name}:${k + 1}`, s.src.length, s.tgt.length) as Link[]);
}

/** The links left after the post-filter and their counts; none at all is an error, `why` its cause. */
function filtered(lang: string, sentences: Sentence[], raw: Link[][], from: string, why: string): { links: Link[][]; stats: PairStats } {
  const links = sentences.map((s, k) => filterLinks(s.src, s.tgt, raw[k]));
  const stats: PairStats = {
    sentences: sentences.filter((s) => !s.blank).length,
    withLinks: links.filter((l) => l.length > 0).length,
    links: links.reduce((a, l) => a + l.length, 0),
  };
  if (stats.links === 0) throw new WordsError(`language '${lang}': read ${stats.sentences} sentence pairs from ${from} but ${why}`);
  return { links, stats };
}

/** The pairs that kept a link, as realignment examples. */
function examplesOf(lang: string, sentences: Sentence[], links: Link[][]): PairExample[] {
  const examples: PairExample[] = [];
  sentences.forEach((s, k) => {
    if (links[k].length > 0) examples.push({ src: s.src, tgt: s.tgt, links: links[k], lang });
  });
  return examples;
}

/** Reads the sentence pairs of a spec, in input order (blank input lines kept, marked `blank`). */
export function readSentences(spec: LangSpec): { sentences: { src: string[]; tgt: string[]; blank: boolean }[] } {
  const sources = [spec.pairs, spec.parallel, spec.conllu].filter((x) => x !== undefined).length;
  if (sources !== 1) {
    throw new XltError(`language '${spec.lang}': give exactly one sentence source (pairs file, parallel files or CoNLL-U files), got ${sources}`);
  }
  const limit = spec.limit ?? Infinity;
  const sentences: { src: string[]; tgt: string[]; blank: boolean }[] = [];
  let real = 0;
  const push = (src: string[], tgt: string[], blank: boolean) => {
    sentences.push({ src, tgt, blank });
    if (!blank) real++;
  };
  if (spec.pairs) {
    sentences.push(...pairLines(readTextLines(spec.pairs, "parallel file"), spec.pairs, limit));
  } else if (spec.parallel) {
    const [a, b] = spec.parallel;
    const la = readTextLines(a, "parallel text file");
    const lb = readTextLines(b, "parallel text file");
    if (la.length !== lb.length) {
      throw new WordsError(`${a} has ${la.length} lines but ${b} has ${lb.length}: sentence-aligned files must have the same number of lines`);
    }
    for (let i = 0; i < la.length && real < limit; i++) {
      const blank = la[i].trim() === "" && lb[i].trim() === "";
      push(splitWords(la[i]), splitWords(lb[i]), blank);
    }
  } else if (spec.conllu) {
    const [a, b] = spec.conllu;
    const left = readConlluWords(a);
    const right = new Map(readConlluWords(b).map((s) => [s.id, s.words]));
    for (const s of left) {
      if (real >= limit) break;
      const t = right.get(s.id);
      if (t) push(s.words, t, false);
    }
    if (real === 0) throw new WordsError(`${a} and ${b} share no '# sent_id': nothing to pair`);
  }
  return { sentences };
}

/**
 * Reads one language's sentence pairs and links, in input order, with the post-filter applied but
 * link-less pairs kept (the `xlt align` output needs one line per input pair).
 */
export function extractLanguagePairs(spec: LangSpec, computed?: Link[][]): ExtractedPairs {
  if ([spec.alignments, spec.dictionary, spec.aligner].filter(Boolean).length !== 1) {
    throw new XltError(`language '${spec.lang}' (${describe(spec)}): give exactly one link source, an alignments file, a dictionary or a built-in aligner`);
  }
  const { sentences } = readSentences(spec);
  let raw: Link[][];
  if (spec.aligner === "embeddings") {
    // computed by the caller with a model (async, on the GPU); one list per sentence pair
    if (!computed || computed.length !== sentences.length) {
      throw new XltError(`language '${spec.lang}': the embeddings aligner's links must be computed with a model first (alignWithEmbeddings)`);
    }
    raw = computed;
  } else if (spec.aligner === "fastalign") {
    raw = fastAlign(sentences);
  } else if (spec.alignments) {
    raw = alignmentLines(readTextLines(spec.alignments, "alignment file"), spec.alignments, sentences, describe(spec), spec.limit !== undefined);
  } else {
    const dict = loadDictionary(spec.dictionary!);
    raw = sentences.map((s) => dictionaryLinks(s.src, s.tgt, dict));
  }
  const why = spec.dictionary
    ? `no word of dictionary ${spec.dictionary} matched (wrong language pair, or English not on the left?)`
    : spec.aligner
      ? `the ${spec.aligner} aligner's links leave none after the one-to-one / identical-string filter`
      : `alignments ${spec.alignments} leave no link after the one-to-one / identical-string filter`;
  const { links, stats } = filtered(spec.lang, sentences, raw, describe(spec), why);
  return { lang: spec.lang, sentences, links, raw, stats };
}

/** One language's realignment examples: filtered links, pairs without links dropped. */
export function loadLanguagePairs(spec: LangSpec, computed?: Link[][]): { examples: PairExample[]; stats: PairStats } {
  const x = extractLanguagePairs(spec, computed);
  return { examples: examplesOf(spec.lang, x.sentences, x.links), stats: x.stats };
}

// --------------------------------------------------------------------------------- CLI language specs
export const LANG_SPEC_HELP = [
  "Data options may be repeated, one per target language, each optionally prefixed with the language:",
  "  --pairs de=en-de.txt --dictionary de=muse/en-de.txt --pairs fr=en-fr.txt --alignments fr=en-fr.align",
  "  --parallel [LANG=]EN_FILE,XX_FILE     two raw sentence-aligned text files (comma-separated)",
  "  --conllu [LANG=]EN.conllu,XX.conllu   two CoNLL-U files paired by '# sent_id' (e.g. PUD)",
  "Without a prefix the language comes from the file name ('en-de', 'de-en', '.de.', 'de_pud…') or is 'xx';",
  "a link source (--dictionary/--alignments) whose language matches no sentence source goes to the only",
  "sentence source when there is exactly one. --aligner fastalign|embeddings links every language without",
  "--alignments with a built-in aligner instead (no --dictionary then; embeddings use --model).",
].join("\n");

const PREFIX_RE = /^([a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)=(.+)$/;

/**
 * loadLanguagePairs over the texts of a `source ||| target` file and its Pharaoh links file (a browser's
 * files): the same checks, filter and errors, the files named by `names` in them.
 */
export function examplesFromText(lang: string, pairsText: string, linksText: string, names = { pairs: "pairs.txt", links: "links.txt" }): { examples: PairExample[]; stats: PairStats } {
  const lines = textLines(pairsText);
  if (!lines.some((l) => l.trim() !== "")) throw new WordsError(`${names.pairs}: parallel file is empty`);
  const sentences = pairLines(lines, names.pairs);
  const raw = alignmentLines(textLines(linksText), names.links, sentences, names.pairs, false);
  const { links, stats } = filtered(lang, sentences, raw, names.pairs, `alignments ${names.links} leave no link after the one-to-one / identical-string filter`);
  return { examples: examplesOf(lang, sentences, links), stats };
}

/** Language code guessed from a file name ('en-de.txt', 'opus.en-de-train.de', 'de_pud-ud-test.conllu'), or null. */
export function langFromFileName(path: string): string | null {
  const name = nodePath.basename(path);
  const nonEn = (x: string) => (x !== "en" ? x : null);
  let m = /(?:^|[^a-z])en[-_]([a-z]{2,3})(?![a-z])/.exec(name);
  if (m && nonEn(m[1])) return m[1];
  m = /(?:^|[^a-z])([a-z]{2,3})[-_]en(?![a-z])/.exec(name);
  if (m && nonEn(m[1])) return m[1];
  m = /\.([a-z]{2,3})(?:\.|$)/.exec(name);
  if (m && nonEn(m[1]) && !["txt", "tsv", "gz"].includes(m[1])) return m[1];
  m = /^([a-z]{2,3})_[a-z]+-ud-/.exec(name);
  if (m && nonEn(m[1])) return m[1];
  return null;
}

function listOf(v: unknown): string[] {
  if (v === undefined || v === null || v === false) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * Groups the CLI's repeated data options into one LangSpec per language (see LANG_SPEC_HELP).
 * `values` holds `pairs`, `parallel`, `conllu`, `alignments`, `dictionary` (string or string[]) and
 * optionally `aligner` (dictionary | fastalign | embeddings).
 */
export function parseLangSpec(values: Record<string, unknown>): LangSpec[] {
  const specs: LangSpec[] = [];
  const split = (v: string): { lang: string | null; path: string } => {
    const m = PREFIX_RE.exec(v);
    return m ? { lang: m[1], path: m[2] } : { lang: null, path: v };
  };
  const addSource = (opt: "pairs" | "parallel" | "conllu", v: string) => {
    const { lang, path } = split(v);
    let files: string[] = [path];
    if (opt !== "pairs") {
      files = path.split(",");
      if (files.length !== 2 || files.some((f) => f === "")) throw new XltError(`--${opt} '${v}': expected [LANG=]EN_FILE,XX_FILE`);
    }
    const l = lang ?? langFromFileName(files[files.length - 1]) ?? "xx";
    if (specs.some((s) => s.lang === l)) {
      throw new XltError(`--${opt} '${v}': a second sentence source for language '${l}'; prefix each with its language (LANG=FILE)`);
    }
    const spec: LangSpec = { lang: l };
    if (opt === "pairs") spec.pairs = files[0];
    else spec[opt] = [files[0], files[1]];
    specs.push(spec);
  };
  for (const opt of ["pairs", "parallel", "conllu"] as const) for (const v of listOf(values[opt])) addSource(opt, v);
  if (!specs.length) throw new XltError("no sentence pairs given: use --pairs, --parallel or --conllu");
  for (const opt of ["alignments", "dictionary"] as const) {
    for (const v of listOf(values[opt])) {
      const { lang, path } = split(v);
      const l = lang ?? langFromFileName(path);
      let spec = specs.find((s) => s.lang === l);
      if (!spec && !lang && specs.length === 1) spec = specs[0];
      if (!spec) {
        throw new XltError(`--${opt} '${v}': no sentence source for language '${l ?? "?"}' (have ${specs.map((s) => s.lang).join(", ")}); write LANG=FILE`);
      }
      if (spec.alignments || spec.dictionary) throw new XltError(`--${opt} '${v}': language '${spec.lang}' already has a link source`);
      spec[opt] = path;
    }
  }
  const aligner = values.aligner ?? "dictionary";
  if (aligner !== "dictionary") {
    if (aligner !== "fastalign" && aligner !== "embeddings") throw new XltError(`--aligner ${aligner}: use dictionary, fastalign or embeddings`);
    if (listOf(values.dictionary).length) throw new XltError(`--aligner ${aligner} computes the links itself: drop --dictionary (or use --aligner dictionary)`);
    for (const s of specs) if (!s.alignments) s.aligner = aligner;
  }
  for (const s of specs) {
    if (!s.alignments && !s.dictionary && !s.aligner) throw new XltError(`language '${s.lang}' (${describe(s)}) has no --dictionary or --alignments (or --aligner fastalign|embeddings)`);
  }
  return specs;
}

// ------------------------------------------------------------------------------------ stream + batches
/** Each language's examples shuffled with `seed`, then interleaved round-robin until the first runs out. */
export function realignStream(perLang: PairExample[][], seed: number): PairExample[] {
  return interleave(perLang.map((xs) => shuffled(xs, seed)));
}

export interface PairBatch {
  left: SideBatch;
  right: SideBatch;
  /** aligned word pairs as rows of left.wordRows / right.wordRows (the sides' concatenated word lists) */
  links: { l: number; r: number }[];
  /** sentence pairs in the batch */
  pairs: number;
  /** the examples in batch order (for logs and tests) */
  examples: PairExample[];
}

export interface BatcherCounters {
  /** examples taken from the stream, including skipped ones */
  consumed: number;
  /** examples skipped because truncation left them no link */
  droppedPairs: number;
  /** words truncated away (or without subwords) in consumed examples, both sides */
  droppedWords: number;
  /** links lost to truncation in consumed examples */
  droppedLinks: number;
  /** completed passes over the examples */
  epoch: number;
}

interface Prepared {
  left: WordEncoding;
  right: WordEncoding;
  links: [number, number][];
  dropped: number;
}

/**
 * Cycles over realignment examples in batches: epoch 0 keeps the given order (already shuffled and
 * interleaved by realignStream), epoch e > 0 reshuffles with seed+e. Tokenizations are cached.
 */
export class PairBatcher {
  readonly counters: BatcherCounters = { consumed: 0, droppedPairs: 0, droppedWords: 0, droppedLinks: 0, epoch: 0 };
  private order: PairExample[];
  private pos = 0;
  private cache = new WeakMap<PairExample, Prepared>();

  constructor(
    private readonly examples: PairExample[],
    private readonly tok: WordTokenizer,
    private readonly cfg: ModelConfig,
    private readonly opts: { batchSize: number; maxLength: number; seed: number },
  ) {
    if (!examples.length) throw new XltError("no realignment examples: every sentence pair was dropped (no links)");
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new XltError(`realignment batch size must be a positive integer, got ${opts.batchSize}`);
    const room = cfg.maxPositions - cfg.positionOffset;
    if (!Number.isInteger(opts.maxLength) || opts.maxLength < 3 || opts.maxLength > room) {
      throw new XltError(`realignment max length must be an integer in [3, ${room}] for this model (${cfg.maxPositions} positions), got ${opts.maxLength}`);
    }
    this.order = examples;
  }

  private prepare(ex: PairExample): Prepared {
    let p = this.cache.get(ex);
    if (!p) {
      const left = encodeWords(this.tok, ex.src, this.opts.maxLength);
      const right = encodeWords(this.tok, ex.tgt, this.opts.maxLength);
      const links = ex.links.filter(([i, j]) => (left.firstSubword[i] ?? -1) >= 0 && (right.firstSubword[j] ?? -1) >= 0);
      p = { left, right, links, dropped: ex.links.length - links.length };
      this.cache.set(ex, p);
    }
    return p;
  }

  private take(): PairExample {
    if (this.pos >= this.order.length) {
      this.counters.epoch++;
      this.order = shuffled(this.examples, this.opts.seed + this.counters.epoch);
      this.pos = 0;
    }
    return this.order[this.pos++];
  }

  next(): PairBatch {
    const chosen: { ex: PairExample; p: Prepared }[] = [];
    let skipped = 0; // consecutive examples without a usable link
    while (chosen.length < this.opts.batchSize) {
      const ex = this.take();
      const p = this.prepare(ex);
      this.counters.consumed++;
      this.counters.droppedWords += p.left.droppedWords + p.right.droppedWords;
      this.counters.droppedLinks += p.dropped;
      if (p.links.length === 0) {
        this.counters.droppedPairs++;
        // a whole pass without a usable example: none has a link that survives truncation
        if (++skipped >= this.examples.length) {
          throw new XltError(`no realignment example keeps a link within max length ${this.opts.maxLength} (all ${this.examples.length} pairs lose their aligned words to truncation)`);
        }
        continue;
      }
      skipped = 0;
      chosen.push({ ex, p });
    }
    const left = buildSide(this.cfg, chosen.map((c) => c.p.left));
    const right = buildSide(this.cfg, chosen.map((c) => c.p.right));
    const links: { l: number; r: number }[] = [];
    chosen.forEach((c, b) => {
      for (const [i, j] of c.p.links) links.push({ l: left.wordIndex[b][i], r: right.wordIndex[b][j] });
    });
    return { left, right, links, pairs: chosen.length, examples: chosen.map((c) => c.ex) };
  }
}
