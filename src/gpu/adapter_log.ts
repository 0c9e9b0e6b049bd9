// Dawn writes two lines to the process's stderr while it discovers the adapters:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ...
//   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 ...
// NormalizeLimits (dawn/native/Limits.cpp) clamps what the Vulkan driver reports (lavapipe 1,000,000,
// RADV 500,000) to Dawn's fixed maximum of 16 and logs it with C stdio, inside requestAdapter, before xlt
// asks for any limit, and no toggle turns that log off. xlt binds no dynamic offsets, so the clamp changes
// nothing for it, and the two lines only bury the CLI's own one-line messages.
//
// Node has no dup2(), so for the duration of requestAdapter descriptor 2 is closed and reopened on
// /dev/null (open() returns the lowest free descriptor), then reopened on the original stream through
// /dev/fd/N. Only when stderr is a pipe or a terminal: a regular file opened again would get its own file
// offset and write over output that shares the old one (`> log 2>&1`); there the lines stay.
import { closeSync, constants, fstatSync, openSync } from "node:fs";

const WRITE = constants.O_WRONLY | constants.O_NOCTTY;

/** Whether descriptor 2 is a pipe with a reader, or a terminal: a stream that can be opened again safely. */
function reopenable(): boolean {
  const st = fstatSync(2);
  if (st.isCharacterDevice()) return true;
  if (!st.isFIFO()) return false;
  // opening a pipe for writing blocks while nothing reads it; O_NONBLOCK fails instead (ENXIO)
  closeSync(openSync("/dev/fd/2", WRITE | constants.O_NONBLOCK));
  return true;
}

/** Runs `fn` (Dawn's adapter discovery) with the native stderr on /dev/null where that is safe. */
export async function withoutNativeStderr<T>(fn: () => Promise<T>): Promise<T> {
  const platform = (globalThis as any).process?.platform;
  let saved = -1;
  try {
    if ((platform === "linux" || platform === "darwin") && reopenable()) saved = openSync("/dev/fd/2", WRITE);
  } catch {
    saved = -1; // not reopenable (a socket, a pipe without reader): keep Dawn's lines
  }
  if (saved < 0) return fn();
  closeSync(2);
  const nul = openSync("/dev/null", WRITE);
  try {
    return await fn();
  } finally {
    if (nul === 2) {
      closeSync(2);
      openSync(`/dev/fd/${saved}`, WRITE); // descriptor 2 again: the lowest free one
    } else closeSync(nul); // another thread opened a file in between and holds descriptor 2: leave it
    closeSync(saved);
  }
}
