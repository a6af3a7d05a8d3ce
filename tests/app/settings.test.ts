/**
 * The Settings screen and the start-up recovery banner, in the built app in Debian's Chromium, on a copy of the demo
 * station after the whole loop (printed, 105 pages scanned and graded). Settings are checked where they live: the
 * station's settings.json, read back with the station's own reader.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/station/context';
import { invoke } from '../../src/station/invoke';
import { visionSettingsOf } from '../../src/station/handlers/app/settingsFile';
import { thresholdEffect, type StoredPageRead } from '../../src/station/handlers/app/thresholdPreview';
import { DEFAULT_VISION_SETTINGS } from '../../src/vision/settings';
import { ScanSession } from '../../src/scan/session';
import { sessionOptions } from '../../src/station/handlers/scan';
import { generateStack } from '../../src/synth/generate';
import { answerKeyFromItems } from '../../src/synth/truth';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

const storedFile = (app: AppUnderTest) => JSON.parse(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const saveStatus = (page: Page, form: string) => page.locator(`#${form} [data-save-status]`).getAttribute('data-save-status');

describe('the Settings screen (built app, real Chromium, demo station)', { timeout: 240_000 }, () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 600_000);
  afterAll(async () => app?.close());

  it('stores a changed cap in settings.json, and the station uses it at once', async () => {
    const page = await app.openPage('en', '#/settings');
    await page.locator('#settings-cap-grades3to6').fill('45');
    await page.locator('#settings-caps button[type="submit"]').click();
    await expect.poll(() => saveStatus(page, 'settings-caps')).toBe('saved');
    expect(storedFile(app).caps).toMatchObject({ grades3to6: 45 });
    const reread = readSettings(app.dataDir);
    expect(reread.ok && reread.value.caps.grades3to6).toBe(45);
    expect(app.ctx.settings.caps.grades3to6).toBe(45);
    // Only what the teacher set is written: the other caps stay defaults.
    expect(Object.keys(storedFile(app).caps!).sort()).toEqual(['grades10to12', 'grades1to2', 'grades3to6', 'grades7to9']);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('refuses an invalid value with the key and the fix, and writes nothing', async () => {
    const before = readFileSync(join(app.dataDir, 'settings.json'), 'utf8');
    const page = await app.openPage('en', '#/settings');
    await page.locator('#settings-cap-grades7to9').fill('-5');
    await page.locator('#settings-caps button[type="submit"]').click();
    const alert = page.locator('#settings-caps [role="alert"]');
    await expect.poll(() => alert.count()).toBe(1);
    const text = await alert.innerText();
    expect(text).toContain('"caps.grades7to9"');
    expect(text).toMatch(/>=\s*0/);
    expect(text).toContain('Fix');
    expect(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')).toBe(before);
    expect(app.ctx.settings.caps.grades7to9).toBe(90);
  });

  it('a settings file that cannot be written is reported with the fix, and the settings stay as they were', async () => {
    const blocker = join(app.dataDir, `settings.json.${process.pid}.tmp`);
    mkdirSync(blocker);
    try {
      const r = await invoke(app.ctx, 'updateSettings', { changes: { scanDpi: 600 } });
      expect(r.ok ? null : r.error.code).toBe('storage');
      expect(r.ok ? '' : r.error.message).toMatch(/cannot be written.*Fix:/);
      expect(app.ctx.settings.scanDpi).toBe(300);
      expect(storedFile(app).scanDpi).toBeUndefined();
    } finally {
      rmSync(blocker, { recursive: true });
    }
  });

  it('a changed mark threshold first shows what it changes on the last stack, and is stored only after a confirm', async () => {
    const page = await app.openPage('en', '#/settings');
    await page.locator('#settings-marginal').fill('0.05');
    await page.locator('#settings-thresholds-preview').click();
    const effect = page.locator('#settings-thresholds-effect');
    await expect.poll(() => effect.count()).toBe(1);
    // The counts are the stored reads of the last session decided again with marginal 0.05 (lower: faint marks are no longer "empty").
    const expected = await invoke(app.ctx, 'previewThresholds', { marginal: 0.05 });
    if (!expected.ok) throw new Error(expected.error.message);
    expect(expected.value.pages).toBeGreaterThan(50);
    expect(expected.value.toReview).toBeGreaterThan(0);
    expect(await effect.locator('[data-effect="toReview"]').innerText()).toContain(String(expected.value.toReview));
    expect(await effect.locator('[data-effect="changed"]').innerText()).toContain(String(expected.value.changed));
    expect(await effect.innerText()).toContain(`${expected.value.pages} pages`);
    // Nothing is stored before the confirm, and the station refuses an unconfirmed change.
    expect(storedFile(app).reading).toBeUndefined();
    const unconfirmed = await invoke(app.ctx, 'updateSettings', { changes: { 'reading.bubbles.marginal': 0.05 } });
    expect(unconfirmed.ok ? null : unconfirmed.error.code).toBe('confirm_needed');
    await page.locator('#settings-thresholds-confirm').click();
    await expect.poll(() => saveStatus(page, 'settings-thresholds')).toBe('saved');
    expect(storedFile(app).reading).toEqual({ bubbles: { definite: 0.35, marginal: 0.05 } });
    expect(app.ctx.settings.reading.bubbles.marginal).toBe(0.05);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('the next read uses the confirmed thresholds', async () => {
    // The stored pages the preview found changing under marginal 0.05 (now confirmed), read again with it and with the default.
    const rows = app.ctx.db
      .prepare(`SELECT path, read_json FROM scanned_images WHERE status IN ('graded','needs_review') AND read_json LIKE '{"ok":true%' ORDER BY id DESC LIMIT 120`)
      .all() as { path: string; read_json: string }[];
    const proposed = visionSettingsOf(app.ctx.settings);
    if (!proposed.ok) throw new Error(proposed.error);
    const changing = rows.filter((r) => {
      const read = JSON.parse(r.read_json) as StoredPageRead;
      const page = app.ctx.store.printedPage(read.pageId)!;
      return thresholdEffect([{ page, read }], DEFAULT_VISION_SETTINGS, proposed.value).toReview > 0;
    });
    expect(changing.length).toBeGreaterThan(0);
    const paths = changing.slice(0, 3).map((r) => join(app.dataDir, r.path));
    const reviewsWhenRead = async () => {
      const r = await invoke(app.ctx, 'read', { paths });
      if (!r.ok) throw new Error(r.error.message);
      const pages = r.value.pages as { fields?: { status: string }[] }[];
      return pages.flatMap((p) => p.fields ?? []).filter((f) => f.status === 'review').length;
    };
    const withNew = await reviewsWhenRead();
    const reset = await invoke(app.ctx, 'updateSettings', { changes: { 'reading.bubbles.marginal': null }, confirmThresholds: true });
    expect(reset.ok).toBe(true);
    expect(app.ctx.settings.reading.bubbles.marginal).toBeUndefined();
    expect(withNew).toBeGreaterThan(await reviewsWhenRead());
  });

  it('in Chinese: every section is translated, and a switched-off module is stored', async () => {
    const page = await app.openPage('zh-Hans', '#/settings');
    await expect.poll(() => page.locator('#settings-title').innerText()).toBe('设置');
    expect(await page.locator('#settings-modules-title').innerText()).toBe('学习功能模块');
    await page.locator('#settings-module-flowers').uncheck();
    await page.locator('#settings-modules button[type="submit"]').click();
    await expect.poll(() => saveStatus(page, 'settings-modules')).toBe('saved');
    expect(await page.locator('#settings-modules [data-save-status]').innerText()).toBe('已保存');
    expect(app.ctx.settings.learning.modules.flowers).toBe(false);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('an admin makes a LAN token that signs another machine in as a teacher; revoking it locks that token out', async () => {
    const page = await app.openPage('en', '#/settings');
    await page.locator('#settings-lan-label').fill('Room 204');
    await page.locator('#settings-lan-create button[type="submit"]').click();
    const shown = page.locator('#settings-lan-new-token');
    await expect.poll(() => shown.count()).toBe(1);
    const token = (await shown.innerText()).trim();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const stored = storedFile(app).network as { tokens: { label: string; role: string; sha256: string }[] };
    expect(stored.tokens).toEqual([expect.objectContaining({ label: 'Room 204', role: 'teacher' })]);
    expect(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')).not.toContain(token);
    expect(await seriousA11yViolations(page)).toEqual([]);

    const signIn = (t: string) => fetch(`${app.url}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: t }) });
    const asTeacher = await signIn(token);
    expect(asTeacher.status).toBe(200);
    expect(((await asTeacher.json()) as { value: { role: string } }).value.role).toBe('teacher');
    // A teacher's token does not open LAN access.
    const lan = await fetch(`${app.url}/api/lanAccess`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
    expect(lan.status).toBe(403);

    await page.locator('#settings-lan-tokens button').click();
    await expect.poll(() => page.locator('#settings-lan-tokens').count()).toBe(0);
    expect((await signIn(token)).status).toBe(401);
  });

  it('the page style follows paper size and large print, and new prints use it', async () => {
    const page = await app.openPage('en', '#/settings');
    await page.locator('#settings-large-print').check();
    await page.locator('#settings-print button[type="submit"]').click();
    await expect.poll(() => saveStatus(page, 'settings-print')).toBe('saved');
    expect(storedFile(app).pageStyle).toBe('a4-large-print');
    const style = app.ctx.pageStyle();
    expect(style.ok && style.value.name).toBe('a4-large-print');
    await page.locator('#settings-paper').selectOption('Letter');
    expect(await page.locator('#settings-large-print').isDisabled()).toBe(true);
  });
});

describe('start-up recovery (built app, real Chromium, demo station)', () => {
  let app: AppUnderTest;
  beforeAll(async () => {
    app = await openApp('looped');
  }, 600_000);
  afterAll(async () => app?.close());

  it('offers a scan interrupted after storing a page, and "Finish them now" reads and grades it', async () => {
    // A page of class 4B (printed, never scanned), stored by a session that then stopped: the state a power cut leaves.
    const job = app.ctx.db.prepare(`SELECT job_id FROM printed_pages WHERE class_id = '4B' AND kind = 'workbook' LIMIT 1`).get() as { job_id: string };
    const pages = app.ctx.store.printedPages(job.job_id);
    const pdf = readFileSync(join(app.dataDir, 'out', 'workbooks-4B-2026-11-25.pdf'));
    const stack = generateStack({ pdf, pages, seed: 'recovery', answers: 'mixed', answerKey: answerKeyFromItems(app.ctx.store.currentItems()), profile: 'clean', pageIndices: [0], count: 1 });
    const { value: scanned } = await stack[Symbol.asyncIterator]().next();
    const neverRead = { read: () => Promise.reject(new Error('the station stopped before reading')), close: async () => undefined };
    const interrupted = new ScanSession(sessionOptions(app.ctx, neverRead, false), 'scanner');
    const stored = await interrupted.store({ bytes: scanned.bytes, mediaType: 'image/jpeg' });
    if (!stored.ok || !stored.value) throw new Error('the page was not stored');
    const imageId = stored.value.id;
    const statusOf = () => (app.ctx.db.prepare('SELECT status FROM scanned_images WHERE id = ?').get(imageId) as { status: string }).status;
    expect(statusOf()).toBe('queued');

    const page = await app.openPage('en', '#/home');
    const banner = page.locator('#recovery');
    await expect.poll(() => banner.getAttribute('data-recovery')).toBe('waiting');
    expect(await banner.innerText()).toContain('1 page is stored but not read yet');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('#recovery-finish').click();
    await expect.poll(() => banner.getAttribute('data-recovery'), { timeout: 120_000 }).toBe('finished');
    expect(['graded', 'needs_review']).toContain(statusOf());
    const responses = app.ctx.db.prepare('SELECT count(*) AS n FROM responses r JOIN scanned_images i ON i.sha256 = r.image_sha256 WHERE i.id = ?').get(imageId) as { n: number };
    expect(responses.n).toBeGreaterThan(0);
    expect((app.ctx.db.prepare('SELECT status FROM scan_sessions WHERE id = ?').get(interrupted.id) as { status: string }).status).toBe('finished');

    // A new browser now learns what the station finished of the interrupted scan, once, until dismissed.
    const later = await app.openPage('zh-Hans', '#/home');
    await expect.poll(() => later.locator('#recovery').getAttribute('data-recovery')).toBe('resumed');
    expect(await later.locator('#recovery').innerText()).toContain('上次扫描中断了');
  }, 300_000);
});
