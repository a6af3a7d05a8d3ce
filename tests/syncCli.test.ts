/**
 * `paperloop district serve` and a station's `sync` commands as an IT admin runs them: real child
 * processes, a district on an embedded PostgreSQL it starts itself, no database installed beforehand.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/district/database';
import { acquireStationLock, openDatabase, StationWriter } from '../src/store';
import { main } from '../src/station/cli';
import { setDistrictUrl } from '../src/sync/state';
import { initDataDir } from '../src/station/context';
import { addResponses } from './support/syncStation';

const bin = join(import.meta.dirname, '..', 'bin', 'paperloop.mjs');
// No DATABASE_URL: the district starts its embedded PostgreSQL, as on a fresh machine.
const { DATABASE_URL: _ignored, ...env } = process.env;

function paperloop(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

let root: string;
let district: ChildProcess;
let url: string;
beforeAll(async () => {
  const tmp = tmpdir();
  chmodSync(tmp, statSync(tmp).mode | 0o711);
  root = mkdtempSync(join(tmp, 'sync-cli-'));
  chmodSync(root, 0o711);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  district = spawn(process.execPath, [bin, 'district', '--dir', join(root, 'district'), 'serve', '--host', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    district.stdout!.on('data', (b: Buffer) => {
      said += b.toString();
      if (said.includes('serving on')) resolve();
    });
    district.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    district.once('exit', (code) => reject(new Error(`district serve exited ${code}: ${said}`)));
  });
});
afterAll(async () => {
  if (district && district.exitCode === null) {
    const exited = new Promise((r) => district.once('exit', r));
    district.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

function stationWithResponses(id: string, count: number): string {
  const data = join(root, id);
  expect(initDataDir(data, id).ok).toBe(true); // what `paperloop init` does (its own tests cover it)
  const db = openDatabase(join(data, 'station.db'));
  if (!db.ok) throw new Error(JSON.stringify(db.error));
  addResponses({ db: db.value, store: new StationWriter(db.value, data) }, count);
  db.value.close();
  return data;
}

function enrolAndApprove(data: string): void {
  const enrolled = paperloop('--data', data, 'sync', 'enrol', '--district', url, '--json');
  expect(enrolled.code, enrolled.err).toBe(0);
  const code = (JSON.parse(enrolled.out) as { approvalCode: string }).approvalCode;
  const approved = paperloop('district', '--dir', join(root, 'district'), 'approve', code);
  expect(approved.code, approved.err).toBe(0);
}

describe('sync through the CLI', () => {
  it('serve, enrol, approve, sync now, status', () => {
    const data = stationWithResponses('CLI1', 700);
    enrolAndApprove(data);
    const synced = paperloop('--data', data, 'sync', 'now', '--json');
    expect(synced.code, synced.err).toBe(0);
    expect(JSON.parse(synced.out)).toMatchObject({ chunks: 2, highWater: 700 });
    const status = JSON.parse(paperloop('--data', data, 'sync', 'status', '--json').out) as { pending: number; lastError: string | null; lastSuccess: string | null };
    expect(status).toMatchObject({ pending: 0, lastError: null });
    expect(status.lastSuccess).not.toBeNull();
  }, 240_000); // child processes (the CLI, the district), slow on a loaded machine

  it('a USB drive carries the chunks to the district and its reply back', () => {
    const data = stationWithResponses('CLI2', 300);
    enrolAndApprove(data);
    // Once approved, one more enrol (or sync now) while connected fetches the district's keys.
    expect(paperloop('--data', data, 'sync', 'enrol', '--district', url).out).toMatch(/already approved/);
    const drive = join(root, 'drive');
    mkdirSync(drive);
    expect(paperloop('--data', data, 'sync', 'export', '--to', drive).code).toBe(0);
    const imported = paperloop('district', '--dir', join(root, 'district'), 'import', drive);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/CLI2: 1 chunk\(s\), 300 new entries, high-water mark 300/);
    const applied = paperloop('--data', data, 'sync', 'import', '--from', drive, '--json');
    expect(applied.code, applied.err).toBe(0);
    expect(JSON.parse(applied.out)).toMatchObject({ highWater: 300 });
  }, 240_000); // child processes (the CLI, the district), slow on a loaded machine
});

describe('sync and scans', () => {
  it('sync now does not start while a scan session holds the station', async () => {
    const data = join(root, 'SCAN1');
    expect(initDataDir(data, 'SCAN1').ok).toBe(true);
    const db = openDatabase(join(data, 'station.db'));
    if (!db.ok) throw new Error(JSON.stringify(db.error));
    setDistrictUrl(new StationWriter(db.value, data), 'http://127.0.0.1:9');
    const lock = await acquireStationLock(db.value, { holder: 'scan test', wait: false });
    if (!lock.ok) throw new Error('lock held');
    const run = async () => {
      const said: string[] = [];
      const code = await main(['node', 'paperloop', '--data', data, 'sync', 'now'], { out: (s) => said.push(s), err: (s) => said.push(s) });
      return { code, said: said.join('\n') };
    };
    try {
      expect(await run()).toMatchObject({ code: 1, said: expect.stringMatching(/a scan is running .*"scan test"/) });
    } finally {
      lock.value.release();
    }
    const after = await run();
    expect(after.said).not.toMatch(/a scan is running/);
    expect(after.said).toMatch(/cannot reach the district/);
    db.value.close();
  });
});
