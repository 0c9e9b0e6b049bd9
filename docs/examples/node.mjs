// Realign a model folder with xlt's library under Node (after `npm install` in the xlt checkout, which
// builds dist/). Usage: node docs/examples/node.mjs MODEL_DIR PAIRS LINKS OUT.safetensors [STEPS]
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel, pairsFromText, realign } from "xlt"; // package.json "exports" → dist/src/index.js

const [dir, pairs, links, out, steps = "40"] = process.argv.slice(2);
const model = loadModel({
  config: readFileSync(join(dir, "config.json"), "utf8"),
  safetensors: new Uint8Array(readFileSync(join(dir, "model.safetensors"))),
  tokenizer: readFileSync(join(dir, "tokenizer.json"), "utf8"),
});
const { examples } = pairsFromText({ pairs: readFileSync(pairs, "utf8"), links: readFileSync(links, "utf8"), names: { pairs, links } });
const r = await realign(model, examples, { freeze: "lower", steps: Number(steps), onStep: (s, loss) => console.log(`step ${s}: loss ${loss.toFixed(4)}`) });
const { before, after } = r.alignment;
console.log(`strong en→x accuracy ${before.strongFwd.toFixed(3)} → ${after.strongFwd.toFixed(3)} (${r.alignment.pairs} word pairs)`);
writeFileSync(`${out}.tmp`, r.safetensors); // a temp file renamed into place: a crash leaves no half file
renameSync(`${out}.tmp`, out);
process.exit(0); // Dawn's event pump would otherwise keep Node running
