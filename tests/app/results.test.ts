/**
 * Results on the looped demo in the built app and real Chromium: the items' correct rates against the report handler,
 * a key fix that re-grades, the CSV export through the download route, an annotated PDF counted with mupdf, zh and axe.
 */
import * as mupdf from 'mupdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LearningSettings } from '../../src/domain/learning/settings';
import { itemFlags, keyText, withKey } from '../../src/station/handlers/app/results';
import { invoke } from '../../src/station/invoke';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';
import type { Page } from 'playwright-core';

const DAY = '2026-11-25';

async function rates(page: Page): Promise<Record<string, number>> {
  const rows = await page.locator('tr[data-item-id]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-item-id')!, Number(tr.getAttribute('data-correct-rate'))] as const));
  return Object.fromEntries(rows);
}

async function reportRates(app: AppUnderTest): Promise<Record<string, number>> {
  const r = await invoke(app.ctx, 'report', { classId: '7A', date: DAY });
  if (!r.ok) throw new Error(r.error.message);
  return Object.fromEntries(r.value.items.map((i) => [i.itemId, i.correctRate]));
}

/** A file the app links to, fetched with the page's session (its cookies). */
async function fetchWithSession(page: Page, href: string) {
  const res = await page.request.get(new URL(href, page.url()).toString());
  return { status: res.status(), type: res.headers()['content-type'] ?? '', bytes: await res.body() };
}

