/**
 * The district's identity: its id, public key and pseudonym key in district_meta (created once, on first start), and
 * its private signing key in a file readable by its owner only (`district-signing-key.json`, 0600, in the district
 * data folder), never in the database: a database dump or a read replica does not carry it. A key an older version
 * kept in district_meta is moved to the file, then deleted from the database.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { newKeyPair, type KeyPair } from '../domain/syncCrypto';

export type DistrictIdentity = { districtId: string; publicKey: string; privateKey: string; pseudonymKey: string; sendNames: boolean };

export const KEY_FILE = 'district-signing-key.json';

const readMeta = async (pool: pg.Pool) => new Map((await pool.query<{ key: string; value: string }>('SELECT key, value FROM district_meta')).rows.map((r) => [r.key, r.value]));

function writeKeyFile(path: string, keys: KeyPair): void {
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
}

function readKeyFile(path: string): KeyPair {
  chmodSync(path, 0o600);
  return JSON.parse(readFileSync(path, 'utf8')) as KeyPair;
}

/** The signing key from the file; a key still in the database (before this version) is moved there first. */
async function signingKey(pool: pg.Pool, keyFolder: string, publicKey: string | undefined): Promise<KeyPair> {
  mkdirSync(keyFolder, { recursive: true, mode: 0o700 });
  const path = join(keyFolder, KEY_FILE);
  const inDatabase = (await readMeta(pool)).get('private_key');
  if (inDatabase !== undefined && publicKey !== undefined) {
    if (!existsSync(path)) writeKeyFile(path, { publicKey, privateKey: inDatabase });
    if (readKeyFile(path).publicKey !== publicKey) throw new Error(`${path} holds another key than the one this district database kept. Fix: move that file away (it belongs to another district), then start again.`);
    await pool.query(`DELETE FROM district_meta WHERE key = 'private_key'`);
  }
  if (!existsSync(path)) {
    if (publicKey !== undefined)
      throw new Error(`${path}: the district's private signing key is missing. Fix: restore it from a backup of the district folder (stations refuse bundles signed by any other key); its public key is ${publicKey}.`);
    writeKeyFile(path, newKeyPair());
  }
  const keys = readKeyFile(path);
  if (publicKey !== undefined && keys.publicKey !== publicKey)
    throw new Error(`${path} holds another key than this district's (${publicKey}). Fix: restore the district's own key file from a backup.`);
  return keys;
}

/** The district's identity; `keyFolder`: where its private signing key lives (the district data folder). */
export async function ensureDistrictIdentity(pool: pg.Pool, keyFolder: string, districtId?: string): Promise<DistrictIdentity> {
  const keys = await signingKey(pool, keyFolder, (await readMeta(pool)).get('public_key'));
  const fresh: Record<string, string> = {
    district_id: districtId ?? `D-${randomUUID().slice(0, 8)}`,
    public_key: keys.publicKey,
    pseudonym_key: randomBytes(32).toString('base64'),
    send_names: 'false',
  };
  for (const [key, value] of Object.entries(fresh)) await pool.query('INSERT INTO district_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
  const meta = await readMeta(pool);
  if (meta.get('public_key') !== keys.publicKey) throw new Error(`${join(keyFolder, KEY_FILE)} does not hold the key of district ${meta.get('district_id')}. Fix: give this district's own data folder (--dir).`);
  return {
    districtId: meta.get('district_id')!,
    publicKey: meta.get('public_key')!,
    privateKey: keys.privateKey,
    pseudonymKey: meta.get('pseudonym_key')!,
    sendNames: meta.get('send_names') === 'true',
  };
}
