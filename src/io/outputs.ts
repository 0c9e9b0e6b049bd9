// Checks every output of a command before any work (before data or a model is loaded onto the GPU), so a
// mistake costs nothing and nothing the user did not ask xlt to write is deleted or overwritten:
// - an output directory that exists and is not empty needs --overwrite (or --resume where the command
//   resumes), and even then xlt replaces only the files it writes there: writeDirAtomic keeps the others;
// - an output file that exists needs --overwrite (a --log is appended to); a path that is a directory (for a
//   file) or a file (for a directory), or that lies under a file, is an error;
// - no output may be an input, or a directory containing one (the current directory included).
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import process from "node:process";
import { XltError } from "../errors.ts";
import { recoverDir } from "./atomic.ts";

/** Option name → path(s); undefined entries are options not given. */
export type Paths = Record<string, string | string[] | undefined>;

export interface OutputCheck {
  /** output directories, by option name */
  dirs?: Paths;
  /** output files, by option name */
  files?: Paths;
  /** files appended to (--log): may exist, but not be a directory or an input */
  appends?: Paths;
  /** input files and directories, by option name: values may be LANG=PATH and PATH,PATH specs */
  inputs?: Paths;
  overwrite?: boolean;
  /** an existing output directory is continued (--resume, an xlt run experiment directory) */
  resume?: boolean;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((x) => x !== "");

/** The absolute path with symbolic links of its existing part resolved (so aliases compare equal). */
function canonical(path: string): string {
  let head = resolve(path);
  const rest: string[] = [];
  while (!existsSync(head) && dirname(head) !== head) {
    rest.unshift(basename(head));
    head = dirname(head);
  }
  try {
    head = realpathSync(head);
  } catch {
    // unreadable: compare as given
  }
  return join(head, ...rest);
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

export function checkOutputs(c: OutputCheck): void {
  const inputs: { flag: string; path: string; at: string }[] = [];
  for (const [flag, v] of Object.entries(c.inputs ?? {})) for (const spec of list(v)) for (const p of inputPaths(spec)) inputs.push({ flag, path: p, at: canonical(p) });
  const cwd = canonical(process.cwd());
  const check = (flag: string, path: string, kind: "dir" | "file" | "append") => {
    const at = canonical(path);
    const file = fileAncestor(path);
    if (file) throw new XltError(`--${flag} ${path}: ${file} is a file, not a directory`);
    for (const i of inputs) {
      if (at === i.at) throw new XltError(`--${flag} ${path} is also the input --${i.flag}; xlt never writes over its inputs`);
      if (kind === "dir" && inside(i.at, at)) throw new XltError(`--${flag} ${path} contains the input --${i.flag} ${i.path}; give an output directory that holds no input`);
    }
    if (kind === "dir") {
      if (inside(cwd, at)) throw new XltError(`--${flag} ${path} is the current directory or contains it; give a new subdirectory`);
      recoverDir(path); // finish a save a kill interrupted before judging what is there
    }
    if (!existsSync(path)) return;
    const isDir = statSync(path).isDirectory();
    if (kind !== "dir") {
      if (isDir) throw new XltError(`--${flag} ${path} is a directory; give a file name`);
      if (kind === "file" && !c.overwrite) throw new XltError(`--${flag} ${path} exists; pass --overwrite to replace it`);
      return;
    }
    if (!isDir) throw new XltError(`--${flag} ${path} is a file; give a directory`);
    if (!c.resume && !c.overwrite && readdirSync(path).length) {
      throw new XltError(`--${flag} ${path} exists and is not empty; pass --overwrite to replace the files xlt writes there (other files are kept)`);
    }
  };
  for (const [flag, v] of Object.entries(c.dirs ?? {})) for (const p of list(v)) check(flag, p, "dir");
  for (const [flag, v] of Object.entries(c.files ?? {})) for (const p of list(v)) check(flag, p, "file");
  for (const [flag, v] of Object.entries(c.appends ?? {})) for (const p of list(v)) check(flag, p, "append");
}
