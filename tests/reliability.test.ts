import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { parseRosterCsv } from '../src/domain/import/rosterCsv';
import { REPO_ROOT } from '../src/station/context';
import { DEMO, tempStation } from './support/station';
import { printSet, writeStack } from './support/stack';

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
    const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
    if (!roster.ok) throw new Error('demo roster');
    ctx = tempStation(roster.value);
    const { pdf, pages } = await printSet(ctx, '7A', 40, 'kill');
    stack = join(ctx.dir, 'stack');
    await writeStack(ctx, stack, { pdf, pages, seed: 'kill', dpi: 150, profile: 'clean', answers: 'mixed', count: Math.min(PAGES, pages.length), foreignPages: PAGES - Math.min(PAGES, pages.length) });
    ctx.db.close();
  }, 600_000);

  it(`loses no page and grades none twice over ${KILLS} kills`, async () => {
    const files = readdirSync(stack).filter((f) => f.endsWith('.jpg'));
    expect(files.length).toBe(PAGES);
    let kills = 0;
    for (let i = 0; i < KILLS; i++) {
      // Random points: during start-up, resume, storing and reading.
      const r = await scanAndMaybeKill(ctx.dir, stack, 800 + Math.floor(Math.random() * 5000));
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
    for (const r of rows) expect(createHash('sha256').update(readFileSync(r.path)).digest('hex')).toBe(r.sha256);
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
      spawnSync('chmod', ['777', ctx.dir]);
      spawnSync('sh', ['-c', `chmod 666 ${ctx.dir}/station.db* ${ctx.dir}/settings.json`]);
    }
    spawnSync('chmod', ['-R', 'a-w', images]);
    const command = asRoot ? ['runuser', '-u', 'nobody', '--', process.execPath] : [process.execPath];
    const r = spawnSync(command[0]!, [...command.slice(1), BIN, 'ingest', fresh], {
      env: { ...process.env, PAPERLOOP_DATA: ctx.dir, HOME: '/tmp' }, encoding: 'utf8',
    });
    spawnSync('chmod', ['-R', 'u+w', images]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot write to .*images.*Scanning stopped; pages already stored are safe/);
    expect(count()).toBe(before);
  });
});
