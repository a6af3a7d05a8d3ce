import type { Command } from 'commander';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { err, type Result } from '../../domain/result';
import type * as StationLock from '../../store/stationLock';
import type { SyncContext } from '../../sync/upload';
import type { StationContext } from '../context';
import { CliFailure, emit, invoke, station, unwrap, type CliIO } from '../cliSupport';

/** What new bundles brought, for the sync messages: items, and workbook sets and item parameters when there were any. */
function bundleNews(done: { items: number; workbookSets: number; itemParameters: number }): string {
  const parts = [`${done.items} item(s) new or changed`];
  if (done.workbookSets) parts.push(`${done.workbookSets} shared workbook set(s)`);
  if (done.itemParameters) parts.push(`${done.itemParameters} item(s) recalibrated`);
  return parts.join(', ');
}

async function syncContext(ctx: StationContext, url?: string): Promise<SyncContext> {
  const { syncContextOf } = await import('../../sync/upload');
  const made = syncContextOf({ ...ctx, stationId: ctx.settings.stationId }, url);
  if (!made.ok) throw new CliFailure(made.error);
  return made.value;
}

/** Runs a sync step on the station, closing the database after it; a failed Result ends the command with its message. */
async function withSync<T>(cmd: Command, url: string | undefined, step: (s: SyncContext, ctx: StationContext) => Promise<Result<T, string>> | Result<T, string>): Promise<T> {
  const ctx = await station(cmd);
  try {
    const r = await step(await syncContext(ctx, url), ctx);
    if (!r.ok) throw new CliFailure(r.error);
    return r.value;
  } finally {
    ctx.db.close();
  }
}

/** A scan session holds the station (its lock is held by a live process): no sync starts then. */
function scanRunning(ctx: StationContext, { isStale, lockHolder }: typeof StationLock): boolean {
  const held = lockHolder(ctx.db);
  return held !== null && !isStale(held);
}

