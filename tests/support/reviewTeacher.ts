/**
 * A teacher who clears the Review screen by keyboard alone, knowing what each demo student really wrote (the
 * synthetic stack's truth file): Enter when the station read it right; a choice question's letter; the number of
 * the right reading when it is offered; on multiple choice the letters that differ from the station's marks, then
 * Enter; 0 when the answer is wrong anyway; else "/" and the answer typed. Used by the test and the benchmark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { gradeAnswer } from '../../src/domain/grading';
import type { StationContext } from '../../src/station/context';
import { truthAnswer } from './truthAnswers';

/** What each demo student really wrote, by (page id, field id). */
export function demoTruth(dataDir: string): Map<string, string | null> {
  const truth = JSON.parse(readFileSync(join(dataDir, 'out', 'scans-7A-2026-11-25', 'truth.json'), 'utf8')) as {
    images: { pageId: string | null; fields?: Parameters<typeof truthAnswer>[0][] }[];
  };
  const out = new Map<string, string | null>();
  for (const image of truth.images) for (const f of image.fields ?? []) out.set(`${image.pageId}|${f.fieldId}`, truthAnswer(f));
  return out;
}

export type ShownSlot = { responses: number[]; reading: string; itemType: string; position: number; numbered: string[]; canAccept: boolean };

/** Polls until `check` holds (no sleeps as synchronisation). */
export async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The group on screen, or null when the queue is empty. */
export async function shownSlot(page: Page): Promise<ShownSlot | null> {
  await until(async () => (await page.locator('[data-review-slot], [data-review-empty]').count()) > 0);
  const slot = page.locator('[data-review-slot]');
  if ((await slot.count()) === 0) return null;
  const numbered = await slot.locator('.review-choices button').evaluateAll((buttons) =>
    buttons.filter((b) => /^[1-9]$/.test(b.querySelector('kbd')?.textContent ?? '')).map((b) => b.getAttribute('data-choice') ?? ''),
  );
  return {
    responses: ((await slot.getAttribute('data-responses')) ?? '').split(',').map(Number),
    reading: (await slot.getAttribute('data-reading')) ?? '',
    itemType: (await slot.getAttribute('data-item-type')) ?? '',
    canAccept: (await slot.locator('button[data-choice="accept"]').count()) > 0,
    position: Number(await page.locator('#review-position').getAttribute('data-position')),
    numbered,
  };
}

/** Waits until the group `before` is no longer shown (decided, moved or split), then gives the next. */
export async function nextSlot(page: Page, before: ShownSlot): Promise<ShownSlot | null> {
  await until(async () => (await page.locator(`[data-review-slot][data-responses="${before.responses.join(',')}"]`).count()) === 0);
  return shownSlot(page);
}

export type Cleared = { keystrokes: number; reviews: number; groups: number; truthOf: (responseId: number) => string | null };

/** Clears the whole queue on `page` (already on #/review) and counts the keys pressed. */
export async function clearQueueByKeyboard(page: Page, ctx: StationContext, dataDir: string, log?: (line: string) => void): Promise<Cleared> {
  const truth = demoTruth(dataDir);
  const reviews = new Map(ctx.store.scans.openReviews().map((r) => [r.responseId, r]));
  const truthOf = (id: number) => {
    const r = reviews.get(id);
    const t = r && truth.get(`${r.pageId}|${r.fieldId}`);
    if (t === undefined) throw new Error(`no truth for response ${id}`);
    return t;
  };
  const isRight = (id: number, written: string | null) => {
    const response = ctx.store.scans.response(id)!;
    return gradeAnswer(ctx.store.item(response.itemId, response.itemVersion)!, written, ctx.settings).correct;
  };
  let keystrokes = 0;
  let groups = 0;
  let slot = await shownSlot(page);
  while (slot) {
    const truths = new Set(slot.responses.map(truthOf));
    const keys: string[] = [];
    // The teacher reads the crops: one answer for the whole group, or the group is split to decide each alone.
    if (truths.size > 1) keys.push('s');
    else {
      const written = [...truths][0] ?? null;
      const choice = written === null ? -1 : slot.numbered.indexOf(written);
      if (written !== null && written === slot.reading && slot.canAccept) keys.push('Enter');
      else if (written !== null && (slot.itemType === 'single_choice' || slot.itemType === 'true_false')) keys.push(written.toLowerCase());
      else if (choice >= 0) keys.push(String(choice + 1));
      else if (written !== null && slot.itemType === 'multiple_choice') {
        // The station's marks are already chosen: press the letters that differ, then Enter.
        const read = new Set(slot.reading.split(',').filter(Boolean));
        const want = new Set(written.split(','));
        keys.push(...[...new Set([...read, ...want])].filter((o) => read.has(o) !== want.has(o)).map((o) => o.toLowerCase()), 'Enter');
      } else if (!isRight(slot.responses[0]!, written)) keys.push('0');
      else keys.push('/', ...Array.from(written ?? ''), 'Enter');
      groups++;
    }
    log?.(`${slot.responses.join(',')} read=${slot.reading} truth=${[...truths].join('/')} choices=${slot.numbered.join('|')} keys=${keys.join(' ')}`);
    for (const k of keys) await page.keyboard.press(k);
    keystrokes += keys.length;
    slot = await nextSlot(page, slot);
  }
  return { keystrokes, reviews: reviews.size, groups, truthOf };
}
