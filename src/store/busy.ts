import type Database from 'better-sqlite3';

/** The connection type, named here so database.ts can use these helpers without an import cycle. */
type Db = Database.Database;

/** How long SQLite itself waits for another process's write lock before a statement gives up (PRAGMA busy_timeout). */
export const BUSY_TIMEOUT_MS = 5000;

/** What a write does when another process holds the lock longer than BUSY_TIMEOUT_MS: try again, waiting longer each time. */
export type BusyRetry = { attempts: number; firstDelayMs: number; maxDelayMs: number };
export const DEFAULT_BUSY_RETRY: BusyRetry = { attempts: 6, firstDelayMs: 25, maxDelayMs: 2000 };

let retriesSoFar = 0;
/** Writes retried in this process because the database was busy (reported by tests and the concurrency figures). */
export function busyRetries(): number {
  return retriesSoFar;
}

/** SQLITE_BUSY (another connection holds the lock) and SQLITE_LOCKED (a conflict inside this one), with their extended codes. */
export function isBusyError(e: unknown): boolean {
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** better-sqlite3 is synchronous, so the wait between attempts is too (like SQLite's own busy handler). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Runs a write, retrying it with exponential backoff while the database is busy. Inside an open
 * transaction a write is never retried alone: the outermost transaction is the unit that retries.
 * `holder`: who is likely holding the lock, for the line printed on each retry.
 */
export function retryBusy<T>(db: Db, write: () => T, policy: BusyRetry = DEFAULT_BUSY_RETRY, holder = 'another PaperLoop process is writing'): T {
  if (db.inTransaction) return write();
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (e) {
      if (!isBusyError(e) || attempt >= policy.attempts) throw e;
      retriesSoFar++;
      const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
      process.stderr.write(`paperloop: the station database stayed busy (${holder}); retry ${attempt} of ${policy.attempts - 1} in ${delayMs} ms\n`);
      sleepSync(delayMs);
    }
  }
}

/**
 * A write transaction that takes the write lock first (BEGIN IMMEDIATE), so it never fails half
 * way when another process wrote since it started reading; busy is retried.
 */
export function writeTransaction<T>(db: Db, fn: () => T, policy: BusyRetry = DEFAULT_BUSY_RETRY): T {
  return retryBusy(db, () => db.transaction(fn).immediate(), policy);
}
