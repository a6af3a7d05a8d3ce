/** Versioned item-bank bundles, signed by the district's key, served to stations with `since=`. */
import type pg from 'pg';
import type { ItemInput } from '../domain/item';
import type { Skill } from '../domain/skills';
import { signText } from '../domain/syncCrypto';
import type { BundlePayload, SignedBundle } from '../domain/syncProtocol';
import type { DistrictIdentity } from './identity';

export async function publishBundle(pool: pg.Pool, identity: DistrictIdentity, content: { items: ItemInput[]; skills: Skill[] }): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE bundles IN EXCLUSIVE MODE');
    const version = Number((await client.query<{ v: number }>('SELECT coalesce(max(version), 0) + 1 AS v FROM bundles')).rows[0]!.v);
    const payload: BundlePayload = { format: 'paperloop.bundle/1', districtId: identity.districtId, version, items: content.items, skills: content.skills };
    const text = JSON.stringify(payload);
    await client.query('INSERT INTO bundles (version, payload, signature) VALUES ($1, $2, $3)', [version, text, signText(identity.privateKey, text)]);
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
