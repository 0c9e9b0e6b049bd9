// One run config per command (src/train/config.ts): the CLI's option table is the declaration, and what a
// run records of its settings (the resume fingerprint, run.json, a grid or study cell's settings) is read
// from it by option name. No GPU.
import { commands } from "../../cli/commands.ts";
import { parseCommandLine } from "../../cli/options.ts";
import { readConfig, recordOf, settingsOf } from "../../src/train/config.ts";
import { REALIGN_OPTIONS, REALIGN_RECORD, REALIGN_RESUME } from "../../src/train/configs/realign.ts";
import { FINETUNE_OPTIONS, FINETUNE_RECORD, FINETUNE_RESUME, JOINT_RESUME, REALIGN_DURING_OPTIONS } from "../../src/train/configs/finetune.ts";
import { PRETRAIN_OPTIONS, PRETRAIN_RECORD, PRETRAIN_RESUME } from "../../src/train/configs/pretrain.ts";
import { GRID_CELL_SETTINGS, GRID_REALIGN_SETTINGS, RUN_OPTIONS, STUDY_CELL_SETTINGS } from "../../src/run/configs.ts";
import { throwsLike, type Cases } from "../lib/check.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkResume, CLOCK_FILE, readCheckpointClock, SETTINGS_KEY, STATE_FILE } from "../../src/train/resume.ts";
import { f32Bytes, writeSafetensorsEntries } from "../../src/io/safetensors_write.ts";

