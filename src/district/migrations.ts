/**
 * The district database's numbered migrations. Applied versions are rows of district_schema_versions;
 * a database with a version this code does not know is refused. Never edit a shipped migration: add one.
 */
import type { PoolClient } from 'pg';
import { err, ok, type Result } from '../domain/result';
import { CATALOG_SQL, CATCH_UP_SQL, GRADE_CAPS_SQL } from './rollups';

export type DistrictMigration = { version: number; name: string; sql: string };

export const DISTRICT_MIGRATIONS: readonly DistrictMigration[] = [
  {
    version: 1,
    name: 'district settings and stations',
    sql: `
      CREATE TABLE district_meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE stations (
        station_id text PRIMARY KEY, public_key text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending','approved','revoked')),
        approval_code_sha256 text, enrolled_at timestamptz NOT NULL DEFAULT now(),
        approved_at timestamptz, revoked_at timestamptz,
        high_water bigint NOT NULL DEFAULT 0, last_sync_at timestamptz
      );
      CREATE TABLE request_nonces (
        station_id text NOT NULL REFERENCES stations(station_id), nonce text NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (station_id, nonce)
      );
    `,
  },
  {
    version: 2,
    name: 'responses partitioned by school year, other logged facts',
    // The primary key holds the partition key (PostgreSQL requires it); a (station, seq) always has
    // the same date, so it always lands in the same partition and the key stays unique per (station, seq).
    sql: `
      CREATE TABLE responses (
        school_year integer NOT NULL, station_id text NOT NULL, seq bigint NOT NULL,
        student text NOT NULL, item_id text NOT NULL, item_version integer NOT NULL,
        page_id text NOT NULL, field_id text NOT NULL, score real NOT NULL, max_score real NOT NULL,
        correct boolean NOT NULL, status text NOT NULL, answered_on date NOT NULL,
        PRIMARY KEY (school_year, station_id, seq)
      ) PARTITION BY LIST (school_year);
      CREATE TABLE station_facts (
        station_id text NOT NULL, seq bigint NOT NULL, kind text NOT NULL, data jsonb NOT NULL,
        PRIMARY KEY (station_id, seq)
      );
    `,
  },
  {
    version: 3,
    name: 'signed item-bank bundles',
    sql: `
      CREATE TABLE bundles (
        version integer PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(),
        payload text NOT NULL, signature text NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'rollups for the district views (item catalog, per-day item counts, homework minutes)',
    // The views read these, never the raw responses: see src/district/views.ts.
    sql: `
      CREATE TABLE item_catalog (
        item_id text PRIMARY KEY, subject text NOT NULL, grade integer NOT NULL, minutes real NOT NULL,
        skills text[] NOT NULL, bundle_version integer NOT NULL
      );
      CREATE TABLE rollup_marks (station_id text PRIMARY KEY, rolled_through bigint NOT NULL);
      CREATE TABLE rollup_item_day (
        station_id text NOT NULL, answered_on date NOT NULL, item_id text NOT NULL,
        responses bigint NOT NULL, correct bigint NOT NULL, PRIMARY KEY (station_id, answered_on, item_id)
      );
      CREATE INDEX rollup_item_day_by_day ON rollup_item_day (answered_on) INCLUDE (item_id, responses, correct);
      CREATE TABLE student_item_day (
        station_id text NOT NULL, answered_on date NOT NULL, student text NOT NULL, item_id text NOT NULL,
        PRIMARY KEY (station_id, answered_on, student, item_id)
      );
      CREATE TABLE rollup_minutes (
        station_id text NOT NULL, answered_on date NOT NULL, student text NOT NULL, grade integer NOT NULL, subject text NOT NULL,
        minutes real NOT NULL, PRIMARY KEY (station_id, answered_on, student, grade, subject)
      );
      CREATE INDEX rollup_minutes_by_day ON rollup_minutes (answered_on);
    `,
  },
  {
    version: 5,
    name: 'the district item bank (items imported from QTI packages, each change a new version)',
    // published_in: the bundle that carried this version down; NULL until the next publish.
    sql: `
      CREATE TABLE bank_items (
        item_id text NOT NULL, version integer NOT NULL, content_sha256 text NOT NULL, item jsonb NOT NULL,
        source text NOT NULL, imported_at timestamptz NOT NULL DEFAULT now(), is_current boolean NOT NULL,
        published_in integer REFERENCES bundles(version), PRIMARY KEY (item_id, version)
      );
      CREATE UNIQUE INDEX bank_items_current ON bank_items (item_id) WHERE is_current;
      CREATE INDEX bank_items_unpublished ON bank_items (item_id) WHERE published_in IS NULL AND is_current;
    `,
  },
  {
    version: 6,
    name: 'daily rollups per student, subject and grade, kept by the ingest (the views no longer catch up)',
    // Filled from the rollups so far, then every response the views had not caught up yet is folded in (rollups.ts).
    sql: `
      CREATE TABLE rollup_student_day (
        station_id text NOT NULL, answered_on date NOT NULL, grade integer NOT NULL, student text NOT NULL,
        minutes real NOT NULL, PRIMARY KEY (station_id, answered_on, grade, student)
      );
      CREATE TABLE rollup_subject_day (
        station_id text NOT NULL, answered_on date NOT NULL, grade integer NOT NULL, subject text NOT NULL,
        students bigint NOT NULL, minutes real NOT NULL, PRIMARY KEY (station_id, answered_on, grade, subject)
      );
      CREATE INDEX rollup_subject_day_by_day ON rollup_subject_day (answered_on);
      CREATE TABLE rollup_grade_day (
        station_id text NOT NULL, answered_on date NOT NULL, grade integer NOT NULL,
        students bigint NOT NULL, minutes real NOT NULL, max_minutes real NOT NULL, over_cap bigint NOT NULL,
        PRIMARY KEY (station_id, answered_on, grade)
      );
      CREATE INDEX rollup_grade_day_by_day ON rollup_grade_day (answered_on);
      INSERT INTO rollup_student_day SELECT station_id, answered_on, grade, student, sum(minutes) FROM rollup_minutes GROUP BY 1, 2, 3, 4;
      INSERT INTO rollup_subject_day SELECT station_id, answered_on, grade, subject, count(*), sum(minutes) FROM rollup_minutes GROUP BY 1, 2, 3, 4;
      INSERT INTO rollup_grade_day
        SELECT station_id, answered_on, grade, count(*), sum(minutes), max(minutes), count(*) FILTER (WHERE minutes > (${GRADE_CAPS_SQL})[grade] + 1e-6)
        FROM rollup_student_day GROUP BY 1, 2, 3;
      ${CATALOG_SQL};
      ${CATCH_UP_SQL};
    `,
  },
  {
    version: 7,
    name: 'enrolment by USB drive (the check of the code the station made, and the proof of the approval)',
    sql: `ALTER TABLE stations ADD COLUMN usb_code_check text, ADD COLUMN usb_approval_proof text;`,
  },
];

export type MigrationError =
  | { kind: 'newer_than_code'; databaseVersion: number; codeVersion: number }
  | { kind: 'out_of_order'; detail: string };

export function describeMigrationError(e: MigrationError): string {
  return e.kind === 'newer_than_code'
    ? `the district database is at schema v${e.databaseVersion}, newer than this PaperLoop (v${e.codeVersion}). Fix: update PaperLoop on the district server; do not downgrade.`
    : `district migrations are out of order: ${e.detail}`;
}

export function checkOrder(migrations: readonly DistrictMigration[]): Result<void, MigrationError> {
  for (let i = 0; i < migrations.length; i++)
    if (migrations[i]!.version !== i + 1) return err({ kind: 'out_of_order', detail: `entry ${i} has version ${migrations[i]!.version}, expected ${i + 1}` });
  return ok(undefined);
}

/** Applies pending migrations in one transaction under an advisory lock, so two servers starting at once apply each once. */
export async function migrateDistrict(client: PoolClient, migrations: readonly DistrictMigration[] = DISTRICT_MIGRATIONS, upTo = migrations.length): Promise<Result<number, MigrationError>> {
  const order = checkOrder(migrations);
  if (!order.ok) return order;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(7261001)');
    await client.query('CREATE TABLE IF NOT EXISTS district_schema_versions (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM district_schema_versions')).rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    if (newest > migrations.length) {
      await client.query('ROLLBACK');
      return err({ kind: 'newer_than_code', databaseVersion: newest, codeVersion: migrations.length });
    }
    for (let v = 1; v <= newest; v++)
      if (!applied.has(v)) {
        await client.query('ROLLBACK');
        return err({ kind: 'out_of_order', detail: `version ${newest} is applied but version ${v} is not` });
      }
    for (const m of migrations.slice(0, upTo)) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO district_schema_versions (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    await client.query('COMMIT');
    return ok(Math.max(newest, upTo));
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}
