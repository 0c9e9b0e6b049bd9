// `xlt profile`: times realignment training steps on a synthetic batch under the kernel profiler.
import { checkOutputs } from "../src/io/outputs.ts";
import { shippedBuiltin } from "../src/builtin/shipped.ts";
import { formatStepProfile, profileRealignStep } from "../src/train/profile_step.ts";
import { writeChromeTrace } from "../src/profile/trace.ts";
import { type Command, FREEZE_SPEC, PROJECTION_OPTION, projectionWidth } from "./options.ts";

export const profileCommand: Command = {
  summary: "time realignment training steps per kernel, layer and phase; memory, tokens/s and FLOP utilisation",
  description: [
    "Builds a synthetic batch (random token ids, B sentence pairs of T tokens, one token per word, links per",
    "pair), runs one warm-up step and then --steps full training steps (forward both sides, head, loss,",
    "backward, Adam) with per-dispatch GPU timestamps, each followed by the same step twice: with adjacent",
    "dispatches paired in shared passes (what a timestamped pass itself costs, subtracted from every dispatch)",
    "and unprofiled (one pass, as in training, timed as a whole). Tokens/s come from the unprofiled steps, and",
    "the report gives the share of their GPU time that the per-kernel figures account for (median over steps:",
    "on a software adapter single steps swing by tens of %). Model FLOP utilisation compares the FLOPs the kernels",
    "declare with the peak of xlt's own matmul on this device, measured first (about a second).",
    "Without --model, uses the built-in small BERT (builtin/model).",
  ].join("\n"),
  options: {
    model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory (default: the built-in model)" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "B", help: "sentence pairs per batch" },
    "max-length": { type: "int", min: 1, default: 32, meta: "T", help: "tokens per sentence" },
    links: { type: "int", min: 0, meta: "K", help: "aligned word pairs per sentence pair (default T/2)" },
    freeze: { type: "string", default: "none", ...FREEZE_SPEC, help: "lower | upper | none | explicit list like 0-2,embeddings" },
    projection: { ...PROJECTION_OPTION, help: "projection head width, or none" },
    steps: { type: "int", min: 1, default: 8, meta: "N", help: "profiled steps (after one warm-up step)" },
    top: { type: "int", min: 1, meta: "N", help: "show only the N most expensive kernels" },
    overwrite: { type: "boolean", help: "replace existing output files" },
    profile: { type: "string", meta: "FILE", help: "write a Chrome trace (chrome://tracing, ui.perfetto.dev) of the profiled steps" },
    "no-peak": { type: "boolean", help: "skip the peak probe (no FLOP utilisation)" },
    "f16-frozen": { type: "boolean", help: "frozen weight matrices and tables in f16, as xlt realign --f16-frozen (adapters with shader-f16)" },
  },
  async run(v) {
    checkOutputs({ files: { profile: v.profile }, inputs: { model: v.model }, overwrite: v.overwrite });
    const model: string = v.model ?? shippedBuiltin().model;
    const p = await profileRealignStep({
      model,
      batch: v["batch-size"],
      seq: v["max-length"],
      links: v.links,
      freeze: v.freeze,
      projection: projectionWidth(v.projection),
      steps: v.steps,
      peak: !v["no-peak"],
      f16Frozen: !!v["f16-frozen"],
    });
    console.log(formatStepProfile(p, { top: v.top }));
    if (v.profile) {
      writeChromeTrace(v.profile, p.report);
      console.log(`wrote Chrome trace to ${v.profile}`);
    }
    return 0;
  },
};
