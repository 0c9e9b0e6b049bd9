// Writes the built-in data from the UD PUD treebanks (CC BY-SA; see builtin/ATTRIBUTION.md).
// PUD's 1000 sentences are parallel across languages (same sent_id order). Sentences 1-800 are the
// "train" side: pre-training text, realignment pairs, English POS training. Sentences 801-1000 are held out
// from all of them and used only for evaluation (POS test sets), so the built-in scores are not on text
// the model saw. PUD is test-only data in UD; this split is xlt's own, for a demo.
// Usage: node scripts/builtin/extract_pud.mjs UD_DIR OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [udDir, outDir] = process.argv.slice(2);
const TRAIN = 800;
const PRETRAIN_LANGS = { en: "English", de: "German", fr: "French", ru: "Russian" };

function sentences(lang, name) {
  const text = readFileSync(join(udDir, `UD_${name}-PUD`, `${lang}_pud-ud-test.conllu`), "utf8");
  return text.split(/\n\s*\n/).filter((b) => b.trim()).map((block) => {
    const lines = block.split("\n").filter((l) => l);
    const words = [];
    let skipTo = 0;
    for (const l of lines) {
      if (l.startsWith("#")) continue;
      const c = l.split("\t");
      if (c[0].includes(".")) continue; // empty node
      const range = c[0].match(/^(\d+)-(\d+)$/);
      if (range) { words.push(c[1]); skipTo = +range[2]; continue; } // surface token of a multi-word token
      if (+c[0] <= skipTo) continue;
      words.push(c[1]);
    }
    const textLine = lines.find((l) => l.startsWith("# text = "));
    return { block: lines.join("\n") + "\n", text: textLine ? textLine.slice(9) : words.join(" "), words };
  });
}

mkdirSync(outDir, { recursive: true });
const all = Object.fromEntries(Object.entries(PRETRAIN_LANGS).map(([l, n]) => [l, sentences(l, n)]));
for (const [l, s] of Object.entries(all)) if (s.length !== 1000) throw new Error(`${l}: ${s.length} sentences`);
// Pre-training text: the train sentences of every language, interleaved so each block mixes languages.
const pre = [];
for (let i = 0; i < TRAIN; i++) for (const l of Object.keys(all)) pre.push(all[l][i].text);
writeFileSync(join(outDir, "pretrain.txt"), pre.join("\n") + "\n");
for (const l of ["de", "fr"]) {
  const pairs = all.en.slice(0, TRAIN).map((s, i) => `${s.words.join(" ")} ||| ${all[l][i].words.join(" ")}`);
  writeFileSync(join(outDir, `pairs.en-${l}.txt`), pairs.join("\n") + "\n");
}
writeFileSync(join(outDir, "pos.en-train.conllu"), all.en.slice(0, TRAIN).map((s) => s.block).join("\n"));
for (const l of ["en", "de", "fr"]) writeFileSync(join(outDir, `pos.${l}-test.conllu`), all[l].slice(TRAIN).map((s) => s.block).join("\n"));
