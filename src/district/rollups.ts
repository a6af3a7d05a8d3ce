/**
 * The rollups the district views read, kept up to date by the ingest itself, in the transaction of each chunk, from
 * the responses that chunk newly inserted (so a chunk sent twice counts once):
 *  - rollup_item_day: responses and correct answers per (school, day, item): correct rates per skill, item-bank use;
 *  - student_item_day: which items a student answered on a day (so an item's minutes count once per student and day);
 *  - rollup_minutes: homework minutes per (school, day, student, grade, subject);
 *  - rollup_student_day: a student's minutes per (school, day, grade);
 *  - rollup_subject_day: students and minutes per (school, day, grade, subject);
 *  - rollup_grade_day: students, minutes, the most minutes of one student and the students over the grade's cap (the
 *    station defaults, src/domain/workload.ts) per (school, day, grade): a year-long minutes view reads ~1 row per
 *    school, grade and day instead of one per student.
 * An item's minutes, subject and grade come from item_catalog, the items of the district's published bundles, filled
 * when a bundle is published. Responses to items the district never published count in correct rates and item use,
 * not in minutes. Every response counts, re-scans included.
 */
import type pg from 'pg';
import { capForGrade, DEFAULT_WORKLOAD_CAPS } from '../domain/workload';

/** The cap of each grade 1..12 as a PostgreSQL real[] (index = grade). */
export const GRADE_CAPS: readonly number[] = Array.from({ length: 12 }, (_, i) => capForGrade(i + 1, DEFAULT_WORKLOAD_CAPS));

/** The items of bundles newer than the catalog, newest version of each item first. */
export const CATALOG_SQL = `
  INSERT INTO item_catalog (item_id, subject, grade, minutes, skills, bundle_version)
  SELECT DISTINCT ON (i->>'id') i->>'id', i->>'subject', (i->>'grade')::int, (i->>'minutes')::real,
         ARRAY(SELECT jsonb_array_elements_text(i->'skills')), b.version
  FROM bundles b, jsonb_array_elements(CASE WHEN jsonb_typeof(b.payload::jsonb->'items') = 'array' THEN b.payload::jsonb->'items' ELSE '[]'::jsonb END) i
  WHERE b.version > (SELECT coalesce(max(bundle_version), 0) FROM item_catalog)
  ORDER BY i->>'id', b.version DESC
  ON CONFLICT (item_id) DO UPDATE SET subject = excluded.subject, grade = excluded.grade, minutes = excluded.minutes,
    skills = excluded.skills, bundle_version = excluded.bundle_version`;

/**
 * Data-modifying CTEs (to follow a WITH list) that fold the rows of `source` (station_id, answered_on, student, item_id,
 * correct: responses new to the district) into every rollup. Each rollup row is written once per statement; a row's
 * old value is its new one less what was added, so a student crossing the cap is counted when it happens.
 */
