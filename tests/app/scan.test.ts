/**
 * The Scan screen, driven by the UI alone in Debian's Chromium: a replayed synthetic stack of a printed set (the
 * count rising, the integrity panel against the manifest, a foreign sheet's card), the real SANE `test` backend
 * (every page a test pattern, so every page refused as not ours), and a jam that pauses the scan until Continue.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSaneTestConfig, scanimageInstalled, TEST_BACKEND_FEEDER_SHEETS, type SaneTestConfig } from '../../native-bridge/sane/saneTestBackend';
import { createReplayDriver } from '../../native-bridge/replay/replayDriver';
import { pausingFeed } from '../../src/scan/driverSource';
import { sheetProblem } from '../../src/station/handlers/app/scanning';
import { invoke } from '../../src/station/invoke';
import { acquireStationLock } from '../../src/store';
import { synthesizeToFolder } from '../../src/synth/folder';
import { answerKeyFromItems } from '../../src/synth/truth';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

const DATE = '2026-11-25';
/** Printed pages in the replayed stack (the first students of the class), plus one foreign sheet and one page of another class. */
const STACK_PAGES = 5;
const STACK_SHEETS = STACK_PAGES + 2;
const SCREENSHOTS = process.env.PAPERLOOP_SCREENSHOTS === '1';

async function must<T>(r: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const v = await r;
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
}

const sheets = (page: Page) => page.locator('#scan-sheets').getAttribute('data-sheets').then(Number);
const state = (page: Page) => page.locator('.scan-run').getAttribute('data-state');
/** The screen shows the last scan's result when there is one: go on to a new scan. */
async function readyToScan(page: Page) {
  await expect.poll(async () => (await page.locator('#scan-setup, #scan-new').count()) > 0).toBe(true);
  if (await page.locator('#scan-new').count()) await page.locator('#scan-new').click();
}

