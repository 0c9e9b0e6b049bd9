// `xlt finetune --realign-during`: the options of realignment during fine-tuning (src/train/objectives/joint.ts) and
// the realignment data they name, loaded as `xlt realign` loads it.
import { loadAlignedPairs } from "../src/align/load.ts";
import { parseLangSpec, realignStream } from "../src/data/pairs.ts";
import { XltError } from "../src/errors.ts";
import { REALIGN_WEIGHT, type RealignDuringOptions } from "../src/train/objectives/joint.ts";
import { type Opt, PARALLEL_DATA_OPTIONS, parseNumber } from "./options.ts";

const DATA_OPTIONS = ["pairs", "alignments", "dictionary", "aligner", "parallel", "conllu"];

/** finetune's options for --realign-during (the parallel-data options, `limit` renamed: finetune has its own). */
export const REALIGN_DURING_OPTIONS: Record<string, Opt> = {
  "realign-during": { type: "boolean", help: "add the realignment loss of one batch of parallel data to every optimizer step (Gaschi et al. 2023, 'during')" },
  ...Object.fromEntries(DATA_OPTIONS.map((k) => [k, PARALLEL_DATA_OPTIONS[k]])),
  "realign-limit": { ...PARALLEL_DATA_OPTIONS.limit, help: "read at most N sentence pairs per language of the realignment data" },
  freeze: { type: "string", meta: "SPEC", help: "groups the realignment loss does not update, as in `xlt realign` (lower | upper | none | 0-2,embeddings); the task still trains them (default none)" },
  layer: { type: "int", meta: "L", help: "hidden_states index the realignment loss reads (default N-1, as the published runs)" },
  projection: { type: "string", default: "128", meta: "D|none", help: "realignment projection head width (H→H, ReLU, H→D, no bias; trained along), or none" },
  tau: { type: "number", default: 0.1, help: "contrastive temperature" },
  "realign-batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "sentence pairs per realignment batch (one batch per optimizer step)" },
  "realign-weight": { type: "number", min: 0, default: REALIGN_WEIGHT, help: "weight of the realignment loss in the joint loss" },
};

/** The input files of the realignment data, for checkOutputs. */
export function realignDuringInputs(v: Record<string, any>): Record<string, string[] | undefined> {
  return { pairs: v.pairs, alignments: v.alignments, dictionary: v.dictionary, parallel: v.parallel, conllu: v.conllu };
}

/**
 * The joint-training options of a finetune command line, or undefined without --realign-during (then any
 * realignment option is an error: it would silently do nothing).
 */
export async function realignDuringFromOptions(v: Record<string, any>, model: string, seed: number, quiet: boolean): Promise<RealignDuringOptions | undefined> {
  if (!v["realign-during"]) {
    const given = [...DATA_OPTIONS, "realign-limit", "freeze", "layer"].find((k) => v[k] !== undefined && !(Array.isArray(v[k]) && !v[k].length));
    if (given) throw new XltError(`--${given} belongs to realignment during fine-tuning: add --realign-during (or drop --${given})`);
    return undefined;
  }
  if (!["pairs", "parallel", "conllu"].some((k) => v[k]?.length)) {
    throw new XltError("--realign-during needs parallel data: --pairs FILE with --dictionary FILE or --alignments FILE (or --parallel A,B / --conllu A,B, or --aligner fastalign)");
  }
  const specs = parseLangSpec(v);
  if (v["realign-limit"] !== undefined) for (const s of specs) s.limit = v["realign-limit"];
  const loaded = await loadAlignedPairs(specs, model);
  if (!quiet) specs.forEach((s, i) => console.error(`realignment en-${s.lang}: ${loaded[i].stats.withLinks} pairs with ${loaded[i].stats.links} links`));
  return {
    examples: realignStream(loaded.map((l) => l.examples), seed),
    freeze: v.freeze ?? "none",
    layer: v.layer,
    projection: v.projection === "none" ? null : parseNumber("projection", v.projection, { type: "int", min: 1 }),
    tau: v.tau,
    batchSize: v["realign-batch-size"],
    weight: v["realign-weight"],
    meta: { aligner: v.aligner ?? null, languages: specs.map((s) => s.lang) },
  };
}
