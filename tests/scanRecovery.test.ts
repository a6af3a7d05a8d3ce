import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMultiPageTiff, makePdf, makePng } from '../native-bridge/testFixtures';
import { createSaneDriver } from '../native-bridge/sane/saneDriver';
import { createSaneTestConfig, TEST_BACKEND_FEEDER_SHEETS } from '../native-bridge/sane/saneTestBackend';
import { batchAsPages } from '../src/scan/driverSource';
import { createReaderPool } from '../src/scan/readerPool';
import { DEFAULT_MAX_IN_FLIGHT, ScanSession, type IncomingImage } from '../src/scan/session';
import { filesAsPages } from '../src/scan/sources';
import { readerFor, runSession, sessionOptions } from '../src/station/handlers/scan';
import { invoke } from '../src/station/invoke';
import { printSet, writeStack } from './support/stack';
import { tempStation } from './support/station';

type Row = { id: number; sha256: string; status: string; pageId: string | null; sessionId: string };
const hashOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function rowsOf(ctx: ReturnType<typeof tempStation>): Row[] {
  return ctx.db.prepare('SELECT id, sha256, status, page_id AS pageId, session_id AS sessionId FROM scanned_images ORDER BY id').all() as Row[];
}

function sessionStatus(ctx: ReturnType<typeof tempStation>, id: string): string {
  return (ctx.db.prepare('SELECT status FROM scan_sessions WHERE id = ?').get(id) as { status: string }).status;
}

/** Every image of the stack has one row, read to the end (graded, to review, or a blank back), and no field is graded twice. */
function expectStackGradedOnce(ctx: ReturnType<typeof tempStation>, stack: string): void {
  const hashes = readdirSync(stack).filter((f) => f.endsWith('.jpg')).map((f) => hashOf(readFileSync(join(stack, f))));
  const rows = rowsOf(ctx).filter((r) => hashes.includes(r.sha256));
  expect(rows).toHaveLength(hashes.length);
  expect(rows.filter((r) => !['graded', 'needs_review'].includes(r.status))).toEqual([]);
  const doubled = ctx.db.prepare('SELECT page_id, field_id, count(*) n FROM responses WHERE superseded = 0 GROUP BY page_id, field_id HAVING n > 1').all();
  expect(doubled).toEqual([]);
}

/** Ingesting the stack again reads what was left queued, fails nothing, and grades every page once. */
async function expectRerunLosesNothing(ctx: ReturnType<typeof tempStation>, stack: string): Promise<void> {
  const again = await invoke(ctx, 'ingest', { paths: [stack] });
  if (!again.ok) throw new Error(again.error.message);
  expect(again.value.failed).toBe(0);
  expectStackGradedOnce(ctx, stack);
}

/** A source that gives the stack's first `count` pages, then breaks as a driver bug or a vanished device would. */
async function* breaksAfter(pages: AsyncIterable<IncomingImage>, count: number): AsyncGenerator<IncomingImage> {
  let n = 0;
  for await (const page of pages) {
    if (n++ === count) throw new Error('USB device vanished');
    yield page;
  }
}

