// District ingest and sync figures, one JSON line each. Goal: district_ingest_responses_per_s >= 50,000 on 2 cores.
//   district_ingest_responses_per_s: chunks of 500 responses (the upload size) into PostgreSQL, one transaction each.
//   district_ingest_2streams_responses_per_s: two stations' chunks ingested at once.
//   sync_http_responses_per_s: a station's whole log through `sync now` (sign, gzip, HTTP on loopback, verify, ingest).
import type { AddressInfo } from 'node:net';
import { SYNC_PROTOCOL, type LogEntry, type UploadChunk } from '../src/domain/syncProtocol';
import { ensureDistrictIdentity } from '../src/district/identity';
import { ingestChunk } from '../src/district/ingest';
import { createDistrictServer } from '../src/district/server';
import { approveStation } from '../src/district/stations';
import { enrol, fetchStationStatus, syncNow } from '../src/sync/upload';
import { startTestPostgres } from '../tests/support/districtPostgres';
import { addResponses, makeStation } from '../tests/support/syncStation';

const INGEST = Number(process.env.BENCH_INGEST ?? 200_000);
const HTTP = Number(process.env.BENCH_HTTP ?? 50_000);
const CHUNK = 500;
const line = (figure: string, value: number, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ figure, value: Math.round(value), ...extra }));

function chunks(stationId: string, total: number): UploadChunk[] {
  const out: UploadChunk[] = [];
  for (let after = 0; after < total; after += CHUNK) {
    const entries: LogEntry[] = Array.from({ length: Math.min(CHUNK, total - after) }, (_, i) => {
      const seq = after + i + 1;
      const day = new Date(Date.UTC(2026, 8, 1) + Math.floor(seq / 15_000) * 86_400_000).toISOString().slice(0, 10);
      return { seq, kind: 'response', student: `p${seq % 1000}`, itemId: `i${seq % 400}`, itemVersion: 1, pageId: `${stationId}-${Math.floor(seq / 10)}`, fieldId: `f${seq % 10}`, score: seq % 3 ? 1 : 0, maxScore: 1, correct: seq % 3 !== 0, status: 'graded', date: day };
    });
    out.push({ format: SYNC_PROTOCOL, stationId, after, through: entries.at(-1)!.seq, entries });
  }
  return out;
}

const postgres = await startTestPostgres();
try {
  const pool = await postgres.freshPool();
  for (const s of ['B1', 'B2', 'B3']) await pool.query(`INSERT INTO stations (station_id, public_key, status) VALUES ($1, 'k', 'approved')`, [s]);
  await ingestChunk(pool, chunks('B3', CHUNK)[0]!); // creates the partition; warms the pool
  const one = chunks('B1', INGEST);
  let t = performance.now();
  for (const c of one) {
    const r = await ingestChunk(pool, c);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
  line('district_ingest_responses_per_s', INGEST / ((performance.now() - t) / 1000), { responses: INGEST, chunk: CHUNK, goal: 50_000 });

  const a = chunks('B2', INGEST / 2);
  const b = chunks('B3', INGEST / 2 + CHUNK).slice(1);
  t = performance.now();
  await Promise.all([a, b].map(async (list) => { for (const c of list) await ingestChunk(pool, c); }));
  line('district_ingest_2streams_responses_per_s', INGEST / ((performance.now() - t) / 1000), { responses: INGEST, chunk: CHUNK });

  const identity = await ensureDistrictIdentity(pool);
  const app = createDistrictServer({ pool, identity });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const station = makeStation('BH', `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  addResponses(station, HTTP);
  const enrolled = await enrol(station);
  if (!enrolled.ok) throw new Error(enrolled.error);
  await approveStation(pool, enrolled.value.approvalCode);
  await fetchStationStatus(station);
  t = performance.now();
  const synced = await syncNow(station);
  if (!synced.ok) throw new Error(synced.error);
  line('sync_http_responses_per_s', HTTP / ((performance.now() - t) / 1000), { responses: HTTP, chunks: synced.value.chunks });
  station.close();
  await app.close();
} finally {
  await postgres.stop();
}
