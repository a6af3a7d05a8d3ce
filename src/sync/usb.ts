/**
 * The USB-drive path: the same chunks as the network upload, each signed by the station, written to
 * DIR/paperloop-sync/<station>/; the district's signed reply (high-water mark and bundles) is read back.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { err, ok, type Result } from '../domain/result';
import { sha256Hex, signText, verifyText } from '../domain/syncCrypto';
import { SignedBundle, USB_FOLDER, USB_REPLY_FILE, USB_STATION_FILE, usbChunkSigningText, UsbReplyPayload, type UsbChunkFile } from '../domain/syncProtocol';
import { applyBundles } from './bundles';
import { readSyncState, setHighWater } from './state';
import { buildChunk, type SyncContext, type SyncDone } from './upload';
import { learnDistrictFromDrive } from './usbEnrol';

const writeAtomically = (path: string, data: string | Buffer) => {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
};

export function exportToDrive(ctx: SyncContext, dir: string): Result<{ folder: string; chunks: number; entries: number; after: number }, string> {
  const state = readSyncState(ctx.store);
  if (!state.district) return err('this station has no district yet. Fix: enrol it ("paperloop sync enrol --district URL" over the network, or "paperloop sync enrol --usb DIR" by drive); once the district approved it, run "sync now" (or, by drive, "sync import --from DIR" with the district\'s reply) to learn the district\'s keys.');
  if (!existsSync(dir)) return err(`${dir}: no such folder. Fix: plug in the drive and give its folder with --to.`);
  const stationId = ctx.client.stationId;
  const folder = join(dir, USB_FOLDER, stationId);
  mkdirSync(folder, { recursive: true });
  let after = state.highWater;
  let chunks = 0;
  let entries = 0;
  for (let chunk = buildChunk(ctx.db, stationId, after, state.district); chunk; chunk = buildChunk(ctx.db, stationId, after, state.district)) {
    const gz = gzipSync(JSON.stringify(chunk));
    const name = `chunk-${String(chunk.after).padStart(12, '0')}-${chunk.through}`;
    const hash = sha256Hex(gz);
    const sig: UsbChunkFile = { format: 'paperloop.usb-chunk/1', stationId, chunkSha256: hash, signature: signText(ctx.client.keys.privateKey, usbChunkSigningText(stationId, hash)) };
    writeAtomically(join(folder, `${name}.json.gz`), gz);
    writeAtomically(join(folder, `${name}.sig.json`), JSON.stringify(sig));
    chunks++;
    entries += chunk.entries.length;
    after = chunk.through;
  }
  writeAtomically(join(folder, USB_STATION_FILE), JSON.stringify({ stationId, bundleVersion: state.bundleVersion }));
  return ok({ folder, chunks, entries, after: state.highWater });
}

/** Applies the district's reply from the drive: checks its signature, district and station, then the bundles in one transaction. */
export function importFromDrive(ctx: SyncContext, dir: string): Result<Omit<SyncDone, 'chunks'>, string> {
  if (!readSyncState(ctx.store).district) {
    const learned = learnDistrictFromDrive(ctx, dir);
    if (!learned.ok) return learned;
  }
  const state = readSyncState(ctx.store);
  if (!state.district) return err('this station has no district yet; nothing was applied.');
  const path = join(dir, USB_FOLDER, ctx.client.stationId, USB_REPLY_FILE);
  if (!existsSync(path)) return err(`${path}: no reply from the district on this drive. Fix: run "paperloop district import ${dir}" at the district first.`);
  let signed;
  try {
    signed = SignedBundle.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    return err(`${path}: not a district reply (${(e as Error).message}); nothing was applied.`);
  }
  if (!verifyText(state.district.publicKey, signed.payload, signed.signature))
    return err(`${path}: the reply's signature does not match district ${state.district.districtId} (altered, or from another district); nothing was applied.`);
  const reply = UsbReplyPayload.safeParse(JSON.parse(signed.payload));
  if (!reply.success) return err(`${path}: malformed reply; nothing was applied.`);
  if (reply.data.districtId !== state.district.districtId || reply.data.stationId !== ctx.client.stationId)
    return err(`${path}: the reply is for station ${reply.data.stationId} of district ${reply.data.districtId}; nothing was applied.`);
  const applied = applyBundles(ctx.store, reply.data.bundles, state.district, state.bundleVersion);
  if (!applied.ok) return applied;
  if (reply.data.highWater > state.highWater) setHighWater(ctx.store, reply.data.highWater);
  return ok({ highWater: Math.max(state.highWater, reply.data.highWater), bundleVersion: applied.value.version, items: applied.value.items, workbookSets: applied.value.workbookSets, itemParameters: applied.value.itemParameters });
}

