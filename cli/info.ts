// `xlt info`: what a checkpoint is and how much GPU memory it needs (reads config.json and the weight headers).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkCheckpoint, parseConfig, readJson } from "../src/io/checkpoint.ts";
import { XltError } from "../src/errors.ts";
import { estimateMemory, formatMemory } from "../src/memory.ts";
import { fmtBytes } from "../src/gpu/tensor.ts";
import { realignTrainable } from "../src/train/freeze.ts";
import { formatRealign, formatTraining, runnableLength } from "../src/train/estimate.ts";
import { estimateRealign } from "../src/train/objectives/realign.ts";
import { estimateFinetune } from "../src/train/objectives/finetune.ts";
import { estimatePretrain } from "../src/train/objectives/pretrain.ts";
import { TASK_NAMES } from "../src/tasks/table.ts";
import { type Command, FREEZE_SPEC } from "./options.ts";

export const infoCommand: Command = {
  summary: "describe a checkpoint and estimate the GPU memory it needs to realign, fine-tune and pre-train (no GPU used)",
  options: {
    model: { type: "string", required: true, meta: "DIR", help: "Hugging Face snapshot directory" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "batch size for the estimate" },
    "max-length": { type: "int", min: 1, default: 96, meta: "N", help: "tokens per sentence for the estimate" },
    freeze: { type: "string", ...FREEZE_SPEC, help: "estimate realignment with these groups frozen (as xlt realign --freeze)" },
    "f16-frozen": { type: "boolean", help: "estimate with frozen weights stored in f16 (adapters with shader-f16; xlt doctor)" },
  },
  async run(v) {
    if (!existsSync(join(v.model, "config.json"))) throw new XltError(`${v.model}: no config.json (is this a Hugging Face snapshot directory?)`);
    // with weights, their headers too (a truncated or inconsistent checkpoint is an error); with config.json
    // alone (a model not downloaded yet), the estimate from the config
    const hasWeights = ["model.safetensors", "model.safetensors.index.json"].some((f) => existsSync(join(v.model, f)));
    const path = join(v.model, "config.json");
    const raw = readJson(path, "config.json");
    const cfg = hasWeights ? checkCheckpoint(v.model) : parseConfig(raw, path);
    if (!hasWeights) console.log(`${v.model}: config.json only (no weight files), so the weights were not checked`);
    const { "batch-size": b, "max-length": t } = v;
    console.log(formatMemory(cfg, estimateMemory(cfg, b, t, 1), b, t, 1));
    // training is measured by running a step's code (src/train/estimate.ts): no longer than the positions
    const room = cfg.maxPositions - cfg.positionOffset;
    const T = runnableLength(cfg, t);
    const shape = `batch ${b} × ${T} tokens${T < t ? ` (the model's ${room} positions)` : ""}`;
    // realignment reads hidden_states[N-1]: the last block gets no gradient (realignTrainable)
    const lossLayer = cfg.layers - 1;
    const realign = (spec: string, f16: boolean) => estimateRealign(cfg, b, T, realignTrainable(spec, cfg.layers, lossLayer), lossLayer, f16);
    const spec: string = v.freeze ?? "none";
    const f16 = !!v["f16-frozen"];
    console.log("");
    console.log(formatRealign(realign(spec, f16), `--freeze ${spec}${f16 ? " --f16-frozen" : ""}`));
    // what each freezing choice needs, so a user sees which one fits their GPU (the published setups first)
    const half = Math.floor(cfg.layers / 2);
    const choices: [string, boolean][] = [["none", false], ["lower", false], ["lower", true], ["upper", false], [`0-${half - 1},embeddings`, false], [`0-${half - 1},embeddings`, true]];
    console.log("");
    console.log(`realignment memory by --freeze (${shape} × 2 sides; --f16-frozen: frozen weight matrices and tables in f16, adapters with shader-f16):`);
    for (const [s, h] of choices) {
      const m = realign(s, h);
      const fits = [16, 24, 40, 80].find((gb) => m.total <= gb * 1e9);
      console.log(`  ${`--freeze ${s}${h ? " --f16-frozen" : ""}`.padEnd(40)} ~${fmtBytes(m.total).padStart(10)}  ${fits ? `fits a ${fits} GB GPU` : "over 80 GB"}`);
    }
    // fine-tuning and pre-training train everything: measured the same way, for the same batch shape
    console.log("");
    console.log(`fine-tuning and pre-training memory (${shape}, everything trained):`);
    for (const task of TASK_NAMES) console.log(formatTraining(`  finetune --task ${task}`.padEnd(40), estimateFinetune(cfg, raw, task, b, T)));
    console.log(formatTraining("  pretrain --objective mlm".padEnd(40), estimatePretrain(cfg, "mlm", b, T)));
    return 0;
  },
};
