import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL, type LogEntry, type UploadChunk } from '../domain/syncProtocol';
import { startTestPostgres, type TestPostgres } from '../../tests/support/districtPostgres';
import { seededRng } from '../domain/random';
import { publishBundle } from './bundles';
import { ensureDistrictIdentity } from './identity';
import { ingestChunk, pgArray } from './ingest';
import { GRADE_CAPS_SQL } from './rollups';

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

  it('takes a chunk that overlaps the mark (a resend after a lost answer): only the entries after the mark go in', async () => {
    const pool = await districtWithStation();
    await ingestChunk(pool, chunk(0, [response(1, '2026-10-01'), response(2, '2026-10-01')]));
    const overlap = chunk(0, [response(1, '2026-10-01'), response(2, '2026-10-01'), { seq: 3, kind: 'audit', data: { a: 1 } }, response(4, '2026-10-02')]);
    expect(await ingestChunk(pool, overlap)).toEqual({ ok: true, value: { highWater: 4, accepted: 2 } });
    expect((await pool.query('SELECT array_agg(seq ORDER BY seq)::int[] AS s FROM responses')).rows[0].s).toEqual([1, 2, 4]);
    expect((await pool.query('SELECT sum(responses)::int AS n FROM rollup_item_day')).rows[0].n).toBe(3);
  });

  it('refuses, and writes nothing of, a chunk whose rows after the mark are already there (never a second copy)', async () => {
    const pool = await districtWithStation();
    await ingestChunk(pool, chunk(0, [response(1, '2026-10-01')]));
    // A row the ingest did not write (a hand-made load around it): the mark says 1, the row says 2.
    await pool.query(`INSERT INTO responses SELECT school_year, station_id, 2, student, item_id, item_version, page_id, field_id, score, max_score, correct, status, answered_on FROM responses`);
    await expect(ingestChunk(pool, chunk(1, [response(2, '2026-10-01'), response(3, '2026-10-01')]))).rejects.toThrow(/duplicate key/);
    expect((await pool.query('SELECT count(*)::int AS n FROM responses')).rows[0].n).toBe(2);
    expect((await pool.query(`SELECT high_water::int AS h FROM stations`)).rows[0].h).toBe(1);
    expect((await pool.query('SELECT sum(responses)::int AS n FROM rollup_item_day')).rows[0].n).toBe(1);
  });

  it('keeps every rollup equal to the same rollup recomputed from the responses, through resends, overlaps and gaps', async () => {
    const pool = await districtWithStation();
    const identity = await ensureDistrictIdentity(pool, keyFolder());
    const bank = Array.from({ length: 12 }, (_, i) => ({
      id: `i${i}`, subject: ['math', 'chinese', 'english'][i % 3]!, grade: 3 + (i % 8), skills: ['k'], stem: { en: 'x' }, points: 1,
      minutes: 10 + 5 * (i % 6), difficulty: 0, tier: 'core' as const, type: 'true_false' as const, answer: true,
    }));
    await publishBundle(pool, identity, { items: bank, skills: [] });
    const rng = seededRng('rollups-equal-responses');
    const pick = (n: number) => Math.floor(rng() * n);
    // i12 and i13 are not the district's: they count in item use, not in minutes.
    const log: LogEntry[] = Array.from({ length: 1500 }, (_, i) =>
      rng() < 0.05
        ? { seq: i + 1, kind: 'override', data: { n: i } }
        : { seq: i + 1, kind: 'response', student: `s${pick(9)}`, itemId: `i${pick(14)}`, itemVersion: 1, pageId: `P${i}`, fieldId: 'f', score: 1, maxScore: 1, correct: rng() < 0.7, status: 'graded', date: `2026-10-0${1 + pick(3)}` },
    );
    let highWater = 0;
    const refused: string[] = [];
    for (let sent = 0; highWater < log.length; sent++) {
      // Mostly from the mark; every seventh beyond it (a gap, refused); a quarter from an older point (a resend).
      const after = sent % 7 === 3 ? highWater + 1 + pick(5) : rng() < 0.25 ? Math.max(0, highWater - pick(40)) : highWater;
      const r = await ingestChunk(pool, chunk(after, log.slice(after, after + 1 + pick(60))));
      if (r.ok) highWater = r.value.highWater;
      else refused.push(r.error.kind);
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(['gap']));
    const rows = async (sql: string) => (await pool.query(sql)).rows;
    const pairs = `SELECT DISTINCT station_id, answered_on, student, item_id FROM responses`;
    const minutes = `SELECT p.station_id, p.answered_on, p.student, c.grade, c.subject, sum(c.minutes) AS minutes FROM (${pairs}) p JOIN item_catalog c USING (item_id) GROUP BY 1, 2, 3, 4, 5`;
    const students = `SELECT station_id, answered_on, grade, student, sum(minutes) AS minutes FROM (${minutes}) m GROUP BY 1, 2, 3, 4`;
    const recomputed: Record<string, [string, string]> = {
      rollup_item_day: ['station_id, answered_on, item_id, responses, correct', `SELECT station_id, answered_on, item_id, count(*), count(*) FILTER (WHERE correct) FROM responses GROUP BY 1, 2, 3`],
      student_item_day: ['station_id, answered_on, student, item_id', pairs],
      rollup_minutes: ['station_id, answered_on, student, grade, subject, minutes', minutes],
      rollup_student_day: ['station_id, answered_on, grade, student, minutes', students],
      rollup_subject_day: ['station_id, answered_on, grade, subject, students, minutes', `SELECT station_id, answered_on, grade, subject, count(*), sum(minutes) FROM (${minutes}) m GROUP BY 1, 2, 3, 4`],
      rollup_grade_day: [
        'station_id, answered_on, grade, students, minutes, max_minutes, over_cap',
        `SELECT station_id, answered_on, grade, count(*), sum(minutes), max(minutes), count(*) FILTER (WHERE minutes > (${GRADE_CAPS_SQL})[grade] + 1e-6) FROM (${students}) s GROUP BY 1, 2, 3`,
      ],
    };
    for (const [table, [columns, recompute]] of Object.entries(recomputed)) {
      const kept = await rows(`SELECT ${columns} FROM ${table} ORDER BY ${columns}`);
      expect(kept.length, table).toBeGreaterThan(0);
      expect(kept, table).toEqual(await rows(`SELECT * FROM (${recompute}) AS r(${columns}) ORDER BY ${columns}`));
    }
    const sentResponses = log.filter((e) => e.kind === 'response' && e.seq <= highWater).map((e) => e.seq);
    expect((await rows(`SELECT array_agg(seq ORDER BY seq)::int[] AS s FROM responses`))[0].s).toEqual(sentResponses);
  });
});

describe('pgArray', () => {
  it('gives PostgreSQL arrays equal to the values, whatever the strings hold', async () => {
    const pool = await postgres.freshPool();
    const literal = ['plain', '', 'NULL', 'with space', 'a,b', '{braces}', 'quote"d', 'tail\\', 'ends "\\"', '学生 二', '😀'];
    const escaped = ['back\\slash', 'new\nline', 'tab\tand\u0001'];
    const numbers = [0, 1, -2.5, 123456789012, 1e-7, 3.25];
    const booleans = [true, false, true];
    expect([literal, numbers, booleans].map((v) => typeof pgArray(v))).toEqual(['string', 'string', 'string']);
    expect(pgArray(escaped)).toBe(escaped);
    const back = await pool.query('SELECT $1::text[] AS l, $2::text[] AS e, $3::float8[] AS n, $4::bool[] AS b', [literal, escaped, numbers, booleans].map(pgArray));
    expect(back.rows[0]).toEqual({ l: literal, e: escaped, n: numbers, b: booleans });
  });
});