describe('no page is lost when a scan stops half-way', () => {
  let ctx: ReturnType<typeof tempStation>;
  const stacks: Record<'closed' | 'broken' | 'failed', string> = { closed: '', broken: '', failed: '' };

  beforeAll(async () => {
    ctx = tempStation();
    const printed = await printSet(ctx, '7A', 40, 'recovery');
    const workbookPages = printed.pages.flatMap((p, i) => (p.kind === 'workbook' ? [i] : []));
    expect(workbookPages.length).toBeGreaterThanOrEqual(16);
    const slices = { closed: workbookPages.slice(0, 7), broken: workbookPages.slice(7, 12), failed: workbookPages.slice(12, 16) };
    for (const [name, pageIndices] of Object.entries(slices)) {
      const dir = join(ctx.dir, name);
      await writeStack(ctx, dir, { pdf: printed.pdf, pages: printed.pages, seed: `recovery-${name}`, profile: 'clean', answers: 'mixed', pageIndices, count: pageIndices.length });
      stacks[name as keyof typeof stacks] = dir;
    }
  }, 300_000);

  afterAll(() => rmSync(ctx.dir, { recursive: true, force: true }));

  it('the reader closing mid-stack leaves the pages it did not read queued (not failed); the next scan reads them', async () => {
    const reader = readerFor(ctx, 2);
    const session = new ScanSession(sessionOptions(ctx, reader, false), 'test');
    let closing: Promise<void> | null = null;
    const off = ctx.events.subscribe((e) => {
      if (e.type === 'read' && !closing) closing = reader.close();
    });
    const stopped = await session.ingest(filesAsPages([stacks.closed]));
    off();
    await closing;
    expect(stopped.ok).toBe(false);
    expect(stopped.ok ? '' : stopped.error).toMatch(/page reader stopped.*read on the next scan/);
    const rows = rowsOf(ctx);
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(rows.filter((r) => r.status === 'queued').length).toBeGreaterThan(0);
    expect(sessionStatus(ctx, session.id)).toBe('failed');

    await expectRerunLosesNothing(ctx, stacks.closed);
  }, 120_000);

  it('a page source that throws mid-stack ends the session as failed, the reads in flight finish, and a re-run loses nothing', async () => {
    const { result } = await runSession(ctx, breaksAfter(filesAsPages([stacks.broken]), 3), { label: 'breaks', rescan: false, threads: 2 });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/page source stopped: USB device vanished/);
    const rows = rowsOf(ctx).filter((r) => r.sessionId !== null);
    expect(rows.filter((r) => r.status === 'failed' || r.status === 'queued')).toEqual([]);
    expect(ctx.db.prepare(`SELECT count(*) AS n FROM scan_sessions WHERE status = 'running'`).get()).toEqual({ n: 0 });

    await expectRerunLosesNothing(ctx, stacks.broken);
  }, 120_000);

  it('--rescan reads failed rows again', async () => {
    // A reader that cannot open the station database fails every read: the rows are marked failed.
    const broken = createReaderPool({ dbPath: join(ctx.dir, 'no-such.db'), threads: 1, ocr: false });
    const failing = new ScanSession(sessionOptions(ctx, broken, false), 'test');
    const r = await failing.ingest(filesAsPages([stacks.failed]));
    await broken.close();
    expect(r.ok && r.value.failed).toBe(4);

    const plain = await invoke(ctx, 'ingest', { paths: [stacks.failed] });
    expect(plain.ok && plain.value.graded + plain.value.needsReview).toBe(0);
    const rescan = await invoke(ctx, 'ingest', { paths: [stacks.failed], rescan: true });
    if (!rescan.ok) throw new Error(rescan.error.message);
    expect(rescan.value.resumedFromEarlier).toBe(4);
    expectStackGradedOnce(ctx, stacks.failed);
  }, 120_000);
});

