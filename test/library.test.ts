import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cases, TINY_RUN } from "./cases/library.ts";
import { xlt } from "./lib/cli.ts";
import { FIXTURES } from "./lib/fixtures.ts";
import { tinyModelFiles, tinyPairTexts } from "./lib/tiny_pairs.ts";
import { loadModel, pairsFromText, realign } from "../src/index.ts";

describe("the library over bytes", () => {
  for (const [name, fn] of Object.entries(cases)) it(name, fn);

  const dir = mkdtempSync(join(tmpdir(), "xlt-lib-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the losses and the model.safetensors bytes of `xlt realign` with the same settings", async () => {
    const texts = tinyPairTexts();
    writeFileSync(join(dir, "pairs.txt"), texts.pairs);
    writeFileSync(join(dir, "links.txt"), texts.links);
    const o = TINY_RUN;
    const cli = await xlt("node", [
      "realign", "--model", join(FIXTURES, "tiny-bert"), "--pairs", join(dir, "pairs.txt"), "--alignments", join(dir, "links.txt"),
      "--freeze", o.freeze, "--steps", String(o.steps), "--lr", String(o.lr), "--batch-size", String(o.batchSize), "--dropout", String(o.dropout),
      "--projection", String(o.projection), "--seed", String(o.seed), "--out", join(dir, "out"), "--log", join(dir, "log.jsonl"), "--quiet",
    ]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const cliLosses = readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).loss);
    const r = await realign(loadModel(tinyModelFiles()), pairsFromText(texts).examples, o);
    expect(r.losses).toEqual(cliLosses);
    expect(Buffer.from(r.safetensors).equals(readFileSync(join(dir, "out", "model.safetensors")))).toBe(true);
  });
});
