/**
 * Enrolment, upload and download over the network. Upload asks the district for its high-water mark,
 * sends the next ~500 entries as one gzipped chunk, and repeats: a cut connection loses nothing, the
 * next round starts again from what the district acknowledged.
 */
import { gzipSync } from 'node:zlib';
import { err, ok, type Result } from '../domain/result';
import { BundlesReply, CHUNK_ENTRIES, EnrolReply, StationStatusReply, SYNC_PROTOCOL, UploadReply, type LogEntry, type UploadChunk } from '../domain/syncProtocol';
import type { Db, StationWriter } from '../store';
import { applyBundles, type BundleApplied } from './bundles';
import { answerError, signedRequest, type SignedClient } from './client';
import { readLogAfter } from './log';
import { districtUrl, readSyncState, recordOutcome, setDistrict, setEnrolCode, setHighWater, stationKeyPair, type DistrictInfo } from './state';

export type SyncContext = { db: Db; store: StationWriter; client: SignedClient };

/** A station's sync context: its key pair, its station id and the district it enrolled with (or `url`), or why it has none. */
export function syncContextOf(station: { db: Db; store: StationWriter; dataDir: string; stationId: string; clock: () => Date }, url = districtUrl(station.store)): Result<SyncContext, string> {
  if (!url) return err('this station has no district address yet. Fix: run "paperloop sync enrol --district http://DISTRICT-HOST:8470".');
  return ok({ db: station.db, store: station.store, client: { baseUrl: url, stationId: station.stationId, keys: stationKeyPair(station.dataDir), clock: station.clock } });
}

export async function enrol(ctx: SyncContext): Promise<Result<EnrolReply, string>> {
  const body = Buffer.from(JSON.stringify({ stationId: ctx.client.stationId, publicKey: ctx.client.keys.publicKey }));
  const a = await signedRequest(ctx.client, 'POST', '/v1/enrol', { bytes: body, contentType: 'application/json' });
  if (a.status !== 200) return err(answerError('enrolment refused', a));
  const reply = EnrolReply.parse(a.body);
  if (reply.status === 'pending') setEnrolCode(ctx.store, reply.approvalCode);
  return ok(reply);
}

/** Asks the district for this station's state; once approved, keeps the district's keys. */
export async function fetchStationStatus(ctx: SyncContext): Promise<Result<StationStatusReply, string>> {
  const a = await signedRequest(ctx.client, 'GET', '/v1/station');
  if (a.status !== 200) return err(answerError('station status', a));
  const reply = StationStatusReply.parse(a.body);
  if (reply.district) {
    const known = readSyncState(ctx.store).district;
    if (known && (known.districtId !== reply.district.districtId || known.publicKey !== reply.district.publicKey))
      return err(`the server at ${ctx.client.baseUrl} is district ${reply.district.districtId} with another key than the district this station enrolled with (${known.districtId}). Fix: check the district address.`);
    setDistrict(ctx.store, { url: ctx.client.baseUrl, ...reply.district });
  }
  return ok(reply);
}

export function buildChunk(db: Db, stationId: string, after: number, district: DistrictInfo, limit = CHUNK_ENTRIES): UploadChunk | null {
  const entries: LogEntry[] = readLogAfter(db, after, limit, district);
  if (entries.length === 0) return null;
  return { format: SYNC_PROTOCOL, stationId, after, through: entries[entries.length - 1]!.seq, entries };
}

export async function uploadPending(ctx: SyncContext, onChunk: (highWater: number) => void = () => {}): Promise<Result<{ highWater: number; chunks: number }, string>> {
  const status = await fetchStationStatus(ctx);
  if (!status.ok) return status;
  const district = readSyncState(ctx.store).district;
  if (status.value.status !== 'approved' || !district) return err(`this station is ${status.value.status} at the district. Fix: the district admin runs "paperloop district approve CODE".`);
  let highWater = status.value.highWater;
  let chunks = 0;
  for (;;) {
    setHighWater(ctx.store, highWater);
    const chunk = buildChunk(ctx.db, ctx.client.stationId, highWater, district);
    if (!chunk) return ok({ highWater, chunks });
    const a = await signedRequest(ctx.client, 'POST', '/v1/upload', { bytes: gzipSync(JSON.stringify(chunk)), contentType: 'application/gzip' });
    if (a.status === 409 && typeof (a.body as { highWater?: unknown }).highWater === 'number') {
      highWater = (a.body as { highWater: number }).highWater;
      continue;
    }
    if (a.status !== 200) return err(answerError('upload refused', a));
    highWater = UploadReply.parse(a.body).highWater;
    chunks++;
    onChunk(highWater);
  }
}

export async function downloadBundles(ctx: SyncContext): Promise<Result<BundleApplied, string>> {
  const state = readSyncState(ctx.store);
  if (!state.district) return err('this station has no district yet. Fix: run "paperloop sync enrol --district URL".');
  const a = await signedRequest(ctx.client, 'GET', `/v1/bundles?since=${state.bundleVersion}`);
  if (a.status !== 200) return err(answerError('bundle download', a));
  return applyBundles(ctx.store, BundlesReply.parse(a.body).bundles, state.district, state.bundleVersion);
}

export type SyncDone = { highWater: number; chunks: number; bundleVersion: number; items: number; workbookSets: number; itemParameters: number };

/** Up, then down; the outcome (success or the error) is kept for `sync status`. `onChunk` hears the mark after each chunk. */
export async function syncNow(ctx: SyncContext, onChunk?: (highWater: number) => void): Promise<Result<SyncDone, string>> {
  let outcome: Result<SyncDone, string>;
  try {
    const up = await uploadPending(ctx, onChunk);
    const down = up.ok ? await downloadBundles(ctx) : up;
    outcome = !up.ok ? up : !down.ok ? down : ok({ ...up.value, bundleVersion: down.value.version, items: down.value.items, workbookSets: down.value.workbookSets, itemParameters: down.value.itemParameters });
  } catch (e) {
    outcome = err(`cannot reach the district at ${ctx.client.baseUrl} (${(e as Error).message}). Nothing is lost: the next sync resumes from the district's high-water mark. Fix: check the network and that the district server runs, then sync again.`);
  }
  recordOutcome(ctx.store, ctx.client.clock(), outcome.ok ? null : outcome.error);
  return outcome;
}
