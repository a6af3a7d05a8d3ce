import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeImageDurably } from '../src/scan/imageStore';
import { openStation, REPO_ROOT } from '../src/station/context';
import { startHttp } from '../src/station/http';
import { invoke } from '../src/station/invoke';
import { MIGRATIONS } from '../src/store';
import { printSet, writeStack } from './support/stack';
import { tempStation } from './support/station';

/** The data folder as files: moved elsewhere, damaged, backed up while in use, restored. */
const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const TOKEN = 'data-folder-test-token-0123456789';
const SEED = 'data-folder';
const temps: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const cli = (dataDir: string, args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, PAPERLOOP_DATA: dataDir }, encoding: 'utf8', timeout: 120_000 });

/** A station with one read stack, one uncertain answer in the review queue, and three pages stored but not yet read. */
async function stationWithWorkLeft(): Promise<{ dir: string; queued: number; reviewResponseId: number }> {
  const ctx = tempStation(undefined, tempDir('pl-move-'));
  const { pdf, pages } = await printSet(ctx, '7A', 20, SEED);
  const read = join(ctx.dir, 'stack-read');
  const left = join(ctx.dir, 'stack-left');
  await writeStack(ctx, read, { pdf, pages, seed: `${SEED}-read`, dpi: 150, profile: 'clean', answers: 'mixed', pageIndices: [0, 1], count: 2 });
  await writeStack(ctx, left, { pdf, pages, seed: `${SEED}-left`, dpi: 150, profile: 'clean', answers: 'mixed', pageIndices: [2, 3, 4], count: 3 });
  const ingested = await invoke(ctx, 'ingest', { paths: [read] });
  if (!ingested.ok) throw new Error(ingested.error.message);
  const images = join(ctx.dir, 'images');
  // Stored and queued, as a power cut leaves them: the next start reads them.
  for (const f of ['scan-0001.jpg', 'scan-0002.jpg', 'scan-0003.jpg']) {
    const bytes = readFileSync(join(left, f));
    const saved = await storeImageDurably(images, bytes, 'image/jpeg');
    if (!saved.ok) throw new Error(saved.error.detail);
    ctx.store.scans.insertImage({ sessionId: null, sha256: saved.value.sha256, path: saved.value.path, mediaType: 'image/jpeg', bytes: bytes.length });
  }
  // One uncertain answer on a stored scan, for the crop.
  const jpeg = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 200, g: 210, b: 220 } } }).jpeg().toBuffer();
  const saved = await storeImageDurably(images, jpeg, 'image/jpeg');
  if (!saved.ok) throw new Error(saved.error.detail);
  const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: saved.value.sha256, path: saved.value.path, mediaType: 'image/jpeg', bytes: jpeg.length });
  const item = ctx.store.currentItems().find((i) => i.type === 'single_choice')!;
  ctx.store.scans.recordOutcome(row.id, {
    kind: 'graded', pageId: 'ST01-MOVED1', replaceEarlier: false, readJson: '{}',
    responses: [{ fieldId: `q${item.id}`, studentId: 'S01', itemId: item.id, itemVersion: item.version, answer: 'A', score: 0, maxScore: 1, correct: false, confidence: 0.3, needsReview: true, reasons: ['marginal_mark:A'], evidence: { crop: { x: 10, y: 10, w: 200, h: 80 } }, date: '2026-11-25' }],
  }, 'test', '2026-11-24T16:00:00Z');
  const reviewResponseId = ctx.store.scans.openReviews().at(-1)!.responseId;
  ctx.db.close();
  return { dir: ctx.dir, queued: 3, reviewResponseId };
}

