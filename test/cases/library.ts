// The library entry point over bytes (src/index.ts → src/run/realign_bytes.ts), under Node and Deno alike:
// a tiny model read from the bytes of its files realigns on texts and hands back model.safetensors bytes in
// the input's layout; bad input is one line naming the file. (test/library.test.ts checks the result
// against `xlt realign`; test/web.test.ts runs the same in a browser page.)
// Tolerance: exact (bytes, names, shapes); losses only finite and falling is not asserted (3 steps).
import { rejectsLike, throwsLike, type Cases } from "../lib/check.ts";
import { tinyModelFiles, tinyPairTexts } from "../lib/tiny_pairs.ts";
import { groupOf } from "../../models/encoder.ts";
import { checkFitsAdapter, headerOfBytes, loadModel, pairsFromText, realign } from "../../src/index.ts";

export const cases: Cases = {};

/** The options test/library.test.ts gives `xlt realign` too. */
export const TINY_RUN = { freeze: "lower", steps: 3, lr: 1e-3, batchSize: 4, dropout: 0, projection: 16, seed: 42, evalPairs: 50 };

cases["realign over bytes: the trained tensors change, the frozen ones and the layout stay"] = async () => {
  const files = tinyModelFiles();
  const model = loadModel(files);
  const { examples, stats } = pairsFromText({ ...tinyPairTexts(), lang: "de" });
  if (stats[0].withLinks !== 4 || examples.length !== 4) throw new Error(`expected the fixture's 4 linked pairs, got ${JSON.stringify(stats)}`);
  const seen: number[] = [];
  const r = await realign(model, examples, { ...TINY_RUN, onStep: (step) => seen.push(step) });
  if (seen.join() !== "1,2,3" || r.losses.length !== 3 || !r.losses.every(Number.isFinite)) throw new Error(`steps ${seen}, losses ${r.losses}`);
  if (r.frozen.join() !== "layer.0,layer.1") throw new Error(`frozen ${r.frozen}`);
  const { before, after, layer, pairs } = r.alignment;
  if (layer !== model.config.layers - 1 || pairs < 1) throw new Error(`alignment at layer ${layer} on ${pairs} pairs`);
  for (const acc of [before, after]) for (const v of Object.values(acc)) if (!(v >= 0 && v <= 1)) throw new Error(`accuracy ${JSON.stringify(acc)}`);
  // the same header layout, frozen tensors byte for byte, trained ones changed
  const a = headerOfBytes(files.safetensors, "input"), b = headerOfBytes(r.safetensors, "output");
  if (r.safetensors.length !== files.safetensors.length) throw new Error(`output has ${r.safetensors.length} bytes, input ${files.safetensors.length}`);
  const bytes = (buf: Uint8Array, h: typeof a, name: string) => { const t = h.tensors.get(name)!; return buf.subarray(h.dataStart + t.begin, h.dataStart + t.end); };
  const canonical = new Map([...model.ckpt.sourceNames!].map(([c, n]) => [n, c]));
  let changed = 0;
  for (const [name, t] of a.tensors) {
    const u = b.tensors.get(name);
    if (!u || u.dtype !== t.dtype || u.shape.join() !== t.shape.join() || u.begin !== t.begin) throw new Error(`${name}: layout differs`);
    const same = bytes(files.safetensors, a, name).every((x, i) => x === bytes(r.safetensors, b, name)[i]);
    const group = canonical.has(name) ? groupOf(canonical.get(name)!) : null;
    if ((group === null || r.frozen.includes(group)) && !same) throw new Error(`${name} is frozen or not the encoder's, but changed`);
    if (!same) changed++;
  }
  if (changed === 0) throw new Error("no tensor changed");
};

cases["realign over bytes: bad files and settings are one line naming what is wrong"] = async () => {
  const files = tinyModelFiles();
  const texts = tinyPairTexts();
  await rejectsLike("not a checkpoint", () => loadModel({ ...files, safetensors: new TextEncoder().encode("<html>not a model</html>") }), /^model\.safetensors: header length \d+ does not fit/);
  await rejectsLike("config", () => loadModel({ ...files, config: "{" }), /^config\.json: not valid JSON/);
  await rejectsLike("tokenizer", () => loadModel({ ...files, tokenizer: "[]" }), /tokenizer\.json/);
  await rejectsLike("lines", () => pairsFromText({ pairs: texts.pairs, links: "0-0\n" }), /^links\.txt: alignment file has 1 lines but pairs\.txt has 4 sentence pairs/);
  await rejectsLike("separator", () => pairsFromText({ pairs: "a b\n", links: "0-0\n", names: { pairs: "p.txt", links: "l.txt" } }), /^p\.txt:1: expected 'source \|\|\| target'/);
  const model = loadModel(files);
  throwsLike("too large", () => checkFitsAdapter(model, { maxBuffer: 1000 }), /^the model is too large for this adapter: its tensor \S+ needs .* over the adapter's maximum buffer/);
  const { examples } = pairsFromText(texts);
  await rejectsLike("steps", () => realign(model, examples, { steps: 0 }), /^steps 0: give a whole number/);
  await rejectsLike("freeze", () => realign(model, examples, { freeze: "sideways", steps: 1 }), /sideways/);
};
