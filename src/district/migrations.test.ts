import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../tests/support/districtPostgres';
import { checkOrder, DISTRICT_MIGRATIONS, migrateDistrict } from './migrations';

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => postgres?.stop());

/** A fresh, unmigrated database migrated up to `upTo`; returns a client on it. */
async function migratedTo(upTo: number): Promise<{ client: pg.PoolClient; done: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: await postgres.freshUrl() });
  const client = await pool.connect();
  const r = await migrateDistrict(client, DISTRICT_MIGRATIONS, upTo);
  expect(r).toEqual({ ok: true, value: upTo });
  return { client, done: async () => { client.release(); await pool.end(); } };
}

const relkind = async (c: pg.PoolClient, table: string) => (await c.query<{ relkind: string }>('SELECT relkind FROM pg_class WHERE relname = $1', [table])).rows[0]?.relkind ?? null;

describe('district migrations', () => {
  it('v1 adds district settings, stations with a high-water mark, and used nonces', async () => {
    const { client, done } = await migratedTo(1);
    expect(await relkind(client, 'responses')).toBeNull();
    await client.query(`INSERT INTO stations (station_id, public_key, status) VALUES ('S1', 'k', 'pending')`);
    expect((await client.query('SELECT high_water FROM stations')).rows[0].high_water).toBe('0');
    await expect(client.query(`INSERT INTO stations (station_id, public_key, status) VALUES ('S2', 'k', 'trusted')`)).rejects.toThrow(/check constraint/);
    await client.query(`INSERT INTO request_nonces (station_id, nonce) VALUES ('S1', 'n')`);
    await expect(client.query(`INSERT INTO request_nonces (station_id, nonce) VALUES ('S1', 'n')`)).rejects.toThrow(/duplicate key/);
    await done();
  });

  it('v2 adds responses partitioned by school year (a row without its partition is refused) and station facts', async () => {
    const { client, done } = await migratedTo(2);
    expect(await relkind(client, 'responses')).toBe('p');
    const row = `(2026, 'S1', 1, 'p', 'i', 1, 'pg', 'f', 1, 1, true, 'graded', '2026-10-01')`;
    await expect(client.query(`INSERT INTO responses VALUES ${row}`)).rejects.toThrow(/no partition/);
    await client.query('CREATE TABLE responses_y2026 PARTITION OF responses FOR VALUES IN (2026)');
    await client.query(`INSERT INTO responses VALUES ${row}`);
    expect(await relkind(client, 'station_facts')).toBe('r');
    await done();
  });

  it('v3 adds signed bundles', async () => {
    const { client, done } = await migratedTo(3);
    await client.query(`INSERT INTO bundles (version, payload, signature) VALUES (1, '{}', 's')`);
    expect((await client.query('SELECT count(*)::int AS n FROM bundles')).rows[0].n).toBe(1);
    await done();
  });

  it('applying again changes nothing, and every version is recorded once', async () => {
    const { client, done } = await migratedTo(DISTRICT_MIGRATIONS.length);
    expect(await migrateDistrict(client)).toEqual({ ok: true, value: DISTRICT_MIGRATIONS.length });
    const versions = (await client.query<{ version: number }>('SELECT version FROM district_schema_versions ORDER BY version')).rows.map((r) => r.version);
    expect(versions).toEqual(DISTRICT_MIGRATIONS.map((m) => m.version));
    await done();
  });

  it('refuses a database newer than the code', async () => {
    const { client, done } = await migratedTo(DISTRICT_MIGRATIONS.length);
    await client.query(`INSERT INTO district_schema_versions (version, name) VALUES (${DISTRICT_MIGRATIONS.length + 1}, 'from the future')`);
    const r = await migrateDistrict(client);
    expect(r.ok ? null : r.error.kind).toBe('newer_than_code');
    await done();
  });

  it('refuses a database with a hole in its applied versions, and a code list out of order', async () => {
    const { client, done } = await migratedTo(3);
    await client.query('DELETE FROM district_schema_versions WHERE version = 2');
    const r = await migrateDistrict(client);
    expect(r.ok ? null : r.error.kind).toBe('out_of_order');
    expect(checkOrder([DISTRICT_MIGRATIONS[0]!, DISTRICT_MIGRATIONS[2]!]).ok).toBe(false);
    await done();
  });
});
