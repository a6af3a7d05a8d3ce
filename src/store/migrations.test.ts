import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('migration 5 stores image paths relative to the data folder, from any folder the station ran in', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 4);
    const sha = (c: string) => c.repeat(64);
    const insert = db.prepare(`INSERT INTO scanned_images (sha256, path, media_type, bytes, status) VALUES (?, ?, 'image/jpeg', 1, 'queued')`);
    insert.run(sha('a'), `/srv/images/paperloop-data/images/aa/aa/${sha('a')}.jpg`);
    insert.run(sha('b'), `C:\\Users\\t\\paperloop-data\\images\\bb\\bb\\${sha('b')}.png`);
    insert.run(sha('c'), `/somewhere/else/${sha('c')}.jpg`);
    insert.run(sha('d'), `images/dd/dd/${sha('d')}.jpg`);
    expect(migrate(db, ':memory:', MIGRATIONS, 5)).toEqual({ ok: true, value: 5 });
    expect((db.prepare('SELECT path FROM scanned_images ORDER BY id').all() as { path: string }[]).map((r) => r.path)).toEqual([
      `images/aa/aa/${sha('a')}.jpg`,
      `images/bb/bb/${sha('b')}.png`,
      `/somewhere/else/${sha('c')}.jpg`,
      `images/dd/dd/${sha('d')}.jpg`,
    ]);
  });

  it('migration 6 indexes enrollments by student, so a class list does not scan every enrollment per student', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 5);
    const plan = () =>
      (db.prepare(`EXPLAIN QUERY PLAN SELECT group_concat(class_id) FROM enrollments WHERE student_id = 'S1'`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan()).toMatch(/SCAN enrollments/);
    expect(migrate(db, ':memory:', MIGRATIONS, 6)).toEqual({ ok: true, value: 6 });
    expect(plan()).toMatch(/SEARCH enrollments USING COVERING INDEX enrollments_student/);
  });

  it('migration 7 adds the station lock, one row at most', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 6);
    expect(tables(db)).not.toContain('station_lock');
    expect(migrate(db, ':memory:', MIGRATIONS, 7)).toEqual({ ok: true, value: 7 });
    const lock = db.prepare(`INSERT INTO station_lock (id, token, holder, pid, host, acquired_at) VALUES (?, 't', 'ingest', 1, 'h', 'now')`);
    lock.run(1);
    expect(() => lock.run(2)).toThrow();
  });

  it('opens a new station while another connection holds its write lock for a moment (the switch to WAL is retried)', async () => {
    // The switch to WAL upgrades a read lock to a write lock, and SQLite refuses that at once, without its busy handler,
    // while another connection holds the write lock: without the retry this fails every time.
    const dir = mkdtempSync(join(tmpdir(), 'pl-db-'));
    const path = join(dir, 'station.db');
    new Database(path).exec('CREATE TABLE held (x)');
    const script = `const Database = (await import('better-sqlite3')).default; const db = new Database(${JSON.stringify(path)});
      db.exec('BEGIN IMMEDIATE; INSERT INTO held VALUES (1)'); process.stdout.write('held\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); db.exec('COMMIT'); db.close();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(import.meta.dirname, '..', '..') });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      void exited.then((code) => reject(new Error(`the lock holder exited ${code} before holding the lock`)));
    });
    const opened = openDatabase(path);
    expect(opened.ok, JSON.stringify(!opened.ok && opened.error)).toBe(true);
    if (opened.ok) {
      expect(opened.value.pragma('journal_mode', { simple: true })).toBe('wal');
      opened.value.close();
    }
    expect(await exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  // Each round is a new station (the test above forces the WAL race every time; these rounds race it as it comes).
  it.each([1, 2, 3, 4])('four processes opening a new station at the same moment apply each migration once (round %i)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-db-'));
    const path = join(dir, 'station.db');
    const go = join(dir, 'go');
    // Each child loads, says "ready", then spins until the go file appears, so all open within a millisecond.
    const script = `import { existsSync } from 'node:fs'; import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, 'database.ts'))};
      process.stdout.write('ready\\n'); while (!existsSync(${JSON.stringify(go)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      const r = openDatabase(${JSON.stringify(path)}); if (!r.ok) { console.error(JSON.stringify(r.error)); process.exit(1); }`;
    let ready = 0;
    let everyoneReady = () => undefined as void;
    const allReady = new Promise<void>((r) => (everyoneReady = r));
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stdout.once('data', () => ++ready === 4 && everyoneReady());
        child.stderr.on('data', (d) => (stderr += d));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const runs = [run(), run(), run(), run()];
    await allReady;
    writeFileSync(go, '');
    for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

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

describe('migration 8', () => {
  it('adds the labelled comb crops table on top of 7, keeping the classes', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 7);
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    expect(tables(db)).not.toContain('comb_crops');
    expect(migrate(db, ':memory:', MIGRATIONS, 8)).toEqual({ ok: true, value: 8 });
    expect(tables(db)).toContain('comb_crops');
    expect(db.prepare('SELECT name FROM classes').get()).toEqual({ name: 'Class 7A' });
    expect(() => db.prepare(`INSERT INTO comb_crops (class_id, item_id, box, char, input, confirmed_at, actor) VALUES ('nope', 'i', 0, '1', x'00', 't', 'a')`).run()).toThrow(/FOREIGN KEY/);
  });
});
