import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './groupCommit';

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pl-group-'));
    db = new Database(join(dir, 'g.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, tells each only once committed and the WAL fsynced, and puts FULL back', async () => {
    const group = new GroupCommit(db);
    const other = new Database(join(dir, 'g.db'), { readonly: true });
    const seenByOther: number[] = [];
    const insert = (v: string) => group.run(() => Number(db.prepare('INSERT INTO t (v) VALUES (?)').run(v).lastInsertRowid));
    const told = await Promise.all(
      ['a', 'b', 'c'].map((v) =>
        insert(v).then((id) => {
          // Another connection sees the row (committed), and the WAL was fsynced before anyone was told.
          seenByOther.push((other.prepare('SELECT count(*) n FROM t').get() as { n: number }).n);
          expect(group.stats.fsyncs).toBeGreaterThanOrEqual(1);
          return id;
        }),
      ),
    );
    other.close();
    expect(told).toEqual([1, 2, 3]);
    expect(seenByOther).toEqual([3, 3, 3]);
    expect(group.stats).toMatchObject({ commits: 1, writes: 3 });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('rolls back a write that throws alone, and gives its caller the error', async () => {
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([
      group.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('kept')),
      group.run(() => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run('half');
        db.prepare('INSERT INTO t (v) VALUES (NULL)').run();
      }),
      group.run(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('also kept')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect(db.prepare('SELECT v FROM t ORDER BY id').pluck().all()).toEqual(['kept', 'also kept']);
    expect(group.stats).toMatchObject({ commits: 1, writes: 3 });
  });
});
