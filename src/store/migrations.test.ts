import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from './database';
import { MIGRATIONS } from './migrations';

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

describe('migrations', () => {
  it('migration 1 creates items, skills and roster tables, and keeps data through later migrations', () => {
    const db = new Database(':memory:');
    expect(migrate(db, ':memory:', MIGRATIONS, 1)).toEqual({ ok: true, value: 1 });
    expect(tables(db)).toEqual(expect.arrayContaining(['items', 'skills', 'classes', 'students', 'enrollments', 'station_meta']));
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    expect(migrate(db, ':memory:')).toEqual({ ok: true, value: MIGRATIONS.length });
    expect(db.prepare('SELECT name FROM classes').get()).toEqual({ name: 'Class 7A' });
  });

  it('migration 2 adds workbook sets, print jobs and printed pages on top of 1', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 1);
    expect(tables(db)).not.toContain('printed_pages');
    expect(migrate(db, ':memory:', MIGRATIONS, 2)).toEqual({ ok: true, value: 2 });
    expect(tables(db)).toEqual(expect.arrayContaining(['workbook_sets', 'workbooks', 'print_jobs', 'printed_pages']));
    expect(() => db.prepare(`INSERT INTO workbook_sets (id, class_id, subject, date, status, request_json) VALUES ('x','nope','math','2026-11-24','bogus','{}')`).run()).toThrow();
  });

  it('migration 3 adds scans, responses, review queue, overrides and audit on top of 2', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 2);
    expect(migrate(db, ':memory:', MIGRATIONS, 3)).toEqual({ ok: true, value: 3 });
    expect(tables(db)).toEqual(expect.arrayContaining(['scan_sessions', 'scanned_images', 'responses', 'review_queue', 'overrides', 'audit_log']));
  });

  it('migration 4 adds selection overrides on top of 3, keeping earlier rows', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 3);
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    expect(migrate(db, ':memory:', MIGRATIONS, 4)).toEqual({ ok: true, value: 4 });
    db.prepare(`INSERT INTO selection_overrides (seq, class_id, student_id, kind, value, teacher, at) VALUES (1, '7A', 'S1', 'pin', 'x', 't', 'now')`).run();
    expect(() => db.prepare(`INSERT INTO selection_overrides (seq, class_id, kind, value, teacher, at) VALUES (2, '7A', 'bogus', 'x', 't', 'now')`).run()).toThrow();
    expect(db.prepare('SELECT name FROM classes').get()).toEqual({ name: 'Class 7A' });
  });

  it('refuses a database newer than the code, with a clear reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-db-'));
    const path = join(dir, 'station.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const opened = openDatabase(path);
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.error).toMatchObject({ kind: 'newer_than_code', databaseVersion: MIGRATIONS.length + 1 });
  });

  it('refuses a migration list out of order', () => {
    const db = new Database(':memory:');
    const shuffled = [MIGRATIONS[1]!, MIGRATIONS[0]!];
    expect(migrate(db, ':memory:', shuffled)).toMatchObject({ ok: false, error: { kind: 'migrations_out_of_order' } });
  });

  it('opens in WAL mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-db-'));
    const opened = openDatabase(join(dir, 'station.db'));
    expect(opened.ok).toBe(true);
    if (opened.ok) expect(opened.value.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
