import { fsyncPathOffThread } from './fsync';
import { writeTransaction } from './busy';
import type { Db } from './database';

type Pending = { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit for the single writer, with the journal's fsync off the event loop.
 *
 * The writes asked for in one turn of the event loop run in one transaction, each in its own savepoint (one that
 * throws is rolled back alone, and its caller gets the error). The transaction commits with `synchronous = NORMAL`:
 * SQLite writes it to the WAL without waiting for the disk. Then the WAL is fsynced in libuv's pool, and only then do
 * the writes' promises settle, so nothing acts on a write (a read started, a page reported graded) before it is as
 * durable as `synchronous = FULL` would have made it. Commits made while an fsync runs share the next one.
 * The connection's own setting is back in place as soon as the group has committed, for every other writer.
 * A write must not act outside the database: a busy database retries the whole group.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  private scheduled = false;
  private syncing: Promise<void> | null = null;
  private nextSync: Promise<void> | null = null;
  /** A failed fsync of the WAL: after one, Linux may report later fsyncs as done with the data lost, so every write fails. */
  private fsyncFailure: unknown = null;
  private readonly synchronous: number;
  /** Transactions committed, writes they held, and fsyncs of the WAL finished, since this was made (for the benchmarks). */
  readonly stats = { commits: 0, writes: 0, fsyncs: 0 };

  constructor(private readonly db: Db) {
    this.synchronous = db.pragma('synchronous', { simple: true }) as number;
  }

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.fsyncFailure !== null) return reject(this.fsyncFailure);
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
    this.db.pragma('synchronous = NORMAL');
    try {
      settled = writeTransaction(this.db, () =>
        group.map((p) => {
          try {
            return { value: writeTransaction(this.db, p.write) };
          } catch (error) {
            return { error };
          }
        }),
      );
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    } finally {
      this.db.pragma(`synchronous = ${this.synchronous}`);
    }
    this.stats.commits++;
    this.stats.writes += group.length;
    this.durable().then(
      () => group.forEach((p, i) => {
        const s = settled[i]!;
        if ('error' in s) p.reject(s.error);
        else p.resolve(s.value);
      }),
      (error: unknown) => {
        this.fsyncFailure ??= error;
        group.forEach((p) => p.reject(error));
      },
    );
  }

  /** Resolves once everything committed before this call is on the disk (a fsync of the WAL started after it). */
  flushed(): Promise<void> {
    return this.fsyncFailure !== null ? Promise.reject(this.fsyncFailure) : this.durable();
  }

  /** Resolves once a fsync of the WAL that started after this call has finished. */
  private durable(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.fsyncWal().finally(() => (this.syncing = null));
      return this.syncing;
    }
    // The fsync running now may have started before this commit: wait for the next, which all such commits share.
    const next = () => {
      this.nextSync = null;
      return this.durable();
    };
    this.nextSync ??= this.syncing.then(next, next);
    return this.nextSync;
  }

  private async fsyncWal(): Promise<void> {
    try {
      await fsyncPathOffThread(`${this.db.name}-wal`);
      this.stats.fsyncs++;
    } catch (e) {
      // No WAL: it was checkpointed into the database file (and synced with it) and removed.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
