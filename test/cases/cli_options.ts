// The CLI's option table without the GPU: strict numbers (negative ones too), typed defaults, required
// options, one name per meaning across commands, `xlt help CMD`, the version, and main() importable.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { commands } from "../../cli/commands.ts";
import { type Command, invoke, parseCommandLine, UsageError } from "../../cli/options.ts";
import { rejectsLike, throwsLike, type Cases } from "../lib/check.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function assert(ok: unknown, msg: string): void {
  if (!ok) throw new Error(msg);
}
function eq(what: string, got: unknown, want: unknown): void {
  assert(Object.is(got, want), `${what}: got ${JSON.stringify(got)} (${typeof got}), want ${JSON.stringify(want)} (${typeof want})`);
}
const parse = (name: string, argv: string[]) => parseCommandLine(commands[name], argv).values;

/** What `fn` prints with console.log, the log restored afterwards. */
async function printed(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

export const cases: Cases = {
  "integers are parsed strictly, negative ones included": async () => {
    for (const bad of ["1e2", "0x10", "", "1.5", " 7", "Infinity", "-1", "0"]) {
      throwsLike(`--steps '${bad}'`, () => parse("realign", ["--steps", bad]), new RegExp(`^--steps must be an integer ≥ 1, got '${bad.replace(/[.+]/g, "\\$&")}'$`));
    }
    // "-1" after the option is its value, in both spellings, not an option of its own
    throwsLike("--steps=-1", () => parse("realign", ["--steps=-1"]), /^--steps must be an integer ≥ 1, got '-1'$/);
    eq("--steps 7", parse("realign", ["--steps", "7"]).steps, 7);
    eq("--layer -1 (no minimum)", parse("realign", ["--layer", "-1", "--quiet"]).layer, -1);
    eq("--layer=-2", parse("realign", ["--layer=-2"]).layer, -2);
    eq("--seed -3", parse("finetune", ["--task", "pos", "--train", "t", "--model", "m", "--seed", "-3"]).seed, -3);
    throwsLike("a number with a range", () => parse("realign", ["--dropout", "1.5"]), /^--dropout must be a number between 0 and 1, got '1\.5'$/);
    throwsLike("a number option followed by another option", () => parse("realign", ["--steps", "--quiet"]), /^--steps must be an integer ≥ 1, got '--quiet'$/);
  },

  "decimal numbers: exponents yes, hex, empty and infinities no": async () => {
    eq("--lr 2e-5", parse("realign", ["--lr", "2e-5"]).lr, 2e-5);
    eq("--tau .5", parse("realign", ["--tau", ".5"]).tau, 0.5);
    for (const bad of ["0x10", "", "Infinity", "1e", "-1"]) throwsLike(`--lr '${bad}'`, () => parse("realign", ["--lr", bad]), /^--lr must be a number ≥ 0, got '/);
    throwsLike("a string option keeps the ambiguity check for non-numbers", () => parse("realign", ["--out", "--quiet"]), /ambiguous/);
    eq("a string option takes a negative number", parse("embed", ["--model", "m", "--layer", "-1"]).layer, "-1");
  },

  "defaults are typed, within range and filled in by the table": async () => {
    const v = parse("realign", []);
    eq("realign --batch-size", v["batch-size"], 16);
    eq("realign --tau", v.tau, 0.1);
    eq("realign --checkpoint-every", v["checkpoint-every"], 0);
    eq("realign --steps (depends on the data: run() decides)", v.steps, undefined);
    for (const [name, cmd] of Object.entries(commands)) {
      for (const [k, o] of Object.entries(cmd.options)) {
        if (o.default === undefined) continue;
        const want = o.type === "int" || o.type === "number" ? "number" : o.type;
        eq(`${name} --${k} default type`, typeof o.default, want);
        if (o.type === "int" || o.type === "number") {
          // the default must pass its own option's check
          eq(`${name} --${k} default`, parse(name, [...requiredArgs(cmd), `--${k}`, String(o.default)])[k], o.default);
        }
        assert(!o.required, `${name} --${k}: a required option with a default`);
      }
    }
  },

  "required options are checked before run() and marked in --help": async () => {
    let ran = false;
    const cmd: Command = {
      summary: "test",
      options: { model: { type: "string", required: true, meta: "DIR", help: "m" }, test: { type: "string", required: true, multiple: true, meta: "FILE", help: "t" } },
      run: async () => void (ran = true),
    };
    throwsLike("missing --model", () => parseCommandLine(cmd, ["--test", "a"]), /^--model DIR is required$/);
    throwsLike("missing --test", () => parseCommandLine(cmd, ["--model", "m"]), /^--test FILE is required$/);
    assert(!ran, "run() was called");
    throwsLike("finetune without --train", () => parse("finetune", ["--task", "pos", "--model", "m"]), /^--train FILE is required$/);
    let e: unknown;
    try {
      parse("evaluate", ["--model", "m"]);
    } catch (x) {
      e = x;
    }
    assert(e instanceof UsageError, "a missing option is a usage error (exit 2, points at --help)");
    const { commandHelp } = await import("../../cli/main.ts");
    const help = commandHelp("finetune");
    for (const k of ["task", "train"]) assert(new RegExp(`--${k} .*\\(required\\)`).test(help), `--${k} marked required:\n${help}`);
    assert(!/--out .*\(required\)/.test(help) && !/--model .*\(required\)/.test(help), "--out and --model (the built-in default) are not required");
    assert(/--batch-size N .*\(default: 32\)/.test(help), `typed default shown:\n${help}`);
  },

  "xlt evaluate: a test language given twice is refused before any work": async () => {
    await rejectsLike("--test en twice", () => invoke(commands.evaluate, ["--model", "no-such-dir", "--test", "en=a.conllu", "--test", "en=b.conllu"]), /^--test: language en is given twice$/);
  },

  "one name per meaning across commands, with one type": async () => {
    const seen = new Map<string, string>();
    for (const [name, cmd] of Object.entries(commands)) {
      for (const k of ["batch", "seq", "trace", "pairs-per-lang"]) assert(!(k in cmd.options), `${name} still has --${k}`);
      for (const [k, o] of Object.entries(cmd.options)) {
        const t = seen.get(k);
        if (t !== undefined && k !== "layer" && k !== "out") eq(`--${k} in ${name}`, o.type, t);
        seen.set(k, o.type);
      }
    }
    for (const name of ["alignment", "run"]) assert("align-pairs" in commands[name].options, `${name} has --align-pairs`);
    for (const k of ["batch-size", "max-length", "profile"]) assert(k in commands.profile.options, `profile has --${k}`);
  },

  "xlt help CMD prints that command's help; --version is package.json's; importing main() runs nothing": async () => {
    // importing cli/main.ts must not start the CLI (it would print the help and exit the process)
    const out = await printed(() => import("../../cli/main.ts"));
    eq("output of the import", out, "");
    const { main, commandHelp } = await import("../../cli/main.ts");
    let code = -1;
    eq("xlt help finetune", await printed(async () => (code = await main(["help", "finetune"]))), commandHelp("finetune"));
    eq("exit code", code, 0);
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    eq("xlt --version", await printed(() => main(["--version"])), version);
    assert((await printed(() => main(["--help"]))).startsWith(`xlt ${version}:`), "the version in the main help");
    const err = console.error;
    console.error = () => {};
    try {
      eq("xlt help nothing", await main(["help", "nothing"]), 2);
      eq("xlt constructor", await main(["constructor"]), 2);
      eq("xlt realign --steps -1", await main(["realign", "--steps", "-1"]), 2);
    } finally {
      console.error = err;
    }
    await rejectsLike("unknown option", () => Promise.resolve().then(() => parse("info", ["--nope"])), /Unknown option '--nope'/);
  },
};

/** The required options of a command, with placeholder values, so that a parse gets to the option tested. */
function requiredArgs(cmd: Command): string[] {
  return Object.entries(cmd.options).filter(([, o]) => o.required).flatMap(([k]) => [`--${k}`, "x"]);
}
