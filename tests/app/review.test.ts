import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeAnswer } from '../../src/domain/grading';
import { invoke } from '../../src/station/invoke';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';
import { seedReview } from '../support/review';
import { clearQueueByKeyboard, nextSlot, shownSlot, until } from '../support/reviewTeacher';
import { tempStation } from '../support/station';

describe('the review handlers on a real store', () => {
  it('one decision settles a group of identical readings, an override each; an undo reopens them and is kept too', async () => {
    const ctx = tempStation();
    const ids = [];
    for (const shade of [250, 240, 230]) ids.push((await seedReview(ctx, shade)).responseId);
    const board = await invoke(ctx, 'reviewBoard', {});
    if (!board.ok) throw new Error(board.error.message);
    expect(board.value.questions).toHaveLength(1);
    expect(board.value.questions[0]!.groups.map((g) => [g.reading, g.cards.map((c) => c.responseId)])).toEqual([['A', ids]]);

    const decided = await invoke(ctx, 'resolveGroup', { responseIds: ids, answer: 'B' });
    expect(decided.ok && decided.value.decided.map((d) => d.answer)).toEqual(['B', 'B', 'B']);
    expect(ctx.store.scans.openReviews()).toEqual([]);
    for (const id of ids) expect(ctx.store.scans.overridesOf(id)).toMatchObject([{ answer: 'B', teacher: ctx.actor, at: '2026-11-24T16:00:00.000Z' }]);
    expect(await invoke(ctx, 'resolveGroup', { responseIds: ids })).toMatchObject({ ok: false, error: { code: 'already_decided' } });

    expect(await invoke(ctx, 'undoReview', { responseIds: ids })).toMatchObject({ ok: true, value: { reopened: 3, by: ctx.actor } });
    expect(ctx.store.scans.openReviews().map((r) => r.responseId)).toEqual(ids);
    for (const id of ids) {
      expect(ctx.store.scans.overridesOf(id).map((o) => [o.answer, o.note])).toEqual([['B', null], ['A', 'undo']]);
      expect(ctx.store.scans.responses({ studentId: 'S01' }).find((r) => r.id === id)).toMatchObject({ answer: 'A', score: 0, status: 'needs_review' });
    }
    expect(await invoke(ctx, 'undoReview', { responseIds: ids })).toMatchObject({ ok: false, error: { code: 'not_decided' } });
    expect(await invoke(ctx, 'resolveGroup', { responseIds: ids })).toMatchObject({ ok: true });
    for (const id of ids) expect(ctx.store.scans.overridesOf(id).map((o) => o.answer)).toEqual(['B', 'A', 'A']);
  });
});

