import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

describe('the app shell (built app, real Chromium)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('imported');
  }, 300_000);
  afterAll(async () => app?.close());

  it('opens on Home in the chosen language and switches language at run time', async () => {
    const page = await app.openPage('en');
    await expect.poll(() => page.locator('nav a[data-screen="review"]').innerText()).toBe('Review');
    await page.locator('#language').selectOption('zh-Hans');
    await expect.poll(() => page.locator('nav a[data-screen="review"]').innerText()).toBe('复核');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
    await expect.poll(() => page.locator('#status').innerText()).toBe('工作站已连接');
  });

  it('reaches every screen in one click from the navigation, with no serious accessibility violations in the shell', async () => {
    const page = await app.openPage('en');
    for (const screen of ['print', 'scan', 'review', 'results', 'students', 'settings', 'home']) {
      await page.locator(`nav a[data-screen="${screen}"]`).click();
      await expect.poll(() => page.locator(`nav a[aria-current="page"]`).getAttribute('data-screen')).toBe(screen);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
