// `xlt info`: what a checkpoint is and how much GPU memory it needs (reads config.json and the weight headers).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkCheckpoint } from "../src/io/checkpoint.ts";
import { XltError } from "../src/errors.ts";
import { estimateMemory, formatMemory } from "../src/memory.ts";
import { type Command, num } from "./options.ts";

export const infoCommand: Command = {
  summary: "describe a checkpoint and estimate the GPU memory it needs (no GPU used)",
  options: {
    model: { type: "string", meta: "DIR", help: "Hugging Face snapshot directory" },
    "batch-size": { type: "string", default: "16", meta: "N", help: "batch size for the estimate" },
    "max-length": { type: "string", default: "96", meta: "N", help: "tokens per sentence for the estimate" },
  },
  async run(v) {
    if (!v.model) throw new XltError("--model DIR is required");
    if (!existsSync(join(v.model, "config.json"))) throw new XltError(`${v.model}: no config.json (is this a Hugging Face snapshot directory?)`);
    const cfg = checkCheckpoint(v.model); // the headers too: a truncated or inconsistent checkpoint is an error here
    const b = num("batch-size", v["batch-size"], { int: true, min: 1 });
    const t = num("max-length", v["max-length"], { int: true, min: 1 });
    console.log(formatMemory(cfg, estimateMemory(cfg, b, t), b, t));
    return 0;
  },
};
