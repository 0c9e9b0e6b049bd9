// dawn.node's event pump (Node only; src/gpu/device.ts, throttleDawnEventPump): while the GPU works, the
// addon's native setImmediate tick must not spin, and every other use of setImmediate must be untouched.
import { describe, expect, it } from "vitest";
import { promisify } from "node:util";
import { getGpu, isDawnAddonTick as isAddonTick } from "../src/gpu/device.ts";
import { Tensor } from "../src/gpu/tensor.ts";
import { linear } from "../src/kernels/matmul.ts";


describe("Dawn event pump (Node)", () => {
  it("JS and bound callbacks stay immediate; util.promisify(setImmediate) still works", async () => {
    await getGpu();
    const plain = setImmediate(() => undefined);
    const bound = setImmediate((() => undefined).bind(null));
    expect(plain.constructor.name).toBe("Immediate");
    expect(bound.constructor.name).toBe("Immediate");
    expect(await promisify(setImmediate)(7)).toBe(7);
  });

  it("the addon's tick is deferred to a timer, not run in a busy loop, while the GPU works", async () => {
    const g = await getGpu();
    const throttled = globalThis.setImmediate;
    const timer = globalThis.setTimeout;
    let ticks = 0, deferred = 0;
    // the addon looks setImmediate up on the global object at every tick, and the throttle defers it with
    // the global setTimeout, so these wrappers see both. A count of deferrals, not a rate: how many ticks
    // fit in a millisecond depends on how busy the machine is.
    globalThis.setImmediate = ((fn: any, ...a: any[]) => {
      if (isAddonTick(fn)) ticks++;
      return (throttled as any)(fn, ...a);
    }) as any;
    globalThis.setTimeout = ((fn: any, ...a: any[]) => {
      if (isAddonTick(fn)) deferred++;
      return (timer as any)(fn, ...a);
    }) as any;
    const x = Tensor.from(g, new Float32Array(1024 * 768).fill(0.01), [1024, 768]);
    const w = Tensor.from(g, new Float32Array(768 * 768).fill(0.01), [768, 768]);
    try {
      const y = linear(x, w);
      const out = await y.read(); // ~1.2 GFLOP: tens to hundreds of ms on a software adapter
      y.release();
      expect(out[0]).toBeCloseTo(768 * 1e-4, 5);
      expect(ticks).toBeGreaterThan(0);
      // a busy-polling pump re-queues every tick with setImmediate and never defers one
      expect(deferred).toBeGreaterThan(0);
    } finally {
      globalThis.setImmediate = throttled;
      globalThis.setTimeout = timer;
      x.release();
      w.release();
    }
  });
});
