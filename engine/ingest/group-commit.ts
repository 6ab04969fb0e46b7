/**
 * Items submitted in the same turn of the event loop are written together: one call to `write`
 * for all of them (one transaction per table instead of one per HTTP request), and each caller
 * gets its own item's outcome once that write has committed. Concurrent single-event requests
 * then cost about what one batch request does; a lone request waits one turn of the loop.
 *
 * @example
 * const track = new GroupCommit((items) => trackEach(storage, clock, items));
 * const outcome = await track.submit(body); // resolved after the shared write committed
 */
export class GroupCommit<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;

  /** `write` returns one outcome per item, in order; if it throws for a group, each item is written alone and fails alone. */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly maxItems = 1000,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxItems) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    try {
      const outcomes = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(outcomes[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // One item's fault must not fail the requests it was grouped with: each is written alone once more.
      for (const b of batch) {
        try {
          b.resolve((await this.write([b.item]))[0]!);
        } catch (alone) {
          b.reject(alone);
        }
      }
    }
  }
}
