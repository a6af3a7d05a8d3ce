/**
 * The whole loop by the UI alone, in Debian's Chromium, on a FRESH station (an empty data folder, not the demo
 * copy): import the demo school's files → compose → approve → print on the real CUPS file queue → scan a
 * replayed synthetic stack of that print job (the sheet count rising, the stack against the manifest, a paused
 * feed and a refused sheet) → change a mark threshold with its preview → clear the review queue by keyboard →
 * Results → a student → tomorrow's personal workbooks (each student's items picked on the Print screen from
 * mastery, prerequisites and past mistakes, and shown on the student's page). The test only arranges what a scanner's paper would be: the stack is synthesised from
 * the job the UI printed, as `paperloop demo` does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/station/context';
import { synthesizeToFolder } from '../../src/synth/folder';
import { answerKeyFromItems } from '../../src/synth/truth';
import { seriousA11yViolations } from '../support/app';
import { FILE_QUEUE, fileQueueOutput, printedThroughFileQueue, splitPjl } from '../support/cups';
import { openFreshApp, type FreshApp } from '../support/freshApp';
import { clearQueueByKeyboard } from '../support/reviewTeacher';

/** The demo's day: the review teacher knows what was written from out/scans-7A-<DAY>/truth.json. */
const DAY = '2026-11-25';
const TOMORROW = '2026-11-26';
const STACK = `scans-7A-${DAY}`;
/** Printed pages in the replayed stack (the first students' pages), plus one sheet that is not ours. */
const STACK_PAGES = 12;
const DEMO = join(REPO_ROOT, 'fixtures', 'demo');
const POLL = { timeout: 180_000, interval: 250 };
/** Approving reads back every new page layout first (the self-test): minutes for a class on a loaded machine. */
const APPROVE_POLL = { timeout: 480_000, interval: 500 };

const nav = (page: Page, screen: string) => page.locator(`nav a[data-screen="${screen}"]`).click();

async function upload(page: Page, kind: string, files: string[]) {
  await page.locator(`#import-file-${kind}`).setInputFiles(files.map((f) => join(DEMO, f)));
  await page.locator(`#import-send-${kind}`).click();
  await expect.poll(() => page.locator(`#import-result-${kind}`).getAttribute('data-state'), POLL).toBe('done');
}

/** Compose on the Print screen for 7A on `date`; returns the set id once it is open. */
async function composeOnPrint(page: Page, date: string, tier: 'core') {
  await nav(page, 'print');
  await page.locator('#compose-class').selectOption('7A');
  await page.locator('#compose-date').fill(date);
  await expect.poll(() => page.evaluate(() => location.hash), POLL).toContain(date);
  await page.locator('#compose-subject').selectOption('math');
  await page.locator('#compose-minutes').fill('20');
  await page.locator('#compose-tier').selectOption(tier);
  await page.locator('#compose-submit').click();
  await expect.poll(() => page.evaluate(() => location.hash.split('/').length), POLL).toBe(5);
  const setId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[4]!);
  await expect.poll(() => page.locator('#print-set').getAttribute('data-set-id'), POLL).toBe(setId);
  await expect.poll(() => page.locator('#print-ledger tbody tr').count(), POLL).toBe(40);
  await page.locator('#approve').click();
  await expect.poll(() => page.locator('#print-set').getAttribute('data-status'), APPROVE_POLL).toBe('approved');
  return setId;
}

/** Tomorrow's personal workbooks on the Print screen: the station picks each student's items (the `next` handler). */
async function personalSetOnPrint(page: Page, date: string) {
  await nav(page, 'print');
  await page.locator('#compose-class').selectOption('7A');
  await page.locator('#compose-date').fill(date);
  await expect.poll(() => page.evaluate(() => location.hash), POLL).toContain(date);
  await page.locator('#next-day-subject').selectOption('math');
  await page.locator('#next-day-submit').click();
  await expect.poll(() => page.locator('#next-day-result').count(), APPROVE_POLL).toBe(1);
  const setId = (await page.locator('#next-day-result').getAttribute('data-set'))!;
  expect(await page.locator('#next-day-result li[data-reason]').count()).toBeGreaterThan(0);
  await expect.poll(() => page.locator('#print-set').getAttribute('data-set-id'), POLL).toBe(setId);
  expect(await page.locator('#print-set').getAttribute('data-status')).toBe('approved');
  return setId;
}

