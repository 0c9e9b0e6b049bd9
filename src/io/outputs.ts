// Checks every output of a command before any work (before data or a model is loaded onto the GPU), so a
// mistake costs nothing and nothing the user did not ask xlt to write is deleted or overwritten:
// - an output directory that exists and is not empty needs --overwrite (or --resume where the command
//   resumes), and even then xlt replaces only the files it writes there: writeDirAtomic keeps the others;
// - an output file that exists needs --overwrite (a --log is appended to); a path that is a directory (for a
//   file) or a file (for a directory), or that lies under a file, is an error;
// - no output may be an input, lie inside an input directory, or contain an input (the current directory
//   included). Paths are compared after symbolic links are resolved, and the files of an input directory
//   that are links (a Hugging Face cache snapshot links its files to blobs/) count as inputs where they
//   point, so no alias reaches an input. --overwrite never lifts this: it replaces what xlt wrote before;
// - an output directory given as a symbolic link is refused (give its target): --overwrite there would
//   mean replacing files behind a name the user may not connect with them. An output file given as a link
//   is written at its target (atomic.ts), the link kept. A link that points nowhere, as an output or on its
//   way, is an error up front, before a run that could only fail at its end;
// - the files a command writes into an output directory (`writes`) may not collide with each other, and no
//   other output may be one of them (a --log named OUT/run.json would be replaced at the end of the run).
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import process from "node:process";
import { XltError } from "../errors.ts";
import { followLink, recoverDir } from "./atomic.ts";
import { checkpointNames } from "./checkpoint.ts";

/** Option name → path(s); undefined entries are options not given. */
export type Paths = Record<string, string | string[] | undefined>;

/** A file or directory a command writes into one of its output directories. */
export interface OwnName {
  /** the entry's name in the directory */
  name: string;
  /** what it is, for messages: "the derived --input a/t.txt", "derive's tokenizer.json" */
  what: string;
}

/** OwnName entries for `names`, each described as "<whose> <name>". */
export const ownNames = (whose: string, names: string[]): OwnName[] => names.map((name) => ({ name, what: `${whose} ${name}` }));

/**
 * What a training command writes into its --out: a checkpoint named as the one in `srcDir` (weights, config,
 * copied tokenizer files), run.json, the resumable state in checkpoint/, and `extra` names.
 */
export function checkpointWrites(command: string, srcDir: string | undefined, extra: string[] = []): OwnName[] {
  return ownNames(`${command}'s`, [...new Set([...checkpointNames(srcDir), "run.json", "checkpoint", ...extra])]);
}

export interface OutputCheck {
  /** output directories, by option name */
  dirs?: Paths;
  /** output files, by option name */
  files?: Paths;
  /** files appended to (--log): may exist, but not be a directory or an input */
  appends?: Paths;
  /** input files and directories, by option name: values may be LANG=PATH and PATH,PATH specs */
  inputs?: Paths;
  /** what the command writes into each output directory, by the directory's option name */
  writes?: Record<string, OwnName[]>;
  overwrite?: boolean;
  /** an existing output directory is continued (--resume, an xlt run experiment directory) */
  resume?: boolean;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== "");

const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/**
 * The absolute path with the symbolic links of its existing part resolved (so aliases compare equal), and the
 * first component that is a link pointing nowhere (writing through it would fail or land somewhere unseen).
 */
function canonical(path: string): { at: string; dangling: string | null } {
  let head = resolve(path);
  const rest: string[] = [];
  let dangling: string | null = null;
  while (!existsSync(head) && dirname(head) !== head) {
    if (isLink(head)) dangling = head;
    rest.unshift(basename(head));
    head = dirname(head);
  }
  try {
    head = realpathSync(head);
  } catch {
    // unreadable: compare as given
  }
  return { at: join(head, ...rest), dangling };
}

/** The paths an input spec may name: the spec itself, without a LANG= prefix, and each part of A,B. */
function inputPaths(spec: string): string[] {
  const bare = spec.replace(/^[A-Za-z][\w-]*=/, "");
  return [...new Set([spec, bare, ...bare.split(",")])].filter((p) => p && existsSync(p));
}

/** The first existing ancestor of `path` that is a file (writing under it fails with ENOTDIR). */
function fileAncestor(path: string): string | null {
  for (let p = dirname(resolve(path)); dirname(p) !== p; p = dirname(p)) {
    if (existsSync(p)) return statSync(p).isDirectory() ? null : p;
  }
  return null;
}

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** How deep and how many entries of an input directory are searched for links (a model snapshot is flat). */
const WALK_DEPTH = 4;
const WALK_ENTRIES = 20000;

interface Input {
  flag: string;
  /** the path as the user gave it (for messages) */
  path: string;
  at: string;
  dir: boolean;
}

/**
 * An input path and, for a directory, where its entries that are symbolic links point: those targets are
 * the directory's files as much as its own entries are (the entries themselves lie inside it).
 */
function expandInput(flag: string, path: string): Input[] {
  const at = canonical(path).at;
  const dir = statSync(path).isDirectory();
  const out: Input[] = [{ flag, path, at, dir }];
  if (!dir) return out;
  let seen = 0;
  const walk = (d: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      if (++seen > WALK_ENTRIES) return;
      const p = join(d, n);
      if (isLink(p)) {
        try {
          const target = realpathSync(p);
          out.push({ flag, path: p, at: target, dir: statSync(target).isDirectory() });
        } catch {
          // a dangling link in an input: nothing there to protect
        }
      } else if (depth < WALK_DEPTH) {
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch {
          // unreadable entry
        }
      }
    }
  };
  walk(path, 1);
  return out;
}

