import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeImageDurably } from '../src/scan/imageStore';
import { startHttp } from '../src/station/http';
import { tempStation } from './support/station';

const CHROMIUM = '/usr/bin/chromium';

describe('browser mode (Debian Chromium through playwright-core)', () => {
  let ctx: ReturnType<typeof tempStation>;
  let url: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let responseId: number;

  // playwright-core launches with a fresh, empty profile of its own (its --user-data-dir).
  beforeAll(async () => {
    ctx = tempStation();
    // A stored scan with one uncertain read in the review queue.
    const jpeg = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 250, g: 250, b: 250 } } }).jpeg().toBuffer();
    const saved = storeImageDurably(join(ctx.dir, 'images'), jpeg, 'image/jpeg');
    if (!saved.ok) throw new Error('store');
    const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: saved.value.sha256, path: saved.value.path, mediaType: 'image/jpeg', bytes: jpeg.length });
    const item = ctx.store.currentItems().find((i) => i.type === 'single_choice')!;
    ctx.store.scans.recordOutcome(row.id, {
      kind: 'graded', pageId: 'ST01-TEST01', replaceEarlier: false, readJson: '{}',
      responses: [{ fieldId: `q${item.id}`, studentId: 'S01', itemId: item.id, itemVersion: item.version, answer: 'A', score: 0, maxScore: 1, correct: false, confidence: 0.31, needsReview: true, reasons: ['marginal_mark:A'], evidence: { crop: { x: 10, y: 10, w: 200, h: 80 } }, date: '2026-11-25' }],
    }, 'test', '2026-11-24T16:00:00Z');
    responseId = ctx.store.scans.openReviews()[0]!.responseId;
    const server = await startHttp(ctx, { port: 0, events: ctx.events });
    url = server.url;
    close = () => server.app.close();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('has Chromium installed (CI installs Debian chromium)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('shows the classes and the review queue with the crop, and resolves a read', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await expect.poll(() => page.locator('#classes tbody tr').count()).toBe(1);
    expect(await page.locator('#classes tbody').innerText()).toContain('初一(1)班');
    const card = page.locator(`.card[data-response="${responseId}"]`);
    await card.waitFor();
    expect(await card.innerText()).toContain('marginal_mark:A');
    const crop = card.locator('img');
    await expect.poll(() => crop.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(224);
    await card.locator('input').fill('B');
    await card.locator('button').click();
    await expect.poll(() => card.locator('.message').innerText()).toMatch(/saved/);
    const overrides = ctx.store.scans.overridesOf(responseId);
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ answer: 'B', teacher: 'teacher' });
    await page.reload();
    await expect.poll(() => page.locator('#reviews').innerText()).toMatch(/Nothing to review/);
  });

  it('refuses to listen beyond this machine without a token', async () => {
    await expect(startHttp(ctx, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs a token/);
  });

  it('gives access by role: no token → 401, a teacher may read but not change the roster, an admin may', async () => {
    const server = await startHttp(ctx, { port: 0, token: 'teach', adminToken: 'admin' });
    const call = (name: string, body: unknown, token?: string) =>
      fetch(`${server.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    try {
      expect((await call('list', { what: 'classes' })).status).toBe(401);
      expect((await call('list', { what: 'classes' }, 'teach')).status).toBe(200);
      const roster = join(ctx.dir, 'missing.csv');
      expect((await call('importRoster', { paths: [roster] }, 'teach')).status).toBe(403);
      expect((await call('importRoster', { paths: [roster] }, 'admin')).status).toBe(422);
    } finally {
      await server.app.close();
    }
  });
});