export function registerSyncCommands(program: Command, io: CliIO): void {
  const sync = program.command('sync').description('send results to the district server and bring item banks back (network or USB drive; see docs/sync.md)');

  sync
    .command('enrol')
    .description('ask the district to enrol this station (over the network, or by USB drive); shows the one-time code the district admin approves')
    .option('--district <url>', 'the district server, e.g. http://district.example:8470')
    .option('--usb <dir>', 'a station without a network: write the enrolment request to this drive instead')
    .option('--json')
    .action(async (o: { district?: string; usb?: string; json?: boolean }, cmd: Command) => {
      const { enrolByDrive, USB_DISTRICT } = await import('../../sync/usbEnrol');
      if (o.usb) {
        const dir = o.usb;
        const asked = await withSync(cmd, USB_DISTRICT, (s) => enrolByDrive(s, dir));
        emit(io, !!o.json, asked, () =>
          `wrote this station's enrolment request to ${asked.folder}.\n  Approval code: ${asked.code}\n  Give the drive and the code to the district admin, who runs:\n    paperloop district import ${dir}\n    paperloop district approve ${asked.code}\n    paperloop district import ${dir}\n  Then, back here: paperloop sync import --from ${dir}`,
        );
        return;
      }
      const url = o.district;
      if (!url) throw new CliFailure('give the district: --district http://DISTRICT-HOST:8470, or --usb DIR for a station without a network.');
      const [{ setDistrictUrl }, { enrol, fetchStationStatus }] = await Promise.all([import('../../sync/state'), import('../../sync/upload')]);
      const reply = await withSync(cmd, url, async (s, ctx) => {
        setDistrictUrl(ctx.store, url);
        const enrolled = await enrol(s);
        if (enrolled.ok && enrolled.value.status === 'approved') await fetchStationStatus(s);
        return enrolled;
      });
      emit(io, !!o.json, reply, () =>
        reply.status === 'approved'
          ? `station ${reply.stationId} is already approved at ${url}.`
          : `station ${reply.stationId} asked to enrol at ${url}.\n  Approval code: ${reply.approvalCode}\n  At the district, the admin runs: paperloop district approve ${reply.approvalCode}\n  Then run "paperloop sync now" here.`,
      );
    });

  sync
    .command('now')
    .description('upload everything after the district\'s high-water mark, then apply new item-bank bundles')
    .option('--json')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const [{ describeLockHolder, isStale, lockHolder }, { syncNow }] = await Promise.all([import('../../store/stationLock'), import('../../sync/upload')]);
      const done = await withSync(cmd, undefined, (s, ctx) => {
        const held = lockHolder(ctx.db);
        if (held && !isStale(held)) return err(`a scan is running (${describeLockHolder(held)}); sync waits until it ends. Fix: run "paperloop sync now" again after the scan.`);
        return syncNow(s);
      });
      emit(io, !!o.json, done, () => `synced: ${done.chunks} chunk(s) up, district high-water mark ${done.highWater}; item bank at bundle v${done.bundleVersion} (${bundleNews(done)}).`);
    });

  sync
    .command('status')
    .description('what is still to go up, the last success and the last error')
    .option('--json')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const { syncStatusOf } = await import('../../sync/status');
      const ctx = await station(cmd);
      try {
        const s = syncStatusOf(ctx.db, ctx.store, ctx.clock());
        const e = s.enrolment;
        const status = {
          district: e.state === 'none' ? null : e.url, districtId: e.state === 'approved' ? e.districtId : null, enrolment: e.state, pending: s.pending,
          highWater: s.highWater, bundleVersion: s.bundleVersion, lastSuccess: s.lastSuccess, lastError: s.lastError, schedule: s.schedule,
        };
        emit(io, !!o.json, status, () =>
          [
            `district: ${e.state === 'none' ? 'none (run "paperloop sync enrol --district URL")' : `${e.url}${e.state === 'approved' ? ` (${e.districtId})` : `, waiting for approval${e.code ? ` (code ${e.code})` : ''}`}`}`,
            `pending: ${s.pending} log entries after seq ${s.highWater}`,
            `item bank: bundle v${s.bundleVersion}`,
            `last success: ${s.lastSuccess ?? 'never'}`,
            `last error: ${s.lastError ? `${s.lastError.at} ${s.lastError.message}${s.lastError.fix ? ` Fix: ${s.lastError.fix}` : ''}` : 'none'}`,
            `schedule: ${!s.schedule ? 'none' : s.schedule.running ? `"${s.schedule.pattern}", next run ${s.schedule.nextRun}` : `"${s.schedule.pattern}" (not running: start "paperloop sync schedule")`}`,
          ].join('\n'),
        );
      } finally {
        ctx.db.close();
      }
    });

  sync
    .command('export')
    .description('write the signed chunks not yet acknowledged by the district to a USB drive')
    .requiredOption('--to <dir>', 'the drive (or a folder on it)')
    .option('--json')
    .action(async (o: { to: string; json?: boolean }, cmd: Command) => {
      const [{ USB_DISTRICT }, { exportToDrive }] = await Promise.all([import('../../sync/usbEnrol'), import('../../sync/usb')]);
      const done = await withSync(cmd, USB_DISTRICT, (s) => exportToDrive(s, o.to));
      emit(io, !!o.json, done, () => `wrote ${done.chunks} chunk(s) (${done.entries} entries after seq ${done.after}) to ${done.folder}.\n  At the district: paperloop district import ${o.to}`);
    });

  sync
    .command('import')
    .description('apply the district\'s signed reply from a USB drive (acknowledged mark and item-bank bundles)')
    .requiredOption('--from <dir>', 'the drive the district wrote its reply to')
    .option('--json')
    .action(async (o: { from: string; json?: boolean }, cmd: Command) => {
      const [{ USB_DISTRICT }, { importFromDrive }] = await Promise.all([import('../../sync/usbEnrol'), import('../../sync/usb')]);
      const done = await withSync(cmd, USB_DISTRICT, (s) => importFromDrive(s, o.from));
      emit(io, !!o.json, done, () => `applied the district's reply: high-water mark ${done.highWater}, item bank at bundle v${done.bundleVersion} (${bundleNews(done)}).`);
    });

  sync
    .command('sets')
    .description('the shared workbook sets the district sent (e.g. the weekend workbook)')
    .option('--json')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      try {
        const sets = unwrap(await invoke(ctx, 'sharedSets', {}));
        emit(io, !!o.json, sets, () =>
          sets.length === 0
            ? 'no shared workbook sets have come from the district yet.'
            : sets.map((s) => `${s.id}: ${s.name} (${s.subject}, grade ${s.grade}, ${s.items} items, ${s.minutes} min; classes: ${s.classIds.join(', ') || 'none of this grade'})`).join('\n') +
              '\nnext: paperloop sync compose-set ID --class CLASS --date YYYY-MM-DD',
        );
      } finally {
        ctx.db.close();
      }
    });

  sync
    .command('compose-set')
    .description("a class's draft workbook set from a shared set: every student gets its items, within the daily cap")
    .argument('<id>', 'the shared set, as listed by "paperloop sync sets"')
    .requiredOption('--class <id>', 'the class')
    .requiredOption('--date <date>', 'the day it is for, e.g. 2026-11-28')
    .option('--json')
    .action(async (id: string, o: { class: string; date: string; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      try {
        const r = unwrap(await invoke(ctx, 'composeShared', { sharedId: id, classId: o.class, date: o.date }));
        emit(io, !!o.json, r, () => `composed draft set ${r.setId} from shared set ${id}: ${r.students} students, ${r.minutes.max} min each.\nnext: paperloop approve --set ${r.setId}`);
      } finally {
        ctx.db.close();
      }
    });

  sync
    .command('schedule')
    .description('stay running and sync on a cron schedule; waits while a scan runs, retries with backoff until the district answers')
    .argument('<cron>', 'when, as a cron pattern in local time, e.g. "0 18 * * 5" (Fridays at 18:00)')
    .action(async (pattern: string, _o: unknown, cmd: Command) => {
      const [{ nextRunOf, runWithRetries }, { setScheduleHolder }, stationLock, { syncNow }, { Cron }] = await Promise.all([
        import('../../sync/schedule'), import('../../sync/state'), import('../../store/stationLock'), import('../../sync/upload'), import('croner'),
      ]);
      const next = nextRunOf(pattern, new Date());
      if (!next.ok) throw new CliFailure(next.error);
      const here = await station(cmd); // fails early, with the fix, when there is no station here
      setScheduleHolder(here.store, { holder: pattern, pid: process.pid, host: hostname(), processStart: stationLock.processStart(process.pid), acquiredAt: here.clock().toISOString() });
      here.db.close();
      io.out(`sync scheduled "${pattern}": next run ${next.value.toString()}. Stop with Ctrl+C.`);
      const job = new Cron(pattern, { protect: true }, async () => {
        const ctx = await station(cmd);
        try {
          const s = await syncContext(ctx);
          const r = await runWithRetries({
            attempt: () => syncNow(s),
            scanRunning: () => scanRunning(ctx, stationLock),
            wait: (ms) => delay(ms),
            log: (m) => io.err(`${new Date().toISOString()} ${m}`),
          });
          if (r.ok) io.out(`${new Date().toISOString()} synced: ${r.value.chunks} chunk(s) up, bundle v${r.value.bundleVersion}`);
          else io.err(`${new Date().toISOString()} sync failed: ${r.error}`);
        } catch (e) {
          io.err(`${new Date().toISOString()} sync failed: ${(e as Error).message}`);
        } finally {
          ctx.db.close();
        }
      });
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      job.stop();
    });
}
