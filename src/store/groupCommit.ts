type Pending = { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit for the single writer: the writes asked for in one turn of the event loop (and those that arrived while
 * the previous commit held the thread) run in one transaction, so they share one fsync of the journal. Each write runs
 * in its own savepoint: one that throws is rolled back alone and its caller gets the error. A write's promise settles
 * only after the commit, so nothing is told before it is durable. A write must not act outside the database: a busy
 * database retries the whole group.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Transactions committed and writes they held, since this was made (for the benchmarks). */
  readonly stats = { commits: 0, writes: 0 };

  /** `transaction`: the store's write transaction, which becomes a savepoint when called inside another. */
  constructor(private readonly transaction: <T>(fn: () => T) => T) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    this.scheduled = false;
    const group = this.pending.splice(0);
    let settled: ({ value: unknown } | { error: unknown })[];
    try {
      settled = this.transaction(() =>
        group.map((p) => {
          try {
            return { value: this.transaction(p.write) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    this.stats.commits++;
    this.stats.writes += group.length;
    group.forEach((p, i) => {
      const s = settled[i]!;
      if ('error' in s) p.reject(s.error);
      else p.resolve(s.value);
    });
  }
}
