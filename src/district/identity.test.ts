import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKeyPair, signText, verifyText } from '../domain/syncCrypto';
import { startTestPostgres, type TestPostgres } from '../../tests/support/districtPostgres';
import { ensureDistrictIdentity, KEY_FILE } from './identity';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => postgres?.stop());

const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));
const metaKeys = async (pool: import('pg').Pool) => (await pool.query<{ key: string }>('SELECT key FROM district_meta ORDER BY key')).rows.map((r) => r.key);

describe('the district\'s signing key', () => {
  it('lives in a 0600 file of the district folder, not in the database, and is the same at the next start', async () => {
    const pool = await postgres.freshPool();
    const folder = keyFolder();
    const identity = await ensureDistrictIdentity(pool, folder, 'D-KEY');
    const path = join(folder, KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8')).privateKey).toBe(identity.privateKey);
    expect(await metaKeys(pool)).toEqual(['district_id', 'pseudonym_key', 'public_key', 'send_names']);
    const dump = JSON.stringify((await pool.query('SELECT * FROM district_meta')).rows);
    expect(dump).not.toContain(identity.privateKey);
    expect(await ensureDistrictIdentity(pool, folder)).toEqual(identity);
  });

  it('moves a key an older version kept in district_meta into the file, then deletes it from the database', async () => {
    const pool = await postgres.freshPool();
    const old = newKeyPair();
    for (const [key, value] of Object.entries({ district_id: 'D-OLD', public_key: old.publicKey, private_key: old.privateKey, pseudonym_key: 'cHNldWRvbnlt', send_names: 'false' }))
      await pool.query('INSERT INTO district_meta (key, value) VALUES ($1, $2)', [key, value]);
    const folder = keyFolder();
    const identity = await ensureDistrictIdentity(pool, folder);
    expect(identity).toMatchObject({ districtId: 'D-OLD', publicKey: old.publicKey, privateKey: old.privateKey });
    expect(await metaKeys(pool)).not.toContain('private_key');
    expect(statSync(join(folder, KEY_FILE)).mode & 0o777).toBe(0o600);
    // Bundles signed after the move verify with the key stations already have.
    expect(verifyText(old.publicKey, 'bundle', signText(identity.privateKey, 'bundle'))).toBe(true);
  });

  it('refuses to start when the key file is gone or belongs to another district, naming the fix', async () => {
    const pool = await postgres.freshPool();
    await ensureDistrictIdentity(pool, keyFolder());
    const empty = keyFolder();
    await expect(ensureDistrictIdentity(pool, empty)).rejects.toThrow(/private signing key is missing. Fix: restore it from a backup/);
    expect(existsSync(join(empty, KEY_FILE))).toBe(false);
    const other = keyFolder();
    await ensureDistrictIdentity(await postgres.freshPool(), other);
    await expect(ensureDistrictIdentity(pool, other)).rejects.toThrow(/another key/);
  });
});
