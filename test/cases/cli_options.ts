// The CLI's option table without the GPU: strict numbers (negative ones too), typed defaults, required
// options, one name per meaning across commands, `xlt help CMD`, the version, and main() importable.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { commands } from "../../cli/commands.ts";
import { type Command, invoke, type Opt, parseCommandLine, UsageError } from "../../cli/options.ts";
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
    eq("a string option takes a negative number", parse("realign", ["--out", "-1"]).out, "-1");
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
          eq(`${name} --${k} default`, parse(name, [...requiredArgs(cmd), ...enabling(cmd, o), `--${k}`, String(o.default)])[k], o.default);
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

/** What main() prints with console.error and returns, the error log restored afterwards. */
async function mainErr(argv: string[]): Promise<{ code: number; err: string }> {
  const { main } = await import("../../cli/main.ts");
  const lines: string[] = [];
  const err = console.error;
  console.error = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    return { code: await main(argv), err: lines.join("\n") };
  } finally {
    console.error = err;
  }
}

/** A usage error: thrown by the parser (before run()), a UsageError, one line matching `re`. */
function usage(what: string, name: string, argv: string[], re: RegExp): void {
  let e: unknown;
  try {
    parse(name, argv);
  } catch (x) {
    e = x;
  }
  assert(e instanceof UsageError, `${what}: expected a usage error from the option table, got ${e === undefined ? "none" : (e as Error).message}`);
  throwsLike(what, () => {
    throw e;
  }, re);
}

cases["a repeated single-valued option is a usage error, not a silent last-one-wins (issue 19 item 9)"] = async () => {
  usage("info --model A --model B", "info", ["--model", "A", "--model", "B"], /^--model is given twice \('A', then 'B'\); it takes one value: give it once$/);
  usage("--steps=1 --steps 2", "realign", ["--steps=1", "--steps", "2"], /^--steps is given twice \('1', then '2'\)/);
  usage("a boolean twice", "realign", ["--quiet", "--quiet"], /^--quiet is given twice: give it once$/);
  // a repeatable option takes each value
  eq("--test twice", parse("evaluate", ["--model", "m", "--test", "a", "--test", "b"]).test.join(), "a,b");
  const r = await mainErr(["info", "--model", "A", "--model", "B"]);
  eq("exit code", r.code, 2);
  assert(/^xlt info: --model is given twice/.test(r.err), r.err);
};

cases["bounds of the table, exclusive ones included, are checked before any work (issue 19 item 8)"] = async () => {
  for (const bad of ["0", "-1", "0.0"]) {
    usage(`--tau ${bad}`, "realign", ["--tau", bad], new RegExp(`^--tau must be a number > 0, got '${bad.replace(".", "\\.")}'$`));
  }
  usage("finetune --tau 0", "finetune", ["--task", "pos", "--train", "t", "--realign-during", "--tau", "0"], /^--tau must be a number > 0/);
  usage("realign --max-grad-norm 0", "realign", ["--max-grad-norm", "0"], /^--max-grad-norm must be a number > 0/);
  usage("pretrain --max-grad-norm 0", "pretrain", ["--max-grad-norm", "0"], /^--max-grad-norm must be a number > 0/);
  eq("--tau 1e-3", parse("realign", ["--tau", "1e-3"]).tau, 1e-3);
  const { commandHelp } = await import("../../cli/main.ts");
  assert(/--tau X .*\(> 0\)/.test(commandHelp("realign")), "the bound shown in --help");
  assert(/--dropout X .*\(between 0 and 1\)/.test(commandHelp("realign")), "an inclusive range shown in --help");
};

