/**
 * The district's views, read from rollups rather than the raw responses, so a view over tens of millions of
 * responses stays under a second. `refreshRollups` folds each station's responses after its last rolled seq
 * into them (incremental, idempotent per station); every view calls it first, so views are always current.
 *  - rollup_item_day: responses and correct answers per (school, day, item): correct rates per skill, item-bank use;
 *  - student_item_day: which items a student answered on a day (so an item's minutes count once per student and day);
 *  - rollup_minutes: homework minutes per (school, day, student, grade, subject), the item's minutes from the district
 *    item catalog (the items of published bundles). Responses to items the district never published count in correct
 *    rates and item use, not in minutes. Every response counts, re-scans included (the rollups do not pick the last).
 */
import type pg from 'pg';
import { capForGrade, DEFAULT_WORKLOAD_CAPS, type WorkloadCaps } from '../domain/workload';

const ROLLUP_LOCK = 7261003;

const CATALOG_SQL = `
  INSERT INTO item_catalog (item_id, subject, grade, minutes, skills, bundle_version)
  SELECT DISTINCT ON (i->>'id') i->>'id', i->>'subject', (i->>'grade')::int, (i->>'minutes')::real,
         ARRAY(SELECT jsonb_array_elements_text(i->'skills')), b.version
  FROM bundles b, jsonb_array_elements(CASE WHEN jsonb_typeof(b.payload::jsonb->'items') = 'array' THEN b.payload::jsonb->'items' ELSE '[]'::jsonb END) i
  WHERE b.version > (SELECT coalesce(max(bundle_version), 0) FROM item_catalog)
  ORDER BY i->>'id', b.version DESC
  ON CONFLICT (item_id) DO UPDATE SET subject = excluded.subject, grade = excluded.grade, minutes = excluded.minutes,
    skills = excluded.skills, bundle_version = excluded.bundle_version`;

const ROLL_STATION_SQL = `
  WITH fresh AS (SELECT answered_on, student, item_id, correct, seq FROM responses WHERE station_id = $1 AND seq > $2),
  items AS (
    INSERT INTO rollup_item_day (station_id, answered_on, item_id, responses, correct)
    SELECT $1, answered_on, item_id, count(*), count(*) FILTER (WHERE correct) FROM fresh GROUP BY answered_on, item_id
    ON CONFLICT (station_id, answered_on, item_id) DO UPDATE
      SET responses = rollup_item_day.responses + excluded.responses, correct = rollup_item_day.correct + excluded.correct),
  pairs AS (
    INSERT INTO student_item_day (station_id, answered_on, student, item_id)
    SELECT DISTINCT $1, answered_on, student, item_id FROM fresh
    ON CONFLICT DO NOTHING RETURNING answered_on, student, item_id),
  minutes AS (
    INSERT INTO rollup_minutes (station_id, answered_on, student, grade, subject, minutes)
    SELECT $1, p.answered_on, p.student, c.grade, c.subject, sum(c.minutes) FROM pairs p JOIN item_catalog c USING (item_id)
    GROUP BY p.answered_on, p.student, c.grade, c.subject
    ON CONFLICT (station_id, answered_on, student, grade, subject) DO UPDATE SET minutes = rollup_minutes.minutes + excluded.minutes)
  INSERT INTO rollup_marks (station_id, rolled_through) SELECT $1, GREATEST(coalesce(max(seq), $2), $3) FROM fresh
  ON CONFLICT (station_id) DO UPDATE SET rolled_through = excluded.rolled_through`;

/**
 * Brings the catalog and the rollups up to date. A station's chunks commit in seq order (the ingest's gap check),
 * so everything after its mark that this snapshot sees is new, and nothing below the new mark arrives later.
 */
export async function refreshRollups(pool: pg.Pool): Promise<{ stations: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [ROLLUP_LOCK]);
    await client.query(CATALOG_SQL);
    // Everything up to a station's high-water mark read here is committed, so the next statement (a newer snapshot)
    // sees it: the mark may move to it even when its last entries were facts, not responses.
    const behind = await client.query<{ station_id: string; after: string; high_water: string }>(
      `SELECT s.station_id, coalesce(m.rolled_through, 0) AS after, s.high_water FROM stations s LEFT JOIN rollup_marks m USING (station_id)
       WHERE s.high_water > coalesce(m.rolled_through, 0)`,
    );
    for (const s of behind.rows) await client.query(ROLL_STATION_SQL, [s.station_id, Number(s.after), Number(s.high_water)]);
    await client.query('COMMIT');
    return { stations: behind.rows.length };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

export type DateRange = { from: string; to: string };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DEFAULT_RANGE_DAYS = 28;

