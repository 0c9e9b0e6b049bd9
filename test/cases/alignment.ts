// The alignment metric (src/eval/alignment.ts, cli/alignment.ts): cosine retrieval accuracy against the
// PyTorch golden (scripts/golden/alignment.py: random pairs with noise, exact ties, large offset values)
// and a naive float64 TS reference; hand-made P=1/P=2 cases separating weak from strong; the gathered
// first-subword vectors of alignmentVectors against a one-sentence forward pass (tiny BERT); the
// `xlt alignment` command end to end on the tiny fixture and on 100 real PUD en-de sentence pairs.
// Tolerance: accuracies are hit counts / P (the golden stores the counts), compared exactly (1e-12); gathered vectors max abs error 1e-5
// (same kernels, different batch padding).
import { rejectsLike as throwsLike } from "../lib/check.ts";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alignmentCommand } from "../../cli/alignment.ts";
import { invoke } from "../../cli/options.ts";
import { Encoder, positionIds } from "../../models/encoder.ts";
import { loadLanguagePairs } from "../../src/data/pairs.ts";
import { alignmentByLayer, alignmentVectors, retrievalAccuracy, retrievalAccuracyGpu, type RetrievalAccuracy } from "../../src/eval/alignment.ts";
import { getGpu } from "../../src/gpu/device.ts";
import { loadCheckpoint } from "../../src/io/checkpoint.ts";
import { encodeWords, loadTokenizer } from "../../src/io/tokenize.ts";
import type { Cases } from "../lib/check.ts";
import { fixture, get, haveRealData as haveReal, MUSE_DE, PARALLEL_TINY as PARALLEL, PUD_DE, PUD_EN, TINY_BERT as TINY } from "../lib/fixtures.ts";
import { refAccuracy } from "../ref/alignment.ts";

export const cases: Cases = {};

const TINY_DICO = [
  "cat Katze", "sleeps schläft", "sofa Sofa", "brother Bruder", "book Buch", "weather Wetter", "today heute",
  "garden Garten", "house Haus", "three drei", "rooms Zimmer", "apples pommes", "green vertes",
  "library bibliothèque", "coffee café", "morning matin", "station gare", "plays spielt", "Children Kinder",
].join("\n") + "\n";

const asList = (a: RetrievalAccuracy) => [a.weakFwd, a.weakBwd, a.strongFwd, a.strongBwd];