cases["choices come from the table: an unknown one names the option and its choices (issue 19 item 10)"] = async () => {
  usage("--task foo", "finetune", ["--task", "foo", "--train", "t"], /^--task must be one of pos, ner, xnli, qa, mlm, got 'foo'$/);
  usage("evaluate --task foo", "evaluate", ["--task", "foo", "--model", "m", "--test", "t"], /^--task must be one of pos, ner, xnli, qa, got 'foo'$/);
  usage("--objective xyz", "pretrain", ["--objective", "xyz"], /^--objective must be one of mlm, xlm, dict-mlm, align-mlm, got 'xyz'$/);
  usage("--method nope", "align", ["--method", "nope", "--out", "o"], /^--method must be one of dictionary, fastalign, embeddings, got 'nope'$/);
  usage("--aligner nope", "realign", ["--aligner", "nope"], /^--aligner must be one of dictionary, fastalign, embeddings, got 'nope'$/);
  usage("--kind unigram", "vocab", ["--kind", "unigram", "--corpus", "c", "--out", "o"], /^--kind must be one of bpe, wordpiece, got 'unigram'$/);
  usage("--size huge", "pretrain", ["--size", "huge"], /^--size must be one of tiny, small, base, got 'huge'$/);
  usage("--transform rot13", "derive", ["--transform", "rot13", "--input", "i", "--out", "o"], /^--transform 'rot13': not a transform: use trans, inv or trans\+inv$/);
  usage("--transform perm", "derive", ["--transform", "perm", "--input", "i", "--out", "o"], /^--transform 'perm': perm is not implemented/);
  eq("--transform inv+trans (an alias)", parse("derive", ["--transform", "inv+trans", "--input", "i", "--out", "o"]).transform, "inv+trans");
  usage("--format csv", "derive", ["--transform", "inv", "--input", "i", "--out", "o", "--format", "csv"], /^--format must be one of text, conllu, iob2, xnli, got 'csv'$/);
  usage("study --transforms inv", "run", ["--study", "align-mlm", "--transforms", "trans,inv"], /^--transforms 'inv': the study needs Trans/);
  usage("a list item", "run", ["--strategies", "full,nope"], /^--strategies 'full,nope': 'nope' is not one of baseline, full, lower, upper, during, during-lower, during-upper$/);
  usage("a study list item", "run", ["--study", "align-mlm", "--objectives", "mlm,elmo"], /^--objectives 'mlm,elmo': 'elmo' is not one of mlm, xlm, dict-mlm, align-mlm$/);
  usage("--seeds", "run", ["--seeds", "31,x"], /^--seeds 'x': a seed must be an integer$/);
  usage("--projection 0", "realign", ["--projection", "0"], /^--projection '0': expected a positive integer width or none$/);
  usage("embed --layer top", "embed", ["--model", "m", "--layer", "top"], /^--layer 'top': expected all or a hidden-state index/);
  // every usage error exits 2, whichever check found it (before, --task foo exited 1 and --steps x exited 2)
  for (const argv of [["finetune", "--task", "foo", "--train", "t"], ["pretrain", "--objective", "xyz"], ["align", "--method", "nope", "--out", "o"],
    ["realign", "--freeze", "bogus"], ["realign", "--steps", "x"], ["realign", "--nope"], ["align", "--out", "o", "--dictionary", "d"]]) {
    const r = await mainErr(argv);
    eq(`exit code of xlt ${argv.join(" ")}`, r.code, 2);
    assert(r.err.split("\n").length === 1 && r.err.includes(`(xlt ${argv[0]} --help)`), `one line pointing at --help: ${r.err}`);
  }
  // --help shows every choice list
  const { commandHelp } = await import("../../cli/main.ts");
  for (const [name, cmd] of Object.entries(commands)) {
    const help = commandHelp(name);
    for (const [k, o] of Object.entries(cmd.options)) {
      if (o.type !== "string" || !o.choices) continue;
      const line = help.split("\n").find((l) => l.startsWith(`  --${k} `)) ?? "";
      assert(o.choices.every((c) => line.includes(c)), `xlt ${name} --help does not show the choices of --${k}: ${line}`);
    }
  }
};

cases["--freeze is a grammar checked at parse time, the model's block count at load (issue 19 item 10)"] = async () => {
  for (const name of ["realign", "profile", "info"]) {
    const pre = name === "info" ? ["--model", "m"] : [];
    usage(`${name} --freeze bogus`, name, [...pre, "--freeze", "bogus"], /^--freeze 'bogus': 'bogus' is not lower, upper, none, embeddings, a block index or a range like 0-2$/);
    usage(`${name} --freeze 2-1`, name, [...pre, "--freeze", "2-1"], /^--freeze '2-1': range 2-1 is reversed$/);
    usage(`${name} --freeze lower,embeddings`, name, [...pre, "--freeze", "lower,embeddings"], /'lower' is not lower, upper, none/);
    for (const ok of ["lower", "upper", "none", "0-1,embeddings", "embeddings", "1,3"]) eq(`${name} --freeze ${ok}`, parse(name, [...pre, "--freeze", ok]).freeze, ok);
  }
  usage("finetune --freeze", "finetune", ["--task", "pos", "--train", "t", "--realign-during", "--freeze", "0-"], /^--freeze '0-': '0-' is not lower/);
  const { frozenGroups } = await import("../../src/train/freeze.ts");
  throwsLike("a block the model lacks", () => frozenGroups("0-5", 4), /^--freeze '0-5': the model has blocks 0-3, so block 5 does not exist$/);
  eq("order kept", [...frozenGroups("2-3,embeddings", 4)].join(), "layer.2,layer.3,embeddings");
};

