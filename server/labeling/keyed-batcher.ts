/**
 * Runs work in batches, one batch at a time per key, in this process: a request that arrives while
 * its key's batch runs waits, with everyone else who arrives meanwhile, for the next batch. Leasing
 * uses it per project: fifty annotators asking at once cost a few transactions between them, each
 * paying the lock and commit once, instead of fifty transactions one after another (and they hold
 * one database connection between them, not the whole pool).
 */
export class KeyedBatcher<K, I, O> {
  /** Only keys with a batch running or waiting: a key's entry goes when its queue drains. */
  private readonly queues = new Map<K, { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[]>();

  /**
   * `runBatch` gets a key's waiting inputs in arrival order and answers one output per input, in
   * the same order; if it throws, every request of that batch gets the error, and the next batch
   * runs as usual.
   */
  constructor(
    private readonly runBatch: (key: K, inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 64,
  ) {}

  run(key: K, input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const waiting = this.queues.get(key);
      if (waiting) {
        waiting.push({ input, resolve, reject });
        return;
      }
      const queue = [{ input, resolve, reject }];
      this.queues.set(key, queue);
      void this.drain(key, queue);
    });
  }

  /** Keys with a batch running or waiting (for tests). */
  get size(): number {
    return this.queues.size;
  }

  private async drain(key: K, queue: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const outputs = await this.runBatch(
          key,
          batch.map((b) => b.input),
        );
        if (outputs.length !== batch.length) throw new Error(`a batch of ${batch.length} answered ${outputs.length} results`);
        batch.forEach((b, i) => b.resolve(outputs[i]!));
      } catch (error) {
        batch.forEach((b) => b.reject(error));
      }
    }
    this.queues.delete(key);
  }
}
