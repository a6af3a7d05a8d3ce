import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { busyRetries, isBusyError, writeTransaction } from './busy';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Two connections to one WAL database; the second gives up at once when busy (busy_timeout 0), so retries show. */
function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'pl-busy-'));
  dirs.push(dir);
  const path = join(dir, 'x.db');
  const holder = new Database(path);
  holder.pragma('journal_mode = WAL');
  holder.exec('CREATE TABLE t (n INTEGER)');
  const other = new Database(path);
  other.pragma('busy_timeout = 0');
  return { holder, other };
}

describe('writes while another connection holds the write lock', () => {
  it('a write transaction retries with back-off, then gives up with SQLITE_BUSY if the lock is never released', () => {
    const { holder, other } = twoConnections();
    holder.prepare('BEGIN IMMEDIATE').run();
    const before = busyRetries();
    let error: unknown;
    try {
      writeTransaction(other, () => other.prepare('INSERT INTO t VALUES (1)').run(), { attempts: 3, firstDelayMs: 1, maxDelayMs: 2 });
    } catch (e) {
      error = e;
    }
    expect(isBusyError(error)).toBe(true);
    expect(busyRetries() - before).toBe(2);
    holder.prepare('ROLLBACK').run();
    writeTransaction(other, () => other.prepare('INSERT INTO t VALUES (2)').run());
    expect(holder.prepare('SELECT n FROM t').all()).toEqual([{ n: 2 }]);
  });

  it('a transaction that read before another process wrote still commits (BEGIN IMMEDIATE takes the lock before reading)', () => {
    const { holder, other } = twoConnections();
    other.pragma('busy_timeout = 2000');
    holder.pragma('busy_timeout = 0');
    // Deferred, the read below would pin a snapshot that the holder's commit makes stale: SQLITE_BUSY_SNAPSHOT at the write.
    writeTransaction(other, () => {
      const n = (other.prepare('SELECT count(*) n FROM t').get() as { n: number }).n;
      expect(() => holder.prepare('INSERT INTO t VALUES (9)').run()).toThrow(/locked|busy/i);
      other.prepare('INSERT INTO t VALUES (?)').run(n);
    });
    expect(other.prepare('SELECT n FROM t').all()).toEqual([{ n: 0 }]);
  });
});
