/**
 * Handlers the teacher's app needs for the station's sync state (registered in ../index.ts): the state for the sync
 * panel, "Sync now", which starts a sync and reports its progress as station events
 * (`sync_started`, `sync_progress`, `sync_finished`), and the shared workbook sets the district sent, which a class
 * gets as a draft set like any composed one.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ok } from '../../../domain/result';
import { checkCap, describeRefusal } from '../../../domain/workload';
import { sharedWorkbookSets } from '../../../sync/bundles';
import { describeLockHolder, isStale, lockHolder } from '../../../store/stationLock';
import { syncStatusOf } from '../../../sync/status';
import { syncContextOf, syncNow as runSync } from '../../../sync/upload';
import type { StationContext } from '../../context';
import { defineHandler, fail } from '../types';
import { approvedLedger } from '../workbooks';

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

/** The shared workbook sets that came down (e.g. the weekend workbook), with their minutes and the classes of their grade. */
export const sharedSets = defineHandler(z.object({}), async (ctx) => {
  const classes = ctx.store.classes();
  return ok(
    Object.values(sharedWorkbookSets(ctx.store)).map((set) => ({
      id: set.id, name: set.name, subject: set.subject, grade: set.grade, items: set.itemIds.length, bundleVersion: set.bundleVersion,
      minutes: set.itemIds.reduce((sum, id) => sum + (ctx.store.item(id)?.minutes ?? 0), 0),
      classIds: classes.filter((c) => c.grade === set.grade).map((c) => c.id),
    })),
  );
});

/**
 * A class's draft workbook set from a shared set: every student gets its items (their current versions), checked
 * against each student's daily cap like any composed set; then approve and print it as usual.
 */
export const composeShared = defineHandler(z.object({ sharedId: z.string().min(1), classId: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-25') }), async (ctx, input) => {
  const set = sharedWorkbookSets(ctx.store)[input.sharedId];
  if (!set) return fail('unknown_shared_set', `no shared workbook set "${input.sharedId}" came from the district. Fix: sync, then pick one that "paperloop sync sets" lists.`);
  const cls = ctx.store.schoolClass(input.classId);
  if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station. Fix: check "paperloop list classes".`);
  if (cls.grade !== set.grade) return fail('wrong_grade', `the shared set "${set.name}" is for grade ${set.grade}, class ${cls.id} is grade ${cls.grade}. Fix: pick a set of grade ${cls.grade}.`);
  const students = ctx.store.students(input.classId);
  if (students.length === 0) return fail('empty_class', `class "${input.classId}" has no students. Fix: import its roster.`);
  const reason = { key: `shared:${set.id}`, text: { en: `shared workbook: ${set.name}`, zh: `共享练习册：${set.name}` } };
  const entries = set.itemIds.map((id) => ctx.store.item(id)).flatMap((item) => (item ? [{ itemId: item.id, itemVersion: item.version, minutes: item.minutes, reason }] : []));
  if (entries.length < set.itemIds.length) return fail('missing_items', `the shared set "${set.name}" names items this station does not have. Fix: sync again.`);
  const minutes = entries.reduce((sum, e) => sum + e.minutes, 0);
  const refusals = students.flatMap((s) => {
    const checked = checkCap(approvedLedger(ctx, s.id, input.date), cls.grade, set.subject, minutes, ctx.settings.caps);
    return checked.ok ? [] : [describeRefusal(checked.error)];
  });
  if (refusals.length) return fail('over_cap', `refused: ${refusals.length} student(s) would go over the daily homework cap on ${input.date} with "${set.name}" (${minutes} min).`, refusals);
  const setId = `WS-${input.date}-${input.classId}-${set.subject}-shared-${randomUUID().slice(0, 6)}`;
  ctx.store.insertWorkbookSet({
    id: setId, classId: input.classId, subject: set.subject, date: input.date, requestJson: JSON.stringify({ kind: 'shared', sharedId: set.id, bundleVersion: set.bundleVersion }),
    workbooks: students.map((s) => ({ id: `${setId}/${s.id}`, studentId: s.id, tier: 'core', minutes, itemsJson: JSON.stringify(entries) })),
  });
  return ok({ setId, students: students.length, minutes: { min: minutes, max: minutes }, status: 'draft' as const });
});

export const syncHandlers = { syncStatus, syncNow, sharedSets, composeShared } as const;
