// Profiler contexts and phases without a profiler dependency at the call sites: the encoder, realignStep and
// the training loops label their work ("layer.3 backward", "step 7") through these, which forward to the
// profiler attached to the device (activeProfiler) and cost one WeakMap lookup when profiling is off.
import type { Gpu } from "../gpu/device.ts";
import { activeProfiler } from "./profiler.ts";

/** Sets the context attached to the following dispatch events (undefined clears it); no-op when not profiling. */
export function setProfileContext(g: Gpu, text: string | undefined): void {
  activeProfiler(g)?.setContext(text);
}

/** Opens a CPU phase span on the active profiler; returns its closer (a no-op when not profiling). */
export function startProfilePhase(g: Gpu, name: string): () => void {
  const p = activeProfiler(g);
  return p ? p.startPhase(name) : () => {};
}
