// The sentence pairs and links of a tiny fixture model's realignment reference (test/fixtures/ARCH/
// reference.safetensors, written by scripts/golden), as the texts of a pairs file and a Pharaoh links file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAll, readHeader } from "../../src/io/safetensors.ts";
import { FIXTURES } from "./fixtures.ts";

export function tinyPairTexts(arch = "tiny-bert"): { pairs: string; links: string } {
  const ref = join(FIXTURES, arch, "reference.safetensors");
  const meta = readHeader(ref).metadata;
  const left: string[][] = JSON.parse(meta.realign_left_words);
  const right: string[][] = JSON.parse(meta.realign_right_words);
  const L = loadAll(ref).get("realign.links")!;
  const links: string[][] = left.map(() => []);
  for (let k = 0; k < L.shape[0]; k++) links[L.data[3 * k]].push(`${L.data[3 * k + 1]}-${L.data[3 * k + 2]}`);
  // words are joined with spaces: the fixture's words contain no spaces, and splitWords keeps them whole
  return {
    pairs: left.map((l, b) => `${l.join(" ")} ||| ${right[b].join(" ")}`).join("\n") + "\n",
    links: links.map((l) => l.join(" ")).join("\n") + "\n",
  };
}

/** The files of a tiny fixture model as bytes and text, as a page's file picker hands them over. */
export function tinyModelFiles(arch = "tiny-bert") {
  const dir = join(FIXTURES, arch);
  return {
    config: readFileSync(join(dir, "config.json"), "utf8"),
    safetensors: new Uint8Array(readFileSync(join(dir, "model.safetensors"))),
    tokenizer: readFileSync(join(dir, "tokenizer.json"), "utf8"),
  };
}