async function printedJob(page: Page) {
  await expect.poll(async () => (await page.locator('#print-outcome').count()) > 0 && (await page.locator('#print-outcome').getAttribute('data-job-id')), POLL).toBeTruthy();
  const o = page.locator('#print-outcome');
  return { jobId: (await o.getAttribute('data-job-id'))!, pages: Number(await o.getAttribute('data-pages')), requestId: (await o.getAttribute('data-request-id')) ?? '' };
}

describe('the whole loop by the UI alone (fresh station, built app, real Chromium, CUPS, replay scanner)', () => {
  let app: FreshApp;
  let page: Page;
  let setId = '';
  let jobId = '';
  beforeAll(async () => {
    app = await openFreshApp();
    page = await app.openPage('en', '#/home');
  }, 300_000);
  afterAll(async () => app?.close());

  it('imports the school from files chosen in the browser', async () => {
    await expect.poll(() => page.locator('#import-panel').count(), POLL).toBe(1);
    await upload(page, 'skills', ['skills-math-g7.json', 'skills-math-g4.json']);
    await upload(page, 'items', ['items-math-g7.json', 'items-math-g4.json']);
    await upload(page, 'roster', ['roster-classes.csv']);
    expect(app.ctx.store.students('7A')).toHaveLength(40);
    await expect.poll(() => page.locator('#home-date').count(), POLL).toBe(1);
  }, 600_000);

  it('composes, approves and prints on the CUPS file queue', async () => {
    setId = await composeOnPrint(page, DAY, 'core');
    expect(app.ctx.store.workbookSet(setId)?.status).toBe('approved');
    const queue = fileQueueOutput();
    if (!queue.ok) throw new Error(queue.why);
    await expect.poll(() => page.locator('#printer option').allTextContents(), POLL).toContainEqual(expect.stringContaining(FILE_QUEUE));
    await page.locator('#printer').selectOption(FILE_QUEUE);
    let job = { jobId: '', pages: 0, requestId: '' };
    const output = await printedThroughFileQueue(async () => {
      await page.locator('#print-button').click();
      job = await printedJob(page);
      return job.requestId;
    });
    jobId = job.jobId;
    const printed = mupdf.Document.openDocument(splitPjl(output).pdf, 'application/pdf');
    expect(printed.countPages()).toBe(job.pages);
    printed.destroy();
    expect(app.ctx.store.printedPages(jobId)).toHaveLength(job.pages);
  }, 600_000);

  it('scans a replayed stack of that job: the count rises, the feed pauses with its reason, the stack is checked, the refused sheet gets its card', async () => {
    // The paper: the printed job's pages filled in by synthetic students, scanned, plus a sheet that is not ours.
    const out = join(app.dataDir, 'out');
    const layoutJsonPath = join(out, 'loop-layout.json');
    writeFileSync(layoutJsonPath, JSON.stringify({ format: 'paperloop.printed-pages/1', jobId, pages: app.ctx.store.printedPages(jobId) }));
    const pdfPath = join(out, 'print', `7A-math-${DAY}-${jobId}.pdf`);
    const synth = await synthesizeToFolder({
      pdfPath, layoutJsonPath, outDir: join(out, STACK), seed: 'loop', profile: 'typical', answers: 'mixed',
      answerKey: answerKeyFromItems(app.ctx.store.currentItems()), count: STACK_PAGES, foreignPages: 1,
    });
    if (!synth.ok) throw new Error(synth.error);

    await nav(page, 'scan');
    await page.locator('#scan-device').selectOption(`replay:out/${STACK}`);
    await expect.poll(() => page.locator('#scan-start').isEnabled(), POLL).toBe(true);
    await page.locator('#scan-pace').fill('300');
    await page.locator('#scan-start').click();
    const sheets = () => page.locator('#scan-sheets').getAttribute('data-sheets').then(Number);
    await expect.poll(async () => (await page.locator('.scan-run').getAttribute('data-state')) === 'scanning' && (await sheets()) >= 1, POLL).toBe(true);
    await expect.poll(() => page.locator('#scan-integrity').count(), POLL).toBe(1);
    // The feeder runs empty: a pause with its reason, and Finish.
    await expect.poll(() => page.locator('#scan-paused').getAttribute('data-reason'), POLL).toBe('FeederEmpty');
    // Stores may still be in flight when the feeder runs empty (the session pipelines them): poll the count.
    await expect.poll(() => sheets(), POLL).toBe(synth.value.images);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#scan-finish').click();
    await expect.poll(() => page.locator('.scan-run').getAttribute('data-state'), POLL).toBe('finished');
    await expect.poll(() => page.locator('#scan-integrity').getAttribute('data-job'), POLL).toBe(jobId);
    expect(await page.locator('#scan-integrity-foreign').getAttribute('data-count')).toBe('1');
    expect(await page.locator('#scan-integrity tbody tr').count()).toBeGreaterThan(0);
    const refused = page.locator('.scan-problem[data-kind="not_ours"]');
    await expect.poll(() => refused.count(), POLL).toBe(1);
    expect(await refused.locator('h3').innerText()).toBe('Not a PaperLoop page');
    expect(app.ctx.store.scans.openReviews().length).toBeGreaterThan(0);
  }, 600_000);

  it('changes a mark threshold: the preview on the last stack first, stored only after the confirm', async () => {
    await nav(page, 'settings');
    await page.locator('#settings-marginal').fill('0.1');
    await page.locator('#settings-thresholds-preview').click();
    await expect.poll(() => page.locator('#settings-thresholds-effect').count(), POLL).toBe(1);
    expect(await page.locator('#settings-thresholds-effect').innerText()).toContain(`${STACK_PAGES} pages`);
    expect(app.ctx.settings.reading.bubbles.marginal).not.toBe(0.1);
    await page.locator('#settings-thresholds-confirm').click();
    await expect.poll(() => page.locator('#settings-thresholds [data-save-status]').getAttribute('data-save-status'), POLL).toBe('saved');
    expect(app.ctx.settings.reading.bubbles.marginal).toBe(0.1);
  }, 300_000);

  it('resolves the review queue by keyboard alone', async () => {
    const open = app.ctx.store.scans.openReviews().length;
    await nav(page, 'review');
    const cleared = await clearQueueByKeyboard(page, app.ctx, app.dataDir);
    expect(cleared.reviews).toBe(open);
    expect(app.ctx.store.scans.openReviews()).toEqual([]);
    await expect.poll(() => page.locator('[data-review-empty]').count(), POLL).toBe(1);
  }, 600_000);

  it('shows the class on Results, then a student, then tomorrow’s personal workbooks picked from mastery', async () => {
    await nav(page, 'results');
    await expect.poll(() => page.locator('tr[data-item-id]').count(), POLL).toBeGreaterThan(0);
    expect(await page.locator('#results-class').inputValue()).toBe('7A');
    expect(await page.locator('#results-date').inputValue()).toBe(DAY);
    expect(await seriousA11yViolations(page)).toEqual([]);

    const scanned = app.ctx.store.scans.responses({}).find((r) => r.date === DAY)!.studentId;
    await nav(page, 'students');
    await page.locator(`tr[data-student-id="${scanned}"] a`).click();
    await page.locator('#student-title').waitFor();
    await expect.poll(() => page.locator('#mastery-title').count(), POLL).toBe(1);

    const tomorrow = await personalSetOnPrint(page, TOMORROW);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 180_000 }), page.locator('#save-pdf').click()]);
    const saved = await printedJob(page);
    expect(app.ctx.store.printJobsForSet(tomorrow).map((j) => j.id)).toContain(saved.jobId);
    expect(download.suggestedFilename()).toContain(TOMORROW);

    // The student's page proposes the day after the last graded work: tomorrow, with its items.
    await nav(page, 'students');
    await page.locator(`tr[data-student-id="${scanned}"] a`).click();
    await expect.poll(() => page.locator('#next-date').inputValue(), POLL).toBe(TOMORROW);
    await expect.poll(() => page.locator(`#next-items table[data-set-id="${tomorrow}"] tr[data-item-id]`).count(), POLL).toBeGreaterThan(0);
  }, 600_000);
});
