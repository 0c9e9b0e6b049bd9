// The `xlt` command: one small table of subcommands on node:util parseArgs (works the same on Node and
// Deno; Cliffy is JSR-only and unreachable here).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isUserError } from "../src/errors.ts";
import { runtime, shutdownGpu } from "../src/gpu/device.ts";
import { commands } from "./commands.ts";

const VERSION = "0.1.0";

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = [
    `xlt ${VERSION}: cross-lingual realignment of multilingual encoders on WebGPU`,
    "",
    "Usage: xlt <command> [options]     (xlt <command> --help for its options)",
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
    const flag = `--${k}${o.type === "string" ? " " + (o.meta ?? "VALUE") : ""}`;
    const def = o.default !== undefined ? ` (default: ${o.default})` : "";
    return `  ${flag.padEnd(28)} ${o.help}${def}`;
  });
  return [`Usage: xlt ${name} [options]`, "", c.summary, ...(c.description ? ["", c.description] : []), "", "Options:", ...opts, `  ${"--help".padEnd(28)} show this help`].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(mainHelp());
    return 0;
  }
  if (name === "--version") {
    console.log(VERSION);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`xlt: unknown command '${name}'; commands: ${Object.keys(commands).join(", ")} (xlt --help)`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(commandHelp(name));
    return 0;
  }
  const options: ParseArgsConfig["options"] = {};
  for (const [k, o] of Object.entries(cmd.options)) {
    options[k] = o.multiple ? { type: o.type, multiple: true } : { type: o.type };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: !!cmd.positionals, strict: true }) as any;
  } catch (e) {
    console.error(`xlt ${name}: ${(e as Error).message.split("\n")[0]} (xlt ${name} --help)`);
    return 2;
  }
  const values: Record<string, any> = {};
  for (const [k, o] of Object.entries(cmd.options)) {
    const v = parsed.values[k];
    values[k] = v === undefined ? o.default : v;
  }
  try {
    return (await cmd.run(values, parsed.positionals)) ?? 0;
  } catch (e) {
    if (isUserError(e) || !(globalThis as any).process?.env?.XLT_DEBUG) {
      const msg = (e as Error)?.message ?? String(e);
      console.error(`xlt ${name}: ${msg.split("\n")[0]}`);
      if (!isUserError(e)) console.error("(this looks like a bug in xlt; rerun with XLT_DEBUG=1 for the stack trace)");
      return 1;
    }
    throw e;
  }
}

const args: string[] = runtime === "deno" ? (globalThis as any).Deno.args : (globalThis as any).process.argv.slice(2);
const code = await main(args);
await shutdownGpu();
if (runtime === "deno") (globalThis as any).Deno.exit(code);
else (globalThis as any).process.exit(code);
