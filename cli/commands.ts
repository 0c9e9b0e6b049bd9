// The subcommand table of `xlt`.
import type { Command } from "./options.ts";
import { realignCommand } from "./realign.ts";
import { alignCommand } from "./align.ts";
import { embedCommand } from "./embed.ts";
import { infoCommand } from "./info.ts";
import { alignmentCommand } from "./alignment.ts";

export const commands: Record<string, Command> = {
  realign: realignCommand,
  align: alignCommand,
  embed: embedCommand,
  alignment: alignmentCommand,
  info: infoCommand,
};
