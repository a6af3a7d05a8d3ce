/**
 * A station's sync state in one object, for `paperloop sync status` and the app's sync panel: what is still to go up,
 * the last success, the last error (split into what happened and the fix), the next scheduled run and the enrolment.
 */
import type { Db, StationReader } from '../store';
import { isStale, lockHolder } from '../store/stationLock';
import { countLogAfter } from './log';
import { nextRunOf } from './schedule';
import { districtUrl, enrolCode, readSyncState, scheduleHolder } from './state';

export type Enrolment =
  | { state: 'none' }
  /** Asked at `url`; the admin has not approved yet (or the station has not heard of it). `code`: the one-time code to read out. */
  | { state: 'pending'; url: string; code: string | null }
  | { state: 'approved'; url: string; districtId: string };

export type SyncError = { at: string; message: string; fix: string | null };

export type SyncStatus = {
  enrolment: Enrolment;
  /** Log entries the district has not acknowledged yet. */
  pending: number;
  highWater: number;
  bundleVersion: number;
  lastSuccess: string | null;
  lastError: SyncError | null;
  /** `paperloop sync schedule PATTERN`: its next run while that process runs, null when it does not. */
  schedule: { pattern: string; running: boolean; nextRun: string | null } | null;
  /** A scan holds the station: a sync does not start now. */
  scanRunning: boolean;
};

/** A stored error ("<ISO time> <message> Fix: <fix>") as its time, what happened and the fix. */
export function splitSyncError(stored: string | null): SyncError | null {
  if (!stored) return null;
  const space = stored.indexOf(' ');
  const at = stored.slice(0, space);
  const text = stored.slice(space + 1);
  const fixAt = text.lastIndexOf('Fix: ');
  return fixAt < 0 ? { at, message: text, fix: null } : { at, message: text.slice(0, fixAt).trim(), fix: text.slice(fixAt + 'Fix: '.length).trim() };
}

function enrolmentOf(store: StationReader, district: ReturnType<typeof readSyncState>['district']): Enrolment {
  const url = districtUrl(store);
  if (district) return { state: 'approved', url: url ?? district.url, districtId: district.districtId };
  return url ? { state: 'pending', url, code: enrolCode(store) } : { state: 'none' };
}

export function syncStatusOf(db: Db, store: StationReader, now: Date): SyncStatus {
  const state = readSyncState(store);
  const scheduled = scheduleHolder(store);
  const running = scheduled !== null && !isStale(scheduled);
  const next = running ? nextRunOf(scheduled.holder, now) : null;
  const scan = lockHolder(db);
  return {
    enrolment: enrolmentOf(store, state.district),
    pending: countLogAfter(db, state.highWater),
    highWater: state.highWater,
    bundleVersion: state.bundleVersion,
    lastSuccess: state.lastSuccess,
    lastError: splitSyncError(state.lastError),
    schedule: scheduled ? { pattern: scheduled.holder, running, nextRun: next?.ok ? next.value.toISOString() : null } : null,
    scanRunning: scan !== null && !isStale(scan),
  };
}
