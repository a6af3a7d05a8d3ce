// District ingest and sync figures, one JSON line each. Goal: district_ingest_responses_per_s >= 50,000 on 2 cores.
//   district_ingest_responses_per_s: chunks of 500 responses (the upload size) into PostgreSQL, one transaction each.
//     With it, the CPU seconds per 100,000 responses of this process and of PostgreSQL's processes (Linux /proc), which
//     a loaded machine inflates far less than the wall time, and the load average.
//   district_ingest_2streams_responses_per_s: two stations' chunks ingested at once.
//   sync_http_responses_per_s: a station's whole log through `sync now` (sign, gzip, HTTP on loopback, verify, ingest).
//   district_view_10m_ms: the slowest district view (minutes, skills, items, stations; default 28-day window, rollups
//     kept by the ingest) over 10 M responses of 10 schools × 370 students × 180 days × 15, generated inside PostgreSQL
//     (then folded into the rollups at once). Goal < 1000. district_view_10m_year_ms: the same over the whole school year.
//   school_year_sync_s / school_year_usb_s / school_year_bundle_mb: one school's year (1,000 students × 180 days × 15
//     = 2.7 M responses) from a station's SQLite to the district, over `sync now`, and over a USB drive (export at the
//     station, `district import`, the station reads the reply); the drive's size. Off by default (it takes ~10 min):
//     BENCH_SCHOOL_YEAR=2700000 npm run bench:district
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYNC_PROTOCOL, type LogEntry, type UploadChunk } from '../src/domain/syncProtocol';
import { ensureDistrictIdentity } from '../src/district/identity';
import { ingestChunk } from '../src/district/ingest';
import { createDistrictServer } from '../src/district/server';
import { publishBundle } from '../src/district/bundles';
import { approveStation } from '../src/district/stations';
import { catchUpRollups } from '../src/district/rollups';
import { itemsView, minutesView, rangeOf, skillsView, stationsView } from '../src/district/views';
import { importDrive } from '../src/district/usbImport';
import { enrol, fetchStationStatus, syncNow } from '../src/sync/upload';
import { exportToDrive, importFromDrive } from '../src/sync/usb';
import { startTestPostgres } from '../tests/support/districtPostgres';
import { addResponses, makeStation, type TestStation } from '../tests/support/syncStation';

/** Each district keeps its private key in its own folder. */
const keyFolder = () => mkdtempSync(join(tmpdir(), 'district-key-'));

const INGEST = Number(process.env.BENCH_INGEST ?? 200_000);
const HTTP = Number(process.env.BENCH_HTTP ?? 50_000);
const VIEW_ROWS = Number(process.env.BENCH_VIEW_ROWS ?? 10_000_000);
const SCHOOL_YEAR = Number(process.env.BENCH_SCHOOL_YEAR ?? 0);
const CHUNK = 500;
const line = (figure: string, value: number, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ figure, value: Math.round(value), ...extra }));

function chunks(stationId: string, total: number): UploadChunk[] {
  const out: UploadChunk[] = [];
  for (let after = 0; after < total; after += CHUNK) {
    const entries: LogEntry[] = Array.from({ length: Math.min(CHUNK, total - after) }, (_, i) => {
      const seq = after + i + 1;
      // In scan order, as a station logs them: a student's page of 5 items × 3 fields, 1,000 students a day.
      const sd = Math.floor((seq - 1) / 15);
      const day = new Date(Date.UTC(2026, 8, 1) + Math.floor(sd / 1000) * 86_400_000).toISOString().slice(0, 10);
      const itemId = `i${(Math.floor(sd / 1000) * 7 + Math.floor(((seq - 1) % 15) / 3) * 80 + (sd % 13)) % 400}`;
      return { seq, kind: 'response', student: `p${sd % 1000}`, itemId, itemVersion: 1, pageId: `${stationId}-${sd}`, fieldId: `f${(seq - 1) % 15}`, score: seq % 3 ? 1 : 0, maxScore: 1, correct: seq % 3 !== 0, status: 'graded', date: day };
    });
    out.push({ format: SYNC_PROTOCOL, stationId, after, through: entries.at(-1)!.seq, entries });
  }
  return out;
}

