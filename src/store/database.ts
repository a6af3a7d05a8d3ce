import Database from 'better-sqlite3';
import { err, ok, type Result } from '../domain/result';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export type OpenError =
  | { kind: 'newer_than_code'; path: string; databaseVersion: number; codeVersion: number }
  | { kind: 'migrations_out_of_order'; detail: string }
  | { kind: 'cannot_open'; path: string; detail: string };

export function describeOpenError(e: OpenError): string {
  switch (e.kind) {
    case 'newer_than_code':
      return `${e.path}: database schema v${e.databaseVersion} is newer than this PaperLoop (v${e.codeVersion}). Fix: update PaperLoop on this station; do not downgrade, data would be lost.`;
    case 'migrations_out_of_order':
      return `migrations are out of order: ${e.detail}`;
    case 'cannot_open':
      return `${e.path}: cannot open the station database (${e.detail}). Fix: check that the data folder exists and is writable.`;
  }
}

export function checkMigrationOrder(migrations: readonly Migration[]): Result<void, OpenError> {
  for (let i = 0; i < migrations.length; i++)
    if (migrations[i]!.version !== i + 1)
      return err({ kind: 'migrations_out_of_order', detail: `entry ${i} has version ${migrations[i]!.version}, expected ${i + 1}` });
  return ok(undefined);
}

/** Applies pending migrations, each in its own transaction, stamping user_version. */
export function migrate(db: Db, path: string, migrations: readonly Migration[] = MIGRATIONS, upTo = migrations.length): Result<number, OpenError> {
  const order = checkMigrationOrder(migrations);
  if (!order.ok) return order;
  const current = db.pragma('user_version', { simple: true }) as number;
  const codeVersion = migrations.length;
  if (current > codeVersion) return err({ kind: 'newer_than_code', path, databaseVersion: current, codeVersion });
  for (const m of migrations.slice(current, upTo)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return ok(db.pragma('user_version', { simple: true }) as number);
}

export function openDatabase(path: string): Result<Db, OpenError> {
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    return err({ kind: 'cannot_open', path, detail: (e as Error).message });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_size_limit = 67108864');
  db.pragma('foreign_keys = ON');
  const migrated = migrate(db, path);
  if (!migrated.ok) {
    db.close();
    return migrated;
  }
  return ok(db);
}

export { SCHEMA_VERSION };
