/**
 * The sync panel in the built app (real Chromium) against a real district server (Fastify on an embedded PostgreSQL)
 * on loopback: not enrolled, pending entries, "Sync now" and its last success, a refusing district's error with the fix.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishBundle } from '../../src/district/bundles';
import { ensureDistrictIdentity, type DistrictIdentity } from '../../src/district/identity';
import { createDistrictServer } from '../../src/district/server';
import { approveStation, revokeStation } from '../../src/district/stations';
import { invoke } from '../../src/station/invoke';
import { acquireStationLock } from '../../src/store';
import { countLogAfter } from '../../src/sync/log';
import { setDistrictUrl } from '../../src/sync/state';
import { enrol, fetchStationStatus, syncContextOf, syncNow } from '../../src/sync/upload';
import { startTestPostgres, type TestPostgres } from '../support/districtPostgres';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';
import { sampleItem } from '../support/syncStation';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

describe('the sync panel (built app, real Chromium, real district)', () => {
  let app: AppUnderTest;
  let postgres: TestPostgres;
  let pool: pg.Pool;
  let identity: DistrictIdentity;
  let districtUrl: string;
  let closeDistrict: () => Promise<void>;
  beforeAll(async () => {
    [app, postgres] = await Promise.all([openApp('looped'), startTestPostgres()]);
    pool = await postgres.freshPool();
    identity = await ensureDistrictIdentity(pool, keyFolder(), 'D-TEST');
    const server = createDistrictServer({ pool, identity });
    await server.listen({ port: 0, host: '127.0.0.1' });
    districtUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    closeDistrict = async () => void (await server.close());
  }, 900_000); // the first openApp of a run builds the looped demo (105 pages scanned): minutes on a loaded machine
  afterAll(async () => {
    await app?.close();
    await closeDistrict?.();
    await postgres?.stop();
  });

  const stationId = () => app.ctx.settings.stationId;
  const districtResponses = async () => Number((await pool.query('SELECT count(*) AS n FROM responses WHERE station_id = $1', [stationId()])).rows[0].n);

  it('says the station is not connected to a district (its empty state)', async () => {
    const page = await app.openPage('en');
    await expect.poll(() => page.locator('#sync-panel [data-sync-empty]').count()).toBe(1);
    expect(await page.locator('#sync-now').count()).toBe(0);
  });

  it('shows the pending entries, then after "Sync now" the last success, with every response at the district', async () => {
    const sync = syncContextOf({ ...app.ctx, stationId: stationId() }, districtUrl);
    if (!sync.ok) throw new Error(sync.error);
    setDistrictUrl(app.ctx.store, districtUrl);
    const enrolled = await enrol(sync.value);
    if (!enrolled.ok) throw new Error(enrolled.error);

    const page = await app.openPage('en');
    await expect.poll(() => page.locator('[data-sync-code]').innerText()).toBe(enrolled.value.approvalCode);
    expect(await page.locator('[data-sync-enrolment]').getAttribute('data-sync-enrolment')).toBe('pending');

    expect(await approveStation(pool, enrolled.value.approvalCode)).toEqual({ ok: true, value: stationId() });
    expect((await fetchStationStatus(sync.value)).ok).toBe(true);
    const pending = countLogAfter(app.ctx.db, 0);
    const stationResponses = (app.ctx.db.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;
    expect(stationResponses).toBeGreaterThan(100);

    await page.reload();
    await expect.poll(() => page.locator('[data-sync-pending]').getAttribute('data-sync-pending')).toBe(String(pending));
    expect(await page.locator('[data-sync-enrolment]').getAttribute('data-sync-enrolment')).toBe('approved');
    expect(await page.locator('[data-sync-last-success]').getAttribute('data-sync-last-success')).toBe('');
    expect(await page.locator('[data-sync-last-success]').innerText()).toBe('Never');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.locator('#sync-now').click();
    await expect.poll(() => page.locator('[data-sync-last-success]').getAttribute('data-sync-last-success'), { timeout: 120_000 }).not.toBe('');
    expect(await page.locator('[data-sync-pending]').getAttribute('data-sync-pending')).toBe('0');
    expect(await page.locator('[data-sync-error]').count()).toBe(0);
    expect(await districtResponses()).toBe(stationResponses);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 180_000);

  it('refuses to start while a scan runs, and says so', async () => {
    const lock = await acquireStationLock(app.ctx.db, { holder: 'scan test', wait: false });
    if (!lock.ok) throw new Error('the station lock is held');
    try {
      const refused = await invoke(app.ctx, 'syncNow', {});
      expect(refused.ok ? 'started' : refused.error.code).toBe('scan_running');
      const page = await app.openPage('en');
      await expect.poll(() => page.locator('[data-sync-scan-running]').count()).toBe(1);
      await page.locator('#sync-now').click();
      await expect.poll(() => page.locator('#sync-panel [role="alert"]').getAttribute('data-error-code')).toBe('scan_running');
    } finally {
      lock.value.release();
    }
  });

  it('offers the shared workbook sets that came down: listed with the classes of their grade, composed into a class\'s draft set within the cap', async () => {
    const cls = app.ctx.store.classes()[0]!;
    const item = (id: string, minutes: number) => ({ ...sampleItem(id, `Shared ${id}`), grade: cls.grade, minutes });
    const weekend = { id: 'weekend', name: 'Weekend workbook', subject: 'math', grade: cls.grade, itemIds: ['shared-a', 'shared-b'] };
    const long = ['long-1', 'long-2', 'long-3', 'long-4'].map((id) => item(id, 60)); // 240 min, over every grade's cap
    const tooLong = { id: 'too-long', name: 'Too long', subject: 'math', grade: cls.grade, itemIds: long.map((i) => i.id) };
    await publishBundle(pool, identity, { items: [item('shared-a', 5), item('shared-b', 7), ...long], skills: [], workbookSets: [weekend, tooLong] });
    const sync = syncContextOf({ ...app.ctx, stationId: stationId() });
    if (!sync.ok) throw new Error(sync.error);
    const synced = await syncNow(sync.value);
    expect(synced.ok ? synced.value.workbookSets : synced.error).toBe(2);

    const listed = await invoke(app.ctx, 'sharedSets', {});
    expect(listed.ok && listed.value.find((s) => s.id === 'weekend')).toMatchObject({ name: 'Weekend workbook', items: 2, minutes: 12, classIds: expect.arrayContaining([cls.id]) });
    const composed = await invoke(app.ctx, 'composeShared', { sharedId: 'weekend', classId: cls.id, date: '2027-01-09' });
    if (!composed.ok) throw new Error(composed.error.message);
    const students = app.ctx.store.students(cls.id);
    const workbooks = app.ctx.store.workbooks(composed.value.setId);
    expect(workbooks).toHaveLength(students.length);
    for (const w of workbooks) expect(JSON.parse(w.itemsJson).map((e: { itemId: string }) => e.itemId)).toEqual(['shared-a', 'shared-b']);
    expect((await invoke(app.ctx, 'approve', { setId: composed.value.setId })).ok).toBe(true);

    const over = await invoke(app.ctx, 'composeShared', { sharedId: 'too-long', classId: cls.id, date: '2027-01-09' });
    expect(over.ok ? 'composed' : over.error.code).toBe('over_cap');
    const unknown = await invoke(app.ctx, 'composeShared', { sharedId: 'nope', classId: cls.id, date: '2027-01-09' });
    expect(unknown.ok ? 'composed' : unknown.error.code).toBe('unknown_shared_set');
  });

  it('shows a refusing district\'s error and its fix, in Chinese', async () => {
    expect((await revokeStation(pool, stationId())).ok).toBe(true);
    const page = await app.openPage('zh-Hans');
    await expect.poll(() => page.locator('#sync-now').isEnabled()).toBe(true);
    await page.locator('#sync-now').click();
    const error = page.locator('[data-sync-error]');
    await expect.poll(() => error.count(), { timeout: 60_000 }).toBe(1);
    expect(await error.innerText()).toMatch(/上次同步失败[\s\S]*403[\s\S]*revoked[\s\S]*解决办法：[\s\S]*district admin/);
    expect(await page.locator('#sync-now').innerText()).toBe('立即同步');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);
});