/** 400 items, three subjects, grades 4–8, 5–24 minutes each: the district bank the bench's responses answer. */
const BANK = Array.from({ length: 400 }, (_, i) => ({
  id: `i${i}`, subject: ['math', 'chinese', 'english'][i % 3]!, grade: 4 + (i % 5), skills: [`k${i % 60}`, `k${(i * 7) % 60}`], stem: { en: 's' },
  points: 1, minutes: 5 + (i % 20), difficulty: 0, tier: 'core' as const, type: 'true_false' as const, answer: true,
}));

/** CPU seconds used so far by PostgreSQL: its postmaster and the processes it started (backends, WAL writer, ...). */
function postgresCpuSeconds(folder: string): number {
  const ticksOf = (pid: string) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      return 0; // a backend that just ended
    }
  };
  try {
    const postmaster = readFileSync(join(folder, 'pgdata', 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return [postmaster, ...children].reduce((sum, pid) => sum + ticksOf(pid), 0) / 100; // USER_HZ
  } catch {
    return Number.NaN; // not Linux
  }
}

/** Runs `work` and gives its wall seconds and the CPU seconds this process and PostgreSQL spent meanwhile. */
async function measured(folder: string, work: () => Promise<void>) {
  const cpu = process.cpuUsage();
  const postgresCpu = postgresCpuSeconds(folder);
  const start = performance.now();
  await work();
  const wall = (performance.now() - start) / 1000;
  const node = process.cpuUsage(cpu);
  return { wall, nodeCpu: (node.user + node.system) / 1e6, postgresCpu: postgresCpuSeconds(folder) - postgresCpu };
}
const per100k = (seconds: number, responses: number) => Math.round((seconds * 100_000 * 100) / responses) / 100;

const postgres = await startTestPostgres();
try {
  const pool = await postgres.freshPool();
  // Published first, so the ingest folds every chunk into all the rollups, minutes included.
  const identity = await ensureDistrictIdentity(pool, keyFolder());
  await publishBundle(pool, identity, { items: BANK, skills: [] });
  for (const s of ['B1', 'B2', 'B3']) await pool.query(`INSERT INTO stations (station_id, public_key, status) VALUES ($1, 'k', 'approved')`, [s]);
  await ingestChunk(pool, chunks('B3', CHUNK)[0]!); // creates the partition; warms the pool
  const one = chunks('B1', INGEST);
  const single = await measured(postgres.folder, async () => {
    for (const c of one) {
      const r = await ingestChunk(pool, c);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    }
  });
  line('district_ingest_responses_per_s', INGEST / single.wall, {
    responses: INGEST, chunk: CHUNK, goal: 50_000, node_cpu_s_per_100k: per100k(single.nodeCpu, INGEST),
    postgres_cpu_s_per_100k: per100k(single.postgresCpu, INGEST), load_average: loadavg()[0]!.toFixed(1),
  });

  const a = chunks('B2', INGEST / 2);
  const b = chunks('B3', INGEST / 2 + CHUNK).slice(1);
  const two = await measured(postgres.folder, async () => {
    await Promise.all([a, b].map(async (list) => { for (const c of list) await ingestChunk(pool, c); }));
  });
  line('district_ingest_2streams_responses_per_s', INGEST / two.wall, {
    responses: INGEST, chunk: CHUNK, node_cpu_s_per_100k: per100k(two.nodeCpu, INGEST), postgres_cpu_s_per_100k: per100k(two.postgresCpu, INGEST),
  });

  const app = createDistrictServer({ pool, identity });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const station = makeStation('BH', `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  addResponses(station, HTTP);
  const enrolled = await enrol(station);
  if (!enrolled.ok) throw new Error(enrolled.error);
  await approveStation(pool, enrolled.value.approvalCode);
  await fetchStationStatus(station);
  const t = performance.now();
  const synced = await syncNow(station);
  if (!synced.ok) throw new Error(synced.error);
  line('sync_http_responses_per_s', HTTP / ((performance.now() - t) / 1000), { responses: HTTP, chunks: synced.value.chunks });
  station.close();
  await app.close();

  if (VIEW_ROWS > 0) await benchViews(await postgres.freshPool());
  if (SCHOOL_YEAR > 0) await benchSchoolYear(await postgres.freshPool());
} finally {
  await postgres.stop();
}

/**
 * 15 responses a student-day (5 items × 3 fields), written by one INSERT … SELECT over generate_series, so the rows
 * never cross the wire. Items: 400, three subjects, grades 4–8, 5–24 minutes each, published as a bundle.
 */
async function benchViews(pool: import('pg').Pool): Promise<void> {
  await publishBundle(pool, await ensureDistrictIdentity(pool, keyFolder()), { items: BANK, skills: [] });
  await pool.query(`CREATE TABLE IF NOT EXISTS responses_y2026 PARTITION OF responses FOR VALUES IN (2026)`);
  await pool.query(`INSERT INTO stations (station_id, public_key, status) SELECT 'V' || s, 'k', 'approved' FROM generate_series(0, 9) s`);
  let t = performance.now();
  await pool.query(`SET synchronous_commit = off`);
  await pool.query(
    `INSERT INTO responses (school_year, station_id, seq, student, item_id, item_version, page_id, field_id, score, max_score, correct, status, answered_on)
     SELECT 2026, 'V' || (sd % 10), g + 1, 'p' || ((sd / 10) % 370), 'i' || ((sd / 3700 * 7 + (g % 15) / 3 * 80 + sd % 13) % 400), 1,
            'P' || sd, 'f' || (g % 15), (g % 4 > 0)::int, 1, g % 4 > 0, 'graded', date '2026-09-01' + (sd / 3700)::int
     FROM generate_series(0, $1::bigint - 1) g, LATERAL (SELECT g / 15 AS sd) x`,
    [VIEW_ROWS],
  );
  await pool.query(`UPDATE stations s SET high_water = m.seq, last_sync_at = now() FROM (SELECT station_id, max(seq) AS seq FROM responses GROUP BY station_id) m WHERE m.station_id = s.station_id`);
  await pool.query('VACUUM ANALYZE responses');
  const generateMs = performance.now() - t;
  t = performance.now();
  await catchUpRollups(pool); // the rows were generated around the ingest, which otherwise keeps the rollups
  await pool.query('VACUUM ANALYZE rollup_item_day, rollup_minutes, student_item_day, rollup_student_day, rollup_subject_day, rollup_grade_day');
  const rollupMs = performance.now() - t;
  const today = '2027-03-01';
  const timed = async (name: string, view: () => Promise<unknown>) => {
    await view(); // warm
    const start = performance.now();
    await view();
    return [name, performance.now() - start] as const;
  };
  const range = await rangeOf(pool, {}, today);
  if (typeof range === 'string') throw new Error(range);
  const times = [
    await timed('minutes', () => minutesView(pool, range)),
    await timed('skills', () => skillsView(pool, range)),
    await timed('items', () => itemsView(pool, range)),
    await timed('stations', () => stationsView(pool)),
  ];
  const wholeYear = { from: '2026-09-01', to: '2027-08-31' };
  const yearTimes = [await timed('minutes_year', () => minutesView(pool, wholeYear)), await timed('skills_year', () => skillsView(pool, wholeYear)), await timed('items_year', () => itemsView(pool, wholeYear))];
  line('district_view_10m_ms', Math.max(...times.map(([, ms]) => ms)), {
    responses: VIEW_ROWS, range, goal: 1000, views_ms: Object.fromEntries([...times, ...yearTimes].map(([n, ms]) => [n, Math.round(ms)])),
    generate_ms: Math.round(generateMs), rollup_catch_up_ms: Math.round(rollupMs),
  });
  line('district_view_10m_year_ms', Math.max(...yearTimes.map(([, ms]) => ms)), { responses: VIEW_ROWS, range: wholeYear, goal: 1000 });
}

/** One school's year in a station's SQLite: 1,000 students, 15 responses a student-day, over 180 school days. */
function addSchoolYear(s: TestStation, total: number): void {
  const insert = s.db.prepare(
    `INSERT INTO responses (seq, page_id, image_sha256, field_id, student_id, item_id, item_version, answer, score, max_score, correct, confidence, status, date)
     VALUES (?, ?, 'sha', ?, ?, ?, 1, 'A', ?, 1, ?, 0.99, 'graded', ?)`,
  );
  const perDay = Math.ceil(total / 180);
  const start = Date.UTC(2026, 8, 1);
  for (let done = 0; done < total; done += 100_000)
    s.store.transaction(() => {
      for (let i = done; i < Math.min(total, done + 100_000); i++) {
        const day = new Date(start + Math.floor(i / perDay) * 86_400_000).toISOString().slice(0, 10);
        const right = i % 4 === 0 ? 0 : 1;
        insert.run(s.store.nextSeq(), `P-${Math.floor(i / 15)}`, `f${i % 15}`, `stu-${Math.floor(i / 15) % 1000}`, `item-${i % 400}`, right, right, day);
      }
    });
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

async function benchSchoolYear(pool: import('pg').Pool): Promise<void> {
  const identity = await ensureDistrictIdentity(pool, keyFolder());
  const app = createDistrictServer({ pool, identity });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const drive = mkdtempSync(join(tmpdir(), 'school-year-usb-'));
  const stations: TestStation[] = [];
  try {
    // Both stations' year is written first: writing 2.7 M rows blocks this process (the district server's too) for a
    // minute, long enough for the server to drop the first station's idle keep-alive socket as the client reuses it.
    const filled = (id: string) => {
      const s = makeStation(id, url);
      stations.push(s);
      addSchoolYear(s, SCHOOL_YEAR);
      return s;
    };
    const [network, usb] = [filled('SYN'), filled('SYU')];
    const ready = async (s: TestStation) => {
      const enrolled = await enrol(s);
      if (!enrolled.ok) throw new Error(enrolled.error);
      await approveStation(pool, enrolled.value.approvalCode);
      await fetchStationStatus(s);
      return s;
    };
    const byNetwork = await ready(network);
    let t = performance.now();
    const synced = await syncNow(byNetwork);
    if (!synced.ok) throw new Error(synced.error);
    line('school_year_sync_s', (performance.now() - t) / 1000, { responses: SCHOOL_YEAR, chunks: synced.value.chunks });

    const byDrive = await ready(usb);
    t = performance.now();
    const exported = exportToDrive(byDrive, drive);
    if (!exported.ok) throw new Error(exported.error);
    const exportS = (performance.now() - t) / 1000;
    const mb = folderBytes(drive) / 1e6;
    const imported = await importDrive(pool, identity, drive);
    if (!imported.ok || imported.value.some((s) => s.error)) throw new Error(JSON.stringify(imported));
    const back = importFromDrive(byDrive, drive);
    if (!back.ok) throw new Error(back.error);
    line('school_year_usb_s', (performance.now() - t) / 1000, { responses: SCHOOL_YEAR, export_s: Math.round(exportS), chunks: exported.value.chunks });
    console.log(JSON.stringify({ figure: 'school_year_bundle_mb', value: Math.round(mb * 10) / 10, responses: SCHOOL_YEAR, bytes_per_response: Math.round((mb * 1e6) / SCHOOL_YEAR) }));
  } finally {
    for (const s of stations) s.close();
    await app.close();
    rmSync(drive, { recursive: true, force: true });
  }
}
