/**
 * Home and Students follow the station's events: a review decided (or undone) in one open page changes the counts in
 * another, without a reload. Built app, real Chromium, the looped demo, the real handlers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../src/station/invoke';
import type { StationEvent } from '../../src/station/events';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';
import { seedReview } from '../support/review';
import { nextSlot, shownSlot } from '../support/reviewTeacher';
import { tempStation } from '../support/station';

/** The open reviews Home shows, summed over its class cards. */
const homeReviewCount = (page: Page) =>
  page.locator('[data-fact="reviews"]').evaluateAll((dds) => dds.reduce((sum, dd) => sum + Number(dd.getAttribute('data-count')), 0));

describe('the review handlers tell the station when decisions change results (real store)', () => {
  it('emits reviews_changed for a decided group, for what a refused group recorded before it stopped, and for an undo', async () => {
    const ctx = tempStation();
    const ids: number[] = [];
    for (const shade of [250, 240, 230]) ids.push((await seedReview(ctx, shade)).responseId);
    const events: StationEvent[] = [];
    ctx.events.subscribe((e) => events.push(e));

    expect((await invoke(ctx, 'resolveGroup', { responseIds: [ids[1]!] })).ok).toBe(true);
    expect(events).toEqual([{ type: 'reviews_changed', decided: 1 }]);
    // The group's second read was decided meanwhile (another page): the first is recorded, then the refusal says so.
    expect(await invoke(ctx, 'resolveGroup', { responseIds: ids, answer: 'B' })).toMatchObject({ ok: false, error: { code: 'already_decided', params: { recorded: 1 } } });
    expect(events.at(-1)).toEqual({ type: 'reviews_changed', decided: 1 });
    // Nothing recorded: nothing changed, no event.
    expect(await invoke(ctx, 'resolveGroup', { responseIds: [ids[0]!] })).toMatchObject({ ok: false, error: { code: 'already_decided' } });
    expect(events).toHaveLength(2);

    expect((await invoke(ctx, 'undoReview', { responseIds: [ids[0]!, ids[1]!] })).ok).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'reviews_changed', reopened: 2 });
    ctx.db.close();
  });
});

describe('Home and Students follow review decisions made in another page', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 900_000);
  afterAll(async () => app?.close());

  it('a group resolved on the Review screen lowers the Home count and changes the Students list; an undo raises it again', async () => {
    const home = await app.openPage('en', '#/home');
    const students = await app.openPage('zh-Hans', '#/students');
    const review = await app.openPage('en', '#/review');
    const open = app.ctx.store.scans.openReviews().length;
    expect(open).toBeGreaterThan(0);
    await expect.poll(() => homeReviewCount(home), { timeout: 60_000 }).toBe(open);
    await expect.poll(() => students.locator('[data-student-id]').count(), { timeout: 60_000 }).toBeGreaterThan(0);

    const first = (await shownSlot(review))!;
    const studentIds = [...new Set(first.responses.map((id) => app.ctx.store.scans.response(id)!.studentId))];
    const openWrongShown = (id: string) => students.locator(`tr[data-student-id="${id}"]`).first().getAttribute('data-open-wrong').then(Number);
    const before = await Promise.all(studentIds.map(openWrongShown));
    // 0: the answer is wrong, whatever was read (each of these students gets a wrong question to practise).
    await review.keyboard.press('0');
    await nextSlot(review, first);
    expect(app.ctx.store.scans.openReviews().length).toBe(open - first.responses.length);

    await expect.poll(() => homeReviewCount(home), { timeout: 60_000 }).toBe(open - first.responses.length);
    const overview = await invoke(app.ctx, 'studentsOverview', {});
    if (!overview.ok) throw new Error(overview.error.message);
    const openWrongStored = (id: string) => overview.value.classes.flatMap((c) => c.students).find((s) => s.id === id)!.openWrong;
    expect(studentIds.map(openWrongStored)).not.toEqual(before);
    await expect.poll(() => Promise.all(studentIds.map(openWrongShown)), { timeout: 60_000 }).toEqual(studentIds.map(openWrongStored));

    await review.keyboard.press('Backspace');
    await expect.poll(() => homeReviewCount(home), { timeout: 60_000 }).toBe(open);
    await expect.poll(() => Promise.all(studentIds.map(openWrongShown)), { timeout: 60_000 }).toEqual(before);
    expect(await seriousA11yViolations(home)).toEqual([]);
    expect(await seriousA11yViolations(students)).toEqual([]);
  }, 300_000);
});
