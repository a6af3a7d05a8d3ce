/**
 * Handlers the teacher's app needs for the station's sync state (registered in ../index.ts): the state for the sync
 * panel, and "Sync now", which starts a sync and reports its progress as station events
 * (`sync_started`, `sync_progress`, `sync_finished`).
 */
import { z } from 'zod';
import { ok } from '../../../domain/result';
import { describeLockHolder, isStale, lockHolder } from '../../../store/stationLock';
import { syncStatusOf } from '../../../sync/status';
import { syncContextOf, syncNow as runSync } from '../../../sync/upload';
import type { StationContext } from '../../context';
import { defineHandler, fail } from '../types';

/** Data folders with a sync running in this process: one at a time per station. */
const syncing = new Set<string>();

export const syncStatus = defineHandler(z.object({}), async (ctx) => ok({ ...syncStatusOf(ctx.db, ctx.store, ctx.clock()), running: syncing.has(ctx.dataDir) }));

function startSync(ctx: StationContext, sync: Parameters<typeof runSync>[0]): void {
  syncing.add(ctx.dataDir);
  ctx.events.emit({ type: 'sync_started' });
  let chunks = 0;
  void runSync(sync, (highWater) => ctx.events.emit({ type: 'sync_progress', chunks: ++chunks, highWater }))
    .then(
      (r) => ctx.events.emit(r.ok ? { type: 'sync_finished', ok: true, chunks: r.value.chunks, items: r.value.items } : { type: 'sync_finished', ok: false, error: r.error }),
      (e: Error) => ctx.events.emit({ type: 'sync_finished', ok: false, error: e.message }),
    )
    .finally(() => syncing.delete(ctx.dataDir));
}

/** Starts a sync and answers at once; refused while a scan runs or a sync is already under way. */
export const syncNow = defineHandler(z.object({}), async (ctx) => {
  const scan = lockHolder(ctx.db);
  if (scan && !isStale(scan)) return fail('scan_running', `A scan is running (${describeLockHolder(scan)}), and a sync never starts during a scan. Fix: press "Sync now" again when the scan has ended.`);
  if (syncing.has(ctx.dataDir)) return fail('sync_running', 'A sync is already running on this station. Fix: wait for it to finish; its progress shows here.');
  const sync = syncContextOf({ ...ctx, stationId: ctx.settings.stationId });
  if (!sync.ok) return fail('not_enrolled', sync.error);
  startSync(ctx, sync.value);
  return ok({ started: true });
});

export const syncHandlers = { syncStatus, syncNow } as const;