function eq(what: string, got: unknown, want: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

export const cases: Cases = {
  "each training command's option table is its run config": async () => {
    eq("realign", commands.realign.options === REALIGN_OPTIONS, true);
    eq("pretrain", commands.pretrain.options === PRETRAIN_OPTIONS, true);
    eq("run", commands.run.options === RUN_OPTIONS, true);
    eq("finetune", Object.keys(commands.finetune.options), [...Object.keys(FINETUNE_OPTIONS), ...Object.keys(REALIGN_DURING_OPTIONS)]);
  },

  "a parsed command line reads as the typed config: camelCase, booleans set, --projection a width": async () => {
    const c = readConfig(REALIGN_OPTIONS, parseCommandLine(commands.realign, ["--batch-size", "4", "--projection", "none", "--f16-frozen"]).values);
    eq("batchSize", c.batchSize, 4);
    eq("projection", c.projection, null);
    eq("f16Frozen", c.f16Frozen, true);
    eq("resume", c.resume, false);
    eq("maxGradNorm", c.maxGradNorm, undefined);
    eq("checkpointEvery", c.checkpointEvery, 0);
    eq("width", readConfig(REALIGN_OPTIONS, parseCommandLine(commands.realign, []).values).projection, 128);
  },

  "the fingerprint: keyed by flag, unset is null, the option's resumeAs, extra values win": async () => {
    const c = readConfig(REALIGN_OPTIONS, parseCommandLine(commands.realign, ["--projection", "none", "--lr", "0.5"]).values);
    const s = settingsOf(REALIGN_OPTIONS, ["--seed", "--lr", "--projection", "--f16-frozen", "--max-grad-norm", "the data"], c, { "--lr": 0.25, "the data": "abc" });
    eq("settings", s, { "--seed": 42, "--lr": 0.25, "--projection": "none", "--f16-frozen": null, "--max-grad-norm": null, "the data": "abc" });
  },

  "an option that applies only with other values of another is unset without them": async () => {
    const mlm = readConfig(PRETRAIN_OPTIONS, parseCommandLine(commands.pretrain, []).values);
    const align = readConfig(PRETRAIN_OPTIONS, parseCommandLine(commands.pretrain, ["--objective", "align-mlm"]).values);
    const keys = ["--lambda", "--tlm-rate", "--bilingual-rate"];
    eq("mlm", settingsOf(PRETRAIN_OPTIONS, keys, mlm), { "--lambda": null, "--tlm-rate": null, "--bilingual-rate": null });
    eq("align-mlm", settingsOf(PRETRAIN_OPTIONS, keys, align), { "--lambda": 10, "--tlm-rate": null, "--bilingual-rate": 0.5 });
  },

  "run.json's settings: snake_case names read from the option of that name": async () => {
    const c = readConfig(FINETUNE_OPTIONS, parseCommandLine(commands.finetune, ["--task", "pos", "--train", "t", "--micro-batch", "8"]).values);
    eq("record", recordOf(FINETUNE_OPTIONS, ["task", "batch_size", "micro_batch", "limit", "examples"], c, { examples: 3 }), { task: "pos", batch_size: 32, micro_batch: 8, limit: null, examples: 3 });
  },

  "every name a record lists is an option of its table or given by the run": async () => {
    throwsLike("an unknown key", () => settingsOf(REALIGN_OPTIONS, ["--no-such-option"], {}), /neither an option nor given/);
    const flags = (order: readonly string[], table: object, own: string[]) => {
      for (const k of order) if (!own.includes(k) && !Object.hasOwn(table, k.replace(/^--/, "").replaceAll("_", "-"))) throw new Error(`'${k}' is not an option`);
    };
    flags(REALIGN_RESUME, REALIGN_OPTIONS, ["the training data"]);
    flags(REALIGN_RECORD, REALIGN_OPTIONS, ["frozen", "trainable"]);
    flags(FINETUNE_RESUME, FINETUNE_OPTIONS, ["the training data"]);
    flags(FINETUNE_RECORD, FINETUNE_OPTIONS, ["examples", "steps", "warmup_steps", "schedule", "head_dropout"]);
    flags(JOINT_RESUME, REALIGN_DURING_OPTIONS, ["--realign-max-length", "the realignment data"]);
    flags(PRETRAIN_RESUME, PRETRAIN_OPTIONS, ["the training data"]);
    flags(PRETRAIN_RECORD, PRETRAIN_OPTIONS, ["rows", "warmup_steps", "schedule", "dictionary_size", "dropped_long_lines", "vocab_per_language"]);
    flags([...GRID_CELL_SETTINGS, ...GRID_REALIGN_SETTINGS], RUN_OPTIONS, ["parallel data"]);
    flags(STUDY_CELL_SETTINGS, RUN_OPTIONS, []);
  },

  "resume: a setting the checkpoint does not record (an older checkpoint) is not checked; the ones it records are": async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-resume-"));
    const w = new Float32Array([1]);
    // a checkpoint from before --steps was recorded
    writeSafetensorsEntries(join(dir, STATE_FILE), [{ name: "w", dtype: "F32", shape: [1], size: 4, bytes: () => f32Bytes(w) }], { step: "5", [SETTINGS_KEY]: JSON.stringify({ "--lr": 0.001 }) });
    eq("step", checkResume(dir, { "--lr": 0.001, "--steps": 10 }), 5);
    throwsLike("changed --lr", () => checkResume(dir, { "--lr": 0.002, "--steps": 10 }), /--resume: --lr is 0\.002 but the checkpoint in .* was trained with 0\.001/);
    throwsLike("--steps below the step", () => checkResume(dir, { "--lr": 0.001, "--steps": 4 }, 4), /--steps 4 is below the checkpoint's step 5/);
  },

  "resume: the checkpoint's clock is read back; none, damaged or nonsense counts as 0 and never stops a resume": () => {
    const dir = mkdtempSync(join(tmpdir(), "xlt-clock-"));
    eq("no clock.json (an older checkpoint)", readCheckpointClock(dir), 0);
    for (const [what, text, want] of [["recorded", '{"elapsed":12.5}', 12.5], ["damaged", '{"elapsed":', 0], ["negative", '{"elapsed":-3}', 0], ["not a number", '{"elapsed":"5"}', 0]] as const) {
      writeFileSync(join(dir, CLOCK_FILE), text);
      eq(what, readCheckpointClock(dir), want);
    }
  },
};
