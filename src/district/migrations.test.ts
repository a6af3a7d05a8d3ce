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
  pool.on('error', () => {}); // a connection closed by the test server's shutdown is not a failure
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

  it('v6 fills the daily student, subject and grade rollups from the rollups so far and from responses the views had not caught up', async () => {
    const { client, done } = await migratedTo(5);
    const item = (id: string, minutes: number) => ({ id, subject: 'math', grade: 5, minutes, skills: ['k'] });
    await client.query(`INSERT INTO bundles (version, payload, signature) VALUES (1, $1, 's')`, [JSON.stringify({ items: [item('A', 40), item('B', 30)] })]);
    await client.query(`INSERT INTO stations (station_id, public_key, status, high_water) VALUES ('S0', 'k', 'approved', 10), ('S1', 'k', 'approved', 4)`);
    // S0 was caught up by a view under v5; S1's four responses never were.
    await client.query(`INSERT INTO rollup_minutes VALUES ('S0', '2026-10-05', 'x', 5, 'math', 65)`);
    await client.query(`INSERT INTO rollup_marks VALUES ('S0', 10)`);
    await client.query('CREATE TABLE responses_y2026 PARTITION OF responses FOR VALUES IN (2026)');
    const answer = (seq: number, student: string, itemId: string) => `(2026, 'S1', ${seq}, '${student}', '${itemId}', 1, 'pg', 'f${seq}', 1, 1, true, 'graded', '2026-10-05')`;
    await client.query(`INSERT INTO responses VALUES ${[answer(1, 's1', 'A'), answer(2, 's1', 'A'), answer(3, 's1', 'B'), answer(4, 's2', 'A')].join(', ')}`);

    expect(await migrateDistrict(client, DISTRICT_MIGRATIONS, 6)).toEqual({ ok: true, value: 6 });
    const rows = async (sql: string) => (await client.query(sql)).rows;
    // s1: A 40 + B 30 = 70 min, over the grade-5 cap of 60; s2: A 40. S0's one student: 65.
    expect(await rows(`SELECT station_id, grade, students::int, minutes, max_minutes, over_cap::int FROM rollup_grade_day ORDER BY station_id`)).toEqual([
      { station_id: 'S0', grade: 5, students: 1, minutes: 65, max_minutes: 65, over_cap: 1 },
      { station_id: 'S1', grade: 5, students: 2, minutes: 110, max_minutes: 70, over_cap: 1 },
    ]);
    expect(await rows(`SELECT station_id, subject, students::int, minutes FROM rollup_subject_day ORDER BY station_id`)).toEqual([
      { station_id: 'S0', subject: 'math', students: 1, minutes: 65 },
      { station_id: 'S1', subject: 'math', students: 2, minutes: 110 },
    ]);
    expect(await rows(`SELECT station_id, student, minutes FROM rollup_student_day ORDER BY station_id, student`)).toEqual([
      { station_id: 'S0', student: 'x', minutes: 65 }, { station_id: 'S1', student: 's1', minutes: 70 }, { station_id: 'S1', student: 's2', minutes: 40 },
    ]);
    expect(await rows(`SELECT item_id, responses::int FROM rollup_item_day ORDER BY item_id`)).toEqual([{ item_id: 'A', responses: 3 }, { item_id: 'B', responses: 1 }]);
    expect(await rows(`SELECT station_id, rolled_through::int FROM rollup_marks ORDER BY station_id`)).toEqual([{ station_id: 'S0', rolled_through: 10 }, { station_id: 'S1', rolled_through: 4 }]);
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
