/**
 * The district views and roles against a real district server (Fastify on loopback, embedded PostgreSQL), with
 * responses ingested as stations send them, read in Chromium (JavaScript off) in English and Chinese.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL, type LogEntry } from '../src/domain/syncProtocol';
import { main } from '../src/district/cli';
import { ensureDistrictIdentity } from '../src/district/identity';
import { ingestChunk } from '../src/district/ingest';
import { checkDistrictTokens, DistrictPeople } from '../src/district/roles';
import { createDistrictServer } from '../src/district/server';
import { enrolStation } from '../src/district/stations';
import { startTestPostgres, type TestPostgres } from './support/districtPostgres';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

const TOKENS = { viewer: 'viewer-token-0123456789', research: 'research-token-0123456789', admin: 'admin-token-0123456789' };
const HOSTILE_ITEM = `<img src=x onerror="document.title='pwned'">`;
const HOSTILE_SUBJECT = `<script>document.title='pwned'</script>sci`;
const DAY = '2026-10-05';

const item = (id: string, subject: string, minutes: number, skills: string[]) => ({
  id, subject, grade: 5, skills, stem: { en: `stem ${id}` }, minutes, tier: 'core', type: 'true_false', answer: true,
});

let postgres: TestPostgres;
let pool: pg.Pool;
let base: string;
let close: () => Promise<unknown>;
let browser: Browser;
let seq = 0;

function responses(student: string, itemId: string, fields: number, correct: number): LogEntry[] {
  return Array.from({ length: fields }, (_, i) => ({
    seq: ++seq, kind: 'response' as const, student, itemId, itemVersion: 1, pageId: `S1-${student}`, fieldId: `${itemId}-${i}`,
    score: i < correct ? 1 : 0, maxScore: 1, correct: i < correct, status: 'graded', date: DAY,
  }));
}

async function upload(entries: LogEntry[]) {
  const after = entries[0]!.seq - 1;
  const r = await ingestChunk(pool, { format: SYNC_PROTOCOL, stationId: 'S1', after, through: entries.at(-1)!.seq, entries });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}

const call = (path: string, token?: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  postgres = await startTestPostgres();
  pool = await postgres.freshPool();
  const identity = await ensureDistrictIdentity(pool, keyFolder());
  const app = createDistrictServer({ pool, identity, people: new DistrictPeople(TOKENS) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  close = () => app.close();
  await pool.query(`INSERT INTO stations (station_id, public_key, status) VALUES ('S1', 'k', 'approved')`);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
  await postgres?.stop();
});

describe('district roles', () => {
  it('refuses a token shorter than 16 characters, and one token for two roles, before the server starts', async () => {
    expect(checkDistrictTokens({ viewer: 'short' })).toMatchObject({ ok: false });
    expect(checkDistrictTokens({ viewer: TOKENS.admin, admin: TOKENS.admin })).toMatchObject({ ok: false });
    const dir = mkdtempSync(join(tmpdir(), 'district-cli-'));
    const said: string[] = [];
    try {
      const code = await main(['node', 'paperloop', 'district', '--dir', dir, 'serve', '--viewer-token', 'short'], { out: (s) => said.push(s), err: (s) => said.push(s) });
      expect(code).toBe(1);
      expect(said.join('\n')).toContain('PAPERLOOP_DISTRICT_VIEWER_TOKEN is 5 characters');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers 401 without a token or with a wrong one, and lets each role do only its part', async () => {
    expect((await call('/v1/views/stations')).status).toBe(401);
    expect((await call('/v1/views/stations', 'not-a-real-token-at-all')).status).toBe(401);
    expect((await call('/v1/views/stations', TOKENS.viewer)).status).toBe(200);

    const enrolled = await enrolStation(pool, 'S2', 'another-key');
    if (!enrolled.ok) throw new Error(enrolled.error.message);
    const code = enrolled.value.approvalCode;
    expect((await call('/v1/admin/approve', undefined, { code })).status).toBe(401);
    expect((await call('/v1/admin/approve', TOKENS.viewer, { code })).status).toBe(403);
    expect((await call('/v1/admin/approve', TOKENS.research, { code })).status).toBe(403);
    expect((await call('/v1/admin/revoke', TOKENS.viewer, { stationId: 'S1' })).status).toBe(403);
    expect((await pool.query(`SELECT status FROM stations WHERE station_id = 'S2'`)).rows[0].status).toBe('pending');
    expect((await call('/v1/admin/approve', TOKENS.admin, { code })).status).toBe(200);
    expect((await pool.query(`SELECT status FROM stations WHERE station_id = 'S2'`)).rows[0].status).toBe('approved');

    const bank = { items: [item('A', 'math', 20, ['fractions']), item('B', 'math', 30, ['fractions', 'decimals']), item('C', HOSTILE_SUBJECT, 25, ['reading'])] };
    expect((await call('/v1/admin/bundles', TOKENS.viewer, bank)).status).toBe(403);
    const published = await call('/v1/admin/bundles', TOKENS.research, bank);
    expect(published.status).toBe(200);
    expect(await published.json()).toMatchObject({ version: 1, items: 3 });
  });
});

describe('district views', () => {
  it('sums homework minutes per school, grade, subject and day against the cap, and keeps up as chunks arrive', async () => {
    // s1: A (20 min), B (30), C (25) = 75 min > the grade-5 cap of 60; s2: A only. A's three fields count its minutes once.
    await upload([...responses('s1', 'A', 3, 2), ...responses('s1', 'B', 2, 1), ...responses('s2', 'A', 3, 3)]);
    const first = await (await call('/v1/views/minutes', TOKENS.viewer)).json();
    expect(first.days).toEqual([{ stationId: 'S1', grade: 5, day: DAY, students: 2, avgMinutes: 35, maxMinutes: 50, capMinutes: 60, overCap: 0 }]);

    const later = [...responses('s1', 'C', 1, 0), ...responses('s2', 'A', 1, 1), ...responses('s3', HOSTILE_ITEM, 1, 1)];
    await upload(later);
    await upload(later); // sent twice (a retried chunk): counts once
    const second = await (await call(`/v1/views/minutes?from=${DAY}&to=${DAY}`, TOKENS.viewer)).json();
    expect(second.days).toEqual([{ stationId: 'S1', grade: 5, day: DAY, students: 2, avgMinutes: 47.5, maxMinutes: 75, capMinutes: 60, overCap: 1 }]);
    expect(second.subjects).toEqual([
      { stationId: 'S1', grade: 5, subject: HOSTILE_SUBJECT, day: DAY, students: 1, avgMinutes: 25 },
      { stationId: 'S1', grade: 5, subject: 'math', day: DAY, students: 2, avgMinutes: 35 },
    ]);
  });

  it('gives correct rates per skill and week, item-bank use, and the stations with their last sync', async () => {
    const skills = await (await call('/v1/views/skills', TOKENS.viewer)).json();
    // fractions: A 3+3+1 responses (2+3+1 correct) and B 2 (1 correct) = 7 of 9
    expect(skills.trends).toEqual([
      { skill: 'decimals', week: DAY, responses: 2, correctRate: 0.5 },
      { skill: 'fractions', week: DAY, responses: 9, correctRate: 0.778 },
      { skill: 'reading', week: DAY, responses: 1, correctRate: 0 },
    ]);
    const items = await (await call('/v1/views/items', TOKENS.viewer)).json();
    expect(items.items.map((i: { itemId: string; responses: number }) => [i.itemId, i.responses])).toEqual([['A', 7], ['B', 2], [HOSTILE_ITEM, 1], ['C', 1]]);
    const stations = await (await call('/v1/views/stations', TOKENS.viewer)).json();
    expect(stations.stations.map((s: { stationId: string; highWater: number; lastSyncAt: string | null }) => [s.stationId, s.highWater, s.lastSyncAt !== null])).toEqual([['S1', seq, true], ['S2', 0, false]]);
    expect((await call('/v1/views/minutes?from=yesterday', TOKENS.viewer)).status).toBe(400);
  });

  it('shows the pages in Chromium without JavaScript, in English and Chinese, after signing in, with hostile names as text', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const refused = await page.goto(`${base}/views/minutes?lang=en`);
      expect(refused?.status()).toBe(401);
      await page.fill('input[name=token]', 'wrong-token-0123456789');
      await page.click('button');
      expect(await page.getByRole('alert').textContent()).toBe('That token is not valid here.');
      await page.fill('input[name=token]', TOKENS.viewer);
      await page.click('button');
      expect(await page.locator('h1').textContent()).toBe('Homework minutes');
      expect(await page.locator('table').first().locator('tbody tr').first().locator('td').allTextContents()).toEqual(['S1', '5', DAY, '2', '47.5', '75', '60', '1']);
      await page.click('a[lang=zh]');
      expect(await page.locator('h1').textContent()).toBe('作业时长');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      await page.click('text=题库使用');
      expect(await page.locator('h1').textContent()).toBe('题库使用');
      expect(await page.locator('td', { hasText: 'onerror' }).textContent()).toBe(HOSTILE_ITEM);
      expect(await page.locator('td img').count()).toBe(0);
      await page.goto(`${base}/views/minutes?lang=en`);
      expect(await page.locator('td', { hasText: 'script' }).textContent()).toBe(HOSTILE_SUBJECT);
      expect(await page.locator('td script').count()).toBe(0);
      await page.goto(`${base}/views/stations?lang=en`);
      expect(await page.locator('tbody tr').count()).toBe(2);
      await page.click('text=Sign out');
      expect((await page.goto(`${base}/views/stations?lang=en`))?.status()).toBe(401);
    } finally {
      await context.close();
    }
  });
});
