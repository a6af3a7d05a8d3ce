/**
 * What a station knows about its district: its key pair (a file only this user can read), the district
 * it enrolled with, the acknowledged high-water mark, the bundle version and the last outcome
 * (in station_meta, written through the store's one writer).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newKeyPair, type KeyPair } from '../domain/syncCrypto';
import type { LockHolder, StationReader, StationWriter } from '../store';

export type DistrictInfo = { url: string; districtId: string; publicKey: string; pseudonymKey: string; sendNames: boolean };

export type SyncState = {
  district: DistrictInfo | null;
  /** The district's acknowledged high-water mark, as last heard. */
  highWater: number;
  bundleVersion: number;
  lastSuccess: string | null;
  lastError: string | null;
};

const KEYS = {
  district: 'sync_district', highWater: 'sync_high_water', bundle: 'sync_bundle_version', success: 'sync_last_success', error: 'sync_last_error',
  url: 'sync_district_url', enrolCode: 'sync_enrol_code', schedule: 'sync_schedule',
} as const;

export function stationKeyPair(dataDir: string): KeyPair {
  const folder = join(dataDir, 'sync');
  const path = join(folder, 'station-key.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as KeyPair;
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const keys = newKeyPair();
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  return keys;
}

export function readSyncState(store: StationReader): SyncState {
  const district = store.meta(KEYS.district);
  return {
    district: district ? (JSON.parse(district) as DistrictInfo) : null,
    highWater: Number(store.meta(KEYS.highWater) ?? 0),
    bundleVersion: Number(store.meta(KEYS.bundle) ?? 0),
    lastSuccess: store.meta(KEYS.success),
    lastError: store.meta(KEYS.error),
  };
}

export const districtUrl = (store: StationReader) => store.meta(KEYS.url);
export const setDistrictUrl = (store: StationWriter, url: string) => store.setMeta(KEYS.url, url);
export const setDistrict = (store: StationWriter, d: DistrictInfo) => {
  store.setMeta(KEYS.district, JSON.stringify(d));
  store.setMeta(KEYS.enrolCode, '');
};
/** The one-time code the district gave a pending enrolment, so the app can show it to whoever reads it to the admin. */
export const setEnrolCode = (store: StationWriter, code: string) => store.setMeta(KEYS.enrolCode, code);
export const enrolCode = (store: StationReader) => store.meta(KEYS.enrolCode) || null;
export const setHighWater = (store: StationWriter, hw: number) => store.setMeta(KEYS.highWater, String(hw));
export const setBundleVersion = (store: StationWriter, v: number) => store.setMeta(KEYS.bundle, String(v));

/** The process that runs `paperloop sync schedule`, shaped like a lock holder so a dead or foreign process is recognised the same way. */
export type ScheduleHolder = LockHolder;
export const setScheduleHolder = (store: StationWriter, holder: ScheduleHolder) => store.setMeta(KEYS.schedule, JSON.stringify(holder));
export function scheduleHolder(store: StationReader): ScheduleHolder | null {
  const raw = store.meta(KEYS.schedule);
  return raw ? (JSON.parse(raw) as ScheduleHolder) : null;
}

export function recordOutcome(store: StationWriter, at: Date, error: string | null): void {
  if (error === null) store.setMeta(KEYS.success, at.toISOString());
  store.setMeta(KEYS.error, error === null ? '' : `${at.toISOString()} ${error}`);
}
