import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { err, ok, throwIllegalValue, type Result } from '../domain/result';
import { BUSY_TIMEOUT_MS, DEFAULT_BUSY_RETRY, retryBusy, writeTransaction } from './busy';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export type OpenError =
  | { kind: 'newer_than_code'; path: string; databaseVersion: number; codeVersion: number }
  | { kind: 'migrations_out_of_order'; detail: string }
  | { kind: 'cannot_open'; path: string; detail: string }
  /** 0 bytes where a station's database should be (a copy or a restore that did not finish). */
  | { kind: 'empty'; path: string }
  /** The file does not start like an SQLite database (overwritten, or another kind of file). */
  | { kind: 'not_a_database'; path: string; detail: string }
  /** An SQLite database whose pages are damaged (truncated, or garbage inside). */
  | { kind: 'damaged'; path: string; detail: string };

const RESTORE_FIX = (path: string) =>
  `Fix: stop PaperLoop, rename ${path} to station.db.damaged (keep it for IT), delete station.db-wal and station.db-shm beside it, ` +
  `then copy your latest backup (made with "paperloop backup --to FILE") to ${path}. See docs/backup.md.`;

export function describeOpenError(e: OpenError): string {
  switch (e.kind) {
    case 'newer_than_code':
      return `${e.path}: database schema v${e.databaseVersion} is newer than this PaperLoop (v${e.codeVersion}). Fix: update PaperLoop on this station; do not downgrade, data would be lost.`;
    case 'migrations_out_of_order':
      return `migrations are out of order: ${e.detail}`;
    case 'cannot_open':
      return `${e.path}: cannot open the station database (${e.detail}). Fix: check that the data folder exists and is writable.`;
    case 'empty':
      return `${e.path}: the station database is empty (0 bytes) although this folder holds a station (settings.json). PaperLoop will not start a new empty station over it. ${RESTORE_FIX(e.path)} If this station was never used, delete station.db and run "paperloop init" again.`;
    case 'not_a_database':
      return `${e.path}: this is not a PaperLoop station database (${e.detail}). ${RESTORE_FIX(e.path)}`;
    case 'damaged':
      return `${e.path}: the station database is damaged (${e.detail}). ${RESTORE_FIX(e.path)}`;
    default:
      return throwIllegalValue(e);
  }
}

export function checkMigrationOrder(migrations: readonly Migration[]): Result<void, OpenError> {
  for (let i = 0; i < migrations.length; i++)
    if (migrations[i]!.version !== i + 1)
      return err({ kind: 'migrations_out_of_order', detail: `entry ${i} has version ${migrations[i]!.version}, expected ${i + 1}` });
  return ok(undefined);
}

/**
 * Applies pending migrations, each in its own immediate transaction, stamping user_version. The
 * version is read again inside each transaction, so two processes opening at once apply each once.
 */
export function migrate(db: Db, path: string, migrations: readonly Migration[] = MIGRATIONS, upTo = migrations.length): Result<number, OpenError> {
  const order = checkMigrationOrder(migrations);
  if (!order.ok) return order;
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const codeVersion = migrations.length;
  if (version() > codeVersion) return err({ kind: 'newer_than_code', path, databaseVersion: version(), codeVersion });
  for (const m of migrations.slice(0, upTo)) {
    if (version() >= m.version) continue;
    writeTransaction(db, () => {
      if (version() >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
  }
  return ok(version());
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** What the file on disk is, before SQLite is let near it: absent, 0 bytes, not SQLite, or an SQLite file. */
function fileShape(path: string): 'absent' | 'empty' | 'not_sqlite' | 'sqlite' {
  if (!existsSync(path)) return 'absent';
  if (statSync(path).size === 0) return 'empty';
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(SQLITE_HEADER) ? 'sqlite' : 'not_sqlite';
}

const CORRUPT_CODES = ['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_IOERR_SHORT_READ'];
const isCorruption = (e: unknown) => CORRUPT_CODES.some((c) => String((e as { code?: unknown }).code ?? '').startsWith(c));

export type OpenOptions = {
  /** The folder already holds a station (settings.json): a 0-byte database is refused instead of becoming an empty station. */
  existingStation?: boolean;
};

export function openDatabase(path: string, options: OpenOptions = {}): Result<Db, OpenError> {
  let shape: ReturnType<typeof fileShape>;
  try {
    shape = fileShape(path);
  } catch (e) {
    return err({ kind: 'cannot_open', path, detail: (e as Error).message });
  }
  if (shape === 'empty' && options.existingStation) return err({ kind: 'empty', path });
  if (shape === 'not_sqlite') return err({ kind: 'not_a_database', path, detail: 'the file does not start with the SQLite header' });
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    return err({ kind: 'cannot_open', path, detail: (e as Error).message });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Switching a new file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once, without its busy
    // handler, while another process opening the same new station does the same: retried like a busy write.
    retryBusy(db, () => db.pragma('journal_mode = WAL'), DEFAULT_BUSY_RETRY, 'another process is opening this new station, or writing to it');
    db.pragma('synchronous = FULL');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    const damage = shape === 'sqlite' ? quickCheck(db) : null;
    if (damage) {
      db.close();
      return err({ kind: 'damaged', path, detail: damage });
    }
    const migrated = migrate(db, path);
    if (!migrated.ok) {
      db.close();
      return migrated;
    }
  } catch (e) {
    db.close();
    if (isCorruption(e)) return err({ kind: 'damaged', path, detail: (e as Error).message });
    return err({ kind: 'cannot_open', path, detail: (e as Error).message });
  }
  return ok(db);
}

/** PRAGMA quick_check: null when the database is sound, else the first problems it found. */
export function quickCheck(db: Db): string | null {
  const rows = db.pragma('quick_check(3)') as { quick_check: string }[];
  const problems = rows
    .map((r) => r.quick_check)
    .filter((m) => m !== 'ok')
    .flatMap((m) => m.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== '*** in database main ***')
    .slice(0, 3);
  return problems.length ? problems.join('; ') : null;
}

export { SCHEMA_VERSION };
