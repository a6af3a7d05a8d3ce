/** Versioned item-bank bundles, signed by the district's key, served to stations with `since=`. */
import type pg from 'pg';
import type { ItemParameters, SharedWorkbookSet } from '../domain/districtBank';
import type { ItemInput } from '../domain/item';
import type { Skill } from '../domain/skills';
import { signText } from '../domain/syncCrypto';
import type { BundlePayload, SignedBundle } from '../domain/syncProtocol';
import type { DistrictIdentity } from './identity';
import { markPublished, unpublishedBankItems } from './itemBank';
import { CATALOG_SQL } from './rollups';

export type BundleContent = { items: ItemInput[]; skills: Skill[]; workbookSets?: SharedWorkbookSet[]; itemParameters?: ItemParameters[] };

/** A publish the district refuses before signing anything; the message names the problem and the fix. */
export class PublishRefused extends Error {}

/**
 * Every item a workbook set names must reach the stations in this bundle or an earlier one: a station refuses
 * a download whose set names an item it lacks, and would stay stuck on that bundle.
 */
async function refuseSetsWithUnknownItems(client: pg.PoolClient, payload: BundlePayload): Promise<void> {
  const named = [...new Set(payload.workbookSets.flatMap((set) => set.itemIds))];
  if (named.length === 0) return;
  const known = new Set(payload.items.map((i) => i.id));
  const carried = await client.query<{ id: string }>(
    `SELECT DISTINCT item->>'id' AS id FROM bundles, jsonb_array_elements(payload::jsonb->'items') AS item WHERE item->>'id' = ANY($1)`,
    [named.filter((id) => !known.has(id))],
  );
  for (const r of carried.rows) known.add(r.id);
  for (const set of payload.workbookSets) {
    const missing = set.itemIds.filter((id) => !known.has(id));
    if (missing.length)
      throw new PublishRefused(`the workbook set "${set.id}" names item(s) no bundle carries: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}. Fix: import them (paperloop district import-items) or give them with --items; nothing was published.`);
  }
}

/**
 * A new bundle version: the given content plus every bank item no bundle has carried yet (a given item
 * with the same id wins). One transaction, so a bank item is marked carried only with the bundle that carries it.
 */
export async function publishBundle(pool: pg.Pool, identity: DistrictIdentity, content: BundleContent): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE bundles IN EXCLUSIVE MODE');
    const version = Number((await client.query<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM bundles')).rows[0]!.v);
    const given = new Set(content.items.map((i) => i.id));
    const items = [...(await unpublishedBankItems(client)).filter((i) => !given.has(i.id)), ...content.items];
    const payload: BundlePayload = {
      format: 'paperloop.bundle/1', districtId: identity.districtId, version, items, skills: content.skills,
      workbookSets: content.workbookSets ?? [], itemParameters: content.itemParameters ?? [],
    };
    await refuseSetsWithUnknownItems(client, payload);
    const text = JSON.stringify(payload);
    await client.query('INSERT INTO bundles (version, payload, signature) VALUES ($1, $2, $3)', [version, text, signText(identity.privateKey, text)]);
    await markPublished(client, version);
    await client.query(CATALOG_SQL);
    await client.query('COMMIT');
    return version;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

export async function bundlesSince(pool: pg.Pool, since: number): Promise<SignedBundle[]> {
  const rows = await pool.query<{ payload: string; signature: string }>('SELECT payload, signature FROM bundles WHERE version > $1 ORDER BY version', [since]);
  return rows.rows.map((r) => ({ payload: r.payload, signature: r.signature }));
}