cases["an option that does not apply is a usage error, not silently ignored (issue 19 item 15)"] = async () => {
  const ft = ["--task", "pos", "--train", "t"];
  usage("--realign-weight without --realign-during", "finetune", [...ft, "--realign-weight", "0.2"], /^--realign-weight applies only with --realign-during: add --realign-during, or drop --realign-weight$/);
  for (const [k, v] of [["tau", "0.2"], ["projection", "64"], ["realign-batch-size", "8"], ["pairs", "p"], ["freeze", "lower"], ["layer", "2"]]) {
    usage(`--${k} without --realign-during`, "finetune", [...ft, `--${k}`, v], new RegExp(`^--${k} applies only with --realign-during`));
  }
  eq("with --realign-during", parse("finetune", [...ft, "--realign-during", "--realign-weight", "0.2"])["realign-weight"], 0.2);
  const al = ["--model", "m", "--static"];
  for (const k of ["pairs", "alignments", "dictionary", "parallel", "conllu"]) {
    usage(`alignment --static --${k}`, "alignment", [...al, `--${k}`, "f"], new RegExp(`^--static and --${k} cannot be given together \\(static alignment reads only the word embeddings, no sentences\\): drop one of them$`));
  }
  usage("alignment --static --align-pairs", "alignment", [...al, "--align-pairs", "5"], /^--static and --align-pairs cannot be given together/);
  usage("align --match with the dictionary rule", "align", ["--out", "o", "--match", "itermax"], /^--match applies only with --method embeddings, not --method dictionary: drop --match$/);
  usage("align --dictionary with fastalign", "align", ["--out", "o", "--method", "fastalign", "--dictionary", "d"], /^--dictionary applies only with --method dictionary, not --method fastalign/);
  usage("vocab --lowercase with bpe", "vocab", ["--corpus", "c", "--out", "o", "--lowercase"], /^--lowercase applies only with --kind wordpiece, not --kind bpe: drop --lowercase$/);
  usage("pretrain --lambda with mlm", "pretrain", ["--lambda", "5"], /^--lambda applies only with --objective align-mlm, not --objective mlm/);
  usage("pretrain --tlm-rate with align-mlm", "pretrain", ["--objective", "align-mlm", "--tlm-rate", "0.5"], /^--tlm-rate applies only with --objective xlm/);
  usage("pretrain --model with --size", "pretrain", ["--model", "m", "--size", "tiny"], /^--model and --size cannot be given together/);
  usage("derive --tokenizer with inv", "derive", ["--transform", "inv", "--input", "i", "--out", "o", "--tokenizer", "t"], /^--tokenizer applies only with --transform trans\|trans\+inv, not --transform inv/);
  usage("run --objectives without --study", "run", ["--objectives", "mlm"], /^--objectives applies only with --study: add --study, or drop --objectives$/);
};

/** The option (and value) an option applies only with, so that a parse accepts it. */
function enabling(cmd: Command, o: Opt): string[] {
  const w = o.appliesWith;
  if (!w) return [];
  const other = cmd.options[w.option];
  if (other.type === "boolean") return [`--${w.option}`];
  return [`--${w.option}`, w.values?.[0] ?? (other.type === "string" && other.choices ? other.choices[0] : "x")];
}

/** The required options of a command, with placeholder values, so that a parse gets to the option tested. */
function requiredArgs(cmd: Command): string[] {
  // a value the option accepts: its first choice, or the first of the meta's alternatives (--transform trans|inv)
  const valid = (o: Opt) => (o.type === "string" && o.choices ? o.choices[0] : o.meta?.includes("|") ? o.meta.split("|")[0] : "x");
  return Object.entries(cmd.options).filter(([, o]) => o.required).flatMap(([k, o]) => [`--${k}`, valid(o)]);
}
