// The Review screen in the built app, in Debian's Chromium, on a copy of the demo station. Prints JSON lines:
//   review_keystrokes_per_decision: keys a teacher who knows what was written presses to clear the demo queue,
//     per read decided (grouping: one decision settles identical readings). Goal ≤ 1.2.
//   review_1000_render_ms: 1,000 open reviews (every reading different, so no grouping helps): navigation to the
//     first card with its image ready, then an arrow key and a decision each until the next card is shown.
// Run: node --import tsx bench/app-review.bench.ts
import type { Page } from 'playwright-core';
import type { StationContext } from '../src/station/context';
import { openApp } from '../tests/support/app';
import { clearQueueByKeyboard, nextSlot, shownSlot, until } from '../tests/support/reviewTeacher';
import { emit } from './lib/emit';

const SEEDED = 1000;

/** Copies the demo's open reviews (same scans, same crops) until SEEDED are open, each with its own reading. */
function seedReviews(ctx: StationContext, count: number): void {
  const open = ctx.store.scans.openReviews();
  ctx.store.transaction(() => {
    const copyResponse = ctx.db.prepare(
      `INSERT INTO responses (seq, page_id, image_sha256, field_id, student_id, item_id, item_version, answer, score, max_score, correct, confidence, status, date)
       SELECT @seq, page_id, image_sha256, field_id || '#' || @n, student_id, item_id, item_version, @answer, 0, max_score, 0, confidence, 'needs_review', date FROM responses WHERE id = @id`,
    );
    const copyQueue = ctx.db.prepare(`INSERT INTO review_queue (response_id, reasons_json, evidence_json) SELECT @responseId, reasons_json, evidence_json FROM review_queue WHERE response_id = @id`);
    for (let n = open.length; n < count; n++) {
      const from = open[n % open.length]!;
      const info = copyResponse.run({ seq: ctx.store.nextSeq(), n, answer: `${from.answer ?? ''}${n}`, id: from.responseId });
      copyQueue.run({ responseId: Number(info.lastInsertRowid), id: from.responseId });
    }
  });
}

async function firstCardReady(page: Page): Promise<void> {
  await until(async () => (await page.locator('img.review-context').count()) > 0);
  await until(() => page.locator('img.review-context').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0));
}

{
  const app = await openApp('looped');
  try {
    const page = await app.openPage('en', '#/review');
    const cleared = await clearQueueByKeyboard(page, app.ctx, app.dataDir);
    emit({ bench: 'app', figure: 'review_keystrokes_per_decision', value: cleared.keystrokes / cleared.reviews, goal: '<= 1.2', note: `${cleared.keystrokes} keys, ${cleared.reviews} reads, ${cleared.groups} decisions` });
  } finally {
    await app.close();
  }
}

{
  const app = await openApp('looped');
  try {
    seedReviews(app.ctx, SEEDED);
    const open = app.ctx.store.scans.openReviews().length;
    const page = await app.openPage('en', '#/home');
    await until(async () => (await page.locator('nav a[data-screen="review"]').count()) > 0);
    let t = performance.now();
    await page.locator('nav a[data-screen="review"]').click();
    await firstCardReady(page);
    emit({ bench: 'app', figure: 'review_1000_render_ms', value: performance.now() - t, unit: 'ms', note: `${open} open reviews: navigation to the first card with its image` });
    const first = (await shownSlot(page))!;
    t = performance.now();
    await page.keyboard.press('ArrowRight');
    await until(async () => (await page.locator('#review-position').getAttribute('data-position')) === String(first.position + 1));
    emit({ bench: 'app', figure: 'review_1000_move_ms', value: performance.now() - t, unit: 'ms', note: 'ArrowRight to the next card shown' });
    const second = (await shownSlot(page))!;
    t = performance.now();
    await page.keyboard.press('0');
    await nextSlot(page, second);
    emit({ bench: 'app', figure: 'review_1000_decision_ms', value: performance.now() - t, unit: 'ms', note: 'a decision (0: wrong) recorded and the next card shown' });
  } finally {
    await app.close();
  }
}