describe('the Scan screen (built app, real Chromium, replay and SANE test scanners)', () => {
  let app: AppUnderTest;
  let setId: string;
  let sane: SaneTestConfig | null = null;
  const stackFolder = `scans-test-${DATE}`;

  beforeAll(async () => {
    app = await openApp('imported');
    const { ctx } = app;
    const composed = await must(invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: DATE, minutes: 20, tier: 'core', seed: 'scan-test' }));
    setId = composed.setId;
    await must(invoke(ctx, 'approve', { setId }));
    const out = join(app.dataDir, 'out');
    await must(invoke(ctx, 'print', { setId, out: join(out, 'set.pdf'), layoutJson: join(out, 'layout.json') }));
    const synth = await synthesizeToFolder({
      pdfPath: join(out, 'set.pdf'), layoutJsonPath: join(out, 'layout.json'), outDir: join(out, stackFolder), seed: 'scan-test', profile: 'clean',
      answers: 'mixed', answerKey: answerKeyFromItems(ctx.store.currentItems()), count: STACK_PAGES, foreignPages: 1,
    });
    if (!synth.ok) throw new Error(synth.error);
    // A page of class 4B's workbooks slipped into 7A's stack, first.
    const other = await must(invoke(ctx, 'compose', { classId: '4B', subject: 'math', date: DATE, minutes: 15, tier: 'core', seed: 'scan-test' }));
    await must(invoke(ctx, 'approve', { setId: other.setId }));
    await must(invoke(ctx, 'print', { setId: other.setId, out: join(out, 'set-4B.pdf'), layoutJson: join(out, 'layout-4B.json') }));
    const otherScans = join(out, 'scans-4B');
    const otherSynth = await synthesizeToFolder({ pdfPath: join(out, 'set-4B.pdf'), layoutJsonPath: join(out, 'layout-4B.json'), outDir: otherScans, seed: 'scan-test', profile: 'clean', count: 1 });
    if (!otherSynth.ok) throw new Error(otherSynth.error);
    copyFileSync(join(otherScans, 'scan-0001.jpg'), join(out, stackFolder, 'scan-0000-4B.jpg'));
    if (scanimageInstalled()) {
      sane = await createSaneTestConfig();
      ctx.settings.scanners.saneConfigDir = sane.dir;
    }
  }, 600_000);
  // A test that failed half-way leaves no scan running for the next one.
  afterEach(async () => {
    const live = async () => {
      const run = (await must(invoke(app.ctx, 'scanStatus', {}))).run;
      return !!run && ['starting', 'scanning', 'paused'].includes(run.state);
    };
    if (await live()) await invoke(app.ctx, 'scanDecision', { decision: 'cancel' });
    await expect.poll(live, { timeout: 120_000 }).toBe(false);
  }, 150_000);
  let smallDisk: string | null = null;
  afterAll(async () => {
    if (smallDisk) execFileSync('umount', [smallDisk]);
    await app?.close();
    await sane?.remove();
  });

  it('scans a replayed stack: the count rises, the stack is checked against the manifest, the foreign sheet gets its card', async () => {
    const page = await app.openPage('en', '#/scan');
    await page.locator('#scan-device').selectOption(`replay:out/${stackFolder}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-pace').fill('400');
    await page.locator('#scan-start').click();

    // The count rises while the scanner still feeds.
    await expect.poll(async () => (await state(page)) === 'scanning' && (await sheets(page)) >= 1, { timeout: 60_000 }).toBe(true);
    // The feeder runs empty: the scan pauses and says why; Finish ends it.
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), { timeout: 120_000 }).toBe('FeederEmpty');
    // The feeder can run empty while the last sheets fed are still being stored (several are in flight): poll.
    await expect.poll(() => sheets(page), { timeout: 60_000 }).toBe(STACK_SHEETS);
    await page.locator('#scan-finish').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('finished');

    // The integrity panel shows what the station's own integrity report says for the printed job.
    const report = (await must(invoke(app.ctx, 'integrity', { setId }))).jobs[0]!;
    const incomplete = report.students.filter((s) => s.missingPages.length || s.duplicatePages.length);
    expect(incomplete.length).toBeGreaterThan(0);
    expect(incomplete.length).toBeLessThan(report.students.length);
    await expect.poll(() => page.locator('#scan-integrity tbody tr').count()).toBe(incomplete.length);
    const first = incomplete[0]!;
    expect(await page.locator(`#scan-integrity tr[data-student="${first.studentId}"]`).getAttribute('data-missing')).toBe(first.missingPages.join(','));
    expect(await page.locator('#scan-integrity-foreign').getAttribute('data-count')).toBe(String(report.foreignPages.length));
    expect(report.foreignPages.length).toBe(1);

    // The foreign sheet and the page of another class: each its own card, with the image, the reason in plain words and what to do.
    await expect.poll(() => page.locator('.scan-problem').count()).toBe(2);
    const otherClass = page.locator('.scan-problem[data-kind="other_class"]');
    expect(await otherClass.locator('h3').innerText()).toBe(`From another class (${app.ctx.store.schoolClass('4B')!.name})`);
    expect(await otherClass.locator('p').first().innerText()).toContain('Sheet 1, front');
    const card = page.locator('.scan-problem[data-kind="not_ours"]');
    expect(await card.locator('h3').innerText()).toBe('Not a PaperLoop page');
    expect(await card.locator('p', { hasText: 'What to do' }).innerText()).toContain('Take it out of the stack');
    await expect.poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await expect.poll(() => page.locator('#scan-thumbs img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator('#scan-graded').innerText()).not.toBe('0');

    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/img/scan-en.png', fullPage: false });
    await page.locator('#scan-new').click();
    await expect.poll(() => page.locator('#scan-setup').count()).toBe(1);
  }, 400_000);

  it('keeps what it showed while the station cannot be reached, says so, and catches up when it is back; the scan goes on meanwhile', async () => {
    const page = await app.openPage('en', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(`replay:out/${stackFolder}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-pace').fill('300');
    await page.locator('#scan-start').click();
    await expect.poll(() => state(page), { timeout: 60_000 }).toBe('scanning');

    await page.context().setOffline(true);
    await expect.poll(() => page.locator('#scan-offline').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('.scan-run').count()).toBe(1);
    // The station scans on without the page, to the end of the stack and its last read: no event comes after this.
    await expect
      .poll(async () => {
        const run = (await must(invoke(app.ctx, 'scanStatus', {}))).run;
        return `${run?.pause?.kind} ${run?.counts.waiting}`;
      }, { timeout: 120_000 })
      .toBe('FeederEmpty 0');

    await page.context().setOffline(false);
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), { timeout: 120_000 }).toBe('FeederEmpty');
    expect(await page.locator('#scan-offline').count()).toBe(0);
    expect(await sheets(page)).toBe(STACK_SHEETS);
    await page.locator('#scan-finish').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('finished');
  }, 400_000);

  it('waits, saying so, while another process scans into this station, and starts by itself once it is done', async () => {
    const held = await acquireStationLock(app.ctx.db, { holder: 'paperloop scan (command line)', wait: false });
    if (!held.ok) throw new Error('the station lock is taken');
    const page = await app.openPage('en', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(`replay:out/${stackFolder}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-pace').fill('0');
    await page.locator('#scan-start').click();
    await expect.poll(() => page.locator('#scan-waiting').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator('#scan-waiting .scan-detail').innerText()).toContain('paperloop scan (command line)');
    expect(await state(page)).toBe('starting');
    held.value.release();
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), { timeout: 120_000 }).toBe('FeederEmpty');
    expect(await page.locator('#scan-waiting').count()).toBe(0);
    // The same stack scanned again: its pages were read before, and the stack is still checked against the manifest.
    await expect.poll(() => page.locator('#scan-integrity').getAttribute('data-complete')).toBe('false');
    await page.locator('#scan-finish').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('finished');
  }, 400_000);

  it('Stop ends the stack at once: the scanner feeds no new sheet and every sheet it fed is stored and read', async () => {
    const page = await app.openPage('en', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(`replay:out/${stackFolder}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-pace').fill('1500');
    await page.locator('#scan-start').click();
    await expect.poll(async () => (await state(page)) === 'scanning' && (await sheets(page)) >= 1, { timeout: 60_000 }).toBe(true);
    await page.locator('#scan-stop').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('finished');
    const run = (await must(invoke(app.ctx, 'scanStatus', {}))).run!;
    expect(run.sheets).toBeLessThan(STACK_SHEETS);
    expect(run.counts.waiting).toBe(0);
    expect(await sheets(page)).toBe(run.sheets);
  }, 400_000);

  it.skipIf(!scanimageInstalled())('scans from the real SANE test backend: every test pattern is refused as not a PaperLoop page', async () => {
    app.ctx.settings.scanners.sane.extraArgs = ['--test-picture', 'Grid'];
    const page = await app.openPage('en', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(sane!.deviceId);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    // The SANE test device has a feeder and a glass, no duplex.
    expect(await page.locator('input[name="scan-source"][value="duplex"]').isDisabled()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#scan-dpi').selectOption('150');
    await page.locator('#scan-start').click();
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), { timeout: 180_000 }).toBe('FeederEmpty');
    await page.locator('#scan-finish').click();
    await expect.poll(() => state(page), { timeout: 180_000 }).toBe('finished');
    expect(await sheets(page)).toBe(TEST_BACKEND_FEEDER_SHEETS);
    expect(await page.locator('#scan-refused').innerText()).toBe(String(TEST_BACKEND_FEEDER_SHEETS));
    const kinds = await page.locator('.scan-problem').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-kind')));
    expect(kinds).toEqual(Array(TEST_BACKEND_FEEDER_SHEETS).fill('not_ours'));
    expect(await page.locator('#scan-integrity').getAttribute('data-complete')).toBe('unknown');
    await page.locator('#scan-new').click();
  }, 400_000);

  it.skipIf(!scanimageInstalled())('a jam pauses the scan with its reason (in Chinese), and Continue scans on once it is cleared', async () => {
    // A small scan area for the jammed page: on a full A4 page the backend may hand over a truncated page before the jam.
    app.ctx.settings.scanners.sane.extraArgs = ['--test-picture', 'Grid', '--read-return-value', 'SANE_STATUS_JAMMED', '-x', '40', '-y', '40'];
    const page = await app.openPage('zh-Hans', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(sane!.deviceId);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-dpi').selectOption('150');
    await page.locator('#scan-start').click();
    const paused = page.locator('#scan-paused');
    await expect.poll(() => paused.getAttribute('data-reason'), { timeout: 120_000 }).toBe('Jammed');
    expect(await paused.locator('.scan-notice-title').innerText()).toBe('卡纸了');
    expect(await page.locator('#scan-continue').innerText()).toBe('继续');
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/img/scan-zh.png', fullPage: false });

    // The jam is cleared: two more sheets go through, then the feeder is empty.
    app.ctx.settings.scanners.sane.extraArgs = ['--test-picture', 'Grid', '--batch-count=2'];
    await page.locator('#scan-continue').click();
    await expect.poll(() => paused.getAttribute('data-reason'), { timeout: 180_000 }).toBe('FeederEmpty');
    // Stores may still be in flight when the feeder runs empty (the session pipelines them): poll the count.
    await expect.poll(() => sheets(page), { timeout: 60_000 }).toBe(2);
    await page.locator('#scan-cancel').click();
    await expect.poll(() => state(page), { timeout: 180_000 }).toBe('finished');
    expect(await page.locator('#scan-refused').innerText()).toBe('2');
  }, 400_000);

  it('a full disk stops the scan in plain words, and Continue goes on once space is freed', async (test) => {
    // A small disk mounted over the station's image folder (needs root; skipped where mounting is not allowed).
    const images = join(app.dataDir, 'images');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1500k', 'tmpfs', images], { stdio: 'ignore' });
    } catch {
      test.skip();
    }
    smallDisk = images;
    const page = await app.openPage('en', '#/scan');
    await readyToScan(page);
    await page.locator('#scan-device').selectOption(`replay:out/${stackFolder}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled()).toBe(true);
    await page.locator('#scan-pace').fill('0');
    await page.locator('#scan-start').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('stopped');
    expect(await page.locator('#scan-fault').getAttribute('data-fault')).toBe('disk_full');
    expect(await page.locator('#scan-fault .scan-notice-title').innerText()).toBe('The disk is full');
    const before = await sheets(page);
    expect(before).toBeLessThan(STACK_SHEETS);

    execFileSync('mount', ['-o', 'remount,size=64m', images]);
    await page.locator('#scan-restart').click();
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), { timeout: 120_000 }).toBe('FeederEmpty');
    // The feeder can run empty while the last sheets fed are still being stored (several are in flight): poll.
    await expect.poll(() => sheets(page), { timeout: 60_000 }).toBe(STACK_SHEETS);
    await page.locator('#scan-finish').click();
    await expect.poll(() => state(page), { timeout: 120_000 }).toBe('finished');
  }, 400_000);
});

