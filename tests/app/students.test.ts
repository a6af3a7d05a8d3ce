import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { masteryOf } from '../../src/domain/learning/mastery';
import { invoke } from '../../src/station/invoke';
import { learningState } from '../../src/station/learning/state';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

const STUDENT = 'S7A01';
const SCREENSHOTS = process.env.PAPERLOOP_SCREENSHOTS === '1';

/** The items a student got wrong and has not answered right since, straight from the stored responses. */
function openWrongItems(app: AppUnderTest, studentId: string): string[] {
  const rows = app.ctx.store.scans.responses({ studentId }).filter((r) => r.status !== 'needs_review');
  const wrong = rows.filter((r) => !r.correct && !rows.some((x) => x.itemId === r.itemId && x.seq > r.seq && x.correct));
  return [...new Set(wrong.map((r) => r.itemId))].sort();
}

const attr = (page: Page, selector: string, name: string) => page.locator(selector).evaluateAll((els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

describe('the Students screen (built app, real Chromium, the looped demo)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 600_000);
  afterAll(async () => app?.close());

  it('lists every class with its students and a one-line state, and links to a student', async () => {
    const page = await app.openPage('en', '#/students');
    await page.locator(`tr[data-student-id="${STUDENT}"]`).waitFor();
    for (const cls of app.ctx.store.classes())
      expect(await attr(page, `[data-class-id="${cls.id}"] tr[data-student-id]`, 'data-student-id')).toEqual(app.ctx.store.students(cls.id).map((s) => s.id));
    const open = openWrongItems(app, STUDENT).length;
    expect(open).toBeGreaterThan(0);
    expect(await page.locator(`tr[data-student-id="${STUDENT}"] .students-state`).innerText()).toContain(`${open} open wrong question`);
    for (const s of app.ctx.store.students('7A')) expect(await page.locator(`[data-class-id="7A"] tr[data-student-id="${s.id}"]`).getAttribute('data-open-wrong')).toBe(String(openWrongItems(app, s.id).length));
    expect(await page.locator('[data-class-id="4B"] tr[data-student-id="S4B01"] .students-state').innerText()).toBe('no scans yet');
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) await page.screenshot({ path: join('docs', 'img', 'students-list-en.png') });
    await page.locator(`tr[data-student-id="${STUDENT}"] a`).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/students/${STUDENT}`);
    await page.locator('#student-title').waitFor();
  });

  it("shows a student's mastery per skill as the learning state has it, and the wrong-question book from the store", async () => {
    const page = await app.openPage('en', `#/students/${STUDENT}`);
    await page.locator('tr[data-skill-id]').first().waitFor();
    const state = learningState(app.ctx, { classId: '7A' });
    const skillIds = await attr(page, 'tr[data-skill-id]', 'data-skill-id');
    expect(skillIds).toEqual(expect.arrayContaining(app.ctx.store.skills({ grade: 7 }).map((s) => s.id)));
    const shown = await page.locator('tr[data-skill-id]').evaluateAll((rows) => rows.map((r) => ({ id: r.getAttribute('data-skill-id')!, p: r.getAttribute('data-p'), n: Number(r.getAttribute('data-n')) })));
    const expected = shown.map((r) => {
      const m = masteryOf(state.mastery, STUDENT, r.id, app.ctx.settings.learning);
      return { id: r.id, p: m.p.toFixed(3), n: m.n };
    });
    expect(shown).toEqual(expected);
    expect(shown.some((r) => r.n > 0)).toBe(true);
    // Skill names in the UI language, not ids.
    const names = new Map(app.ctx.store.skills().map((s) => [s.id, s.name.en]));
    expect(await page.locator(`tr[data-skill-id="${skillIds[0]}"] th`).innerText()).toBe(names.get(skillIds[0]!));

    const wrong = openWrongItems(app, STUDENT);
    expect((await attr(page, '#wrong-book tr[data-item-id]', 'data-item-id')).sort()).toEqual(wrong);
    // Grouped by knowledge point: each group holds items of that skill.
    const groups = await page.locator('#wrong-book tbody[data-skill-id]').evaluateAll((ts) => ts.map((t) => ({ skill: t.getAttribute('data-skill-id')!, items: Array.from(t.querySelectorAll('tr[data-item-id]')).map((r) => r.getAttribute('data-item-id')!) })));
    for (const g of groups) for (const id of g.items) expect(app.ctx.store.item(id)?.skills[0]).toBe(g.skill);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it("shows tomorrow's items with the reasons stored on the student's workbook", async () => {
    const page = await app.openPage('en', `#/students/${STUDENT}`);
    await page.locator('#next-items tr[data-item-id]').first().waitFor();
    const date = await page.locator('#next-date').inputValue();
    expect(date).toBe('2026-11-26'); // the day after the demo's scanned stack
    const [booked] = app.ctx.store.approvedMinutes(STUDENT, date);
    const stored = JSON.parse(app.ctx.store.workbook(`${booked!.workbookSetId}/${STUDENT}`)!.itemsJson) as { itemId: string; reason: { text: { en: string } } }[];
    const rows = await page.locator('#next-items tr[data-item-id]').evaluateAll((rs) => rs.map((r) => ({ itemId: r.getAttribute('data-item-id')!, reason: (r.querySelector('.students-reason') as HTMLElement).innerText })));
    expect(rows).toEqual(stored.map((e) => ({ itemId: e.itemId, reason: e.reason.text.en })));
    expect(rows.every((r) => r.reason.length > 0)).toBe(true);
    // Another day with no workbook says so.
    await page.locator('#next-date').fill('2026-12-24');
    await expect.poll(() => page.locator('#next-items .empty').count()).toBe(1);
  });

  it('stores pin, exclude and tier overrides made in the page with who and when, and shows them', async () => {
    const page = await app.openPage('en', `#/students/${STUDENT}`);
    await page.locator('#override-item').waitFor();
    const before = Date.now();
    const [pinned, excluded] = (await attr(page, '#override-item option', 'value')).slice(3, 5);
    await page.locator('#override-item').selectOption(pinned!);
    await page.locator('#override-pin').click();
    await page.locator(`#overrides tr[data-kind="pin"][data-value="${pinned}"]`).waitFor();
    await page.locator('#override-item').selectOption(excluded!);
    await page.locator('#override-exclude').click();
    await page.locator(`#overrides tr[data-kind="exclude"][data-value="${excluded}"]`).waitFor();
    await page.locator('#override-tier').selectOption('stretch');
    await page.locator('#override-set-tier').click();
    await page.locator('#overrides tr[data-kind="tier"][data-value="stretch"]').waitFor();

    const stored = app.ctx.store.selectionOverrides('7A').filter((o) => o.studentId === STUDENT);
    expect(stored.map((o) => [o.kind, o.value])).toEqual([['pin', pinned], ['exclude', excluded], ['tier', 'stretch']]);
    for (const o of stored) {
      expect(o.teacher).not.toBe('');
      expect(Date.parse(o.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(o.at)).toBeLessThanOrEqual(Date.now());
      const row = page.locator(`#overrides tr[data-kind="${o.kind}"][data-value="${o.value}"]`);
      expect(await row.getAttribute('data-at')).toBe(o.at);
      expect(await row.locator('td').nth(2).innerText()).toBe(o.teacher);
      expect(await row.locator('td').nth(3).innerText()).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(o.at)));
    }
    // Excluding one of tomorrow's items from its row.
    const nextItem = (await attr(page, '#next-items tr[data-item-id]', 'data-item-id')).find((id) => id !== excluded)!;
    await page.locator(`#next-items tr[data-item-id="${nextItem}"] button.students-exclude`).click();
    await page.locator(`#overrides tr[data-kind="exclude"][data-value="${nextItem}"]`).waitFor();
    expect(app.ctx.store.selectionOverrides('7A').filter((o) => o.studentId === STUDENT && o.kind === 'exclude').map((o) => o.value)).toEqual([excluded, nextItem]);
    await page.locator('#override-clear').click();
    await expect.poll(() => page.locator('#overrides tr[data-kind]').count()).toBe(0);
    expect(app.ctx.store.selectionOverrides('7A').filter((o) => o.studentId === STUDENT)).toEqual([]);
  });

  it('makes the wrong-question book as a PDF the browser downloads (a session is needed)', async () => {
    const page = await app.openPage('en', `#/students/${STUDENT}`);
    await page.locator('#wrong-book-pdf').click();
    const link = page.locator('#wrong-book-download');
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
    expect(doc.countPages()).toBeGreaterThanOrEqual(1);
    const text = doc.loadPage(0).toStructuredText('preserve-whitespace').asText();
    expect(text).toContain(app.ctx.store.students('7A').find((s) => s.id === STUDENT)!.displayName);
    const href = (await link.getAttribute('href'))!;
    expect((await fetch(`${app.url}${href}`)).status).toBe(401);
    const other = await page.evaluate(async () => (await fetch('/wrong-book/..%2Fsettings.json')).status);
    expect(other).toBe(404);
  });

  it('says so for a student with no scans yet, and shows an error for an unknown student', async () => {
    const page = await app.openPage('en', '#/students/S4B01');
    await page.locator('#student-no-scans').waitFor();
    expect(await page.locator('tr[data-skill-id]').count()).toBe(0);
    expect(await page.locator('#wrong-book').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.goto(`${app.url}/#/students/NOBODY`);
    await page.locator('[role="alert"][data-error-code="unknown_student"]').waitFor();
  });

  it("follows the station: once a review settles another wrong answer and pages are graded, the list shows it without a reload", async () => {
    const page = await app.openPage('en', '#/students');
    await page.locator(`tr[data-student-id="${STUDENT}"]`).waitFor();
    const review = app.ctx.store.scans.openReviews().find((r) => r.studentId !== STUDENT && app.ctx.store.item(r.itemId)?.type === 'single_choice' && !openWrongItems(app, r.studentId).includes(r.itemId))!;
    const item = app.ctx.store.item(review.itemId)!;
    const wrongChoice = item.type === 'single_choice' ? item.options.map((o) => o.key).find((id) => id !== item.answer)! : '';
    const row = page.locator(`[data-class-id="7A"] tr[data-student-id="${review.studentId}"]`);
    const before = Number(await row.getAttribute('data-open-wrong'));
    const resolved = await invoke(app.ctx, 'resolve', { responseId: review.responseId, answer: wrongChoice });
    expect(resolved.ok).toBe(true);
    expect(openWrongItems(app, review.studentId).length).toBe(before + 1);
    app.ctx.events.emit({ type: 'graded', imageId: 0, pageId: review.pageId, responses: 1, reviews: 0 });
    await expect.poll(() => row.getAttribute('data-open-wrong'), { timeout: 20_000 }).toBe(String(before + 1));
  });

  it('reads in Chinese: headings, skill names and reasons', async () => {
    const page = await app.openPage('zh-Hans', `#/students/${STUDENT}`);
    await page.locator('#next-items tr[data-item-id]').first().waitFor();
    expect(await page.locator('#mastery-title').innerText()).toBe('知识点掌握情况');
    const names = new Map(app.ctx.store.skills().map((s) => [s.id, s.name.zh]));
    const first = (await attr(page, 'tr[data-skill-id]', 'data-skill-id'))[0]!;
    expect(await page.locator(`tr[data-skill-id="${first}"] th`).innerText()).toBe(names.get(first));
    const [booked] = app.ctx.store.approvedMinutes(STUDENT, '2026-11-26');
    const stored = JSON.parse(app.ctx.store.workbook(`${booked!.workbookSetId}/${STUDENT}`)!.itemsJson) as { reason: { text: { zh: string } } }[];
    expect(await page.locator('#next-items .students-reason').first().innerText()).toBe(stored[0]!.reason.text.zh);
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) {
      await page.screenshot({ path: join('docs', 'img', 'students-zh.png'), fullPage: false });
      const en = await app.openPage('en', `#/students/${STUDENT}`);
      await en.locator('#next-items tr[data-item-id]').first().waitFor();
      await en.screenshot({ path: join('docs', 'img', 'students-en.png') });
    }
  });
});
