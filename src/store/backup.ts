import { existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { err, ok, throwIllegalValue, type Result } from '../domain/result';
import { BUSY_TIMEOUT_MS } from './busy';
import { quickCheck, type Db } from './database';
import { fsyncPath } from './fsync';

export type BackupSummary = { path: string; bytes: number; schemaVersion: number };
export type BackupError =
  | { kind: 'same_file'; path: string }
  | { kind: 'no_folder'; path: string }
  | { kind: 'io'; path: string; detail: string }
  | { kind: 'check_failed'; path: string; detail: string };

export function describeBackupError(e: BackupError): string {
  switch (e.kind) {
    case 'same_file':
      return `${e.path} is the live station database (or its journal). Fix: give --to a file outside the data folder, e.g. on a USB drive.`;
    case 'no_folder':
      return `${dirname(e.path)} does not exist. Fix: create the folder (or plug in the drive) and run the backup again.`;
    case 'io':
      return `cannot write the backup ${e.path} (${e.detail}). Fix: check the drive has space and is writable; the station itself is untouched.`;
    case 'check_failed':
      return `the copy at ${e.path} failed its check (${e.detail}) and was deleted. Fix: run the backup again; if it fails again, the station database itself may be damaged (paperloop integrity, docs/backup.md).`;
    default:
      return throwIllegalValue(e);
  }
}

/** The real path of a file, or of its folder when the file does not exist yet. */
const realPathOf = (path: string) => (existsSync(path) ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path)));

/**
 * A consistent copy of the station database while the station runs (other processes may write):
 * SQLite's online backup copies every page in one step, under one read transaction, so it is one
 * snapshot and never restarts. The copy is written beside the target, checked (quick_check), made a
 * single self-contained file (no WAL, no station lock), fsynced, then renamed into place.
 */
export async function backupDatabase(db: Db, to: string): Promise<Result<BackupSummary, BackupError>> {
  const target = resolve(to);
  if (!existsSync(dirname(target))) return err({ kind: 'no_folder', path: target });
  const live = realPathOf(db.name);
  const targetReal = realPathOf(target);
  if ([live, `${live}-wal`, `${live}-shm`].includes(targetReal)) return err({ kind: 'same_file', path: target });
  const partial = `${target}.partial-${process.pid}`;
  const removePartial = () => {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  };
  removePartial();
  try {
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (e) {
    removePartial();
    return err({ kind: 'io', path: target, detail: (e as Error).message });
  }
  let schemaVersion: number;
  try {
    const copy = new Database(partial);
    try {
      copy.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      const damage = quickCheck(copy);
      if (damage) {
        copy.close();
        removePartial();
        return err({ kind: 'check_failed', path: target, detail: damage });
      }
      schemaVersion = copy.pragma('user_version', { simple: true }) as number;
      const hasLock = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'station_lock'`).get();
      if (hasLock) copy.prepare('DELETE FROM station_lock').run();
      copy.pragma('journal_mode = DELETE');
    } finally {
      if (copy.open) copy.close();
    }
    fsyncPath(partial);
    renameSync(partial, target);
    fsyncPath(dirname(target));
  } catch (e) {
    removePartial();
    return err({ kind: 'io', path: target, detail: (e as Error).message });
  }
  return ok({ path: target, bytes: statSync(target).size, schemaVersion });
}
