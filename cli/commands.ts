// The subcommand table of `xlt`.
import type { Command } from "./options.ts";
import { realignCommand } from "./realign.ts";
import { alignCommand } from "./align.ts";
import { embedCommand } from "./embed.ts";
import { infoCommand } from "./info.ts";
import { alignmentCommand } from "./alignment.ts";
import { runCommand } from "./run.ts";
import { profileCommand } from "./profile.ts";
import { finetuneCommand } from "./finetune.ts";
import { evaluateCommand } from "./evaluate.ts";
import { deriveCommand } from "./derive.ts";
import { vocabCommand } from "./vocab.ts";
import { doctorCommand } from "./doctor.ts";
import { pretrainCommand } from "./pretrain.ts";
import { plotCommand } from "./plot.ts";

export const commands: Record<string, Command> = {
  realign: realignCommand,
  align: alignCommand,
  finetune: finetuneCommand,
  evaluate: evaluateCommand,
  embed: embedCommand,
  alignment: alignmentCommand,
  run: runCommand,
  profile: profileCommand,
  info: infoCommand,
  derive: deriveCommand,
  vocab: vocabCommand,
  doctor: doctorCommand,
  pretrain: pretrainCommand,
  plot: plotCommand,
};
