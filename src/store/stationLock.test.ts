import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { migrate } from './database';
import Database from 'better-sqlite3';
import { acquireStationLock, lockHolder, processStart } from './stationLock';

function lockedBy(pid: number, o: { host?: string; processStart?: string | null } = {}) {
  const db = new Database(':memory:');
  migrate(db, ':memory:');
  db.prepare(`INSERT INTO station_lock (id, token, holder, pid, host, process_start, acquired_at) VALUES (1, 'theirs', 'scan sane:test', ?, ?, ?, '2026-12-06T10:00:00Z')`)
    .run(pid, o.host ?? hostname(), o.processStart === undefined ? processStart(pid) : o.processStart);
  return db;
}
/** A pid that has just exited: a process killed mid-scan. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('the station lock', () => {
  it('refuses while a live process on this machine holds it, naming that process', async () => {
    const db = lockedBy(process.ppid);
    const r = await acquireStationLock(db, { holder: 'ingest', wait: false });
    expect(r).toMatchObject({ ok: false, error: { pid: process.ppid, holder: 'scan sane:test' } });
  });

  it('takes over a lock whose process is gone, whose pid now names another program, or that came from another machine', async () => {
    for (const db of [lockedBy(deadPid()), lockedBy(process.ppid, { processStart: 'not-its-start' }), lockedBy(process.ppid, { host: 'another-station' })]) {
      const r = await acquireStationLock(db, { holder: 'ingest', wait: false });
      expect(r.ok).toBe(true);
      expect(lockHolder(db)).toMatchObject({ pid: process.pid, holder: 'ingest' });
      if (r.ok) r.value.release();
      expect(lockHolder(db)).toBeNull();
    }
  });

  it.skipIf(process.platform !== 'linux')('takes over a lock whose process was killed but not yet reaped (a zombie)', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 5`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d) => resolve(String(d)))));
      while (!/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8'))) await new Promise((r) => setImmediate(r));
      const db = lockedBy(zombie);
      expect((await acquireStationLock(db, { holder: 'ingest', wait: false })).ok).toBe(true);
    } finally {
      parent.kill();
    }
  });

  it('waits for the holder, saying so once, and goes on when it is released', async () => {
    const db = lockedBy(process.ppid);
    const told: number[] = [];
    const r = await acquireStationLock(db, {
      holder: 'ingest', wait: true, pollMs: 5,
      // The holder finishes as soon as we start waiting.
      onWait: (held) => {
        told.push(held.pid);
        db.prepare(`DELETE FROM station_lock WHERE token = 'theirs'`).run();
      },
    });
    expect(r.ok).toBe(true);
    expect(told).toEqual([process.ppid]);
  });

  it('a release removes only its own lock', async () => {
    const db = lockedBy(deadPid());
    const mine = await acquireStationLock(db, { holder: 'first', wait: false });
    if (!mine.ok) throw new Error('not acquired');
    db.prepare(`UPDATE station_lock SET token = 'someone-else', holder = 'second'`).run();
    mine.value.release();
    expect(lockHolder(db)).toMatchObject({ holder: 'second' });
  });
});
