/**
 * The district item bank on a real PostgreSQL (embedded), filled from IMS content packages built here from
 * fixtures/external/qti, carried down in signed bundles (with shared workbook sets and calibrated item
 * parameters) to real station databases over loopback HTTP, applied in one SQLite transaction.
 */
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BundleContent } from '../src/district/bundles';
import { publishBundle } from '../src/district/bundles';
import { signText } from '../src/domain/syncCrypto';
import { ensureDistrictIdentity, type DistrictIdentity } from '../src/district/identity';
import { importBankItems } from '../src/district/itemBank';
import { readBankSources } from '../src/district/itemSources';
import { createDistrictServer } from '../src/district/server';
import { approveStation } from '../src/district/stations';
import { sharedWorkbookSets } from '../src/sync/bundles';
import { readSyncState } from '../src/sync/state';
import { downloadBundles, enrol, fetchStationStatus, syncNow } from '../src/sync/upload';
import { startTestPostgres, type TestPostgres } from './support/districtPostgres';
import { buildPackage, DEFAULTS, manifest, SAMPLE_ITEMS } from './support/qtiPackages';
import { addResponses, makeStation, sampleItem, type TestStation } from './support/syncStation';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

let postgres: TestPostgres;
let dir: string;
beforeAll(async () => {
  postgres = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'pl-bank-'));
});
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type District = { pool: pg.Pool; identity: DistrictIdentity; publish: (c: Partial<BundleContent>) => Promise<number> };

