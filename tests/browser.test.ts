import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttp } from '../src/station/http';
import { seedReview } from './support/review';
import { tempStation } from './support/station';

const CHROMIUM = '/usr/bin/chromium';
const TEACHER = 'teacher-token-0123456789';
const ADMIN = 'admin-token-abcdefghijklm';

describe('browser mode (Debian Chromium through playwright-core)', () => {
  let ctx: ReturnType<typeof tempStation>;
  let url: string;
  let launchUrl: string;
  let close: () => Promise<void>;
  let browser: Browser;
  let responseId: number;

  // playwright-core launches with a fresh, empty profile of its own (its --user-data-dir).
  beforeAll(async () => {
    ctx = tempStation();
    ({ responseId } = await seedReview(ctx));
    const server = await startHttp(ctx, { port: 0, events: ctx.events });
    ({ url, launchUrl } = server);
    close = () => server.app.close();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // rebind.test stands for an attacker's name whose DNS answer was rebound to this machine.
      args: ['--host-resolver-rules=MAP rebind.test 127.0.0.1', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('has Chromium installed (CI installs Debian chromium)', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('opens the app from the launch link; the Review screen shows the read with its crop and reason, and a key resolves it', async () => {
    const page = await browser.newPage();
    await page.goto(launchUrl);
    expect(page.url()).toBe(`${url}/`);
    await expect.poll(() => page.locator('#status').getAttribute('class')).toMatch(/connected/);
    await page.locator('nav a[data-screen="review"]').click();
    const card = page.locator(`[data-review-slot][data-responses="${responseId}"]`);
    await card.waitFor();
    expect(await card.locator('.review-reasons').innerText()).toContain('a faint mark at A');
    const crop = card.locator('img.review-context');
    await expect.poll(() => crop.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(600);
    const plain = await page.evaluate(async (id) => (await fetch(`/crop/${id}`)).status, responseId);
    expect(plain).toBe(200);
    await page.keyboard.press('b');
    await page.locator('[data-review-empty]').waitFor();
    const overrides = ctx.store.scans.overridesOf(responseId);
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ answer: 'B', teacher: 'teacher' });
    await page.reload();
    await expect.poll(() => page.locator('[data-review-empty]').innerText()).toMatch(/Nothing to review/);
  });

  it('with tokens, a browser without a session is asked for the token, then sees the station live', async () => {
    const server = await startHttp(ctx, { port: 0, token: TEACHER, adminToken: ADMIN });
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.locator('#sign-in').waitFor();
      await page.locator('#token').fill(TEACHER);
      await page.locator('#sign-in button').click();
      await expect.poll(() => page.locator('#sign-in').count()).toBe(0);
      await expect.poll(() => page.locator('#status').innerText()).toMatch(/connected/);
      // The session cookie opens the event stream too: a second listener in the page hears the station's events.
      const heard = page.evaluate(
        () => new Promise<string>((resolve) => {
          const events = new EventSource('/events');
          events.onopen = () => document.body.setAttribute('data-test-stream', 'open');
          events.onmessage = (m) => resolve(m.data as string);
        }),
      );
      await expect.poll(() => page.locator('body[data-test-stream="open"]').count()).toBe(1);
      ctx.events.emit({ type: 'session_started', detail: 'from-the-test' });
      expect(await heard).toMatch(/session_started/);
    } finally {
      await page.close();
      await server.app.close();
    }
  });

  it('a page whose name was rebound to 127.0.0.1 gets nothing (DNS rebinding)', async () => {
    const page = await browser.newPage();
    try {
      const rebound = `http://rebind.test:${new URL(url).port}`;
      const response = await page.goto(`${rebound}/`);
      expect(response?.status()).toBe(403);
      const api = await page.evaluate(async () => {
        const r = await fetch('/api/list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: 'students' }) });
        return { status: r.status, text: await r.text() };
      });
      expect(api.status).toBe(403);
      expect(api.text).not.toContain('王小明');
    } finally {
      await page.close();
    }
  });

  it('refuses to listen beyond this machine without a token', async () => {
    await expect(startHttp(ctx, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/needs a token/);
  });

  it('gives access by role: no token → 401, a teacher may read but not change the roster, an admin may', async () => {
    const server = await startHttp(ctx, { port: 0, token: TEACHER, adminToken: ADMIN });
    const call = (name: string, body: unknown, token?: string) =>
      fetch(`${server.url}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    try {
      expect((await call('list', { what: 'classes' })).status).toBe(401);
      expect((await call('list', { what: 'classes' }, TEACHER)).status).toBe(200);
      const roster = join(ctx.dir, 'inbox', 'empty.csv');
      writeFileSync(roster, '');
      expect((await call('importRoster', { paths: [roster] }, TEACHER)).status).toBe(403);
      expect((await call('importRoster', { paths: [roster] }, ADMIN)).status).toBe(422);
    } finally {
      await server.app.close();
    }
  });
});
