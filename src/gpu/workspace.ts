// A model's training state, allocated once per shape as llm.c allocates its activation and gradient structs
// once per (B, T): every activation the forward keeps, every activation gradient and every kernel temporary
// of a training step lives in an exact-size buffer owned by the state, reused every step, and nothing on the
// step path frees anything by hand.
//
// The state is one root frame (a model's `state`) whose named children are the frames. Code runs inside a frame (frame.run: Tensor.empty, zeros, from and a
// kernel's Tensor.scratch then take the frame's buffers, src/gpu/tensor.ts), and a frame hands out its
// buffers by the tensor's label in the order they are asked for: the k-th "layernorm.dx" a step asks of a
// frame is the frame's k-th "layernorm.dx" buffer, the same one every step (by label, so a use that skips a
// tensor, a frozen block's weight-gradient scratch, does not shift the others into buffers sized for
// something else). Each run() starts again at the first buffers, so what a frame held from its previous
// run is overwritten; frames are chosen so that nothing still needed is (the encoder's backward alternates
// two frames between blocks, llm.c's reuse of activation gradients across layers; each side of a
// realignment pair has its own forward frame). Temporaries that die inside a scope (withScratch: a kernel's,
// or a block's projections its fused LayerNorms consume) take buffers from a child frame per nesting depth,
// started again by every scope of that depth, so all blocks share one set.
//
// Batches are padded to their longest sentence, so T varies: a buffer is allocated for the largest tensor it
// has held, and a smaller one uses its prefix (kernels take their sizes from their params and bind the
// tensor's own bytes or read no further, as they already do with the pool's rounded-up buffers). A longer
// batch grows the buffers it needs once: the work recorded so far is submitted, the smaller buffer destroyed,
// then the larger one made (so the state is never held twice). Uploads into a state's buffer go through a
// recorded copy (Tensor.from), ordered after the recorded work that still reads what the buffer held.
//
// src/train/estimate.ts measures a step's frames on a counting device, so `xlt info` reports what a step allocates.
import type { Gpu } from "./device.ts";
import { flush } from "./recorder.ts";
import { type BufferSource, allocatingFrom, createExactBuffer, destroyExactBuffer, retireExactBuffer } from "./tensor.ts";

export class Frame implements BufferSource {
  private slots = new Map<string, GPUBuffer[]>();
  private next = new Map<string, number>();
  private children = new Map<string, Frame>();

  /** `device`: the device whose buffers it holds (a frame made without one holds the process's GPU's) */
  constructor(readonly name: string, public device: Gpu | null = null) {}

  take(g: Gpu, bytes: number, label: string): GPUBuffer {
    if (this.device && this.device !== g) throw new Error(`frame ${this.name} holds another device's buffers`);
    this.device = g;
    let list = this.slots.get(label);
    if (!list) this.slots.set(label, (list = []));
    const k = this.next.get(label) ?? 0;
    this.next.set(label, k + 1);
    let buffer: GPUBuffer | undefined = list[k];
    if (buffer && buffer.size < bytes) {
      // a longer batch: recorded work may still use the smaller buffer, so it is submitted first, and the
      // buffer goes before the larger one exists (the old and the new state are never held together)
      flush(g);
      destroyExactBuffer(g, buffer);
      buffer = undefined;
    }
    if (!buffer) list[k] = buffer = createExactBuffer(g, bytes, `${this.name}: ${label}`);
    return buffer;
  }

  /**
   * A frame of its own by name: the root's frames (a step's phases), or one iteration of a loop inside this
   * frame's work (eachScratch, src/gpu/tensor.ts).
   */
  child(name: string): Frame {
    let c = this.children.get(name);
    if (!c) this.children.set(name, (c = new Frame(`${this.name}/${name}`, this.device)));
    return c;
  }

  /** Starts handing out this frame's buffers from the first again. */
  rewind(): void {
    this.next.clear();
  }

  /** Runs fn allocating from this frame, from its first buffer on. */
  run<T>(fn: () => T): T {
    this.rewind();
    return allocatingFrom(this, fn);
  }

  /** Runs fn allocating from this frame after what it has handed out since its last run() began. */
  resume<T>(fn: () => T): T {
    return allocatingFrom(this, fn);
  }

  /** Bytes of this frame's buffers and its children's. */
  get bytes(): number {
    let n = this.ownBytes;
    for (const c of this.children.values()) n += c.bytes;
    return n;
  }

  /** Bytes of this frame's own buffers (not its children's: scratch, loop iterations). */
  get ownBytes(): number {
    let n = 0;
    for (const list of this.slots.values()) for (const b of list) n += b.size;
    return n;
  }

  /** Frees every buffer, children's too (after the next submit when recorded work may still use them). */
  destroy(): void {
    for (const list of this.slots.values()) for (const b of list) retireExactBuffer(this.device!, b);
    this.slots.clear();
    this.next.clear();
    for (const c of this.children.values()) c.destroy();
  }
}

/**
 * A training run's state: the root frame whose named children hold its step's tensors. The training loop
 * makes it and passes it to what allocates from it (the encoder's forward and backward, the objective's
 * heads and losses, the step's read), and destroys it at the end.
 */
export class TrainingState extends Frame {
  constructor(device: Gpu) {
    super("state", device);
  }
}
