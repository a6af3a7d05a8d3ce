import { closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeOpenError, openDatabase } from './database';
import { StationWriter } from './writer';

const SEED = 20261206;
console.log(`seed ${SEED}`);

/** Deterministic garbage (xorshift32), so a failure can be reproduced byte for byte. */
function garbage(length: number, seed = SEED): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A station database with a few hundred rows in several tables, closed (WAL folded back in). */
function stationDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-damage-'));
  dirs.push(dir);
  const path = join(dir, 'station.db');
  const opened = openDatabase(path);
  if (!opened.ok) throw new Error(describeOpenError(opened.error));
  const store = new StationWriter(opened.value);
  store.importRoster({
    classes: [{ id: '7A', name: 'Class 7A', grade: 7 }],
    students: Array.from({ length: 400 }, (_, i) => ({ id: `S${i}`, displayName: `Student number ${i} with a longer name`, grade: 7, language: 'en', largePrint: false })),
    enrollments: Array.from({ length: 400 }, (_, i) => ({ classId: '7A', studentId: `S${i}` })),
  });
  for (let i = 0; i < 200; i++) store.audit('test', 'filler', { i, text: 'x'.repeat(200) }, '2026-12-06T00:00:00Z');
  opened.value.close();
  return path;
}

describe('opening a damaged station database', () => {
  it('refuses a 0-byte station.db beside an existing station, saying how to restore', () => {
    const path = stationDb();
    truncateSync(path, 0);
    const opened = openDatabase(path, { existingStation: true });
    expect(opened).toMatchObject({ ok: false, error: { kind: 'empty', path } });
    if (!opened.ok) expect(describeOpenError(opened.error)).toMatch(/0 bytes.*copy your latest backup.*docs\/backup\.md/);
    expect(statSync(path).size).toBe(0);
  });

  it('still creates a new database where there was none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-damage-'));
    dirs.push(dir);
    const opened = openDatabase(join(dir, 'station.db'), { existingStation: true });
    expect(opened.ok).toBe(true);
    if (opened.ok) opened.value.close();
  });

  it('refuses a truncated station.db as damaged, with no stack trace', () => {
    const path = stationDb();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    const opened = openDatabase(path, { existingStation: true });
    expect(opened).toMatchObject({ ok: false, error: { kind: 'damaged', path } });
    if (!opened.ok) expect(describeOpenError(opened.error)).toMatch(/damaged.*rename .*station\.db\.damaged.*copy your latest backup/);
  });

  it('notices garbage written inside the database', () => {
    const path = stationDb();
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    // Pages in the middle, away from the header: the file still opens as SQLite.
    writeSync(fd, garbage(8192), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    expect(openDatabase(path, { existingStation: true })).toMatchObject({ ok: false, error: { kind: 'damaged' } });
  });

  it('refuses a file of garbage as not a station database', () => {
    const path = stationDb();
    writeFileSync(path, garbage(64 * 1024));
    const opened = openDatabase(path, { existingStation: true });
    expect(opened).toMatchObject({ ok: false, error: { kind: 'not_a_database' } });
    if (!opened.ok) expect(describeOpenError(opened.error)).toMatch(/not a PaperLoop station database.*backup/);
  });
});
