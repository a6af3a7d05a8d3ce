/** The district's own keys, kept in district_meta: created once, on first start. */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { newKeyPair } from '../domain/syncCrypto';

export type DistrictIdentity = { districtId: string; publicKey: string; privateKey: string; pseudonymKey: string; sendNames: boolean };

export async function ensureDistrictIdentity(pool: pg.Pool, districtId?: string): Promise<DistrictIdentity> {
  const keys = newKeyPair();
  const fresh: Record<string, string> = {
    district_id: districtId ?? `D-${randomUUID().slice(0, 8)}`,
    public_key: keys.publicKey,
    private_key: keys.privateKey,
    pseudonym_key: randomBytes(32).toString('base64'),
    send_names: 'false',
  };
  for (const [key, value] of Object.entries(fresh)) await pool.query('INSERT INTO district_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
  const rows = (await pool.query<{ key: string; value: string }>('SELECT key, value FROM district_meta')).rows;
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  return {
    districtId: meta.get('district_id')!,
    publicKey: meta.get('public_key')!,
    privateKey: meta.get('private_key')!,
    pseudonymKey: meta.get('pseudonym_key')!,
    sendNames: meta.get('send_names') === 'true',
  };
}