async function districtWithStation(stationId: string): Promise<{ d: District; s: TestStation }> {
  const pool = await postgres.freshPool();
  const identity = await ensureDistrictIdentity(pool, keyFolder());
  const app = createDistrictServer({ pool, identity });
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const s = makeStation(stationId, `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  cleanups.push(s.close);
  const enrolled = await enrol(s);
  if (!enrolled.ok) throw new Error(enrolled.error);
  expect((await approveStation(pool, enrolled.value.approvalCode)).ok).toBe(true);
  expect((await fetchStationStatus(s)).ok).toBe(true);
  return { d: { pool, identity, publish: (c) => publishBundle(pool, identity, { items: [], skills: [], ...c }) }, s };
}

async function writePackage(name: string, extra: Record<string, string> = {}, hrefs = Object.keys(SAMPLE_ITEMS)): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await buildPackage(extra, manifest(hrefs)));
  return path;
}

const bundleItemIds = async (pool: pg.Pool, version: number) =>
  (JSON.parse((await pool.query<{ payload: string }>('SELECT payload FROM bundles WHERE version = $1', [version])).rows[0]!.payload) as { items: { id: string }[] }).items.map((i) => i.id).sort();

describe('the district bank from QTI content packages', () => {
  it('imports a package whole, versions a changed item, and the next bundle carries only what no bundle carried yet', async () => {
    const { d, s } = await districtWithStation('BK01');
    const read = await readBankSources([await writePackage('bank.zip')], DEFAULTS);
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(await importBankItems(d.pool, read.value, 'bank.zip')).toEqual({ added: 4, newVersions: 0, unchanged: 0 });
    expect(await importBankItems(d.pool, read.value, 'bank.zip')).toEqual({ added: 0, newVersions: 0, unchanged: 4 });

    const v1 = await d.publish({});
    expect(await bundleItemIds(d.pool, v1)).toEqual(['addition-no-feedback', 'choice_simple', 'qti3-choice-single', 'qti3-extended-text']);
    const down = await downloadBundles(s);
    expect(down.ok && down.value.items).toBe(4);
    expect(s.store.item('qti3-extended-text')?.type).toBe('open');

    const changed = read.value.map((i) => (i.id === 'choice_simple' ? { ...i, minutes: 3 } : i));
    expect(await importBankItems(d.pool, changed, 'bank-v2.zip')).toEqual({ added: 0, newVersions: 1, unchanged: 3 });
    const v2 = await d.publish({});
    expect(await bundleItemIds(d.pool, v2)).toEqual(['choice_simple']);
    await downloadBundles(s);
    expect(s.store.item('choice_simple')).toMatchObject({ version: 2, minutes: 3 });
    expect(s.store.item('choice_simple', 1)?.minutes).toBe(1.5);
  });

  it('refuses a package with one broken item and leaves the bank as it was', async () => {
    const { d } = await districtWithStation('BK02');
    const path = await writePackage('broken.zip', { 'items/bad.xml': '<assessmentItem identifier="bad"><itemBody/></assessmentItem>' }, [...Object.keys(SAMPLE_ITEMS), 'items/bad.xml']);
    const read = await readBankSources([path], DEFAULTS);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.map((i) => i.file)).toContain(`${path}/items/bad.xml`);
    expect(Number((await d.pool.query('SELECT count(*) FROM bank_items')).rows[0].count)).toBe(0);
  });
});

describe('bundles with shared workbook sets and calibrated item parameters', () => {
  it('applies them with since=; an item already answered at the station keeps its version', async () => {
    const { d, s } = await districtWithStation('BK03');
    await d.publish({ items: ['item-0', 'item-1', 'item-2'].map((id) => sampleItem(id)) });
    expect((await downloadBundles(s)).ok).toBe(true);
    addResponses(s, 30); // answers item-0 … item-14 at version 1

    await d.publish({
      itemParameters: [{ itemId: 'item-0', difficulty: 1.25 }, { itemId: 'not-here', difficulty: -1 }],
      workbookSets: [{ id: 'weekend-g3', name: 'Weekend workbook', subject: 'math', grade: 3, itemIds: ['item-0', 'item-2'] }],
    });
    const applied = await syncNow(s); // up (the 30 responses), then down
    expect(applied).toMatchObject({ ok: true, value: { bundleVersion: 2, itemParameters: 1, workbookSets: 1 } });
    expect(s.store.item('item-0')).toMatchObject({ version: 2, difficulty: 1.25 });
    expect(s.store.item('item-0', 1)?.difficulty).toBe(0);
    const answered = s.db.prepare("SELECT DISTINCT item_version FROM responses WHERE item_id = 'item-0'").all() as { item_version: number }[];
    expect(answered).toEqual([{ item_version: 1 }]);
    expect(sharedWorkbookSets(s.store)['weekend-g3']).toMatchObject({ itemIds: ['item-0', 'item-2'], bundleVersion: 2 });
    expect(readSyncState(s.store).bundleVersion).toBe(2);

    const again = await downloadBundles(s);
    expect(again).toMatchObject({ ok: true, value: { version: 2, itemParameters: 0, workbookSets: 0 } });
  });

  it('the district refuses to publish a set that names an item no bundle carries; nothing is published', async () => {
    const { d } = await districtWithStation('BK05');
    await d.publish({ items: [sampleItem('item-0')] });
    const weekend = { id: 'weekend', name: 'Weekend', subject: 'math', grade: 3, itemIds: ['item-0', 'item-9'] };
    await expect(d.publish({ workbookSets: [weekend] })).rejects.toThrow(/"weekend" names item\(s\) no bundle carries: item-9/);
    expect(Number((await d.pool.query('SELECT max(version) AS v FROM bundles')).rows[0].v)).toBe(1);
    expect(await d.publish({ items: [sampleItem('item-9')], workbookSets: [weekend] })).toBe(2);
  });

  it('a station refuses every bundle of a download when a set names an item it lacks: nothing applied', async () => {
    const { d, s } = await districtWithStation('BK04');
    await d.publish({ items: [sampleItem('item-0')] });
    // A bundle the district's publish would refuse, signed by hand, to test the station's own check.
    const payload = JSON.stringify({
      format: 'paperloop.bundle/1', districtId: d.identity.districtId, version: 2, items: [], skills: [],
      itemParameters: [{ itemId: 'item-0', difficulty: 2 }], workbookSets: [{ id: 'weekend', name: 'Weekend', subject: 'math', grade: 3, itemIds: ['item-0', 'item-9'] }],
    });
    await d.pool.query('INSERT INTO bundles (version, payload, signature) VALUES (2, $1, $2)', [payload, signText(d.identity.privateKey, payload)]);
    const r = await downloadBundles(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/weekend.*item-9/);
    expect(s.store.item('item-0')).toBeNull();
    expect(readSyncState(s.store).bundleVersion).toBe(0);
    expect(sharedWorkbookSets(s.store)).toEqual({});
  });
});
