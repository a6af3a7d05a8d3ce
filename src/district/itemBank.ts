/**
 * The district item bank: items teaching-research staff import (QTI packages and folders), versioned the
 * way a station versions them: a changed item is a new version, the old one stays. The next bundle carries
 * every current version that no bundle has carried yet.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { canonicalJson, ItemInput } from '../domain/item';

export type BankImportSummary = { added: number; newVersions: number; unchanged: number };

const sha256 = (item: ItemInput) => createHash('sha256').update(canonicalJson(item)).digest('hex');

/** Writes all the items in one transaction (all or nothing). */
export async function importBankItems(pool: pg.Pool, items: readonly ItemInput[], source: string): Promise<BankImportSummary> {
  const summary: BankImportSummary = { added: 0, newVersions: 0, unchanged: 0 };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE bank_items IN SHARE ROW EXCLUSIVE MODE');
    for (const item of items) {
      const hash = sha256(item);
      const current = (await client.query<{ version: number; content_sha256: string }>('SELECT version, content_sha256 FROM bank_items WHERE item_id = $1 AND is_current', [item.id])).rows[0];
      if (current?.content_sha256 === hash) {
        summary.unchanged++;
        continue;
      }
      if (current) {
        await client.query('UPDATE bank_items SET is_current = false WHERE item_id = $1 AND is_current', [item.id]);
        summary.newVersions++;
      } else summary.added++;
      await client.query('INSERT INTO bank_items (item_id, version, content_sha256, item, source, is_current) VALUES ($1, $2, $3, $4, $5, true)', [item.id, (current?.version ?? 0) + 1, hash, canonicalJson(item), source]);
    }
    await client.query('COMMIT');
    return summary;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

/** Current bank items no bundle has carried yet; `markPublished` records the bundle that carries them. */
export async function unpublishedBankItems(client: pg.PoolClient): Promise<ItemInput[]> {
  const rows = await client.query<{ item: unknown }>('SELECT item FROM bank_items WHERE is_current AND published_in IS NULL ORDER BY item_id');
  return rows.rows.map((r) => ItemInput.parse(r.item));
}

export async function markPublished(client: pg.PoolClient, version: number): Promise<void> {
  await client.query('UPDATE bank_items SET published_in = $1 WHERE is_current AND published_in IS NULL', [version]);
}

export async function bankSize(pool: pg.Pool): Promise<{ items: number; unpublished: number }> {
  const r = await pool.query<{ items: string; unpublished: string }>('SELECT count(*) FILTER (WHERE is_current) AS items, count(*) FILTER (WHERE is_current AND published_in IS NULL) AS unpublished FROM bank_items');
  return { items: Number(r.rows[0]!.items), unpublished: Number(r.rows[0]!.unpublished) };
}
