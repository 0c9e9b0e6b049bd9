// Option rows that several commands' run configs share: --freeze's grammar, --projection, the parallel data.
import { freezeSpecProblem } from "../freeze.ts";
import type { OptionTable, StringOpt } from "../config.ts";

/** `--freeze SPEC`'s grammar, for the tables of realign, profile, info and finetune --realign-during. */
export const FREEZE_SPEC = { meta: "SPEC", check: freezeSpecProblem } as const;

/** The width a `--projection` text names (one that passed PROJECTION_OPTION's check): a number, or null for none. */
export const projectionWidth = (text: string): number | null => (text === "none" ? null : Number(text));

/** `--projection D|none`: a head width (a positive integer) or none; the run reads the width (null: none). */
export const PROJECTION_OPTION = {
  type: "string", default: "128", meta: "D|none", help: "projection head width (H→H, ReLU, H→D, no bias), or none",
  check: (t: string) => (t === "none" || (/^\d+$/.test(t) && Number(t) >= 1 && Number.isSafeInteger(Number(t))) ? undefined : "expected a positive integer width or none"),
  parse: projectionWidth,
  resumeAs: (width: number | null) => width ?? "none",
} as const satisfies StringOpt;

/** The parallel-data options shared by `realign`, `alignment` and `run` (see LANG_SPEC_HELP). */
export const PARALLEL_DATA_OPTIONS = {
  pairs: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "parallel sentences, 'source words ||| target words' per line" },
  alignments: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "word links per line of the sentence source, Pharaoh 'i-j' (0-based)" },
  dictionary: { type: "string", multiple: true, meta: "[LANG=]FILE", help: "bilingual dictionary (MUSE format) to extract links" },
  aligner: { type: "string", choices: ["dictionary", "fastalign", "embeddings"], help: "link source without --alignments: the --dictionary rule (default), or a built-in aligner" },
  parallel: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two raw sentence-aligned text files, comma-separated (words split with \\w+|[^\\w\\s]+)" },
  conllu: { type: "string", multiple: true, meta: "[LANG=]A,B", help: "two CoNLL-U files (e.g. PUD en and xx), paired by sent_id" },
  limit: { type: "int", min: 1, meta: "N", help: "read at most N sentence pairs per language" },
} as const satisfies OptionTable;

/** A comma-separated list of seeds (`--seeds 31,42`), each an integer. */
export const SEEDS_CHECK = { list: true, check: (t: string) => (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? undefined : "a seed must be an integer") } as const;

/** `--overwrite` of the commands that write an --out directory: xlt replaces only its own files there. */
export const OVERWRITE_OPTION = { type: "boolean", help: "replace existing outputs (only the files xlt writes; other files are kept)" } as const;

/** The Trainer's checkpoint options (src/train/trainer.ts: OUT/checkpoint, resumed with the same settings). */
export const CHECKPOINT_OPTIONS = {
  "checkpoint-every": { type: "int", min: 0, default: 0, meta: "N", help: "save a resumable state every N steps into OUT/checkpoint" },
  resume: { type: "boolean", help: "continue from OUT/checkpoint" },
} as const satisfies OptionTable;
