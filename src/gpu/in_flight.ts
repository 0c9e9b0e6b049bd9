// One step in flight: training loops (realign, finetune) and evaluation batches record and submit step n
// with a readback of its result, and only then wait for step n−1's. The host records step n while the GPU
// still runs step n−1 instead of the GPU idling while the host records. The GPU runs the same work in the
// same order, so results are identical; what changes is that a step's result (a non-finite loss) is seen
// one step late, after the next step was submitted. Callers drain before anything that must see the state
// right after a step (a checkpoint, a dev evaluation, the end).
export class OneInFlight<T> {
  private current: T | null = null;

  /**
   * settle: waits for an item's result and uses it (may throw, e.g. on a non-finite loss);
   * pending: the item's result promise, whose rejection is ignored once the item is abandoned.
   */
  constructor(private readonly settle: (item: T) => Promise<void>, private readonly pending: (item: T) => Promise<unknown>) {}

  /** Tracks `item` (its work already submitted) and settles the one before it. */
  async push(item: T): Promise<void> {
    const previous = this.current;
    this.current = item;
    if (previous) await this.settle(previous);
  }

  /** Settles the item in flight, if any. */
  async drain(): Promise<void> {
    const f = this.current;
    this.current = null;
    if (f) await this.settle(f);
  }

  /** After a failure: forgets the item in flight (its outcome no longer matters). */
  abandon(): void {
    if (this.current) this.pending(this.current).catch(() => undefined);
    this.current = null;
  }
}
