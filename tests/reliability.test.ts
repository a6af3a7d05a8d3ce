import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { seededRng } from '../src/domain/random';
import { REPO_ROOT } from '../src/station/context';
import { demoRoster, tempStation } from './support/station';
import { printSet, writeStack } from './support/stack';
import { readableCheckout } from './support/readableCheckout';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const KILLS = Number(process.env.PAPERLOOP_KILLS ?? 20);
const PAGES = 200;

/** Starts a replay scan of the stack and kills it with SIGKILL after `ms`, or lets it finish when ms is null. */
function scanAndMaybeKill(dataDir: string, stack: string, ms: number | null): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // The feeder is paced (30 ms a sheet, like a real ADF) so every run lasts longer than the latest kill point,
    // even when most pages were stored by earlier runs.
    const child = spawn(process.execPath, [BIN, 'scan', '--replay', stack, '--ms-per-sheet', '30', '--json'], { env: { ...process.env, PAPERLOOP_DATA: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let killed = false;
    const timer = ms === null ? null : setTimeout(() => { killed = true; child.kill('SIGKILL'); }, ms);
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ killed, code, stderr });
    });
  });
}

describe('kill -9 during a 200-page replay scan', () => {
  let ctx: ReturnType<typeof tempStation>;
  let stack: string;

  beforeAll(async () => {
    ctx = tempStation(demoRoster());
    const { pdf, pages } = await printSet(ctx, '7A', 40, 'kill');
    stack = join(ctx.dir, 'stack');
    await writeStack(ctx, stack, { pdf, pages, seed: 'kill', dpi: 150, profile: 'clean', answers: 'mixed', count: Math.min(PAGES, pages.length), foreignPages: PAGES - Math.min(PAGES, pages.length) });
    ctx.db.close();
  }, 600_000);

  it(`loses no page and grades none twice over ${KILLS} kills`, async () => {
    const files = readdirSync(stack).filter((f) => f.endsWith('.jpg'));
    expect(files.length).toBe(PAGES);
    let kills = 0;
    // Kill points from a seeded stream: a failure replays with PAPERLOOP_KILL_SEED=<seed>.
    const seed = process.env.PAPERLOOP_KILL_SEED ?? String(Date.now() % 1_000_000);
    const killAt = seededRng(`kill/${seed}`);
    console.log(`kill -9 test: kill points from seed ${seed} (replay with PAPERLOOP_KILL_SEED=${seed})`);
    for (let i = 0; i < KILLS; i++) {
      // Points during start-up, resume, storing and reading.
      const r = await scanAndMaybeKill(ctx.dir, stack, 800 + Math.floor(killAt() * 5000));
      if (r.killed) kills++;
    }
    const final = await scanAndMaybeKill(ctx.dir, stack, null);
    expect(final.code, final.stderr).toBe(0);
    expect(kills).toBe(KILLS);

    const db = new Database(join(ctx.dir, 'station.db'), { readonly: true });
    const rows = db.prepare('SELECT sha256, path, status, page_id FROM scanned_images').all() as { sha256: string; path: string; status: string; page_id: string | null }[];
    // Every image of the stack is stored exactly once, intact.
    const hashes = new Set(files.map((f) => createHash('sha256').update(readFileSync(join(stack, f))).digest('hex')));
    expect(new Set(rows.map((r) => r.sha256))).toEqual(hashes);
    expect(rows.length).toBe(hashes.size);
    for (const r of rows) expect(createHash('sha256').update(readFileSync(join(ctx.dir, r.path))).digest('hex')).toBe(r.sha256);
    // Nothing is left half-done.
    expect(rows.filter((r) => r.status === 'queued' || r.status === 'failed')).toEqual([]);
    // Every page is graded exactly once: one graded image per page id, one response per field.
    const gradedPerPage = db.prepare(`SELECT page_id, count(*) n FROM scanned_images WHERE status IN ('graded','needs_review') AND page_id IS NOT NULL GROUP BY page_id HAVING n > 1`).all();
    expect(gradedPerPage).toEqual([]);
    const doubled = db.prepare('SELECT page_id, field_id, count(*) n FROM responses WHERE superseded = 0 GROUP BY page_id, field_id HAVING n > 1').all();
    expect(doubled).toEqual([]);
    const running = db.prepare(`SELECT count(*) n FROM scan_sessions WHERE status = 'running'`).get() as { n: number };
    expect(running.n).toBe(0);
    const graded = rows.filter((r) => r.status === 'graded' || r.status === 'needs_review').length;
    console.log(JSON.stringify({ test: 'kill9', kills, images: rows.length, graded, refused: rows.filter((r) => r.status === 'refused').length }));
    db.close();
  }, 900_000);

  it('stops with a clear message when the data folder is not writable, and keeps what was stored', async () => {
    const fresh = join(ctx.dir, 'fresh');
    mkdirSync(fresh, { recursive: true });
    for (let i = 0; i < 3; i++)
      await sharp({ create: { width: 400, height: 560, channels: 3, background: { r: 240 - i, g: 240, b: 240 } } }).jpeg().toFile(join(fresh, `new-${i}.jpg`));
    const images = join(ctx.dir, 'images');
    const count = () => spawnSync('find', [images, '-type', 'f'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
    const before = count();
    // Root ignores mode bits, so as root the scan runs as "nobody" against a data folder it may use but whose images/ it may not write.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // The test run's temporary folders are root's (0700): nobody must be able to pass through them
      for (let d = dirname(ctx.dir); d.startsWith(tmpdir()) && d !== dirname(d); d = dirname(d)) spawnSync('chmod', ['o+x', d]);
      spawnSync('chmod', ['777', ctx.dir]);
      spawnSync('sh', ['-c', `chmod 666 ${ctx.dir}/station.db* ${ctx.dir}/settings.json`]);
    }
    spawnSync('chmod', ['-R', 'a-w', images]);
    const command = asRoot ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
    // nobody may not read the checkout (a clone in a private folder), so it runs a world-readable copy
    const checkout = asRoot ? readableCheckout() : undefined;
    const root = checkout?.root ?? REPO_ROOT;
    // The run's TMPDIR belongs to root; nobody gets its own for tsx's cache
    const childTmp = checkout ? join(checkout.root, '.tmp') : undefined;
    if (childTmp) {
      mkdirSync(childTmp, { recursive: true });
      spawnSync('chmod', ['777', childTmp]);
    }
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync(command[0]!, [...command.slice(1), join(root, 'bin', 'paperloop.mjs'), 'ingest', fresh], {
        cwd: root, env: { ...process.env, PAPERLOOP_DATA: ctx.dir, HOME: '/tmp', ...(childTmp ? { TMPDIR: childTmp } : {}) }, encoding: 'utf8',
      });
    } finally {
      checkout?.remove();
      spawnSync('chmod', ['-R', 'u+w', images]);
    }
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot write to .*images.*Scanning stopped; pages already stored are safe/);
    expect(count()).toBe(before);
  });
});

