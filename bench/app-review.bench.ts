// The Review screen in the built app, in Debian's Chromium, on a copy of the demo station. Prints JSON lines:
//   review_keystrokes_per_decision: keys a teacher who knows what was written presses to clear the demo queue,
//     per read decided (grouping: one decision settles identical readings). Goal ≤ 1.2.
//   review_1000_render_ms: 1,000 open reviews (every reading different, so no grouping helps): navigation to the
//     first card with its image ready; review_1000_move_ms and _decision_ms: an arrow key, and a decision, until the
//     next card is shown. Timed in the page.
// Run: node --import tsx bench/app-review.bench.ts
import type { Page } from 'playwright-core';
import type { StationContext } from '../src/station/context';
import { openApp } from '../tests/support/app';
import { clearQueueByKeyboard, shownSlot, until } from '../tests/support/reviewTeacher';
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

/** In the page: runs `act`, then polls every 5 ms until `done` holds; the milliseconds between (no test-driver round trips). */
function timeInPage(page: Page, act: string, done: string): Promise<number> {
  // A source string, so the bundler's helpers never reach the page.
  return page.evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    ${act};
    const tick = function () { if (${done}) resolve(performance.now() - t0); else setTimeout(tick, 5); };
    tick();
  })`) as Promise<number>;
}

const key = (k: string) => `document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '${k}', bubbles: true }))`;
const CARD_READY = `(() => { const i = document.querySelector('img.review-context'); return !!i && i.complete && i.naturalWidth > 0; })()`;

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
    const render = await timeInPage(page, `document.querySelector('nav a[data-screen="review"]').click()`, CARD_READY);
    emit({ bench: 'app', figure: 'review_1000_render_ms', value: render, unit: 'ms', note: `${open} open reviews, every reading different: navigation to the first card with its image (timed in the page)` });
    const first = (await shownSlot(page))!;
    const moved = await timeInPage(page, key('ArrowRight'), `document.querySelector('#review-position')?.getAttribute('data-position') === '${first.position + 1}'`);
    emit({ bench: 'app', figure: 'review_1000_move_ms', value: moved, unit: 'ms', note: 'ArrowRight until the next card is shown' });
    const second = (await shownSlot(page))!;
    const decided = await timeInPage(page, key('0'), `!document.querySelector('[data-review-slot][data-responses="${second.responses.join(',')}"]')`);
    emit({ bench: 'app', figure: 'review_1000_decision_ms', value: decided, unit: 'ms', note: 'a decision (0: wrong) recorded by the station and the next card shown' });
  } finally {
    await app.close();
  }
}
