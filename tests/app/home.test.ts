/**
 * Home on the looped demo (printed, scanned, graded, ~39 reviews open), in the built app and real Chromium, and the
 * homeSummary handler's machine-vs-teacher agreement against overrides made with the real resolve handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capForGrade } from '../../src/domain/workload';
import { invoke } from '../../src/station/invoke';
import { agreementOf } from '../../src/station/handlers/app/home';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

const DAY = '2026-11-25';

/** Workbook pages (blank backs apart) printed for a class's sets on a day, and how many of them a stored scan came back for. */
function pagesInStore(app: AppUnderTest, classId: string, date: string): { printed: number; scanned: number } {
  const pages = `SELECT p.page_id FROM printed_pages p JOIN print_jobs j ON j.id = p.job_id JOIN workbook_sets ws ON ws.id = j.set_id
                 WHERE ws.class_id = ? AND ws.date = ? AND p.kind = 'workbook'`;
  const printed = app.ctx.db.prepare(`SELECT count(*) AS n FROM (${pages})`).get(classId, date) as { n: number };
  const scanned = app.ctx.db.prepare(`SELECT count(DISTINCT page_id) AS n FROM scanned_images WHERE status != 'failed' AND page_id IN (${pages})`).get(classId, date) as { n: number };
  return { printed: printed.n, scanned: scanned.n };
}

describe('Home (built app, real Chromium, looped demo)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 600_000);
  afterAll(async () => app?.close());

  it('opens on the demo day and shows 7A: pages printed and scanned as stored, the review count, the cap', async () => {
    const page = await app.openPage('en', '#/home');
    const card = page.locator('[data-class-id="7A"]');
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('#home-date').inputValue()).toBe(DAY);
    const stored = pagesInStore(app, '7A', DAY);
    expect(stored.printed).toBeGreaterThan(0);
    const scanned = card.locator('[data-fact="scanned"]');
    expect(Number(await scanned.getAttribute('data-printed'))).toBe(stored.printed);
    expect(Number(await scanned.getAttribute('data-scanned'))).toBe(stored.scanned);
    expect(await scanned.innerText()).toContain(`${stored.scanned} of ${stored.printed} pages scanned`);
    const reviews = card.locator('[data-fact="reviews"]');
    const open = app.ctx.store.scans.openReviews().length;
    expect(open).toBeGreaterThan(0);
    expect(Number(await reviews.getAttribute('data-count'))).toBe(open);
    expect(await reviews.locator('a').getAttribute('href')).toBe('#/review');
    const cap = capForGrade(7, app.ctx.settings.caps);
    expect(Number(await card.locator('[data-fact="minutes"]').getAttribute('data-cap'))).toBe(cap);
    expect(await card.locator('[data-fact="minutes"]').innerText()).toContain(`of ${cap} min allowed`);
    // Who needs help links to the student's page; the report handler names the same students.
    const report = await invoke(app.ctx, 'report', { classId: '7A', date: DAY });
    expect(report.ok).toBe(true);
    if (!report.ok) return;
    const links = await card.locator('[data-help-student]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(report.value.needingHelp.map((h) => `#/students/${h.studentId}`));
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('in Chinese, another day: tomorrow printed and nothing back yet, with what to do', async () => {
    const page = await app.openPage('zh-Hans', '#/home');
    await expect.poll(() => page.locator('[data-class-id="7A"]').count(), { timeout: 30_000 }).toBe(1);
    await page.locator('#home-date').selectOption('2026-11-26');
    const card = page.locator('[data-class-id="7A"]');
    await expect.poll(() => card.locator('[data-fact="scanned"]').getAttribute('data-scanned')).toBe('0');
    const stored = pagesInStore(app, '7A', '2026-11-26');
    expect(Number(await card.locator('[data-fact="scanned"]').getAttribute('data-printed'))).toBe(stored.printed);
    expect(await card.locator('[data-fact="scanned"]').innerText()).toContain('还没有扫描任何页面');
    expect(await card.locator('[data-fact="scanned"] a').getAttribute('href')).toBe('#/scan');
    expect(await page.locator('h1').innerText()).toBe('今日概览');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('homeSummary: agreement is the share of decisions that kept the station reading, per class and for the station', async () => {
    const before = await invoke(app.ctx, 'homeSummary', { date: DAY });
    expect(before.ok && before.value.agreement).toEqual({ reviewed: 0, kept: 0, share: null });
    // Keep three readings as the station read them, change one.
    const reviews = app.ctx.store.scans.openReviews().slice(0, 4);
    for (const r of reviews.slice(0, 3)) expect((await invoke(app.ctx, 'resolve', { responseId: r.responseId, answer: r.answer })).ok).toBe(true);
    const changed = reviews[3]!;
    expect((await invoke(app.ctx, 'resolve', { responseId: changed.responseId, answer: null })).ok).toBe(true);
    expect(changed.answer).not.toBeNull();
    const after = await invoke(app.ctx, 'homeSummary', { date: DAY });
    expect(after.ok).toBe(true);
    if (!after.ok) return;
    expect(after.value.agreement).toEqual({ reviewed: 4, kept: 3, share: 0.75 });
    const sevenA = after.value.classes.find((c) => c.classId === '7A')!;
    expect(sevenA.agreement).toEqual({ reviewed: 4, kept: 3, share: 0.75 });
    expect(sevenA.reviews).toBe(app.ctx.store.scans.openReviews().length);
    expect(after.value.classes.find((c) => c.classId === '4B')!.agreement.reviewed).toBe(0);
    // A later decision that goes back to the station's reading counts once, as kept.
    expect((await invoke(app.ctx, 'resolve', { responseId: changed.responseId, answer: changed.answer })).ok).toBe(true);
    const again = await invoke(app.ctx, 'homeSummary', {});
    expect(again.ok && again.value.agreement).toEqual({ reviewed: 4, kept: 4, share: 1 });
  });
});

describe('agreementOf', () => {
  it('counts a decision as kept only when the answer is the one the station read', () => {
    expect(agreementOf([])).toEqual({ reviewed: 0, kept: 0, share: null });
    const decisions = [
      { read: 'B', decided: 'B' },
      { read: null, decided: null },
      { read: 'B', decided: 'C' },
      { read: '12', decided: null },
      { read: null, decided: 'A' },
    ];
    expect(agreementOf(decisions)).toEqual({ reviewed: 5, kept: 2, share: 0.4 });
  });
});