describe('the Review screen (built app, real Chromium, the looped demo)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 900_000);
  afterAll(async () => app?.close());

  it('shows a group with its zoomed crop, reading, confidence and choices; no serious accessibility violations', async () => {
    const page = await app.openPage('en', '#/review');
    const slot = (await shownSlot(page))!;
    expect(slot.position).toBe(1);
    const img = page.locator('img.review-context');
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0), { timeout: 60_000 }).toBe(true);
    expect(await page.locator('[data-station-reading]').innerText()).not.toBe('');
    expect(await page.locator('.review-confidence').innerText()).toMatch(/confidence \d+%/);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 240_000);

  it('Backspace undoes the last decision: the review opens again, and both the decision and the undo are kept', async () => {
    const page = await app.openPage('en', '#/review');
    const first = (await shownSlot(page))!;
    await page.keyboard.press('0');
    await nextSlot(page, first);
    for (const id of first.responses) expect(app.ctx.store.scans.overridesOf(id)).toHaveLength(1);
    expect(await page.locator(`[data-decision="${first.responses.join(',')}"] .review-log-who`).innerText()).toContain(`by ${app.ctx.actor}, `);
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.locator(`[data-review-slot][data-responses="${first.responses.join(',')}"]`).count(), { timeout: 60_000 }).toBe(1);
    for (const id of first.responses) {
      const history = app.ctx.store.scans.overridesOf(id);
      expect(history.map((o) => o.note)).toEqual([null, 'undo']);
      expect(history.every((o) => o.teacher === app.ctx.actor && !Number.isNaN(Date.parse(o.at)))).toBe(true);
      expect(app.ctx.store.scans.response(id)?.status).toBe('needs_review');
    }
    expect(app.ctx.store.scans.openReviews().map((r) => r.responseId)).toEqual(expect.arrayContaining(first.responses));
    expect(await page.locator(`[data-decision="${first.responses.join(',')}"].undone`).count()).toBe(1);
  }, 240_000);

  it('ignores shortcuts while an input method is composing and while typing in the answer box', async () => {
    const page = await app.openPage('en', '#/review');
    const first = (await shownSlot(page))!;
    const historyBefore = first.responses.map((id) => app.ctx.store.scans.overridesOf(id).length);
    await page.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true })));
    await page.evaluate(() => document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '0', isComposing: true, bubbles: true })));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('#review-position').getAttribute('data-position'), { timeout: 60_000 }).toBe('2');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('[data-review-slot]').getAttribute('data-responses'), { timeout: 60_000 }).toBe(first.responses.join(','));
    // The answer box is on numeric and written questions: go to the first one.
    for (let i = 0; i < 50 && (await page.locator('#review-answer').count()) === 0; i++) await page.keyboard.press('ArrowRight');
    const typedAt = await page.locator('[data-review-slot]').getAttribute('data-responses');
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 60_000 }).toBe('review-answer');
    await page.keyboard.type('0');
    expect(await page.locator('#review-answer').inputValue()).toBe('0');
    await page.keyboard.press('Escape');
    expect(first.responses.map((id) => app.ctx.store.scans.overridesOf(id).length)).toEqual(historyBefore);
    for (const id of typedAt!.split(',').map(Number)) expect(app.ctx.store.scans.response(id)?.status).toBe('needs_review');
    expect(await page.locator('[data-review-slot]').getAttribute('data-responses')).toBe(typedAt);
  }, 240_000);

  it('in Chinese', async () => {
    const page = await app.openPage('zh-Hans', '#/review');
    await shownSlot(page);
    expect(await page.locator('#review-title').innerText()).toBe('复核');
    expect(await page.locator('#review-position').innerText()).toMatch(/^第 1 组，共 \d+ 组/);
    expect(await page.locator('.review-help').innerText()).toContain('撤销上一次判定');
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (process.env.PAPERLOOP_SCREENSHOTS) await page.screenshot({ path: 'docs/img/review-zh.png' });
  }, 240_000);

  it('resolves the whole queue by keyboard only; each read gets its own override with who and when', async () => {
    const page = await app.openPage('en', '#/review');
    if (process.env.PAPERLOOP_SCREENSHOTS) {
      await shownSlot(page);
      await until(() => page.locator('img.review-context').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0));
      await page.screenshot({ path: 'docs/img/review-en.png' });
    }
    const reviews = app.ctx.store.scans.openReviews().map((r) => r.responseId);
    // A queue worth clearing by keyboard (the looped demo has 18 after the 2026-12-07 mark rules; 39 before).
    expect(reviews.length).toBeGreaterThanOrEqual(10);
    const log = process.env.REVIEW_DEBUG ? (line: string) => process.stderr.write(`${line}\n`) : undefined;
    const cleared = await clearQueueByKeyboard(page, app.ctx, app.dataDir, log);
    expect(await page.locator('[data-review-empty]').innerText()).toMatch(/Nothing to review/);
    expect(app.ctx.store.scans.openReviews()).toEqual([]);
    for (const id of reviews) {
      const last = app.ctx.store.scans.overridesOf(id).at(-1)!;
      expect(last.note).not.toBe('undo');
      expect(last.teacher).toBe(app.ctx.actor);
      expect(Date.parse(last.at)).toBeGreaterThan(Date.parse('2026-01-01'));
      const response = app.ctx.store.scans.response(id)!;
      expect(response.status).toBe('resolved');
      const effective = app.ctx.store.scans.responses({ studentId: response.studentId }).find((r) => r.id === id)!;
      expect(effective.score).toBe(gradeAnswer(app.ctx.store.item(response.itemId, response.itemVersion)!, cleared.truthOf(id), app.ctx.settings).score);
    }
    const perDecision = Math.round((cleared.keystrokes / cleared.reviews) * 100) / 100;
    process.stdout.write(`${JSON.stringify({ bench: 'review_keystrokes_per_decision', keystrokes: cleared.keystrokes, reviews: cleared.reviews, groups: cleared.groups, value: perDecision })}\n`);
    expect(cleared.keystrokes).toBeGreaterThanOrEqual(cleared.groups);
  }, 600_000);
});
