// Atomic file and directory writes: nothing half-written is ever left under the final name, no temp file
// or directory survives a failed write, and a directory swap interrupted by a kill is finished (or undone)
// by the next reader or writer of that directory (recoverDir).
//
// A directory is written as DIR.tmp-PID-TIME (a sibling, so the final renames stay on one file system),
// marked complete by a sentinel file written last, then swapped in:
//   1. entries of the old DIR that the new one lacks are moved into the temp dir (xlt replaces the files
//      it writes and keeps everything else: checkpoint/, a user's notes, …; only the files of a layout it
//      replaces, `replaces`, are dropped);
//   2. DIR → DIR.old-PID-TIME, temp → DIR, the old dir (now only the replaced files) removed, sentinel removed.
// A kill at any point leaves either DIR, or a complete temp (sentinel) that recoverDir finishes swapping in.
// A DIR (or file) that is a symbolic link is followed: the swap happens at its target, so the link and the
// user's other files there stay as they are (renaming the link itself would replace it with a directory).
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import process from "node:process";
import { XltError } from "../errors.ts";

/** Written last into a temp directory: its presence means the directory is complete. */
export const COMPLETE_MARK = ".xlt-complete";

const tempName = (path: string, kind: "tmp" | "old") => `${path}.${kind}-${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Turns a file-system error into a one-line user error naming the path (EISDIR, ENOTDIR, EBUSY, EACCES, …). */
export function fsError(e: unknown, path: string, doing: string): Error {
  const code = (e as any)?.code;
  if (typeof code !== "string") return e as Error;
  const why: Record<string, string> = {
    EISDIR: "is a directory",
    ENOTDIR: "a parent of it is a file, not a directory",
    EBUSY: "is busy (in use, or the current directory)",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    ENOSPC: "no space left on the device",
    EROFS: "read-only file system",
    EEXIST: "already exists",
  };
  return new XltError(`${path}: cannot ${doing}: ${why[code] ?? code}`);
}

/**
 * Where a write of `path` lands: the target of a symbolic link at `path` (a chain followed, relative links
 * read from the link's directory, a dangling one included), else `path` itself.
 */
export function followLink(path: string): string {
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!lstatSync(path).isSymbolicLink()) return path;
      link = readlinkSync(path);
    } catch {
      return path; // missing, or not readable as a link
    }
    path = resolve(dirname(path), link);
  }
  return path; // a loop: the write fails with the file system's own error (ELOOP)
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  path = followLink(path);
  const tmp = tempName(path, "tmp");
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    removeQuietly(tmp);
    throw fsError(e, path, "write the file");
  }
}

/** What writeDirAtomic does with the entries of an existing directory. */
export interface DirWriteOptions {
  /**
   * Names of the old directory's entries that are dropped even when the new one does not write them (the
   * files of a checkpoint layout it replaces, e.g. a single model.safetensors when the new weights are
   * sharded, so no stale weights are loaded instead of the new ones). Everything else is kept.
   */
  replaces?: RegExp;
}

/**
 * Builds a directory in a temporary sibling, then swaps it into place (see the top of this file). Entries
 * of an existing `dir` that `fill` does not write are kept, except those matching `replaces`.
 */
export async function writeDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void> | void, o: DirWriteOptions = {}): Promise<void> {
  dir = followLink(dir);
  const tmp = startDir(dir);
  try {
    await fill(tmp);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  finishDir(dir, tmp, o);
}

/** writeDirAtomic for a synchronous `fill`. */
export function writeDirAtomicSync(dir: string, fill: (tmpDir: string) => void, o: DirWriteOptions = {}): void {
  dir = followLink(dir);
  const tmp = startDir(dir);
  try {
    fill(tmp);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  finishDir(dir, tmp, o);
}

/** The real path of `path` where it exists (symbolic links resolved), else its absolute path. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function startDir(dir: string): string {
  const cwd = real(process.cwd());
  const abs = real(dir);
  if (cwd === abs || cwd.startsWith(abs + sep)) throw new XltError(`${dir}: cannot replace the current directory or one that contains it; give a new subdirectory`);
  recoverDir(dir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new XltError(`${dir}: is a file, not a directory`);
  const tmp = tempName(dir, "tmp");
  try {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(tmp);
  } catch (e) {
    throw fsError(e, dir, "create the directory");
  }
  return tmp;
}

function finishDir(dir: string, tmp: string, o: DirWriteOptions): void {
  try {
    // the sentinel carries `replaces`, so that recoverDir finishes an interrupted swap the same way
    writeFileSync(join(tmp, COMPLETE_MARK), JSON.stringify({ replaces: o.replaces?.source ?? null }));
    swapIn(dir, tmp);
  } catch (e) {
    // swapIn undoes its own first step; once `dir` has moved aside, the complete temp is what recoverDir restores
    if (existsSync(dir)) removeQuietly(tmp);
    throw fsError(e, dir, "replace the directory");
  }
}

/** Steps 1 and 2 of the swap; safe to repeat after an interruption at any point. */
function swapIn(dir: string, tmp: string): void {
  if (existsSync(dir)) {
    let replaces: RegExp | null = null;
    try {
      const src = JSON.parse(readFileSync(join(tmp, COMPLETE_MARK), "utf8")).replaces;
      if (typeof src === "string") replaces = new RegExp(src);
    } catch {
      // an empty or unreadable sentinel: keep every old entry
    }
    const have = new Set(readdirSync(tmp));
    const moved: string[] = [];
    const undo = () => {
      for (const f of moved) renameSync(join(tmp, f), join(dir, f));
    };
    const old = tempName(dir, "old");
    try {
      for (const f of readdirSync(dir)) {
        if (have.has(f) || replaces?.test(f)) continue;
        renameSync(join(dir, f), join(tmp, f));
        moved.push(f);
      }
      renameSync(dir, old);
    } catch (e) {
      undo();
      throw e;
    }
    try {
      renameSync(tmp, dir);
    } catch (e) {
      renameSync(old, dir);
      undo();
      throw e;
    }
    removeQuietly(old);
  } else renameSync(tmp, dir);
  removeQuietly(join(dir, COMPLETE_MARK));
}

const isAlive = (p: number) => {
  if (p === process.pid) return true; // our own writes are never half-done when we look
  try {
    process.kill(p, 0);
    return true;
  } catch (e) {
    return (e as any)?.code === "EPERM";
  }
};

/**
 * Finishes or cleans up an interrupted writeDirAtomic of `dir` by a process that no longer runs: a complete
 * temp dir is swapped in (the newest, if several), incomplete temp dirs and leftover old dirs are removed,
 * and an old dir with no `dir` and no complete temp (a kill between the two renames of an older xlt) is
 * restored. Returns true when something was recovered.
 */
export function recoverDir(dir: string): boolean {
  dir = followLink(dir); // a kill mid-swap leaves a link to DIR dangling until DIR is back
  const parent = dirname(dir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return false; // no parent: nothing was ever written here
  }
  const re = new RegExp(`^${basename(dir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(tmp|old)-(\\d+)-([0-9a-z]+)$`);
  const found = names.map((n) => ({ n, m: re.exec(n) })).filter((x) => x.m && !isAlive(Number(x.m[2])))
    .map((x) => ({ path: join(parent, x.n), kind: x.m![1], order: x.m![3] }))
    .filter((x) => statSync(x.path).isDirectory());
  if (!found.length) return false;
  found.sort((a, b) => (a.order < b.order ? 1 : -1)); // newest first
  const complete = found.find((x) => x.kind === "tmp" && existsSync(join(x.path, COMPLETE_MARK)));
  if (complete) swapIn(dir, complete.path);
  else if (!existsSync(dir)) {
    const old = found.find((x) => x.kind === "old");
    if (old) renameSync(old.path, dir);
  }
  for (const x of found) if (existsSync(x.path)) rmSync(x.path, { recursive: true, force: true });
  return true;
}

/** Removes a temp file or directory on an error path; one that was never created (or cannot be) is no error. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // e.g. ENOTDIR: its parent is a file, so it was never created
  }
}
