// Where the fine-tuned built-in model loses English POS accuracy (results/builtin-english/README.md): accuracy
// on the test words split by whether the word was seen in training and by how many subword pieces xlt's
// tokenizer makes of it, beside the most-frequent-tag lookup (lookup.py) on the same words.
// The lookup: each test word gets the tag it had most often in the first N training sentences (its exact form,
// else its lower-cased form); an unseen word is PROPN if capitalised, NUM if it holds a digit, else NOUN.
// Usage: node errors.mjs TOKENIZER_DIR TRAIN.conllu TEST.conllu N [PREDICTED.conllu]
// (from the repository root after `npx tsc -p tsconfig.json`: it loads dist/src/io/tokenize.js). Without
// PREDICTED it prints the lookup's accuracy alone.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [tokDir, trainPath, testPath, nTrain, predPath] = process.argv.slice(2);
const { loadTokenizer } = await import(pathToFileURL(resolve("dist/src/io/tokenize.js")).href);
const tok = loadTokenizer(tokDir);

/** CoNLL-U sentences as [word, UPOS] lists */
function sentences(path) {
  const out = [];
  let cur = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const c = line.split("\t");
    if (c.length > 3 && /^\d+$/.test(c[0])) cur.push([c[1], c[3]]);
    else if (!line.trim() && cur.length) (out.push(cur), (cur = []));
  }
  if (cur.length) out.push(cur);
  return out;
}

const tags = new Map(); // word (and its lower-cased form) → tag counts in training
for (const s of sentences(trainPath).slice(0, Number(nTrain))) {
  for (const [w, t] of s) {
    for (const k of new Set([w, w.toLowerCase()])) {
      const m = tags.get(k) ?? new Map();
      m.set(t, (m.get(t) ?? 0) + 1);
      tags.set(k, m);
    }
  }
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1])[0][0];
const lookup = (w) => {
  const m = tags.get(w) ?? tags.get(w.toLowerCase());
  if (m) return top(m);
  return /^\p{Lu}/u.test(w) ? "PROPN" : /\d/.test(w) ? "NUM" : "NOUN";
};

const gold = sentences(testPath).flat();
if (!predPath) {
  const right = gold.filter(([w, t]) => lookup(w) === t).length;
  const unseen = gold.filter(([w]) => !tags.has(w) && !tags.has(w.toLowerCase()));
  console.log(
    `lookup from the first ${nTrain} training sentences: ${(100 * right / gold.length).toFixed(1)}% of ${gold.length} test words; ` +
      `${(100 * unseen.length / gold.length).toFixed(1)}% unseen, ${(100 * unseen.filter(([w, t]) => lookup(w) === t).length / unseen.length).toFixed(1)}% of those right`,
  );
  process.exit(0);
}
const pred = sentences(predPath).flat();
if (gold.length !== pred.length) throw new Error(`${predPath}: ${pred.length} words, the test has ${gold.length}`);
const groups = new Map();
const add = (name, model, table) => {
  const g = groups.get(name) ?? { n: 0, model: 0, lookup: 0 };
  g.n++;
  g.model += model;
  g.lookup += table;
  groups.set(name, g);
};
gold.forEach(([w, t], i) => {
  const seen = tags.has(w) || tags.has(w.toLowerCase());
  const pieces = tok.encodeWord(w).length;
  const model = pred[i][1] === t ? 1 : 0;
  const table = lookup(w) === t ? 1 : 0;
  add("all words", model, table);
  add(seen ? "seen in training" : "unseen in training", model, table);
  add(pieces === 1 ? "one piece" : pieces === 2 ? "two pieces" : "three or more pieces", model, table);
  add(`${seen ? "seen" : "unseen"}, ${pieces === 1 ? "one piece" : "several pieces"}`, model, table);
});
console.log("| test words | share | model | lookup |\n|---|---|---|---|");
const ORDER = ["all words", "seen in training", "unseen in training", "one piece", "two pieces", "three or more pieces",
  "seen, one piece", "seen, several pieces", "unseen, one piece", "unseen, several pieces"];
for (const name of ORDER.filter((n) => groups.has(n))) {
  const g = groups.get(name);
  const pct = (x) => (100 * x / g.n).toFixed(1);
  console.log(`| ${name} | ${(100 * g.n / gold.length).toFixed(1)}% | ${pct(g.model)} | ${pct(g.lookup)} |`);
}
