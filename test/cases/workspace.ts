// A training state's frame (src/gpu/workspace.ts) hands out the same buffer every run, possibly while work
// recorded earlier in the same submit still reads what it held: an upload into it must stay ordered after
// that work, and a buffer that grows for a longer batch must not be destroyed before that work is submitted.
import { flush, getGpu, memoryStats, recordCopy, Tensor } from "../../src/index.ts";
import { Frame } from "../../src/gpu/workspace.ts";
import type { Cases } from "../lib/check.ts";

async function expectValues(what: string, t: Tensor, want: number[]): Promise<void> {
  const got = Array.from(await t.read()).slice(0, want.length);
  if (got.join() !== want.join()) throw new Error(`${what}: got [${got}], want [${want}]`);
}

export const cases: Cases = {
  "a frame's buffer is refilled only after the recorded work that reads it, and grows without being held twice": async () => {
    const g = await getGpu();
    const ws = new Frame("state");
    const frame = ws.child("test");
    const copied = Tensor.zeros(g, [4]);
    const first = frame.run(() => Tensor.from(g, [1, 2, 3, 4], [4], "f32", "input"));
    flush(g); // the upload is submitted; the copy below is recorded in the next submit
    recordCopy(g, first.buffer, 0, copied.buffer, 0, 16);
    const again = frame.run(() => Tensor.from(g, [5, 6, 7, 8], [4], "f32", "input"));
    if (again.buffer !== first.buffer) throw new Error("the frame did not hand out the same buffer");
    await expectValues("the copy recorded before the refill", copied, [1, 2, 3, 4]);
    await expectValues("the refilled tensor", again, [5, 6, 7, 8]);

    // a longer batch: the recorded copy still reads the small buffer when the frame replaces it
    const copied2 = Tensor.zeros(g, [4]);
    flush(g);
    recordCopy(g, again.buffer, 0, copied2.buffer, 0, 16);
    const live = memoryStats().liveBytes;
    const longer = frame.run(() => Tensor.from(g, [9, 10, 11, 12, 13, 14, 15, 16], [8], "f32", "input"));
    await expectValues("the copy recorded before the buffer grew", copied2, [5, 6, 7, 8]);
    await expectValues("the grown tensor", longer, [9, 10, 11, 12, 13, 14, 15, 16]);
    if (ws.bytes !== 32) throw new Error(`the frame holds ${ws.bytes} bytes, want 32 (one buffer of 8 floats)`);
    if (memoryStats().liveBytes - live !== 16) throw new Error(`growing by 16 bytes changed live memory by ${memoryStats().liveBytes - live}`);
    // a shorter batch uses the prefix of the same buffer
    const shorter = frame.run(() => Tensor.from(g, [7, 7], [2], "f32", "input"));
    if (shorter.buffer !== longer.buffer) throw new Error("a shorter tensor did not reuse the grown buffer");
    await expectValues("the shorter tensor", shorter, [7, 7]);
    ws.destroy();
    copied.release();
    copied2.release();
  },
};
