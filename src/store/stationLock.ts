import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { err, ok, type Result } from '../domain/result';
import { retryBusy, writeTransaction } from './busy';
import type { Db } from './database';

/** Who holds the station lock: one process runs a scan session on a data folder at a time. */
export type LockHolder = { holder: string; pid: number; host: string; processStart: string | null; acquiredAt: string };

export type LockOptions = {
  /** What the holder does, for the message a waiting process shows ("ingest …", "scan sane:…"). */
  holder: string;
  /** Wait for the lock (polling every pollMs) or refuse at once when another process holds it. */
  wait: boolean;
  pollMs?: number;
  /** Told once, when this process starts waiting. */
  onWait?: (held: LockHolder) => void;
  clock?: () => Date;
};

export type StationLock = { release: () => void };

/** A process as Linux /proc sees it: its state letter and its start time (null elsewhere, or when it is gone). */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/** Start time of a process, so a pid reused by another program is not taken for the holder. */
export function processStart(pid: number): string | null {
  return procStat(pid)?.start ?? null;
}

/** Is a process of this machine still running (a zombie counts as gone)? */
export function isAlive(pid: number): boolean {
  // A killed process not yet reaped by its parent (a zombie) still answers kill(pid, 0).
  if (['Z', 'X'].includes(procStat(pid)?.state ?? '')) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock left behind is stale when its process is gone (killed, crashed, power cut) or when it names
 * another machine: SQLite in WAL mode only works among processes of one machine, so that row came
 * with a copied or restored database.
 */
export function isStale(held: LockHolder): boolean {
  if (held.host !== hostname()) return true;
  if (!isAlive(held.pid)) return true;
  const start = processStart(held.pid);
  return held.processStart !== null && start !== null && start !== held.processStart;
}

export function lockHolder(db: Db): LockHolder | null {
  const row = db.prepare('SELECT holder, pid, host, process_start, acquired_at FROM station_lock WHERE id = 1').get() as
    | { holder: string; pid: number; host: string; process_start: string | null; acquired_at: string }
    | undefined;
  return row ? { holder: row.holder, pid: row.pid, host: row.host, processStart: row.process_start, acquiredAt: row.acquired_at } : null;
}

export function describeLockHolder(held: LockHolder): string {
  return `another PaperLoop process (pid ${held.pid}, "${held.holder}", since ${held.acquiredAt}) is scanning into this data folder`;
}

/** One attempt, atomic across processes (an immediate transaction): the lock, or who holds it. */
function tryAcquire(db: Db, token: string, o: LockOptions): LockHolder | null {
  return writeTransaction(db, () => {
    const held = lockHolder(db);
    if (held && !isStale(held)) return held;
    db.prepare(
      `INSERT OR REPLACE INTO station_lock (id, token, holder, pid, host, process_start, acquired_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
    ).run(token, o.holder, process.pid, hostname(), processStart(process.pid), (o.clock ?? (() => new Date()))().toISOString());
    return null;
  });
}

/** Takes the station lock, waiting for the holder to finish (wait) or refusing with who holds it. */
export async function acquireStationLock(db: Db, o: LockOptions): Promise<Result<StationLock, LockHolder>> {
  const token = randomUUID();
  let told = false;
  for (;;) {
    const held = tryAcquire(db, token, o);
    if (!held) return ok({ release: () => releaseStationLock(db, token) });
    if (!o.wait) return err(held);
    if (!told) o.onWait?.(held);
    told = true;
    await sleep(o.pollMs ?? 250);
  }
}

/** Never throws: a row it could not delete (a full disk) is taken over as stale once this process has ended. */
function releaseStationLock(db: Db, token: string): void {
  if (!db.open) return;
  try {
    retryBusy(db, () => db.prepare('DELETE FROM station_lock WHERE id = 1 AND token = ?').run(token));
  } catch {
    // Left for the next process to take over.
  }
}
