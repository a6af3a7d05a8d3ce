/**
 * Importing the school's data in the app, on a FRESH station, in Debian's Chromium: files chosen in the browser
 * (the demo school's own files), a refused file with its line and fix, a file too large to send, a teacher
 * without the admin role, and "Load the demo school" — which a station that has classes does not offer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/station/context';
import { invoke } from '../../src/station/invoke';
import { seriousA11yViolations } from '../support/app';
import { openFreshApp, type FreshApp } from '../support/freshApp';

const DEMO = join(REPO_ROOT, 'fixtures', 'demo');
const POLL = { timeout: 120_000, interval: 250 };
const SCREENSHOTS = process.env.PAPERLOOP_SCREENSHOTS === '1';
const count = (result: string, key: string) => `${result} [data-count="${key}"]`;

describe('importing the school in the app (fresh station, built app, real Chromium)', () => {
  let app: FreshApp;
  beforeAll(async () => {
    app = await openFreshApp();
  }, 300_000);
  afterAll(async () => app?.close());

  it('a fresh station offers the import on Home; a broken file is refused with its line and fix, and nothing is stored', async () => {
    const page = await app.openPage('en', '#/home');
    await expect.poll(() => page.locator('#import-panel').count(), POLL).toBe(1);
    expect(await page.locator('#import-demo').count()).toBe(1);
    expect(await page.locator('#import-panel').innerText()).toContain('up to 700 KB');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.locator('#import-file-items').setInputFiles(join(REPO_ROOT, 'fixtures', 'bad', 'items-10-broken.csv'));
    await page.locator('#import-send-items').click();
    const result = page.locator('#import-result-items');
    await expect.poll(() => result.getAttribute('data-state'), POLL).toBe('error');
    expect(await result.getAttribute('data-code')).toBe('invalid_import');
    const shown = await result.innerText();
    expect(shown).toContain('Nothing was imported');
    // Named as the teacher chose it, with the line and the fix; not the station's copy under inbox/uploads.
    expect(shown).toMatch(/items-10-broken\.csv:\d+/);
    expect(shown).toMatch(/fix/i);
    expect(shown).not.toContain('uploads');
    expect(app.ctx.store.currentItems()).toEqual([]);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 300_000);

  it('says a file too large to send, before sending it', async () => {
    const page = await app.openPage('en', '#/home');
    const big = join(app.dataDir, 'big-items.json');
    writeFileSync(big, JSON.stringify({ filler: 'x'.repeat(800 * 1024) }));
    await page.locator('#import-file-items').setInputFiles(big);
    await page.locator('#import-send-items').click();
    const result = page.locator('#import-result-items');
    await expect.poll(() => result.getAttribute('data-code'), POLL).toBe('too_large');
    expect(await result.innerText()).toContain('big-items.json');
  }, 300_000);

  it('a teacher signed in with the teacher token is told it needs the admin', async () => {
    const page = await app.openTeacherPage('#/home');
    await expect.poll(() => page.locator('#import-panel').count(), POLL).toBe(1);
    await page.locator('#import-file-skills').setInputFiles(join(DEMO, 'skills-math-g7.json'));
    await page.locator('#import-send-skills').click();
    const result = page.locator('#import-result-skills');
    await expect.poll(() => result.getAttribute('data-code'), POLL).toBe('forbidden');
    expect(await result.innerText()).toMatch(/needs the admin/);
    expect(app.ctx.store.skills()).toEqual([]);
  }, 300_000);

  it('imports the skills, the items and the roster chosen in the browser, and Home then shows the classes', async () => {
    const page = await app.openPage('en', '#/home');
    await page.locator('#import-file-skills').setInputFiles([join(DEMO, 'skills-math-g7.json'), join(DEMO, 'skills-math-g4.json')]);
    await page.locator('#import-send-skills').click();
    await expect.poll(() => page.locator('#import-result-skills').getAttribute('data-state'), POLL).toBe('done');
    const skills = app.ctx.store.skills().length;
    expect(skills).toBeGreaterThan(10);
    expect(await page.locator(count('#import-result-skills', 'skills')).getAttribute('data-value')).toBe(String(skills));

    await page.locator('#import-file-items').setInputFiles([join(DEMO, 'items-math-g7.json'), join(DEMO, 'items-math-g4.json')]);
    await page.locator('#import-send-items').click();
    await expect.poll(() => page.locator('#import-result-items').getAttribute('data-state'), POLL).toBe('done');
    const items = app.ctx.store.currentItems().length;
    expect(items).toBeGreaterThan(50);
    expect(await page.locator(count('#import-result-items', 'added')).getAttribute('data-value')).toBe(String(items));

    // The screenshot before the roster: with classes, Home shows them instead of the panel.
    if (SCREENSHOTS) await page.screenshot({ path: join(REPO_ROOT, 'docs', 'img', 'import-en.png') });
    await page.locator('#import-file-roster').setInputFiles(join(DEMO, 'roster-classes.csv'));
    await page.locator('#import-send-roster').click();
    await expect.poll(() => page.locator('#import-result-roster').getAttribute('data-state'), POLL).toBe('done');
    expect(app.ctx.store.classes().map((c) => c.id).sort()).toEqual(['4B', '7A']);
    expect(await page.locator(count('#import-result-roster', 'classes')).innerText()).toBe('2 classes');

    // The import tells the station's event stream, so Home reloads with the classes; the panel stays with what it did.
    await expect.poll(() => page.locator('#home-date').count(), POLL).toBe(1);
    await expect.poll(() => page.locator('#import-demo').count(), POLL).toBe(0);
    expect(await page.locator(count('#import-result-roster', 'students')).getAttribute('data-value')).toBe(String(app.ctx.store.students('7A').length + app.ctx.store.students('4B').length));
    // A station with classes offers more imports behind a button, and no demo school.
    const later = await app.openPage('en', '#/home');
    await expect.poll(() => later.locator('#import-open').count(), POLL).toBe(1);
    expect(await later.locator('#import-panel').count()).toBe(0);
    await page.close();
    await later.locator('#import-open').click();
    expect(await later.locator('#import-demo').count()).toBe(0);
    // The same files again change nothing.
    await later.locator('#import-file-items').setInputFiles(join(DEMO, 'items-math-g7.json'));
    await later.locator('#import-send-items').click();
    await expect.poll(() => later.locator('#import-result-items').getAttribute('data-state'), POLL).toBe('done');
    expect(await later.locator(count('#import-result-items', 'added')).getAttribute('data-value')).toBe('0');
    expect(Number(await later.locator(count('#import-result-items', 'unchanged')).getAttribute('data-value'))).toBeGreaterThan(0);
    expect(await seriousA11yViolations(later)).toEqual([]);
    expect(app.ctx.store.currentItems().length).toBe(items);
    expect(await invoke(app.ctx, 'loadDemoSchool', {})).toMatchObject({ ok: false, error: { code: 'has_classes' } });
  }, 300_000);

  it("imports OneRoster's files chosen together, and a QTI item with the subject, grade and skills given in the panel", async () => {
    const page = await app.openPage('en', '#/home');
    await page.locator('#import-open').click();
    const oneRoster = join(REPO_ROOT, 'fixtures', 'external', 'oneroster', 'v1p1');
    await page.locator('#import-file-roster').setInputFiles(['users.csv', 'classes.csv', 'enrollments.csv'].map((f) => join(oneRoster, f)));
    await page.locator('#import-send-roster').click();
    await expect.poll(() => page.locator('#import-result-roster').getAttribute('data-state'), POLL).toBe('done');
    expect(app.ctx.store.classes().length).toBeGreaterThan(2);

    const skill = app.ctx.store.skills()[0]!.id;
    await page.locator('#import-file-items').setInputFiles(join(REPO_ROOT, 'fixtures', 'external', 'qti', 'v2p1-v2p2', 'pieqti_qti22_choice-single.xml'));
    await page.locator('#import-qti-skills').fill(skill);
    await page.locator('#import-send-items').click();
    await expect.poll(() => page.locator('#import-result-items').getAttribute('data-state'), POLL).toBe('done');
    expect(await page.locator(count('#import-result-items', 'added')).getAttribute('data-value')).toBe('1');
    expect(app.ctx.store.currentItems().filter((i) => i.skills.includes(skill) && i.grade === 7).length).toBeGreaterThan(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 300_000);
});

describe('"Load the demo school" on a fresh station, in Chinese', () => {
  let app: FreshApp;
  beforeAll(async () => {
    app = await openFreshApp();
  }, 300_000);
  afterAll(async () => app?.close());

  it('loads the skills, items and roster of fixtures/demo, and Home shows the two classes', async () => {
    const page = await app.openPage('zh-Hans', '#/home');
    await expect.poll(() => page.locator('#import-demo').count(), POLL).toBe(1);
    expect(await page.locator('#import-title').innerText()).toBe('导入学校数据');
    expect(await page.locator('#import-demo').innerText()).toBe('载入示例学校');
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) {
      mkdirSync(join(REPO_ROOT, 'docs', 'img'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'docs', 'img', 'import-zh.png') });
    }
    await page.locator('#import-demo').click();
    await expect.poll(() => page.locator('#import-result-demo').getAttribute('data-state'), POLL).toBe('done');
    expect(await page.locator(`${count('#import-result-demo', 'classes')}`).innerText()).toBe('2 个班级');
    expect(app.ctx.store.classes().map((c) => c.id).sort()).toEqual(['4B', '7A']);
    expect(app.ctx.store.students('7A')).toHaveLength(40);
    await expect.poll(() => page.locator('#home-date').count(), POLL).toBe(1);
    expect(await page.locator('#import-demo').isDisabled()).toBe(true);
  }, 300_000);
});