/** Can this machine mount a small tmpfs (root with CAP_SYS_ADMIN, as on CI)? */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'pl-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
}

describe('a full disk in the middle of a stack', () => {
  const mountable = canMountTmpfs();
  if (!mountable) console.log('full-disk tests skipped: cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)');
  let base: string;
  let stack: string;
  const mounts: string[] = [];
  const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
  const mountTmpfs = (dir: string, sizeKb: number) => expect(spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]).status).toBe(0);
  const resize = (dir: string, sizeKb: number) => expect(spawnSync('mount', ['-o', `remount,size=${sizeKb}k`, dir]).status).toBe(0);
  const usedKb = (dir: string) => Number(spawnSync('du', ['-sk', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);

  /** A copy of the printed station whose data folder and images folder are each their own tmpfs. */
  function station(): { dir: string; images: string } {
    const dir = mkdtempSync(join(tmpdir(), 'pl-full-'));
    mountTmpfs(dir, 256 * 1024);
    mounts.unshift(dir);
    for (const f of ['station.db', 'settings.json']) copyFileSync(join(base, f), join(dir, f));
    const images = join(dir, 'images');
    mkdirSync(images);
    mountTmpfs(images, 256 * 1024);
    mounts.unshift(images);
    return { dir, images };
  }
  // A timeout, so a hung run cannot keep the tmpfs mounts past afterAll.
  const ingest = (dir: string) =>
    spawnSync(process.execPath, [BIN, 'ingest', stack], { env: { ...process.env, PAPERLOOP_DATA: dir }, encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  const FULL = /the disk holding .* is full\. Scanning stopped; pages already stored are safe\. Fix: free space/;
  const stored = (dir: string) => {
    const db = new Database(join(dir, 'station.db'), { readonly: true });
    const rows = db.prepare('SELECT sha256, path, status FROM scanned_images').all() as { sha256: string; path: string; status: string }[];
    const doubled = db.prepare('SELECT page_id, field_id, count(*) n FROM responses WHERE superseded = 0 GROUP BY page_id, field_id HAVING n > 1').all();
    db.close();
    return { rows, doubled };
  };

  /** Fill one folder mid-stack; check the message and what was kept; free the space; scan again. */
  function fillThenFinish(dir: string, tight: string, sizeKb: number): void {
    const files = readdirSync(stack).filter((f) => f.endsWith('.jpg'));
    resize(tight, sizeKb);
    const full = ingest(dir);
    expect(full.status, full.stdout).not.toBe(0);
    expect(full.stderr).toMatch(FULL);
    const partway = stored(dir).rows;
    console.log(JSON.stringify({ test: 'disk_full', full: tight === dir ? 'database' : 'images', stack: files.length, rowsBeforeFull: partway.length, message: full.stderr.trim().split('\n')[0] }));
    expect(partway.length).toBeLessThan(files.length);
    // Every row has its image, whole: a page is either stored and intact or not stored at all.
    for (const r of partway) expect(hashOf(join(dir, r.path))).toBe(r.sha256);
    // Trying again before freeing space (the resume of what is queued comes first) stops the same way.
    const stillFull = ingest(dir);
    expect(stillFull.status, stillFull.stdout).not.toBe(0);
    expect(stillFull.stderr).toMatch(FULL);
    for (const r of stored(dir).rows) expect(hashOf(join(dir, r.path))).toBe(r.sha256);

    resize(tight, 256 * 1024);
    const again = ingest(dir);
    expect(again.status, again.stderr).toBe(0);
    const { rows, doubled } = stored(dir);
    expect(new Set(rows.map((r) => r.sha256))).toEqual(new Set(files.map((f) => hashOf(join(stack, f)))));
    expect(rows).toHaveLength(files.length);
    expect(rows.filter((r) => r.status === 'queued' || r.status === 'failed')).toEqual([]);
    expect(doubled).toEqual([]);
  }

  beforeAll(async () => {
    if (!mountable) return;
    base = mkdtempSync(join(tmpdir(), 'pl-full-base-'));
    const ctx = tempStation(demoRoster(), base);
    const { pdf, pages } = await printSet(ctx, '7A', 10, 'full');
    stack = mkdtempSync(join(tmpdir(), 'pl-full-stack-'));
    await writeStack(ctx, stack, { pdf, pages, seed: 'full', dpi: 150, profile: 'clean', answers: 'mixed', count: Math.min(20, pages.length) });
    ctx.db.close();
  }, 300_000);

  afterAll(() => {
    for (const m of mounts) spawnSync('umount', [m]);
    for (const d of [base, stack, ...mounts]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(!mountable)('images fill the disk: stops with a clear message, keeps every stored page, finishes once space is freed', () => {
    const { dir, images } = station();
    const stackKb = readdirSync(stack).reduce((sum, f) => sum + statSync(join(stack, f)).size, 0) / 1024;
    fillThenFinish(dir, images, Math.round(stackKb / 3));
  }, 300_000);

  it.skipIf(!mountable)('the database fills the disk: the same, and no page is graded twice', () => {
    const { dir } = station();
    fillThenFinish(dir, dir, usedKb(dir) - usedKb(join(dir, 'images')) + 160);
  }, 300_000);
});