function same(name: string, got: number[], want: ArrayLike<number>): void {
  for (let k = 0; k < 4; k++) {
    if (!(Math.abs(got[k] - want[k]) <= 1e-12)) {
      throw new Error(`${name}: [weakFwd, weakBwd, strongFwd, strongBwd] = [${got}] but expected [${Array.from(want)}]`);
    }
  }
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const d = mkdtempSync(join(tmpdir(), "xlt-alignment-"));
  try {
    await fn(d);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string[] }> {
  const log = console.log;
  const err = console.error;
  const printed: string[] = [];
  console.log = (...a: unknown[]) => void printed.push(a.join(" "));
  console.error = () => {};
  try {
    return { value: await fn(), printed };
  } finally {
    console.log = log;
    console.error = err;
  }
}

function goldenNames(): string[] {
  return [...fixture("alignment").keys()].filter((k) => k.endsWith(".hits")).map((k) => k.slice(0, -5));
}

cases["retrieval accuracy vs PyTorch golden and float64 reference"] = async () => {
  const names = goldenNames();
  if (names.length < 6) throw new Error(`alignment fixture has only ${names.length} cases`);
  for (const name of names) {
    const src = get("alignment", `${name}.src`);
    const tgt = get("alignment", `${name}.tgt`);
    const [P, H] = src.shape;
    const want = Array.from(get("alignment", `${name}.hits`).data, (h) => h / P);
    same(`${name} cpu`, asList(retrievalAccuracy(src.data, tgt.data, P, H)), want);
    same(`${name} naive ref`, refAccuracy(src.data, tgt.data, P, H), want);
  }
};

cases["retrieval accuracy on the GPU matches the golden"] = async () => {
  const g = await getGpu();
  // ties17 has exact ties the f32 GPU sums may break differently; its rows are integers, so check the rest
  for (const name of goldenNames().filter((n) => n !== "ties17")) {
    const src = get("alignment", `${name}.src`);
    const tgt = get("alignment", `${name}.tgt`);
    const [P, H] = src.shape;
    same(`${name} gpu`, asList(await retrievalAccuracyGpu(g, src.data, tgt.data, P, H)), Array.from(get("alignment", `${name}.hits`).data, (h) => h / P));
  }
};

cases["hand-made cases: weak vs strong, zeroed self, ties"] = async () => {
  // P=1, opposite vectors: weak has one candidate (hit); strong finds its own zeroed entry (0 > -1): miss
  same("P=1 opposite", asList(retrievalAccuracy([1, 0], [-1, 0], 1, 2)), [1, 1, 0, 0]);
  // P=2: translations at cosine 0.6, the two English words at cosine 0.8, German words at -0.8
  const src = [1, 0, 0.8, 0.6];
  const tgt = [0.6, -0.8, 0, 1];
  same("P=2 weak vs strong", asList(retrievalAccuracy(src, tgt, 2, 2)), [1, 1, 0, 1]);
  same("P=2 reference", refAccuracy(src, tgt, 2, 2), [1, 1, 0, 1]);
  // tie: both German words identical; argmax takes the first, so English word 1 misses
  same("P=2 tie", asList(retrievalAccuracy([1, 0, 0, 1], [1, 1, 1, 1], 2, 2)), [0.5, 0.5, 0.5, 0]);
  same("P=2 tie reference", refAccuracy([1, 0, 0, 1], [1, 1, 1, 1], 2, 2), [0.5, 0.5, 0.5, 0]);
  // scale invariance
  same("scaled", asList(retrievalAccuracy([1e4, 0, 8e3, 6e3], [6e-3, -8e-3, 0, 1e-2], 2, 2)), [1, 1, 0, 1]);
  await throwsLike("bad shape", () => retrievalAccuracy([1, 2, 3], [1, 2, 3, 4], 2, 2), /src has 3 and tgt 4 values/);
};

async function tinyModel() {
  const ck = loadCheckpoint(TINY);
  const g = await getGpu();
  const enc = new Encoder(g, ck.config, ck.tensors, { dropout: 0 });
  return { enc, tok: loadTokenizer(TINY), release: () => { for (const t of enc.params.values()) t.release(); } };
}

cases["alignmentVectors gathers each word's first subword at every layer"] = async () => {
  await withTmp(async (d) => {
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, TINY_DICO);
    const { examples } = loadLanguagePairs({ lang: "xx", pairs: PARALLEL, dictionary: dico });
    const { enc, tok, release } = await tinyModel();
    try {
      const cfg = enc.cfg;
      const H = cfg.hidden;
      const v = await alignmentVectors(enc, tok, examples, { nbPairs: 1000, batchSize: 3 });
      const total = examples.reduce((a, e) => a + e.links.length, 0);
      if (v.P !== total) throw new Error(`expected all ${total} links, got ${v.P}`);
      if (v.src.length !== cfg.layers + 1) throw new Error(`expected ${cfg.layers + 1} layers, got ${v.src.length}`);
      // recompute each pair alone: find its sentence in the shuffled order by the words
      let k = 0;
      const { shuffled } = await import("../../src/data/align.ts");
      for (const ex of shuffled(examples, 42)) {
        for (const [side, words] of [[0, ex.src], [1, ex.tgt]] as const) {
          const e = encodeWords(tok, words, v.maxLength);
          const T = e.ids.length;
          const ids = Int32Array.from(e.ids);
          const st = enc.forward({ B: 1, T, ids, positions: positionIds(cfg, ids, 1, T), typeIds: Int32Array.from(e.tokenTypes), mask: new Float32Array(T).fill(1) });
          for (let l = 0; l <= cfg.layers; l++) {
            const h = await st.hidden[l].read();
            ex.links.forEach(([i, j], n) => {
              const row = e.firstSubword[side === 0 ? i : j];
              const got = (side === 0 ? v.src : v.tgt)[l].subarray((k + n) * H, (k + n + 1) * H);
              for (let c = 0; c < H; c++) {
                if (!(Math.abs(got[c] - h[row * H + c]) <= 1e-5)) throw new Error(`pair ${k + n} side ${side} layer ${l} dim ${c}: ${got[c]} vs ${h[row * H + c]}`);
              }
            });
          }
          enc.release(st);
        }
        ex.links.forEach(([i, j], n) => {
          const w = v.words[k + n];
          if (w[0] !== ex.src[i] || w[1] !== ex.tgt[j]) throw new Error(`pair ${k + n} is ${w} but expected ${ex.src[i]}/${ex.tgt[j]}`);
        });
        k += ex.links.length;
      }
      // nbPairs cuts the last sentence's links
      const cut = await alignmentVectors(enc, tok, examples, { nbPairs: 3 });
      if (cut.P !== 3 || JSON.stringify(cut.words) !== JSON.stringify(v.words.slice(0, 3))) throw new Error(`nbPairs 3: ${cut.P} ${JSON.stringify(cut.words)}`);
      await throwsLike("max length", () => alignmentVectors(enc, tok, examples, { maxLength: 1000 }), /max length must be an integer in \[3, 64\]/);
      await throwsLike("nothing survives", () => alignmentVectors(enc, tok, examples, { maxLength: 3 }), /no aligned word pair survives/);
    } finally {
      release();
    }
  });
};

