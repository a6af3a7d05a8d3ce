/**
 * `paperloop district import DIR`: ingests every station's signed chunks from a USB drive and writes
 * each station's signed reply (high-water mark and bundles) beside them.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { err, ok, type Result } from '../domain/result';
import { sha256Hex, signText, verifyText } from '../domain/syncCrypto';
import { UploadChunk, USB_FOLDER, USB_REPLY_FILE, USB_STATION_FILE, UsbChunkFile, usbChunkSigningText, UsbStationFile, type UsbReplyPayload } from '../domain/syncProtocol';
import { bundlesSince } from './bundles';
import type { DistrictIdentity } from './identity';
import { describeIngestRefusal, flushIngested, ingestChunk } from './ingest';
import { enrolStationByDrive, stationRow } from './stations';
import { USB_ENROL_FILE, verifiedEnrolRequest } from './usbEnrol';

export type StationImport = { stationId: string; chunks: number; accepted: number; highWater: number; error: string | null };

const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

function readChunk(folder: string, name: string, stationId: string, publicKey: string): Result<UploadChunk, string> {
  const where = join(folder, `${name}.json.gz`);
  try {
    const gz = readFileSync(where);
    const sig = UsbChunkFile.parse(JSON.parse(readFileSync(join(folder, `${name}.sig.json`), 'utf8')));
    if (sig.stationId !== stationId || sig.chunkSha256 !== sha256Hex(gz) || !verifyText(publicKey, usbChunkSigningText(stationId, sig.chunkSha256), sig.signature))
      return err(`${where}: the chunk does not match its signature from station ${stationId} (altered, or from another station); not imported`);
    const chunk = UploadChunk.safeParse(JSON.parse(gunzipSync(gz, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8')));
    if (!chunk.success || chunk.data.stationId !== stationId) return err(`${where}: malformed chunk; not imported`);
    return ok(chunk.data);
  } catch (e) {
    return err(`${where}: cannot read the chunk (${(e as Error).message}); not imported`);
  }
}

/** What a station enrolled by drive learns from its reply: the district's keys, with the proof made from its code. */
type UsbEnrolment = { district: { districtId: string; publicKey: string; pseudonymKey: string; sendNames: boolean }; proof: string };

/** A USB enrolment request on the drive (enrol.json): recorded; null when the station is approved, else why its data waits. */
async function enrolFromDrive(pool: pg.Pool, folder: string, stationId: string): Promise<string | null> {
  const path = join(folder, USB_ENROL_FILE);
  if (!existsSync(path)) return null;
  let request;
  try {
    request = verifiedEnrolRequest(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    request = null;
  }
  if (!request || request.stationId !== stationId) return `${path}: not an enrolment request signed by station ${stationId} (altered, or not from PaperLoop); nothing of this station was imported`;
  const enrolled = await enrolStationByDrive(pool, request);
  if (!enrolled.ok) return enrolled.error;
  if (enrolled.value === 'pending') return `station ${stationId} asks to enrol by this drive. Fix: run "paperloop district approve CODE" with the code the station showed, then "paperloop district import" on this drive again`;
  return enrolled.value === 'revoked' ? `station ${stationId} is revoked at this district; nothing was imported` : null;
}

async function importStation(pool: pg.Pool, identity: DistrictIdentity, folder: string, stationId: string): Promise<StationImport> {
  const result: StationImport = { stationId, chunks: 0, accepted: 0, highWater: 0, error: null };
  const enrolled = await enrolFromDrive(pool, folder, stationId);
  if (enrolled) return { ...result, error: enrolled };
  const station = await stationRow(pool, stationId);
  if (!station || station.status !== 'approved') return { ...result, error: `station ${stationId} is ${station?.status ?? 'not enrolled'} at this district; its chunks were not imported` };
  result.highWater = Number(station.high_water);
  const names = readdirSync(folder).filter((f) => /^chunk-\d+-\d+\.json\.gz$/.test(f)).sort().map((f) => f.replace(/\.json\.gz$/, ''));
  // Every chunk is read and checked before any is ingested: a damaged drive imports nothing of this station.
  const chunks: UploadChunk[] = [];
  for (const name of names) {
    const chunk = readChunk(folder, name, stationId, station.public_key);
    if (!chunk.ok) return { ...result, error: `${chunk.error}. Nothing of station ${stationId} was imported; export again at the station.` };
    chunks.push(chunk.value);
  }
  for (const [i, chunk] of chunks.entries()) {
    const name = names[i]!;
    const ingested = await ingestChunk(pool, chunk);
    if (!ingested.ok) return { ...result, error: `${join(folder, name)}: ${describeIngestRefusal(ingested.error)}` };
    result.chunks++;
    result.accepted += ingested.value.accepted;
    result.highWater = ingested.value.highWater;
  }
  await flushIngested(pool);
  let since = 0;
  try {
    since = UsbStationFile.parse(JSON.parse(readFileSync(join(folder, USB_STATION_FILE), 'utf8'))).bundleVersion;
  } catch {
    // no station file: send every bundle (the station skips the ones it has)
  }
  const reply: UsbReplyPayload & { enrolment?: UsbEnrolment } = {
    format: 'paperloop.usb-reply/1', districtId: identity.districtId, stationId, highWater: result.highWater, bundles: await bundlesSince(pool, since),
    ...(station.usb_approval_proof ? { enrolment: { district: { districtId: identity.districtId, publicKey: identity.publicKey, pseudonymKey: identity.pseudonymKey, sendNames: identity.sendNames }, proof: station.usb_approval_proof } } : {}),
  };
  const payload = JSON.stringify(reply);
  const path = join(folder, USB_REPLY_FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify({ payload, signature: signText(identity.privateKey, payload) }));
  renameSync(`${path}.tmp`, path);
  return result;
}

export async function importDrive(pool: pg.Pool, identity: DistrictIdentity, dir: string): Promise<Result<StationImport[], string>> {
  const root = join(dir, USB_FOLDER);
  if (!existsSync(root)) return err(`${root}: no station data on this drive. Fix: run "paperloop sync export --to ${dir}" at a station first.`);
  const stations = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const results: StationImport[] = [];
  for (const s of stations) results.push(await importStation(pool, identity, join(root, s), s));
  return ok(results);
}
