// The words of a CoNLL-U file, sentence by sentence, keyed by `# sent_id`: the FORM column of the
// regular token lines. Multi-word range lines (`1-2`) and empty nodes (`1.1`) are skipped, so the words
// are the syntactic words the treebank annotates (German "im" appears as "in" + "dem").
import { readTextLines, WordsError } from "../io/words.ts";

export interface ConlluSentence {
  id: string;
  words: string[];
  /** 1-based line of the sentence's first line */
  line: number;
}

export function readConlluWords(path: string): ConlluSentence[] {
  const lines = readTextLines(path, "CoNLL-U file");
  const out: ConlluSentence[] = [];
  const seen = new Set<string>();
  let id: string | null = null;
  let words: string[] = [];
  let start = 0;
  let idLine = 0;
  const close = (at: number) => {
    if (words.length === 0 && id === null) return;
    if (id === null) throw new WordsError(`${path}:${start}: sentence has no '# sent_id' line, cannot pair it with the other language`);
    if (seen.has(id)) throw new WordsError(`${path}:${idLine}: duplicate sent_id '${id}'`);
    if (words.length === 0) throw new WordsError(`${path}:${idLine}: sentence '${id}' has no token lines (line ${at})`);
    seen.add(id);
    out.push({ id, words, line: start });
    id = null;
    words = [];
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    const l = raw.trimEnd();
    if (l === "") {
      close(n);
      return;
    }
    if (id === null && words.length === 0) start = n;
    if (l.startsWith("#")) {
      const m = /^#\s*sent_id\s*=\s*(.*)$/.exec(l);
      if (m) {
        if (words.length > 0) throw new WordsError(`${path}:${n}: '# sent_id' after token lines (missing blank line between sentences?)`);
        id = m[1].trim();
        idLine = n;
      }
      return;
    }
    const cols = l.split("\t");
    if (cols.length !== 10) throw new WordsError(`${path}:${n}: expected 10 tab-separated CoNLL-U columns, found ${cols.length}`);
    if (/^\d+-\d+$/.test(cols[0]) || /^\d+\.\d+$/.test(cols[0])) return;
    if (!/^\d+$/.test(cols[0])) throw new WordsError(`${path}:${n}: bad token ID '${cols[0].slice(0, 20)}'`);
    words.push(cols[1]);
  });
  close(lines.length + 1);
  if (!out.length) throw new WordsError(`${path}: no sentences found in CoNLL-U file`);
  return out;
}
