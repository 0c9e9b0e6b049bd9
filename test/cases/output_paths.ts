// Issue 19 (items 1-3, 6): checkOutputs refuses an output that is, lies inside or contains an input (after
// symbolic links are resolved, links inside an input directory included), a symbolic link that points
// nowhere, and outputs that meet each other or the files a command writes into its directory; a write
// through a symbolic link lands at its target and leaves the link in place. No GPU.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recoverDir, writeDirAtomicSync, writeFileAtomic } from "../../src/io/atomic.ts";
import { checkOutputs } from "../../src/io/outputs.ts";
import { type Cases, throwsLike } from "../lib/check.ts";

export const cases: Cases = {};

const tmp = () => mkdtempSync(join(tmpdir(), "xlt-paths-"));

function eq(name: string, got: unknown, want: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${name}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

/** A model directory m/ with three files. */
function model(d: string): string {
  const m = join(d, "m");
  mkdirSync(m);
  for (const f of ["config.json", "model.safetensors", "tokenizer.json"]) writeFileSync(join(m, f), f);
  return m;
}

cases["an output inside an input directory is refused, whatever its kind and even with --overwrite"] = () => {
  const d = tmp();
  const m = model(d);
  for (const [kind, flag, name] of [["appends", "log", "config.json"], ["files", "dump-grads", "model.safetensors"], ["files", "profile", "tokenizer.json"], ["files", "out", "new.json"], ["dirs", "out", "sub"]]) {
    throwsLike(`${flag} ${name}`, () => checkOutputs({ [kind]: { [flag]: join(m, name) }, inputs: { model: m }, overwrite: true }), new RegExp(`--${flag} .*lies inside the input --model`));
  }
  // a path that reaches the model through a symbolic link, or with "..", is the same place
  symlinkSync(m, join(d, "alias"));
  throwsLike("alias", () => checkOutputs({ files: { out: join(d, "alias", "config.json") }, inputs: { model: m }, overwrite: true }), /lies inside the input --model/);
  throwsLike("dotdot", () => checkOutputs({ files: { out: join(d, "x", "..", "m", "config.json") }, inputs: { model: m }, overwrite: true }), /lies inside the input --model/);
  // beside the model is fine
  checkOutputs({ files: { out: join(d, "beside.json") }, appends: { log: join(d, "log.jsonl") }, inputs: { model: m }, overwrite: true });
};

cases["a file an input directory links to (a Hugging Face cache snapshot) is an input too"] = () => {
  const d = tmp();
  mkdirSync(join(d, "blobs"));
  writeFileSync(join(d, "blobs", "abc123"), "weights");
  const snap = join(d, "snapshots", "rev");
  mkdirSync(snap, { recursive: true });
  symlinkSync(join("..", "..", "blobs", "abc123"), join(snap, "model.safetensors"));
  throwsLike("blob", () => checkOutputs({ files: { out: join(d, "blobs", "abc123") }, inputs: { model: snap }, overwrite: true }), /is also the input --model .*model\.safetensors/);
  throwsLike("dir holding the blob", () => checkOutputs({ dirs: { out: join(d, "blobs") }, inputs: { model: snap }, overwrite: true }), /contains the input --model/);
  eq("the blob is kept", readFileSync(join(d, "blobs", "abc123"), "utf8"), "weights");
};

cases["a symbolic link that points nowhere is refused up front, as the output or on its way"] = () => {
  const d = tmp();
  symlinkSync(join(d, "missing"), join(d, "dangling"));
  throwsLike("dir", () => checkOutputs({ dirs: { out: join(d, "dangling") } }), /--out .*dangling is a symbolic link to .*missing, which does not exist; create .* first or give another path/);
  throwsLike("file", () => checkOutputs({ appends: { log: join(d, "dangling") } }), /--log .*symbolic link to .*missing, which does not exist/);
  throwsLike("through", () => checkOutputs({ dirs: { out: join(d, "dangling", "sub") } }), /--out .*goes through .*dangling, a symbolic link to .*missing, which does not exist/);
  eq("nothing created", readdirSync(d).sort(), ["dangling"]);
};

cases["outputs may not meet each other or the names a command writes into its directory"] = () => {
  const d = tmp();
  const out = join(d, "out");
  const writes = { out: [{ name: "run.json", what: "realign's run.json" }, { name: "checkpoint", what: "realign's checkpoint" }] };
  throwsLike("log = profile", () => checkOutputs({ files: { profile: join(d, "x") }, appends: { log: join(d, "x") } }), /--profile .*x and --log .*x are the same path/);
  throwsLike("log = run.json", () => checkOutputs({ dirs: { out }, appends: { log: join(out, "run.json") }, writes }), /--log .*run\.json is where xlt writes realign's run\.json; give --log another path/);
  throwsLike("under checkpoint/", () => checkOutputs({ dirs: { out }, appends: { log: join(out, "checkpoint", "l") }, writes }), /lies inside realign's checkpoint/);
  throwsLike("under a file output", () => checkOutputs({ files: { profile: join(d, "p") }, appends: { log: join(d, "p", "l") } }), /--log .* lies under --profile/);
  throwsLike(
    "two own names",
    () => checkOutputs({ dirs: { out }, writes: { out: [{ name: "t.orig.txt", what: "the original sentences of --input t.txt" }, { name: "t.orig.txt", what: "the derived --input t.orig.txt" }] } }),
    /the original sentences of --input t\.txt and the derived --input t\.orig\.txt would both be written to .*t\.orig\.txt; rename one of the inputs/,
  );
  // a log of its own name inside the output directory is fine
  checkOutputs({ dirs: { out }, appends: { log: join(out, "log.jsonl") }, writes });
  eq("nothing created", readdirSync(d), []);
};

cases["a symbolic link as an output directory is refused; the atomic writers follow links (library use): the link stays, the target keeps its other files"] = () => {
  const d = tmp();
  const target = join(d, "target");
  mkdirSync(target);
  writeFileSync(join(target, "user.txt"), "mine\n");
  writeFileSync(join(target, "run.json"), "old\n");
  const link = join(d, "link");
  symlinkSync(target, link);
  throwsLike("link", () => checkOutputs({ dirs: { out: link }, overwrite: true }), /--out .*link is a symbolic link to .*target; give that directory itself/);
  writeDirAtomicSync(link, (tmpDir) => writeFileSync(join(tmpDir, "run.json"), "new\n"));
  eq("still a link", lstatSync(link).isSymbolicLink(), true);
  eq("target", readdirSync(target).sort(), ["run.json", "user.txt"]);
  eq("user file", readFileSync(join(target, "user.txt"), "utf8"), "mine\n");
  eq("replaced", readFileSync(join(link, "run.json"), "utf8"), "new\n");
  eq("no temp", readdirSync(d).sort(), ["link", "target"]);
  // a file written through a link lands at its target
  const fileLink = join(d, "flink");
  symlinkSync(join(target, "user.txt"), fileLink);
  writeFileAtomic(fileLink, "replaced\n");
  eq("file link kept", lstatSync(fileLink).isSymbolicLink(), true);
  eq("file target", readFileSync(join(target, "user.txt"), "utf8"), "replaced\n");
};

cases["a swap a kill interrupted is finished through a symbolic link to the directory"] = () => {
  const d = tmp();
  const link = join(d, "link");
  symlinkSync(join(d, "target"), link);
  // the kill: the user's file already moved into the complete new copy, the target moved aside (holding
  // only what is replaced), the new copy not yet renamed; the link dangles meanwhile
  const dead = 2147483646;
  mkdirSync(join(d, `target.old-${dead}-a`));
  writeFileSync(join(d, `target.old-${dead}-a`, "run.json"), "old\n");
  mkdirSync(join(d, `target.tmp-${dead}-b`));
  writeFileSync(join(d, `target.tmp-${dead}-b`, "run.json"), "new\n");
  writeFileSync(join(d, `target.tmp-${dead}-b`, "user.txt"), "mine\n");
  writeFileSync(join(d, `target.tmp-${dead}-b`, ".xlt-complete"), "");
  recoverDir(link);
  eq("recovered", readdirSync(join(d, "target")).sort(), ["run.json", "user.txt"]);
  eq("new run.json", readFileSync(join(link, "run.json"), "utf8"), "new\n");
  eq("link kept", lstatSync(link).isSymbolicLink() && existsSync(link), true);
  eq("no leftovers", readdirSync(d).sort(), ["link", "target"]);
  eq("nothing more to recover", recoverDir(link), false);
};