export function rollupCtes(source: string, caps: string): string {
  return `
  roll_items AS (
    INSERT INTO rollup_item_day (station_id, answered_on, item_id, responses, correct)
    SELECT station_id, answered_on, item_id, count(*), count(*) FILTER (WHERE correct) FROM ${source} GROUP BY station_id, answered_on, item_id
    ON CONFLICT (station_id, answered_on, item_id) DO UPDATE
      SET responses = rollup_item_day.responses + excluded.responses, correct = rollup_item_day.correct + excluded.correct
    RETURNING 1),
  roll_pairs AS (
    INSERT INTO student_item_day (station_id, answered_on, student, item_id)
    SELECT DISTINCT station_id, answered_on, student, item_id FROM ${source}
    ON CONFLICT DO NOTHING RETURNING station_id, answered_on, student, item_id),
  roll_added AS (
    SELECT p.station_id, p.answered_on, p.student, c.grade, c.subject, sum(c.minutes) AS minutes
    FROM roll_pairs p JOIN item_catalog c USING (item_id) GROUP BY p.station_id, p.answered_on, p.student, c.grade, c.subject),
  roll_minutes AS (
    INSERT INTO rollup_minutes (station_id, answered_on, student, grade, subject, minutes)
    SELECT station_id, answered_on, student, grade, subject, minutes FROM roll_added
    ON CONFLICT (station_id, answered_on, student, grade, subject) DO UPDATE SET minutes = rollup_minutes.minutes + excluded.minutes
    RETURNING station_id, answered_on, student, grade, subject, (xmax = 0) AS new_row),
  roll_subjects AS (
    INSERT INTO rollup_subject_day (station_id, answered_on, grade, subject, students, minutes)
    SELECT a.station_id, a.answered_on, a.grade, a.subject, count(*) FILTER (WHERE m.new_row), sum(a.minutes)
    FROM roll_added a JOIN roll_minutes m USING (station_id, answered_on, student, grade, subject) GROUP BY a.station_id, a.answered_on, a.grade, a.subject
    ON CONFLICT (station_id, answered_on, grade, subject) DO UPDATE
      SET students = rollup_subject_day.students + excluded.students, minutes = rollup_subject_day.minutes + excluded.minutes
    RETURNING 1),
  roll_student_added AS (SELECT station_id, answered_on, student, grade, sum(minutes) AS minutes FROM roll_added GROUP BY station_id, answered_on, student, grade),
  roll_students AS (
    INSERT INTO rollup_student_day (station_id, answered_on, grade, student, minutes)
    SELECT station_id, answered_on, grade, student, minutes FROM roll_student_added
    ON CONFLICT (station_id, answered_on, grade, student) DO UPDATE SET minutes = rollup_student_day.minutes + excluded.minutes
    RETURNING station_id, answered_on, grade, student, minutes AS total, (xmax = 0) AS new_row),
  roll_grades AS (
    INSERT INTO rollup_grade_day (station_id, answered_on, grade, students, minutes, max_minutes, over_cap)
    SELECT s.station_id, s.answered_on, s.grade, count(*) FILTER (WHERE s.new_row), sum(a.minutes), max(s.total),
           count(*) FILTER (WHERE s.total > (${caps})[s.grade] + 1e-6 AND s.total - a.minutes <= (${caps})[s.grade] + 1e-6)
    FROM roll_students s JOIN roll_student_added a USING (station_id, answered_on, grade, student) GROUP BY s.station_id, s.answered_on, s.grade
    ON CONFLICT (station_id, answered_on, grade) DO UPDATE
      SET students = rollup_grade_day.students + excluded.students, minutes = rollup_grade_day.minutes + excluded.minutes,
          max_minutes = GREATEST(rollup_grade_day.max_minutes, excluded.max_minutes), over_cap = rollup_grade_day.over_cap + excluded.over_cap
    RETURNING 1)`;
}

/** GRADE_CAPS as an SQL literal, for statements without parameters. */
export const GRADE_CAPS_SQL = `ARRAY[${GRADE_CAPS.join(',')}]::real[]`;

/**
 * Folds every response after each station's rollup mark into the rollups and moves the marks to the stations'
 * high-water marks: for responses that did not come through the ingest (a database of before migration 6, whose
 * views caught up on view; a bulk load). Parameterless, so a migration can run it.
 */
export const CATCH_UP_SQL = `
  WITH fresh AS (
    SELECT r.station_id, r.answered_on, r.student, r.item_id, r.correct FROM responses r LEFT JOIN rollup_marks m USING (station_id)
    WHERE r.seq > coalesce(m.rolled_through, 0)),
  ${rollupCtes('fresh', GRADE_CAPS_SQL)}
  INSERT INTO rollup_marks (station_id, rolled_through) SELECT station_id, high_water FROM stations
  ON CONFLICT (station_id) DO UPDATE SET rolled_through = GREATEST(rollup_marks.rolled_through, excluded.rolled_through)`;

/** After responses were loaded around the ingest (the bench's generated year): catalog, then every rollup. */
export async function catchUpRollups(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(CATALOG_SQL);
    await client.query(CATCH_UP_SQL);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