describe('imports and repeats', () => {
  let ctx: ReturnType<typeof tempStation>;
  beforeAll(() => {
    ctx = tempStation();
  });
  afterAll(() => rmSync(ctx.dir, { recursive: true, force: true }));

  for (const [kind, make] of [['PDF', () => makePdf(24)], ['multi-page TIFF', () => makeMultiPageTiff(22)]] as const) {
    it(`stores page 1 of a ${kind} before rendering its last page`, async () => {
      const file = join(ctx.dir, kind === 'PDF' ? 'stack.pdf' : 'stack.tif');
      writeFileSync(file, await make());
      const rowsWhenRendering: { page: number; pages: number; rows: number }[] = [];
      const before = rowsOf(ctx).length;
      const off = ctx.events.subscribe((e) => {
        if (e.type === 'rendering') rowsWhenRendering.push({ page: e.page as number, pages: e.pages as number, rows: rowsOf(ctx).length - before });
      });
      const r = await invoke(ctx, 'ingest', { paths: [file] });
      off();
      if (!r.ok) throw new Error(r.error.message);
      const pages = rowsWhenRendering[0]!.pages;
      expect(pages).toBeGreaterThanOrEqual(20);
      expect(r.value.stored).toBe(pages);
      expect(rowsWhenRendering.map((x) => x.page)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
      // Pages are stored as they are rendered: no more than the session's images in flight wait to be stored.
      for (const x of rowsWhenRendering) expect(x.rows, `rows stored when page ${x.page} started to render`).toBeGreaterThanOrEqual(x.page - 1 - DEFAULT_MAX_IN_FLIGHT);
    }, 120_000);
  }

  it('counts the same image arriving again in one session once, as identical, and reads it once', async () => {
    const bytes = await makePng(3, 300);
    async function* tenTimes(): AsyncGenerator<IncomingImage> {
      for (let i = 0; i < 10; i++) yield { bytes, mediaType: 'image/png' };
    }
    let reads = 0;
    const off = ctx.events.subscribe((e) => {
      if (e.type === 'read') reads++;
    });
    const { result } = await runSession(ctx, tenTimes(), { label: 'repeat', rescan: false, threads: 2 });
    off();
    if (!result.ok) throw new Error(result.error);
    expect(result.value).toMatchObject({ stored: 1, refused: 1, duplicates: 0, identical: 9, failed: 0 });
    expect(reads).toBe(1);
  }, 120_000);

  it.skipIf(spawnSync('scanimage', ['--version']).status !== 0)('the SANE test backend (10 identical pages) is summarised as one image', async () => {
    const conf = await createSaneTestConfig(ctx.dir);
    const workDir = mkdtempSync(join(tmpdir(), 'pl-sane-'));
    try {
      const driver = createSaneDriver({ saneConfigDir: conf.dir, workDir });
      const feed = batchAsPages(driver, { deviceId: conf.deviceId, source: 'feeder', dpi: 50, mode: 'gray', pageSizeMm: { width: 210, height: 297 } });
      const { result } = await runSession(ctx, feed.pages, { label: conf.deviceId, rescan: false, threads: 2 });
      if (!result.ok) throw new Error(result.error);
      console.log(JSON.stringify({ test: 'sane_identical', ...result.value }));
      expect(result.value).toMatchObject({ stored: 1, refused: 1, duplicates: 0, identical: TEST_BACKEND_FEEDER_SHEETS - 1 });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('removes temp files a dead writer left in the images folder, and a failed write leaves none', async () => {
    const images = join(ctx.dir, 'images');
    const incoming = join(images, '.incoming');
    rmSync(incoming, { recursive: true, force: true });
    const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    // Where earlier versions wrote an image's temp file: beside the image.
    mkdirSync(join(images, 'cc', 'cc'), { recursive: true });
    writeFileSync(join(images, 'cc', 'cc', `${'c'.repeat(64)}.jpg.${deadPid}.tmp`), 'half an image');
    const reader = createReaderPool({ dbPath: join(ctx.dir, 'station.db'), threads: 1, ocr: false });
    try {
      new ScanSession(sessionOptions(ctx, reader, false), 'test');
      const temps = () => (readdirSync(images, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));
      expect(temps()).toEqual([]);
      const leftover = `${'a'.repeat(64)}.${deadPid}.tmp`;
      const beingWritten = `${'b'.repeat(64)}.${process.pid}.tmp`;
      writeFileSync(join(incoming, leftover), 'half an image');
      writeFileSync(join(incoming, beingWritten), 'an image still being written');
      const session = new ScanSession(sessionOptions(ctx, reader, false), 'test');
      expect(readdirSync(incoming)).toEqual([beingWritten]);
      rmSync(join(incoming, beingWritten));
      // The image's folder is taken by a file, so storing fails after its temp file was written.
      const page = await makePng(5, 300);
      const sha = hashOf(page);
      mkdirSync(join(ctx.dir, 'images', sha.slice(0, 2)), { recursive: true });
      writeFileSync(join(ctx.dir, 'images', sha.slice(0, 2), sha.slice(2, 4)), 'in the way');
      const stored = await session.store({ bytes: page, mediaType: 'image/png' });
      expect(stored.ok).toBe(false);
      expect(temps()).toEqual([]);
    } finally {
      await reader.close();
    }
  });
});
