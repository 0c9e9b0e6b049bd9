// The same under Deno, from the xlt sources (Deno runs TypeScript as it is).
// Usage: deno run -A docs/examples/deno.ts MODEL_DIR PAIRS LINKS OUT.safetensors [STEPS]
import { loadModel, pairsFromText, realign } from "../../src/index.ts";

const [dir, pairs, links, out, steps = "40"] = Deno.args;
const model = loadModel({
  config: await Deno.readTextFile(`${dir}/config.json`),
  safetensors: await Deno.readFile(`${dir}/model.safetensors`),
  tokenizer: await Deno.readTextFile(`${dir}/tokenizer.json`),
});
const { examples } = pairsFromText({ pairs: await Deno.readTextFile(pairs), links: await Deno.readTextFile(links), names: { pairs, links } });
const r = await realign(model, examples, { freeze: "lower", steps: Number(steps), onStep: (s, loss) => console.log(`step ${s}: loss ${loss.toFixed(4)}`) });
const { before, after } = r.alignment;
console.log(`strong en→x accuracy ${before.strongFwd.toFixed(3)} → ${after.strongFwd.toFixed(3)} (${r.alignment.pairs} word pairs)`);
await Deno.writeFile(`${out}.tmp`, r.safetensors);
await Deno.rename(`${out}.tmp`, out);
Deno.exit(0);
