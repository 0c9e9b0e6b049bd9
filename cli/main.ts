// The `xlt` command: one small table of subcommands on node:util parseArgs (works the same on Node and
// Deno; Cliffy is JSR-only and unreachable here). cli/xlt.ts is the executable that calls main().
import { isUserError } from "../src/errors.ts";
import { commands } from "./commands.ts";
import { constraintText, metaOf, parseCommandLine, USAGE_EXIT, UsageError } from "./options.ts";
import { packageVersion } from "./version.ts";

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = [
    `xlt ${packageVersion()}: cross-lingual realignment of multilingual encoders on WebGPU`,
    "",
    "Usage: xlt <command> [options]     (xlt <command> --help or xlt help <command> for its options)",
    "",
    "Commands:",
    ...Object.entries(commands).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
    "",
    "Runs on Node (Dawn) and Deno (wgpu); without a GPU, install Mesa's software Vulkan:",
    "  sudo bash scripts/install-software-vulkan.sh",
  ];
  return lines.join("\n");
}

export function commandHelp(name: string): string {
  const c = commands[name];
  const opts = Object.entries(c.options).map(([k, o]) => {
    const flag = `--${k}${o.type === "boolean" ? "" : " " + metaOf(o)}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : "";
    return `  ${flag.padEnd(28)} ${o.help}${constraintText(o)}${o.required ? " (required)" : ""}${def}`;
  });
  return [`Usage: xlt ${name} [options]`, "", c.summary, ...(c.description ? ["", c.description] : []), "", "Options:", ...opts, `  ${"--help".padEnd(28)} show this help`].join("\n");
}

const unknownCommand = (name: string) => `xlt: unknown command '${name}'; commands: ${Object.keys(commands).join(", ")} (xlt --help)`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" && rest.length) {
    if (!Object.hasOwn(commands, rest[0])) {
      console.error(unknownCommand(rest[0]));
      return USAGE_EXIT;
    }
    console.log(commandHelp(rest[0]));
    return 0;
  }
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(mainHelp());
    return 0;
  }
  if (name === "--version") {
    console.log(packageVersion());
    return 0;
  }
  if (!Object.hasOwn(commands, name)) {
    console.error(unknownCommand(name));
    return USAGE_EXIT;
  }
  const cmd = commands[name];
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(commandHelp(name));
    return 0;
  }
  try {
    const { values, positionals } = parseCommandLine(cmd, rest);
    return (await cmd.run(values, positionals)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`xlt ${name}: ${e.message} (xlt ${name} --help)`);
      return USAGE_EXIT;
    }
    if (isUserError(e) || !(globalThis as any).process?.env?.XLT_DEBUG) {
      const msg = (e as Error)?.message ?? String(e);
      console.error(`xlt ${name}: ${msg.split("\n")[0]}`);
      if (!isUserError(e)) console.error("(this looks like a bug in xlt; rerun with XLT_DEBUG=1 for the stack trace)");
      return 1;
    }
    throw e;
  }
}
