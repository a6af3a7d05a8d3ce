import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './database';
import { passedLayoutVersions, recordPassedLayouts } from './layoutSelfTests';
import { MIGRATIONS } from './migrations';

describe('migration 9: layouts that passed the self-test', () => {
  it('adds the table on top of 8, keeping earlier rows, one pass per layout version and method', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 8);
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    expect(migrate(db, ':memory:', MIGRATIONS, 9)).toEqual({ ok: true, value: 9 });
    expect(db.prepare('SELECT name FROM classes').get()).toEqual({ name: 'Class 7A' });
    const insert = db.prepare(`INSERT INTO layout_self_tests (layout_version, method, passed_at, reads) VALUES (?, ?, 'now', 3)`);
    insert.run('ABC', 'm1');
    insert.run('ABC', 'm2');
    expect(() => insert.run('ABC', 'm1')).toThrow(/UNIQUE/);
  });

  it('answers which versions passed under a method', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 9);
    recordPassedLayouts(db, [{ layoutVersion: 'AAA', reads: 3 }, { layoutVersion: 'BBB', reads: 3 }], 'm1', '2026-12-06T22:00:00Z');
    expect(passedLayoutVersions(db, ['AAA', 'CCC', 'BBB'], 'm1')).toEqual(new Set(['AAA', 'BBB']));
    expect(passedLayoutVersions(db, ['AAA'], 'm2')).toEqual(new Set());
    expect(passedLayoutVersions(db, [], 'm1')).toEqual(new Set());
  });
});
