// `xlt info`: what a checkpoint is and how much GPU memory it needs (reads config.json and the weight headers).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkCheckpoint } from "../src/io/checkpoint.ts";
import { XltError } from "../src/errors.ts";
import { estimateMemory, formatMemory } from "../src/memory.ts";
import type { Command } from "./options.ts";

export const infoCommand: Command = {
  summary: "describe a checkpoint and estimate the GPU memory it needs (no GPU used)",
  options: {
    model: { type: "string", required: true, meta: "DIR", help: "Hugging Face snapshot directory" },
    "batch-size": { type: "int", min: 1, default: 16, meta: "N", help: "batch size for the estimate" },
    "max-length": { type: "int", min: 1, default: 96, meta: "N", help: "tokens per sentence for the estimate" },
  },
  async run(v) {
    if (!existsSync(join(v.model, "config.json"))) throw new XltError(`${v.model}: no config.json (is this a Hugging Face snapshot directory?)`);
    const cfg = checkCheckpoint(v.model); // the headers too: a truncated or inconsistent checkpoint is an error here
    const { "batch-size": b, "max-length": t } = v;
    console.log(formatMemory(cfg, estimateMemory(cfg, b, t), b, t));
    return 0;
  },
};
