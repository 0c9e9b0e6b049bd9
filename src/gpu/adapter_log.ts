// Dawn writes two lines to the process's stderr while it discovers the adapters:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ...
//   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ...
// NormalizeLimits (dawn/native/Limits.cpp) clamps what the Vulkan driver reports (lavapipe 1,000,000,
// RADV 500,000) to Dawn's fixed maximum of 16 and logs it with C stdio, inside requestAdapter, before xlt
// asks for any limit, and no toggle turns that log off. xlt binds no dynamic offsets, so the clamp changes
// nothing for it, and the two lines only bury the CLI's own one-line messages.
//
// Node has no dup2(), so for the duration of requestAdapter descriptor 2 is closed and reopened on a temporary
// file (open() returns the lowest free descriptor), then reopened on the original stream through /dev/fd/N;
// whatever else was written meanwhile (a Vulkan loader error, say) is passed on. Only when stderr is a pipe
// or a terminal: a regular file opened again would get its own file offset and write over output that
// shares the old one (`> log 2>&1`), and a socket (Node's child pipes) cannot be opened again; there the
// two lines stay.
import { fs, nodePath, os } from "../host.ts";

// (a function: the constants are read when Dawn starts, never where a browser loads this module)
const WRITE = () => fs.constants.O_WRONLY | fs.constants.O_NOCTTY;
const DAWN_LIMIT_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced .*\n?/gm;

/** A descriptor on the stream behind descriptor 2 if it is a terminal or a pipe with a reader, else -1. */
function reopenStderr(): number {
  try {
    const st = fs.fstatSync(2);
    if (st.isFIFO()) fs.closeSync(fs.openSync("/dev/fd/2", WRITE() | fs.constants.O_NONBLOCK)); // fails (ENXIO) without a reader instead of blocking
    else if (!st.isCharacterDevice()) return -1;
    return fs.openSync("/dev/fd/2", WRITE());
  } catch {
    return -1;
  }
}

/** Runs `fn` (Dawn's adapter discovery) with Dawn's limit warnings kept off stderr where that is safe. */
export async function withoutDawnLimitWarnings<T>(fn: () => Promise<T>): Promise<T> {
  const g = globalThis as any;
  if (g.process?.platform !== "linux" && g.process?.platform !== "darwin") return fn();
  const saved = reopenStderr();
  if (saved < 0) return fn();
  const path = nodePath.join(os.tmpdir(), `xlt-adapter-${g.process.pid}-${Date.now()}.log`);
  try {
    fs.closeSync(fs.openSync(path, "wx", 0o600));
  } catch {
    fs.closeSync(saved);
    return fn();
  }
  fs.closeSync(2);
  let held = -1;
  try {
    held = fs.openSync(path, WRITE() | fs.constants.O_APPEND);
  } catch {
    // descriptor 2 stays free and is taken again below
  }
  try {
    return await fn();
  } finally {
    if (held === 2 || held < 0) {
      if (held === 2) fs.closeSync(2);
      fs.openSync(`/dev/fd/${saved}`, WRITE()); // descriptor 2 again: the lowest free one
    } else fs.closeSync(held); // another thread opened a file in between and holds descriptor 2: leave it
    fs.closeSync(saved);
    const rest = fs.readFileSync(path, "utf8").replace(DAWN_LIMIT_WARNING, "");
    fs.rmSync(path, { force: true });
    if (rest) g.process.stderr.write(rest);
  }
}