/** The asked range, or the 28 days up to the latest day with data (today's date when there is none). */
export async function rangeOf(pool: pg.Pool, asked: { from?: string | undefined; to?: string | undefined }, today: string): Promise<DateRange | string> {
  for (const [name, v] of [['from', asked.from], ['to', asked.to]] as const)
    if (v !== undefined && v !== '' && (!ISO_DATE.test(v) || Number.isNaN(Date.parse(v)))) return `${name} must be a date like 2026-10-01`;
  const latest = (await pool.query<{ d: string | null }>(`SELECT max(answered_on)::text AS d FROM rollup_item_day`)).rows[0]!.d ?? today;
  const to = asked.to || latest;
  const from = asked.from || new Date(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

export type StationView = { stationId: string; status: string; highWater: number; lastSyncAt: string | null; enrolledAt: string };
export type MinutesDay = { stationId: string; grade: number; day: string; students: number; avgMinutes: number; maxMinutes: number; capMinutes: number; overCap: number };
export type MinutesSubject = { stationId: string; grade: number; subject: string; day: string; students: number; avgMinutes: number };
export type SkillTrend = { skill: string; week: string; responses: number; correctRate: number };
export type ItemUse = { itemId: string; subject: string | null; grade: number | null; responses: number; correctRate: number; schools: number; lastUsed: string };

const round1 = (x: number) => Math.round(x * 10) / 10;
const rate = (correct: number, total: number) => (total ? Math.round((1000 * correct) / total) / 1000 : 0);

export async function stationsView(pool: pg.Pool): Promise<StationView[]> {
  const r = await pool.query<{ station_id: string; status: string; high_water: string; last_sync_at: Date | null; enrolled_at: Date }>(
    'SELECT station_id, status, high_water, last_sync_at, enrolled_at FROM stations ORDER BY station_id',
  );
  return r.rows.map((s) => ({ stationId: s.station_id, status: s.status, highWater: Number(s.high_water), lastSyncAt: s.last_sync_at?.toISOString() ?? null, enrolledAt: s.enrolled_at.toISOString() }));
}

export async function minutesView(pool: pg.Pool, range: DateRange, caps: WorkloadCaps = DEFAULT_WORKLOAD_CAPS): Promise<{ days: MinutesDay[]; subjects: MinutesSubject[] }> {
  const capsByGrade = Array.from({ length: 12 }, (_, i) => capForGrade(i + 1, caps));
  const days = await pool.query<{ station_id: string; grade: number; day: string; students: string; avg: number; max: number; over: string }>(
    `WITH per_student AS (
       SELECT station_id, grade, answered_on, student, sum(minutes) AS total FROM rollup_minutes
       WHERE answered_on BETWEEN $1 AND $2 GROUP BY station_id, grade, answered_on, student)
     SELECT station_id, grade, answered_on::text AS day, count(*) AS students, avg(total)::float8 AS avg, max(total)::float8 AS max,
            count(*) FILTER (WHERE total > ($3::real[])[grade] + 1e-6) AS over
     FROM per_student GROUP BY station_id, grade, answered_on ORDER BY answered_on DESC, station_id, grade`,
    [range.from, range.to, capsByGrade],
  );
  const subjects = await pool.query<{ station_id: string; grade: number; subject: string; day: string; students: string; avg: number }>(
    `SELECT station_id, grade, subject, answered_on::text AS day, count(*) AS students, avg(minutes)::float8 AS avg FROM rollup_minutes
     WHERE answered_on BETWEEN $1 AND $2 GROUP BY station_id, grade, subject, answered_on ORDER BY answered_on DESC, station_id, grade, subject`,
    [range.from, range.to],
  );
  return {
    days: days.rows.map((r) => ({ stationId: r.station_id, grade: r.grade, day: r.day, students: Number(r.students), avgMinutes: round1(r.avg), maxMinutes: round1(r.max), capMinutes: capsByGrade[r.grade - 1] ?? 0, overCap: Number(r.over) })),
    subjects: subjects.rows.map((r) => ({ stationId: r.station_id, grade: r.grade, subject: r.subject, day: r.day, students: Number(r.students), avgMinutes: round1(r.avg) })),
  };
}

export async function skillsView(pool: pg.Pool, range: DateRange): Promise<SkillTrend[]> {
  const r = await pool.query<{ skill: string; week: string; responses: string; correct: string }>(
    `SELECT skill, date_trunc('week', d.answered_on)::date::text AS week, sum(d.responses) AS responses, sum(d.correct) AS correct
     FROM rollup_item_day d JOIN item_catalog c USING (item_id), unnest(c.skills) AS skill
     WHERE d.answered_on BETWEEN $1 AND $2 GROUP BY skill, week ORDER BY skill, week`,
    [range.from, range.to],
  );
  return r.rows.map((s) => ({ skill: s.skill, week: s.week, responses: Number(s.responses), correctRate: rate(Number(s.correct), Number(s.responses)) }));
}

export const ITEM_VIEW_LIMIT = 500;

export async function itemsView(pool: pg.Pool, range: DateRange): Promise<ItemUse[]> {
  const r = await pool.query<{ item_id: string; subject: string | null; grade: number | null; responses: string; correct: string; schools: string; last_used: string }>(
    `SELECT d.item_id, c.subject, c.grade, sum(d.responses) AS responses, sum(d.correct) AS correct,
            count(DISTINCT d.station_id) AS schools, max(d.answered_on)::text AS last_used
     FROM rollup_item_day d LEFT JOIN item_catalog c USING (item_id)
     WHERE d.answered_on BETWEEN $1 AND $2 GROUP BY d.item_id, c.subject, c.grade ORDER BY responses DESC, d.item_id COLLATE "C" LIMIT ${ITEM_VIEW_LIMIT}`,
    [range.from, range.to],
  );
  return r.rows.map((i) => ({ itemId: i.item_id, subject: i.subject, grade: i.grade, responses: Number(i.responses), correctRate: rate(Number(i.correct), Number(i.responses)), schools: Number(i.schools), lastUsed: i.last_used }));
}