describe('a data folder moved to another path (a backup restored elsewhere)', () => {
  it('still serves its crops and reads its queued pages', async () => {
    const { dir, queued, reviewResponseId } = await stationWithWorkLeft();
    const moved = join(tempDir('pl-moved-to-'), 'restored station');
    renameSync(dir, moved);
    expect(existsSync(dir)).toBe(false);

    const opened = openStation(moved);
    if (!opened.ok) throw new Error(opened.error);
    const ctx = opened.value;
    try {
      const resumed = await invoke(ctx, 'resumeScans', {});
      expect(resumed).toMatchObject({ ok: true, value: { resumed: queued } });
      const counts = ctx.store.scans.imageStatusCounts();
      expect(counts.failed ?? 0).toBe(0);
      expect(counts.queued ?? 0).toBe(0);

      const crops = join(moved, 'out', 'crops');
      const queue = await invoke(ctx, 'reviewQueue', { cropsDir: crops });
      if (!queue.ok) throw new Error(queue.error.message);
      const review = queue.value.find((r) => r.responseId === reviewResponseId)!;
      expect(review.imagePath.startsWith(moved)).toBe(true);
      expect((await sharp(review.cropPath!).metadata()).format).toBe('png');

      const { app, url } = await startHttp(ctx, { token: TOKEN });
      try {
        const res = await fetch(`${url}/crop/${reviewResponseId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).format).toBe('png');
      } finally {
        await app.close();
      }
    } finally {
      ctx.db.close();
    }
  }, 300_000);
});

describe('a damaged station.db', () => {
  let base: string;
  beforeAll(() => {
    const ctx = tempStation(undefined, tempDir('pl-damaged-base-'));
    for (let i = 0; i < 300; i++) ctx.store.audit('test', 'filler', { i, text: 'x'.repeat(300) }, '2026-12-06T00:00:00Z');
    ctx.db.close();
    base = ctx.dir;
  });

  const damagedCopy = (damage: (dbPath: string) => void) => {
    const dir = join(tempDir('pl-damaged-'), 'data');
    cpSync(base, dir, { recursive: true });
    damage(join(dir, 'station.db'));
    return dir;
  };
  const REFUSED = /^paperloop: .*station\.db: .*(empty \(0 bytes\)|damaged|not a PaperLoop station database).*copy your latest backup.*docs\/backup\.md/;

  it.each([
    ['0 bytes', (p: string) => truncateSync(p, 0)],
    ['truncated', (p: string) => truncateSync(p, Math.floor(statSync(p).size / 2))],
    ['garbage inside', (p: string) => {
      const fd = openSync(p, 'r+');
      // Seeded bytes over pages in the middle of the file (the seed is the fill pattern).
      writeSync(fd, Buffer.alloc(16384, 0xa5), 0, 16384, Math.floor(statSync(p).size / 2 / 4096) * 4096);
      closeSync(fd);
    }],
    ['garbage all through', (p: string) => writeFileSync(p, Buffer.alloc(statSync(p).size, 0x5a))],
  ])('%s: every command refuses it with the restore steps, no stack trace, and the file is left as it was', (_name, damage) => {
    const dir = damagedCopy(damage);
    const before = readFileSync(join(dir, 'station.db'));
    const r = cli(dir, ['list', 'classes']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(REFUSED);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, 'station.db')).equals(before)).toBe(true);
  }, 120_000);
});

describe('paperloop backup', () => {
  it('takes a consistent copy while another process writes and holds the station lock; the copy restores', async () => {
    const ctx = tempStation(undefined, tempDir('pl-backup-'));
    ctx.db.close();
    const dir = ctx.dir;
    const stop = join(dir, 'stop-writing');
    // Another process: takes the station lock (as a scan does) and writes audit rows as fast as it can until told to stop.
    const script = `
      import { existsSync } from 'node:fs';
      import { openStation } from ${JSON.stringify(join(REPO_ROOT, 'src/station/context.ts'))};
      import { acquireStationLock } from ${JSON.stringify(join(REPO_ROOT, 'src/store/index.ts'))};
      const ctx = openStation(${JSON.stringify(dir)}); if (!ctx.ok) throw new Error(ctx.error);
      const lock = await acquireStationLock(ctx.value.db, { holder: 'test writer', wait: false }); if (!lock.ok) throw new Error('locked');
      let n = 0;
      while (!existsSync(${JSON.stringify(stop)})) { ctx.value.store.audit('writer', 'busy', { n: n++, pad: 'y'.repeat(500) }, new Date().toISOString()); if (n === 50) process.stdout.write('writing\\n'); }
      lock.value.release(); ctx.value.db.close(); process.stdout.write('wrote ' + n + '\\n');`;
    const writer = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    writer.stdout.on('data', (d) => (out += d));
    writer.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      writer.stdout.on('data', () => out.includes('writing') && resolve());
      void exited.then(() => reject(new Error(`writer exited: ${err}`)));
    });

    const copies = tempDir('pl-backup-copies-');
    const results = [];
    for (let i = 0; i < 3; i++) {
      const to = join(copies, `station-${i}.db`);
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const b = spawn(process.execPath, [BIN, 'backup', '--to', to, '--json'], { env: { ...process.env, PAPERLOOP_DATA: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        b.stdout.on('data', (d) => (stdout += d));
        b.stderr.on('data', (d) => (stderr += d));
        b.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      results.push({ to, ...r });
    }
    writeFileSync(stop, '');
    expect(await exited, err).toBe(0);
    const written = Number(/wrote (\d+)/.exec(out)?.[1]);

    let previous = 0;
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ path: r.to, schemaVersion: MIGRATIONS.length });
      const copy = new Database(r.to, { readonly: true });
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.prepare('SELECT count(*) n FROM station_lock').get()).toEqual({ n: 0 });
      const rows = (copy.prepare(`SELECT count(*) n FROM audit_log WHERE action = 'busy'`).get() as { n: number }).n;
      copy.close();
      // Each copy is one moment of the station: later copies hold at least as much, none more than was written.
      expect(rows).toBeGreaterThanOrEqual(Math.max(previous, 50));
      expect(rows).toBeLessThanOrEqual(written);
      previous = rows;
      expect(existsSync(`${r.to}-wal`)).toBe(false);
    }

    // Restore: a new data folder with the settings and the copy.
    const restored = join(tempDir('pl-restored-'), 'data');
    cpSync(join(dir, 'settings.json'), join(restored, 'settings.json'));
    cpSync(results.at(-1)!.to, join(restored, 'station.db'));
    const listed = cli(restored, ['list', 'classes', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: '7A' }]);
  }, 300_000);

  it('refuses to write over the live database', () => {
    const ctx = tempStation(undefined, tempDir('pl-backup-self-'));
    ctx.db.close();
    const r = cli(ctx.dir, ['backup', '--to', join(ctx.dir, 'station.db')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is the live station database.*Fix: give --to a file outside the data folder/);
  });
});
