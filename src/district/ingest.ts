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

function responseColumns(entries: readonly ResponseEntry[]) {
  const n = entries.length;
  const cols = {
    year: new Array<number>(n), seq: new Array<number>(n), student: new Array<string>(n), item: new Array<string>(n), version: new Array<number>(n),
    page: new Array<string>(n), field: new Array<string>(n), score: new Array<number>(n), max: new Array<number>(n), correct: new Array<boolean>(n),
    status: new Array<string>(n), date: new Array<string>(n),
  };
  entries.forEach((e, i) => {
    cols.year[i] = schoolYearOf(e.date); cols.seq[i] = e.seq; cols.student[i] = e.student; cols.item[i] = e.itemId; cols.version[i] = e.itemVersion;
    cols.page[i] = e.pageId; cols.field[i] = e.fieldId; cols.score[i] = e.score; cols.max[i] = e.maxScore; cols.correct[i] = e.correct;
    cols.status[i] = e.status; cols.date[i] = e.date;
  });
  return cols;
}

/**
 * One statement does the whole chunk (lock the station's row, check the gap, insert responses and facts, fold the
 * newly inserted responses into the views' rollups, move the mark), so a chunk costs three round trips whatever its size.
 */
const INGEST_SQL = `
  WITH station AS (SELECT high_water FROM stations WHERE station_id = $1 FOR UPDATE),
  go AS (SELECT 1 FROM station WHERE high_water >= $2),
  responses_in AS (
    INSERT INTO responses (school_year, station_id, seq, student, item_id, item_version, page_id, field_id, score, max_score, correct, status, answered_on)
    SELECT y, $1, s, st, it, v, p, f, sc, mx, co, stt, d
    FROM unnest($4::int[], $5::bigint[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::real[], $12::real[], $13::bool[], $14::text[], $15::date[])
      AS t(y, s, st, it, v, p, f, sc, mx, co, stt, d)
    WHERE EXISTS (SELECT 1 FROM go)
    ON CONFLICT DO NOTHING RETURNING station_id, answered_on, student, item_id, correct),
  ${rollupCtes('responses_in', '$19::real[]')},
  facts_in AS (
    INSERT INTO station_facts (station_id, seq, kind, data)
    SELECT $1, s, k, d FROM unnest($16::bigint[], $17::text[], $18::jsonb[]) AS t(s, k, d)
    WHERE EXISTS (SELECT 1 FROM go)
    ON CONFLICT DO NOTHING RETURNING 1),
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
  const c = responseColumns(responses);
  await ensurePartitions(pool, new Set(c.year));
  const client = await pool.connect();
  try {
    // The chunk and the high-water mark commit together; if a crash loses the last commits, it loses both,
    // and the station, which always starts from the district's mark, sends them again. So the commit need
    // not wait for its WAL flush (a later synchronous commit flushes it: see flushIngested).
    await client.query('BEGIN; SET LOCAL synchronous_commit = off');
    const r = await client.query<{ before: string | null; after: string | null; accepted: string }>(INGEST_SQL, [
      chunk.stationId, chunk.after, chunk.through,
      c.year, c.seq, c.student, c.item, c.version, c.page, c.field, c.score, c.max, c.correct, c.status, c.date,
      facts.map((f) => f.seq), facts.map((f) => f.kind), facts.map((f) => JSON.stringify(f.data)), GRADE_CAPS,
    ]);
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