interface Output {
  flag: string;
  path: string;
  at: string;
  kind: "dir" | "file" | "append" | "own";
  /** an own entry: what it is */
  what?: string;
}

const describe = (o: Output) => (o.kind === "own" ? `${o.what} (${o.path})` : `--${o.flag} ${o.path}`);

export function checkOutputs(c: OutputCheck): void {
  const inputs: Input[] = [];
  for (const [flag, v] of Object.entries(c.inputs ?? {})) for (const spec of list(v)) for (const p of inputPaths(spec)) inputs.push(...expandInput(flag, p));
  const outputs: Output[] = [];
  const add = (flag: string, path: string, kind: Output["kind"], extra: Partial<Output> = {}) => {
    const { at, dangling } = canonical(path);
    if (dangling) {
      const target = followLink(dangling);
      const what = dangling === resolve(path) ? `is a symbolic link to ${target}, which does not exist` : `goes through ${dangling}, a symbolic link to ${target}, which does not exist`;
      throw new XltError(`--${flag} ${path} ${what}; create ${target} first or give another path`);
    }
    outputs.push({ flag, path, at, kind, ...extra });
  };
  for (const [flag, v] of Object.entries(c.dirs ?? {})) {
    for (const p of list(v)) {
      recoverDir(p); // finish a save a kill interrupted before judging what is there (and before a link to it dangles)
      add(flag, p, "dir");
      if (isLink(resolve(p))) throw new XltError(`--${flag} ${p} is a symbolic link to ${followLink(resolve(p))}; give that directory itself (xlt does not write an output directory through a link)`);
    }
  }
  for (const [flag, v] of Object.entries(c.files ?? {})) for (const p of list(v)) add(flag, p, "file");
  for (const [flag, v] of Object.entries(c.appends ?? {})) for (const p of list(v)) add(flag, p, "append");
  for (const [flag, names] of Object.entries(c.writes ?? {})) {
    for (const dir of list(c.dirs?.[flag])) for (const n of names) add(flag, join(dir, n.name), "own", { what: n.what });
  }

  const cwd = canonical(process.cwd()).at;
  for (const o of outputs) {
    const file = o.kind === "own" ? null : fileAncestor(o.path); // an own entry's directory is an output checked itself
    if (file) throw new XltError(`--${o.flag} ${o.path}: ${file} is a file, not a directory`);
    for (const i of inputs) {
      const which = `the input --${i.flag} ${i.path}`;
      if (o.at === i.at) {
        if (o.kind === "own") throw new XltError(`${o.what} would be written over ${which}; give --${o.flag} a directory that holds no input`);
        throw new XltError(`--${o.flag} ${o.path} is also ${which}; xlt never writes over its inputs (not even with --overwrite): give another path`);
      }
      if (i.dir && inside(o.at, i.at)) {
        throw new XltError(`${describe(o)} lies inside ${which}; xlt never writes into its inputs (not even with --overwrite): give a path outside it`);
      }
      if (o.kind === "dir" && inside(i.at, o.at)) throw new XltError(`--${o.flag} ${o.path} contains ${which}; give an output directory that holds no input`);
    }
    if (o.kind === "dir" && inside(cwd, o.at)) throw new XltError(`--${o.flag} ${o.path} is the current directory or contains it; give a new subdirectory`);
  }
  // outputs among themselves: one path is written once, and nothing is written under a file xlt writes
  for (let a = 0; a < outputs.length; a++) {
    for (let b = a + 1; b < outputs.length; b++) {
      const [x, y] = [outputs[a], outputs[b]];
      if (x.kind === "dir" && y.kind === "dir" && x.at !== y.at) continue; // nested output directories: each keeps what it does not write
      if (x.at === y.at) {
        if (x.kind === "own" && y.kind === "own") {
          throw new XltError(`${x.what} and ${y.what} would both be written to ${x.path}; rename one of the inputs or write them into separate directories`);
        }
        const [own, user] = x.kind === "own" ? [x, y] : [y, x];
        if (own.kind === "own") throw new XltError(`--${user.flag} ${user.path} is where xlt writes ${own.what}; give --${user.flag} another path`);
        throw new XltError(`--${x.flag} ${x.path} and --${y.flag} ${y.path} are the same path; give each output its own path`);
      }
      for (const [p, q] of [[x, y], [y, x]]) {
        if ((q.kind === "file" || q.kind === "append") && inside(p.at, q.at)) throw new XltError(`${describe(p)} lies under ${describe(q)}, which xlt writes as a file; give another path`);
        if (q.kind === "own" && inside(p.at, q.at)) throw new XltError(`${describe(p)} lies inside ${describe(q)}, which xlt writes; give another path`);
      }
    }
  }
  for (const o of outputs) {
    if (o.kind === "own" || !existsSync(o.path)) continue;
    const isDir = statSync(o.path).isDirectory();
    if (o.kind !== "dir") {
      if (isDir) throw new XltError(`--${o.flag} ${o.path} is a directory; give a file name`);
      if (o.kind === "file" && !c.overwrite) throw new XltError(`--${o.flag} ${o.path} exists; pass --overwrite to replace it`);
      continue;
    }
    if (!isDir) throw new XltError(`--${o.flag} ${o.path} is a file; give a directory`);
    if (!c.resume && !c.overwrite && readdirSync(o.path).length) {
      throw new XltError(`--${o.flag} ${o.path} exists and is not empty; pass --overwrite to replace the files xlt writes there (other files are kept)`);
    }
  }
}
