import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL, type LogEntry, type UploadChunk } from '../domain/syncProtocol';
import { startTestPostgres, type TestPostgres } from '../../tests/support/districtPostgres';
import { publishBundle } from './bundles';
import { ensureDistrictIdentity } from './identity';
import { ingestChunk } from './ingest';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => postgres?.stop());

const response = (seq: number, date: string): LogEntry => ({
  seq, kind: 'response', student: `s${seq % 7}`, itemId: 'i1', itemVersion: 1, pageId: 'P1', fieldId: `f${seq}`, score: 1, maxScore: 1, correct: true, status: 'graded', date,
});
const chunk = (after: number, entries: LogEntry[]): UploadChunk => ({ format: SYNC_PROTOCOL, stationId: 'S1', after, through: entries.at(-1)?.seq ?? after, entries });

async function districtWithStation(): Promise<pg.Pool> {
  const pool = await postgres.freshPool();
  await pool.query(`INSERT INTO stations (station_id, public_key, status) VALUES ('S1', 'k', 'approved')`);
  return pool;
}

describe('ingestChunk', () => {
  it('takes the same chunk twice as once, and moves the high-water mark with it', async () => {
    const pool = await districtWithStation();
    const c = chunk(0, [response(1, '2026-10-01'), response(2, '2026-10-01'), { seq: 3, kind: 'audit', data: { action: 'x' } }]);
    expect(await ingestChunk(pool, c)).toEqual({ ok: true, value: { highWater: 3, accepted: 3 } });
    expect(await ingestChunk(pool, c)).toEqual({ ok: true, value: { highWater: 3, accepted: 0 } });
    expect((await pool.query('SELECT count(*)::int AS n FROM responses')).rows[0].n).toBe(2);
    expect((await pool.query('SELECT count(*)::int AS n FROM station_facts')).rows[0].n).toBe(1);
  });

  it('folds each chunk into the daily rollups in its own transaction, once however often it is sent', async () => {
    const pool = await districtWithStation();
    const identity = await ensureDistrictIdentity(pool, keyFolder());
    const item = (id: string, minutes: number) => ({ id, subject: 'math', grade: 5, skills: ['k'], stem: { en: id }, points: 1, minutes, difficulty: 0, tier: 'core' as const, type: 'true_false' as const, answer: true });
    await publishBundle(pool, identity, { items: [item('A', 40), item('B', 30)], skills: [] });
    const answer = (seq: number, student: string, itemId: string): LogEntry => ({
      seq, kind: 'response', student, itemId, itemVersion: 1, pageId: 'P1', fieldId: `f${seq}`, score: 1, maxScore: 1, correct: true, status: 'graded', date: '2026-10-05',
    });
    const first = chunk(0, [answer(1, 's1', 'A'), answer(2, 's1', 'A'), answer(3, 's2', 'A')]);
    const second = chunk(3, [answer(4, 's1', 'B'), answer(5, 's3', 'C')]);
    for (const c of [first, first, second, second]) expect((await ingestChunk(pool, c)).ok).toBe(true);
    const rows = async (sql: string) => (await pool.query(sql)).rows;
    // s1: A 40 then B 30 = 70 min, crossing the grade-5 cap of 60 with the second chunk; s2: A 40; s3's item C is not the district's.
    expect(await rows(`SELECT grade, students::int, minutes, max_minutes, over_cap::int FROM rollup_grade_day`)).toEqual([{ grade: 5, students: 2, minutes: 110, max_minutes: 70, over_cap: 1 }]);
    expect(await rows(`SELECT subject, students::int, minutes FROM rollup_subject_day`)).toEqual([{ subject: 'math', students: 2, minutes: 110 }]);
    expect(await rows(`SELECT item_id, responses::int FROM rollup_item_day ORDER BY item_id`)).toEqual([{ item_id: 'A', responses: 3 }, { item_id: 'B', responses: 1 }, { item_id: 'C', responses: 1 }]);
    expect(await rows(`SELECT rolled_through::int FROM rollup_marks`)).toEqual([{ rolled_through: 5 }]);
  });

  it('puts each response in the partition of its school year (from 1 September)', async () => {
    const pool = await districtWithStation();
    await ingestChunk(pool, chunk(0, [response(1, '2026-08-31'), response(2, '2026-09-01'), response(3, '2027-06-30')]));
    const rows = (await pool.query<{ t: string; seq: string }>('SELECT tableoid::regclass::text AS t, seq FROM responses ORDER BY seq')).rows;
    expect(rows.map((r) => `${r.seq}:${r.t}`)).toEqual(['1:responses_y2025', '2:responses_y2026', '3:responses_y2026']);
  });

  it('refuses a chunk that starts beyond the high-water mark (a gap) and writes nothing', async () => {
    const pool = await districtWithStation();
    const r = await ingestChunk(pool, chunk(10, [response(11, '2026-10-01')]));
    expect(r).toEqual({ ok: false, error: { kind: 'gap', highWater: 0, after: 10 } });
    expect((await pool.query('SELECT count(*)::int AS n FROM responses')).rows[0].n).toBe(0);
    expect((await pool.query(`SELECT high_water FROM stations`)).rows[0].high_water).toBe('0');
  });

  it('writes nothing of a chunk that fails half way (one transaction)', async () => {
    const pool = await districtWithStation();
    const bad = chunk(0, [response(1, '2026-10-01'), { ...response(2, '2026-10-01'), itemVersion: 2 ** 40 } as LogEntry]);
    await expect(ingestChunk(pool, bad)).rejects.toThrow(/out of range/);
    expect((await pool.query('SELECT count(*)::int AS n FROM responses')).rows[0].n).toBe(0);
    expect((await pool.query(`SELECT high_water FROM stations`)).rows[0].high_water).toBe('0');
  });
});
