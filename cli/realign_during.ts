// `xlt finetune --realign-during`: the options of realignment during fine-tuning (src/train/objectives/joint.ts) and
// the realignment data they name, loaded as `xlt realign` loads it.
import { loadAlignedPairs } from "../src/align/load.ts";
import { parseLangSpec, realignStream } from "../src/data/pairs.ts";
import { REALIGN_WEIGHT, type RealignDuringOptions } from "../src/train/objectives/joint.ts";
import { FREEZE_SPEC, type Opt, PARALLEL_DATA_OPTIONS, PROJECTION_OPTION, projectionWidth, UsageError } from "./options.ts";

const DATA_OPTIONS = ["pairs", "alignments", "dictionary", "aligner", "parallel", "conllu"];

const DURING = { appliesWith: { option: "realign-during" } } as const;

/**
 * finetune's options for --realign-during (the parallel-data options, `limit` renamed: finetune has its own).
 * Each applies only with --realign-during: without it, it would silently do nothing.
 */
export const REALIGN_DURING_OPTIONS: Record<string, Opt> = {
  "realign-during": { type: "boolean", help: "add the realignment loss of one batch of parallel data to every optimizer step (Gaschi et al. 2023, 'during')" },
  ...Object.fromEntries(DATA_OPTIONS.map((k) => [k, { ...PARALLEL_DATA_OPTIONS[k], ...DURING }])),
  "realign-limit": { ...PARALLEL_DATA_OPTIONS.limit, ...DURING, help: "read at most N sentence pairs per language of the realignment data" },
  freeze: { type: "string", ...FREEZE_SPEC, ...DURING, help: "groups the realignment loss does not update, as in `xlt realign` (lower | upper | none | 0-2,embeddings); the task still trains them (default none)" },
  layer: { type: "int", meta: "L", ...DURING, help: "hidden_states index the realignment loss reads (default N-1, as the published runs)" },
  projection: { ...PROJECTION_OPTION, ...DURING, help: "realignment projection head width (H→H, ReLU, H→D, no bias; trained along), or none" },
  tau: { type: "number", above: 0, default: 0.1, ...DURING, help: "contrastive temperature" },
  "realign-batch-size": { type: "int", min: 1, default: 16, meta: "N", ...DURING, help: "sentence pairs per realignment batch (one batch per optimizer step)" },
  "realign-weight": { type: "number", min: 0, default: REALIGN_WEIGHT, ...DURING, help: "weight of the realignment loss in the joint loss" },
};

/** The input files of the realignment data, for checkOutputs. */
export function realignDuringInputs(v: Record<string, any>): Record<string, string[] | undefined> {
  return { pairs: v.pairs, alignments: v.alignments, dictionary: v.dictionary, parallel: v.parallel, conllu: v.conllu };
}

/**
 * The joint-training options of a finetune command line, or undefined without --realign-during (the option
 * table has refused every realignment option given without it).
 */
export async function realignDuringFromOptions(v: Record<string, any>, model: string, seed: number, quiet: boolean): Promise<RealignDuringOptions | undefined> {
  if (!v["realign-during"]) return undefined;
  if (!["pairs", "parallel", "conllu"].some((k) => v[k]?.length)) {
    throw new UsageError("--realign-during needs parallel data: --pairs FILE with --dictionary FILE or --alignments FILE (or --parallel A,B / --conllu A,B, or --aligner fastalign)");
  }
  const specs = parseLangSpec(v);
  if (v["realign-limit"] !== undefined) for (const s of specs) s.limit = v["realign-limit"];
  const loaded = await loadAlignedPairs(specs, model);
  if (!quiet) specs.forEach((s, i) => console.error(`realignment en-${s.lang}: ${loaded[i].stats.withLinks} pairs with ${loaded[i].stats.links} links`));
  return {
    examples: realignStream(loaded.map((l) => l.examples), seed),
    freeze: v.freeze ?? "none",
    layer: v.layer,
    projection: projectionWidth(v.projection),
    tau: v.tau,
    batchSize: v["realign-batch-size"],
    weight: v["realign-weight"],
    meta: { aligner: v.aligner ?? null, languages: specs.map((s) => s.lang) },
  };
}
