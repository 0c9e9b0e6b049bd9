// Writes the built-in data (CC BY-SA; see builtin/ATTRIBUTION.md) from UD and XQuAD:
// - PUD (19 languages, 1000 sentences each, parallel: the same sent_id order). Sentences 1-800 are the "train"
//   side: pre-training text, realignment pairs, English POS training. Sentences 801-1000 are held out from
//   all of them and used only for evaluation (POS test sets). PUD is test-only data in UD; this split is
//   xlt's own, for a demo.
// - XQuAD (12 languages): the paragraphs (contexts), one per line, as pre-training text only.
// - UD English EWT train: its first EWT_SENTENCES sentences, as more English POS training data.
// The POS training file keeps ID, FORM and UPOS (the other columns written as _: what POS training reads);
// the test files keep every column, for UD's official scorer.
// Usage: node scripts/builtin/extract.mjs UD_DIR XQUAD_DIR OUT_DIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [udDir, xquadDir, outDir] = process.argv.slice(2);
const TRAIN = 800;
const EWT_SENTENCES = 4000;
const PUD = {
  en: "English", ar: "Arabic", cs: "Czech", de: "German", es: "Spanish", fi: "Finnish", fr: "French", hi: "Hindi", id: "Indonesian",
  it: "Italian", ja: "Japanese", ko: "Korean", pl: "Polish", pt: "Portuguese", ru: "Russian", sv: "Swedish", th: "Thai", tr: "Turkish", zh: "Chinese",
};
const XQUAD = ["en", "ar", "de", "el", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh"];
const PAIRS = ["de", "fr", "ar"]; // realignment pairs en-XX, and the POS test languages besides en

function sentences(path) {
  const text = readFileSync(path, "utf8");
  return text.split(/\n\s*\n/).filter((b) => b.trim()).map((block) => {
    const lines = block.split("\n").filter((l) => l);
    const words = [];
    const rows = [];
    let skipTo = 0;
    for (const l of lines) {
      if (l.startsWith("#")) {
        if (l.startsWith("# sent_id") || l.startsWith("# text =")) rows.push(l);
        continue;
      }
      const c = l.split("\t");
      if (c[0].includes(".")) continue; // empty node
      const range = c[0].match(/^(\d+)-(\d+)$/);
      rows.push([c[0], c[1], "_", range ? "_" : c[3], "_", "_", "_", "_", "_", "_"].join("\t"));
      if (range) { words.push(c[1]); skipTo = +range[2]; continue; } // surface token of a multi-word token
      if (+c[0] <= skipTo) continue;
      words.push(c[1]);
    }
    const textLine = lines.find((l) => l.startsWith("# text = "));
    return { block: rows.join("\n") + "\n", full: lines.join("\n") + "\n", text: textLine ? textLine.slice(9) : words.join(" "), words };
  });
}

mkdirSync(outDir, { recursive: true });
const pud = Object.fromEntries(Object.entries(PUD).map(([l, n]) => [l, sentences(join(udDir, `UD_${n}-PUD`, `${l}_pud-ud-test.conllu`))]));
for (const [l, s] of Object.entries(pud)) if (s.length !== 1000) throw new Error(`${l}: ${s.length} sentences`);
// Pre-training text: the PUD train sentences of every language, interleaved so each block mixes languages,
// then XQuAD's paragraphs, language by language interleaved the same way.
const pre = [];
for (let i = 0; i < TRAIN; i++) for (const l of Object.keys(pud)) pre.push(pud[l][i].text);
const paragraphs = Object.fromEntries(XQUAD.map((l) => {
  const d = JSON.parse(readFileSync(join(xquadDir, `xquad.${l}.json`), "utf8"));
  return [l, d.data.flatMap((a) => a.paragraphs.map((p) => p.context.replace(/\s+/g, " ").trim()))];
}));
const P = paragraphs.en.length;
for (const l of XQUAD) if (paragraphs[l].length !== P) throw new Error(`xquad ${l}: ${paragraphs[l].length} paragraphs, en has ${P}`);
for (let i = 0; i < P; i++) for (const l of XQUAD) pre.push(paragraphs[l][i]);
// The held-out PUD sentences (801-1000) must reach no training file: XQuAD and PUD both translate
// Wikipedia text, so check that no paragraph of the same language contains one of them.
for (const l of XQUAD.filter((x) => x in pud)) {
  const all = paragraphs[l].join("\n");
  const hit = pud[l].slice(TRAIN).find((s) => all.includes(s.text));
  if (hit) throw new Error(`a held-out PUD ${l} sentence is inside an XQuAD paragraph: ${hit.text}`);
}
writeFileSync(join(outDir, "pretrain.txt"), pre.join("\n") + "\n");
for (const l of PAIRS) {
  const pairs = pud.en.slice(0, TRAIN).map((s, i) => `${s.words.join(" ")} ||| ${pud[l][i].words.join(" ")}`);
  writeFileSync(join(outDir, `pairs.en-${l}.txt`), pairs.join("\n") + "\n");
}
const ewt = sentences(join(udDir, "UD_English-EWT", "en_ewt-ud-train.conllu")).slice(0, EWT_SENTENCES);
const heldOut = new Set(pud.en.slice(TRAIN).map((s) => s.text));
const leak = ewt.find((s) => heldOut.has(s.text));
if (leak) throw new Error(`a held-out PUD English sentence is in EWT's training sentences: ${leak.text}`);
writeFileSync(join(outDir, "pos.en-train.conllu"), [...pud.en.slice(0, TRAIN), ...ewt].map((s) => s.block).join("\n"));
for (const l of ["en", ...PAIRS]) writeFileSync(join(outDir, `pos.${l}-test.conllu`), pud[l].slice(TRAIN).map((s) => s.full).join("\n"));
console.log(`pretrain.txt: ${pre.length} lines (${TRAIN} PUD sentences × ${Object.keys(pud).length} languages, ${P} XQuAD paragraphs × ${XQUAD.length}); ` +
  `pos.en-train.conllu: ${TRAIN} PUD + ${ewt.length} EWT sentences`);