describe('Results (built app, real Chromium, looped demo)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 600_000);
  afterAll(async () => app?.close());

  it('shows every item with the correct rate the report handler gives, flags with their rule, and no serious accessibility violations', async () => {
    const page = await app.openPage('en', '#/results/7A');
    await expect.poll(() => page.locator('tr[data-item-id]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('#results-date').inputValue()).toBe(DAY);
    expect(await rates(page)).toEqual(await reportRates(app));
    expect(await page.locator('#results-correct svg[role="img"]').getAttribute('aria-label')).toMatch(/correct rate of \d+ items/);
    expect(await page.locator('#results-correct .results-flag-legend').innerText()).toContain('at least 90%');
    await page.locator('[data-toggle-table="results-heatmap"]').click();
    await expect.poll(() => page.locator('#results-heatmap table tbody tr').count()).toBe(app.ctx.store.students('7A').length);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('a key fixed from the screen re-grades: the item\'s correct rate changes to what the report now says', async () => {
    const report = await invoke(app.ctx, 'report', { classId: '7A', date: DAY });
    if (!report.ok) throw new Error(report.error.message);
    // A single-choice item some students got wrong with the same option: make that option the key.
    const target = report.value.items.find((i) => app.ctx.store.item(i.itemId)?.type === 'single_choice' && i.misconception !== null)!;
    expect(target).toBeDefined();
    const page = await app.openPage('en', '#/results/7A');
    const row = page.locator(`tr[data-item-id="${target.itemId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    const before = Number(await row.getAttribute('data-correct-rate'));
    await row.locator(`[data-fix-key="${target.itemId}"]`).click();
    const form = page.locator(`form[data-keyfix="${target.itemId}"]`);
    await form.locator(`input[value="${target.misconception!.answer}"]`).check();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#results-message').count()).toBe(1);
    await expect.poll(async () => Number(await row.getAttribute('data-correct-rate'))).not.toBe(before);
    const now = await reportRates(app);
    expect(Number(await row.getAttribute('data-correct-rate'))).toBe(now[target.itemId]);
    expect(app.ctx.store.item(target.itemId)?.version).toBe(2);
  });

  it('exports the items as CSV with one row per item, downloaded through the session-checked route', async () => {
    const page = await app.openPage('en', '#/results/7A');
    await expect.poll(() => page.locator('tr[data-item-id]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.locator('[data-export="csv"]').click();
    const link = page.locator('a[data-download="csv"]');
    await expect.poll(() => link.count(), { timeout: 30_000 }).toBe(1);
    const href = (await link.getAttribute('href'))!;
    const csv = await fetchWithSession(page, href);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    const lines = csv.bytes.toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^item,answered,correct_rate/);
    expect(lines.length - 1).toBe(Object.keys(await reportRates(app)).length);
    // The spreadsheet and the printable report come the same way.
    for (const [format, magic] of [['xlsx', 'PK'], ['pdf', '%PDF']] as const) {
      await page.locator(`[data-export="${format}"]`).click();
      const made = page.locator(`a[data-download="${format}"]`);
      await expect.poll(() => made.count(), { timeout: 60_000 }).toBe(1);
      const file = await fetchWithSession(page, (await made.getAttribute('href'))!);
      expect(file.status).toBe(200);
      expect(file.bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
    }
    // Another browser without a session gets nothing.
    const stranger = await app.browser.newContext();
    const refused = await stranger.request.get(`${app.url}${href}`);
    expect(refused.status()).toBe(401);
    await stranger.close();
  });

  it('makes a student\'s annotated PDF with one page per scanned page (counted with mupdf)', async () => {
    const studentId = 'S7A02';
    const { n: scanned } = app.ctx.db
      .prepare(
        `SELECT count(DISTINCT i.page_id) AS n FROM scanned_images i JOIN printed_pages p ON p.page_id = i.page_id
         JOIN print_jobs j ON j.id = p.job_id JOIN workbook_sets ws ON ws.id = j.set_id
         WHERE p.student_id = ? AND ws.class_id = '7A' AND ws.date = ? AND i.status IN ('graded', 'needs_review')`,
      )
      .get(studentId, DAY) as { n: number };
    expect(scanned).toBeGreaterThan(0);
    const page = await app.openPage('en', '#/results/7A');
    const button = page.locator(`[data-annotate="${studentId}"]`);
    await expect.poll(() => button.count(), { timeout: 30_000 }).toBe(1);
    await button.click();
    const link = page.locator(`a[data-annotated="${studentId}"]`);
    await expect.poll(() => link.count(), { timeout: 60_000 }).toBe(1);
    const pdf = await fetchWithSession(page, (await link.getAttribute('href'))!);
    expect(pdf.status).toBe(200);
    const doc = mupdf.Document.openDocument(new Uint8Array(pdf.bytes), 'application/pdf');
    expect(doc.countPages()).toBe(scanned);
    // Each right answer is drawn with a ✓, each wrong one with a ×: as many as the store holds for the student's day.
    const text = Array.from({ length: doc.countPages() }, (_, i) => doc.loadPage(i).toStructuredText('preserve-whitespace').asText()).join('\n');
    const graded = app.ctx.db
      .prepare(`SELECT sum(correct) AS right, sum(1 - correct) AS wrong FROM responses WHERE student_id = ? AND date = ? AND superseded = 0 AND status != 'needs_review'`)
      .get(studentId, DAY) as { right: number; wrong: number };
    expect(graded.right + graded.wrong).toBeGreaterThan(0);
    expect(text.split('✓').length - 1).toBe(graded.right);
    expect(text.split('×').length - 1).toBe(graded.wrong);
  });

  it('in Chinese: the charts, the empty state of a class with nothing scanned, and an unknown class as an error', async () => {
    const page = await app.openPage('zh-Hans', '#/results/7A');
    await expect.poll(() => page.locator('tr[data-item-id]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('#results-correct-title').innerText()).toBe('各题正确率');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#results-class').selectOption('4B');
    await expect.poll(() => page.locator('#results-empty').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#results-empty').innerText()).toContain('还没有扫描批改的作业');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${app.url}/#/results/NOPE`);
    await expect.poll(() => page.locator('[data-error-code="unknown_class"]').count(), { timeout: 30_000 }).toBe(1);
  });
});

describe('item flags and key fixes (pure)', () => {
  const rules = LearningSettings.parse({}).analytics;
  it('flags an item only with enough answers, by the rules in the settings', () => {
    expect(itemFlags({ n: rules.flagMinAnswers - 1, correctRate: 1, discrimination: 0 }, rules)).toEqual([]);
    expect(itemFlags({ n: 10, correctRate: rules.flagTooEasyFrom, discrimination: 0.5 }, rules)).toEqual(['too_easy']);
    expect(itemFlags({ n: 10, correctRate: rules.flagTooHardBelow - 0.01, discrimination: rules.flagDiscriminationBelow - 0.01 }, rules)).toEqual(['too_hard', 'not_discriminating']);
    expect(itemFlags({ n: 10, correctRate: 0.6, discrimination: null }, rules)).toEqual([]);
  });

  it('reads a corrected key the way answers are written, and refuses one the printed field cannot hold', () => {
    const common = { id: 'q', subject: 'math', grade: 7, skills: ['s'], stem: { en: 'Q' }, points: 1, minutes: 1, difficulty: 0, tier: 'core' as const, version: 1, contentHash: 'h' };
    const options = ['A', 'B', 'C', 'D'].map((key) => ({ key, text: { en: key } }));
    const single = { ...common, type: 'single_choice' as const, options, answer: 'A' };
    expect(withKey(single, 'c')).toMatchObject({ ok: true, value: { answer: 'C' } });
    expect(withKey(single, 'E').ok).toBe(false);
    expect(withKey({ ...common, type: 'multiple_choice', options, answer: ['A'] }, 'C, A')).toMatchObject({ ok: true, value: { answer: ['A', 'C'] } });
    expect(withKey({ ...common, type: 'true_false', answer: true }, 'F')).toMatchObject({ ok: true, value: { answer: false } });
    expect(withKey({ ...common, type: 'numeric', answer: 3, tolerance: 0, digits: 3, decimals: 1, signed: false }, '12.5')).toMatchObject({ ok: true, value: { answer: 12.5 } });
    expect(withKey({ ...common, type: 'numeric', answer: 3, tolerance: 0, digits: 2, decimals: 0, signed: false }, '-4').ok).toBe(false);
    expect(withKey({ ...common, type: 'open', maxScore: 3, spaceMm: 40 }, '2').ok).toBe(false);
    const fixed = withKey(single, 'B');
    expect(fixed.ok && keyText(fixed.value)).toBe('B');
  });
});