cases["alignmentByLayer on tiny BERT: N+1 layers in [0,1], GPU and CPU similarity agree"] = async () => {
  await withTmp(async (d) => {
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, TINY_DICO);
    const { examples } = loadLanguagePairs({ lang: "xx", pairs: PARALLEL, dictionary: dico });
    const { enc, tok, release } = await tinyModel();
    try {
      const pairs = examples.map((e) => ({ srcWords: e.src, tgtWords: e.tgt, links: e.links }));
      const gpu = await alignmentByLayer(enc, tok, pairs, { batchSize: 4 });
      const cpu = await alignmentByLayer(enc, tok, pairs, { batchSize: 16, gpuSimilarity: false });
      if (gpu.layers.length !== enc.cfg.layers + 1) throw new Error(`expected ${enc.cfg.layers + 1} layers, got ${gpu.layers.length}`);
      if (gpu.pairs !== cpu.pairs || gpu.pairs < 5) throw new Error(`pairs ${gpu.pairs} vs ${cpu.pairs}`);
      gpu.layers.forEach((l, i) => {
        if (l.layer !== i) throw new Error(`layer index ${l.layer} at ${i}`);
        for (const x of asList(l)) if (!(x >= 0 && x <= 1)) throw new Error(`layer ${i}: accuracy ${x} outside [0,1]`);
        same(`layer ${i} gpu vs cpu`, asList(l), asList(cpu.layers[i]));
      });
    } finally {
      release();
    }
  });
};

function checkJson(path: string, langs: string[], layers: number, model: string): Record<string, any> {
  const j = JSON.parse(readFileSync(path, "utf8"));
  if (j.model !== model) throw new Error(`json model ${j.model}`);
  if (JSON.stringify(Object.keys(j.languages)) !== JSON.stringify(langs)) throw new Error(`json languages ${Object.keys(j.languages)}`);
  for (const l of langs) {
    const x = j.languages[l];
    if (!Number.isInteger(x.pairs) || x.pairs < 1) throw new Error(`json ${l}.pairs ${x.pairs}`);
    if (x.layers.length !== layers) throw new Error(`json ${l} has ${x.layers.length} layers`);
    for (const r of x.layers) for (const k of ["weakFwd", "weakBwd", "strongFwd", "strongBwd"]) if (!(r[k] >= 0 && r[k] <= 1)) throw new Error(`json ${l} layer ${r.layer} ${k}=${r[k]}`);
  }
  return j;
}

cases["xlt alignment end to end (tiny fixture) and input errors"] = async () => {
  await withTmp(async (d) => {
    const dico = join(d, "en-de.txt");
    writeFileSync(dico, TINY_DICO);
    const json = join(d, "out", "align.json");
    const { printed } = await quiet(() => invoke(alignmentCommand, ["--model", TINY, "--pairs", `de=${PARALLEL}`, "--dictionary", `de=${dico}`, "--align-pairs", "1000", "--json", json]));
    const j = checkJson(json, ["de"], 5, TINY);
    const text = printed.join("\n");
    if (!text.includes(`en-de: ${j.languages.de.pairs} word pairs`) || !/layer +weak fwd +weak bwd +strong fwd +strong bwd/.test(text)) throw new Error(`table:\n${text}`);
    if (text.split("\n").filter((l) => /^ +\d+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+$/.test(l)).length !== 5) throw new Error(`expected 5 layer rows:\n${text}`);
    await throwsLike("no model", () => invoke(alignmentCommand, ["--pairs", PARALLEL, "--dictionary", dico]), /--model DIR is required/);
    await throwsLike("no data", () => invoke(alignmentCommand, ["--model", TINY]), /no parallel data/);
    await throwsLike("bad count", () => invoke(alignmentCommand, ["--model", TINY, "--pairs", PARALLEL, "--dictionary", dico, "--align-pairs", "0"]), /--align-pairs must be an integer ≥ 1/);
    await throwsLike("no link source", () => invoke(alignmentCommand, ["--model", TINY, "--pairs", PARALLEL, "--align-pairs", "10"]), /has no --dictionary or --alignments/);
    await throwsLike("bad max length", () => quiet(() => invoke(alignmentCommand, ["--model", TINY, "--pairs", PARALLEL, "--dictionary", dico, "--align-pairs", "10", "--max-length", "500"])), /max length must be an integer in \[3, 64\]/);
  });
};

cases["xlt alignment on 100 PUD en-de pairs with the MUSE dictionary"] = async () => {
  if (!haveReal()) return; // shared data absent
  await withTmp(async (d) => {
    const json = join(d, "pud.json");
    await quiet(() => invoke(alignmentCommand, ["--model", TINY, "--conllu", `${PUD_EN},${PUD_DE}`, "--dictionary", MUSE_DE, "--limit", "100", "--align-pairs", "1000", "--json", json]));
    const j = checkJson(json, ["de"], 5, TINY);
    if (j.languages.de.pairs < 100) throw new Error(`only ${j.languages.de.pairs} word pairs from 100 PUD sentences`);
  });
};