describe('what the Scan screen is told', () => {
  it('pauses a feed when the scanner is unplugged mid-stack, keeps the sheets fed, and scans on after Continue', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'scan-feed-'));
    // Tiny valid PGM images, each different.
    for (let i = 0; i < 4; i++) writeFileSync(join(folder, `p${i}.pgm`), Buffer.concat([Buffer.from('P5\n2 2\n255\n'), Buffer.from([i, 255, 255, 255])]));
    let opened = 0;
    const openDriver = () => createReplayDriver({ devices: [{ name: 'stack', folder, ...(opened++ === 0 ? { failAt: { atSheet: 2, kind: 'Disconnected' as const } } : {}) }] });
    const pauses: string[] = [];
    const sheets: number[] = [];
    const feed = pausingFeed(openDriver, { deviceId: 'replay:stack', source: 'feeder', dpi: 300, mode: 'gray' }, async (why) => {
      pauses.push(why.kind);
      return pauses.length === 1 ? 'continue' : 'finish';
    });
    for await (const page of feed) sheets.push(page.sheetIndex!);
    expect(pauses).toEqual(['Disconnected', 'FeederEmpty']);
    // Two sheets before the cable came out, then the whole feeder again, numbered on.
    expect(sheets).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('words a refusal as the problem with the paper, marking the corners that are missing', () => {
    expect(sheetProblem('missing_marks: missing tl: tl: no blob of the expected size', false)).toEqual({ kind: 'torn_corner', corners: ['tl'] });
    expect(sheetProblem('missing_marks: missing tl, tr, br, bl: no blobs', false)).toEqual({ kind: 'not_ours', corners: ['tl', 'tr', 'br', 'bl'] });
    expect(sheetProblem('missing_marks: missing tl, tr, br: no blobs', true).kind).toBe('torn_corner');
    expect(sheetProblem('not_paperloop_qr: foreign QR: FORM-1', false).kind).toBe('not_ours');
    expect(sheetProblem('unknown_page: page X-1 is not known here', true).kind).toBe('other_station');
    expect(sheetProblem('blank_page: ink 0.000 % of the page', false).kind).toBe('blank');
    expect(sheetProblem('corrupt_image: does not match its hash', false).kind).toBe('unreadable');
  });
});
