/**
 * The district's views, read from the rollups the ingest keeps (rollups.ts), never from the raw responses, so a view
 * over tens of millions of responses, even over a whole school year, stays under a second.
 */
import type pg from 'pg';
import { GRADE_CAPS } from './rollups';

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

export async function minutesView(pool: pg.Pool, range: DateRange): Promise<{ days: MinutesDay[]; subjects: MinutesSubject[] }> {
  const days = await pool.query<{ station_id: string; grade: number; day: string; students: string; minutes: number; max: number; over: string }>(
    `SELECT station_id, grade, answered_on::text AS day, students, minutes::float8 AS minutes, max_minutes::float8 AS max, over_cap AS over
     FROM rollup_grade_day WHERE answered_on BETWEEN $1 AND $2 ORDER BY answered_on DESC, station_id, grade`,
    [range.from, range.to],
  );
  const subjects = await pool.query<{ station_id: string; grade: number; subject: string; day: string; students: string; minutes: number }>(
    `SELECT station_id, grade, subject, answered_on::text AS day, students, minutes::float8 AS minutes FROM rollup_subject_day
     WHERE answered_on BETWEEN $1 AND $2 ORDER BY answered_on DESC, station_id, grade, subject`,
    [range.from, range.to],
  );
  return {
    days: days.rows.map((r) => ({ stationId: r.station_id, grade: r.grade, day: r.day, students: Number(r.students), avgMinutes: round1(r.minutes / Number(r.students)), maxMinutes: round1(r.max), capMinutes: GRADE_CAPS[r.grade - 1] ?? 0, overCap: Number(r.over) })),
    subjects: subjects.rows.map((r) => ({ stationId: r.station_id, grade: r.grade, subject: r.subject, day: r.day, students: Number(r.students), avgMinutes: round1(r.minutes / Number(r.students)) })),
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
