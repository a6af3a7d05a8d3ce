/**
 * Ingestion of one uploaded chunk: one transaction, idempotent by (station, seq), responses inserted
 * as `unnest` batches into the partition of their school year. The station's high-water mark and the
 * views' rollups (rollups.ts) move in the same transaction, so a chunk is either wholly in, counted, with
 * its mark, or not at all.
 */
import type pg from 'pg';
import { err, ok, type Result } from '../domain/result';
import { schoolYearOf, type ResponseEntry, type UploadChunk } from '../domain/syncProtocol';
import { GRADE_CAPS, rollupCtes } from './rollups';

export type IngestRefusal =
  | { kind: 'gap'; highWater: number; after: number }
  | { kind: 'unknown_station'; stationId: string };

export function describeIngestRefusal(r: IngestRefusal): string {
  return r.kind === 'gap'
    ? `the chunk starts after seq ${r.after} but the district only has up to seq ${r.highWater}: send the entries after ${r.highWater} first`
    : `station ${r.stationId} is not enrolled at this district`;
}

const knownPartitions = new WeakMap<pg.Pool, Set<number>>();

/** Creates the partition of each school year once (in its own short transaction, under an advisory lock). */
async function ensurePartitions(pool: pg.Pool, years: Iterable<number>): Promise<void> {
  const known = knownPartitions.get(pool) ?? new Set<number>();
  knownPartitions.set(pool, known);
  for (const year of years) {
    if (known.has(year)) continue;
    if (!Number.isInteger(year) || year < 1900 || year > 2999) throw new Error(`school year ${year} is out of range`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(7261002)');
      await client.query(`CREATE TABLE IF NOT EXISTS responses_y${year} PARTITION OF responses FOR VALUES IN (${year})`);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
    known.add(year);
  }
}

/**
 * A PostgreSQL array literal of `values` made by JSON.stringify, several times cheaper than pg's own serialiser: JSON's
 * [..] with \" and \\ escapes is an array literal's {..}. Any other escape (\n, \u0001) means something else in an
 * array literal, so values with one (or, needlessly, with a \\ before a letter) go to pg's serialiser as they are.
 */
export function pgArray(values: readonly (string | number | boolean)[]): string | readonly unknown[] {
  const json = JSON.stringify(values);
  return /\\[^"\\]/.test(json) ? values : `{${json.slice(1, -1)}}`;
}

function responseColumns(entries: readonly ResponseEntry[]) {
  const column = <T extends string | number | boolean>(of: (e: ResponseEntry) => T) => entries.map(of);
  const years = column((e) => schoolYearOf(e.date));
  const arrays = [
    years, column((e) => e.seq), column((e) => e.student), column((e) => e.itemId), column((e) => e.itemVersion), column((e) => e.pageId),
    column((e) => e.fieldId), column((e) => e.score), column((e) => e.maxScore), column((e) => e.correct), column((e) => e.status), column((e) => e.date),
  ];
  return { years, parameters: arrays.map(pgArray) };
}

/**
 * One statement does the whole chunk (lock the station's row, check the gap, insert responses and facts, fold the
 * newly inserted responses into the views' rollups, move the mark), so a chunk costs three round trips whatever its size.
 * Exactly once without ON CONFLICT (whose speculative insertion costs every row an index probe and a WAL record more):
 * the rows of a station in the district are exactly its seqs up to its high-water mark (they commit together, under
 * the station's row lock), so the rows after the mark are the new ones. Were a row after the mark ever there, the
 * primary key would refuse the chunk: never a second copy.
 */
const INGEST_SQL = `
  WITH station AS (SELECT high_water FROM stations WHERE station_id = $1 FOR UPDATE),
  go AS (SELECT high_water FROM station WHERE high_water >= $2),
  responses_in AS (
    INSERT INTO responses (school_year, station_id, seq, student, item_id, item_version, page_id, field_id, score, max_score, correct, status, answered_on)
    SELECT y, $1, s, st, it, v, p, f, sc, mx, co, stt, d
    FROM unnest($4::int[], $5::bigint[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::real[], $12::real[], $13::bool[], $14::text[], $15::date[])
      AS t(y, s, st, it, v, p, f, sc, mx, co, stt, d)
    WHERE s > (SELECT high_water FROM go)
    RETURNING station_id, answered_on, student, item_id, correct),
  ${rollupCtes('responses_in', '$19::real[]')},
  facts_in AS (
    INSERT INTO station_facts (station_id, seq, kind, data)
    SELECT $1, s, k, d FROM unnest($16::bigint[], $17::text[], $18::jsonb[]) AS t(s, k, d)
    WHERE s > (SELECT high_water FROM go)
    RETURNING 1),
  moved AS (
    UPDATE stations SET high_water = GREATEST(high_water, $3), last_sync_at = now()
    WHERE station_id = $1 AND EXISTS (SELECT 1 FROM go) RETURNING high_water),
  marked AS (
    INSERT INTO rollup_marks (station_id, rolled_through) SELECT $1, high_water FROM moved
    ON CONFLICT (station_id) DO UPDATE SET rolled_through = excluded.rolled_through RETURNING 1)
  SELECT (SELECT high_water FROM station) AS before, (SELECT high_water FROM moved) AS after,
         (SELECT count(*) FROM responses_in) + (SELECT count(*) FROM facts_in) AS accepted`;

export async function ingestChunk(pool: pg.Pool, chunk: UploadChunk): Promise<Result<{ highWater: number; accepted: number }, IngestRefusal>> {
  const responses = chunk.entries.filter((e): e is ResponseEntry => e.kind === 'response');
  const facts = chunk.entries.flatMap((e) => (e.kind === 'response' ? [] : [e]));
  const columns = responseColumns(responses);
  await ensurePartitions(pool, new Set(columns.years));
  const client = await pool.connect();
  try {
    // The chunk and the high-water mark commit together; if a crash loses the last commits, it loses both,
    // and the station, which always starts from the district's mark, sends them again. So the commit need
    // not wait for its WAL flush (a later synchronous commit flushes it: see flushIngested).
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    // Named: each connection plans it once, not once a chunk.
    const r = await client.query<{ before: string | null; after: string | null; accepted: string }>({
      name: 'district-ingest-chunk',
      text: INGEST_SQL,
      values: [
        chunk.stationId, chunk.after, chunk.through, ...columns.parameters,
        facts.map((f) => f.seq), facts.map((f) => f.kind), facts.map((f) => JSON.stringify(f.data)), GRADE_CAPS,
      ],
    });
    await client.query('COMMIT');
    const row = r.rows[0]!;
    if (row.before === null) return err({ kind: 'unknown_station', stationId: chunk.stationId });
    if (row.after === null) return err({ kind: 'gap', highWater: Number(row.before), after: chunk.after });
    return ok({ highWater: Number(row.after), accepted: Number(row.accepted) });
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

/** Makes every ingest committed so far durable (WAL is flushed in order): before telling a drive what the district holds. */
export async function flushIngested(pool: pg.Pool): Promise<void> {
  await pool.query(`UPDATE district_meta SET value = value WHERE key = 'district_id'`);
}
