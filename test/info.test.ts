// Realignment memory by --freeze (estimateRealign, src/train/objectives/realign.ts) on xlm-roberta-large's shape, and
// `xlt info --freeze SPEC --f16-frozen` on Node and Deno (no GPU used).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/io/checkpoint.ts";
import { groupMatrixParams, groupParams, paramCount } from "../src/memory.ts";
import { estimateRealign } from "../src/train/objectives/realign.ts";
import { realignTrainable } from "../src/train/freeze.ts";
import { type Runtime, xlt } from "./lib/cli.ts";

// config.json of FacebookAI/xlm-roberta-large
const XLMR_LARGE = {
  architectures: ["XLMRobertaForMaskedLM"], model_type: "xlm-roberta", hidden_size: 1024, intermediate_size: 4096, num_attention_heads: 16,
  num_hidden_layers: 24, vocab_size: 250002, max_position_embeddings: 514, type_vocab_size: 1, pad_token_id: 1, layer_norm_eps: 1e-5,
  hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, hidden_act: "gelu", position_embedding_type: "absolute",
};
const cfg = parseConfig(XLMR_LARGE, "config.json");
const est = (spec: string, f16 = false) => estimateRealign(cfg, 16, 96, realignTrainable(spec, 24, 23), 23, f16);

describe("realignment memory estimate by --freeze", () => {
  it("xlm-roberta-large has 560 M parameters", () => {
    expect(paramCount(cfg) / 1e6).toBeCloseTo(558.8, 1);
  });
  it("frozen blocks carry no gradient and no Adam state; --f16-frozen halves only their weight matrices", () => {
    const block = groupParams(cfg, "layer.0");
    const none = est("none"), lower = est("lower"), lowerF16 = est("lower", true);
    // none still freezes block 23: the loss reads hidden_states[23], so it gets no gradient
    expect(none.frozen).toBe(block);
    expect(lower.frozen).toBe(13 * block);
    expect(none.total - lower.total).toBe(12 * block * (4 + 8));
    // biases and LayerNorm stay f32 (as xlt realign --f16-frozen stores them): 2 bytes saved per matrix element
    expect(groupMatrixParams(cfg, "layer.0")).toBe(4 * 1024 * 1024 + 2 * 1024 * 4096);
    expect(lowerF16.frozenF16).toBe(13 * groupMatrixParams(cfg, "layer.0"));
    expect(lower.weights - lowerF16.weights).toBe(13 * groupMatrixParams(cfg, "layer.0") * 2);
    expect(est("0-11,embeddings", true).frozenF16).toBe(13 * groupMatrixParams(cfg, "layer.0") + (250002 + 514 + 1) * 1024);
    expect(lowerF16.grads).toBe(lower.grads);
    expect(lowerF16.adam).toBe(lower.adam);
    // the embeddings stay trainable with --freeze lower, so backward still runs through every block
    expect(lower.activations).toBe(none.activations);
  });
  it("keeps activations only for the blocks backward goes through", () => {
    const upperHalf = est("0-11,embeddings");
    const none = est("none");
    const io = 16 * 96 * 2 * 3 * 1024 * 4;
    expect((upperHalf.activations - io) / (none.activations - io)).toBeCloseTo(11 / 23, 10);
  });
});

describe.each(["node", "deno"] as Runtime[])("xlt info --freeze (%s)", (runtime) => {
  const dir = mkdtempSync(join(tmpdir(), "xlt-info-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(XLMR_LARGE));
  it("prints the estimate for the chosen freezing and the choices that fit", async () => {
    const r = await xlt(runtime, ["info", "--model", dir, "--freeze", "lower", "--f16-frozen"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^parameters +558\.8 M$/m);
    expect(r.stdout).toMatch(/^realign --freeze lower --f16-frozen: 396\.3 M trainable, 163\.8 M frozen/m);
    expect(r.stdout).toMatch(/f16 frozen \(\+ [\d.]+ [KMG]iB f32 frozen biases\/LayerNorm\); gradients/);
    expect(r.stdout).toMatch(/^ {2}--freeze 0-11,embeddings --f16-frozen +~ *\d+\.\d\d GiB {2}fits a \d+ GB GPU$/m);
  });
  it("states one realignment total per choice: the --freeze line's total is the table's figure for it", async () => {
    const r = await xlt(runtime, ["info", "--model", dir]);
    expect(r.code, r.stderr).toBe(0);
    // the model block shows what a forward needs, not a second (different) realignment total
    expect(r.stdout).toMatch(/^forward +~[\d.]+ GiB for batch 16 × 96 tokens \(weights \+ one block's activations/m);
    expect(r.stdout).not.toMatch(/to realign/);
    const total = /^ {2}total +~([\d.]+ GiB)$/m.exec(r.stdout)![1];
    expect(r.stdout).toMatch(new RegExp(`^ {2}--freeze none +~ *${total.replace(".", "\\.")} {2}fits`, "m"));
  });
  it("a bad --freeze is a one-line error", async () => {
    const r = await xlt(runtime, ["info", "--model", dir, "--freeze", "30"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^xlt info: --freeze '30': the model has blocks 0-23, so block 30 does not exist$/);
  });
});
