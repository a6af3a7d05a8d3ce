/**
 * The sync panel in the built app (real Chromium) against a real district server (Fastify on an embedded PostgreSQL)
 * on loopback: not enrolled, pending entries, "Sync now" and its last success, a refusing district's error with the fix.
 */
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDistrictIdentity } from '../../src/district/identity';
import { createDistrictServer } from '../../src/district/server';
import { approveStation, revokeStation } from '../../src/district/stations';
import { invoke } from '../../src/station/invoke';
import { acquireStationLock } from '../../src/store';
import { countLogAfter } from '../../src/sync/log';
import { setDistrictUrl } from '../../src/sync/state';
import { enrol, fetchStationStatus, syncContextOf } from '../../src/sync/upload';
import { startTestPostgres, type TestPostgres } from '../support/districtPostgres';
import { openApp, seriousA11yViolations, type AppUnderTest } from '../support/app';

describe('the sync panel (built app, real Chromium, real district)', () => {
  let app: AppUnderTest;
  let postgres: TestPostgres;
  let pool: pg.Pool;
  let districtUrl: string;
  let closeDistrict: () => Promise<void>;
  beforeAll(async () => {
    [app, postgres] = await Promise.all([openApp('looped'), startTestPostgres()]);
    pool = await postgres.freshPool();
    const server = createDistrictServer({ pool, identity: await ensureDistrictIdentity(pool, 'D-TEST') });
    await server.listen({ port: 0, host: '127.0.0.1' });
    districtUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    closeDistrict = async () => void (await server.close());
  }, 300_000);
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
