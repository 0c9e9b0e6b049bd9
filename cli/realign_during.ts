// `xlt finetune --realign-during`: the options of realignment during fine-tuning (src/train/objectives/joint.ts) and
// the realignment data they name, loaded as `xlt realign` loads it.
import { loadAlignedPairs } from "../src/align/load.ts";
import { parseLangSpec, realignStream } from "../src/data/pairs.ts";
import type { RealignDuringOptions } from "../src/train/objectives/joint.ts";
import { readConfig } from "../src/train/config.ts";
import { REALIGN_DURING_OPTIONS } from "../src/train/configs/finetune.ts";
import { UsageError } from "./options.ts";

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
  const c = readConfig(REALIGN_DURING_OPTIONS, v);
  return {
    ...c, freeze: c.freeze ?? "none", examples: realignStream(loaded.map((l) => l.examples), seed),
    meta: { aligner: v.aligner ?? null, languages: specs.map((s) => s.lang) },
  };
}
