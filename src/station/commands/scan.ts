import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceInfo } from '../../../native-bridge/contract';
import { stopFeeding } from '../../scan/driverSource';
import type { StationContext } from '../context';
import { dataDirOf, emit, invoke, station, unwrap, type CliIO } from '../cliSupport';

/** Refused pages listed under an ingest summary (each names its file and reason). */
const NOT_READ_SHOWN = 20;

/** A progress bar on stderr while a stack is read (only on a terminal). */
async function progressBar(ctx: StationContext, total?: number): Promise<() => void> {
  if (!process.stderr.isTTY) return () => undefined;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar({ format: 'scan {bar} {value} pages · {graded} graded · {review} to review · {problems} problems', stream: process.stderr }, Presets.shades_classic);
  const counts = { graded: 0, review: 0, problems: 0 };
  let seen = 0;
  bar.start(total ?? 1, 0, counts);
  const off = ctx.events.subscribe((e) => {
    if (e.type === 'scanned') {
      seen++;
      if (!total) bar.setTotal(seen);
    }
    if (e.type === 'graded') (e.reviews as number) > 0 ? counts.review++ : counts.graded++;
    if (e.type === 'problem') counts.problems++;
    if (e.type === 'graded' || e.type === 'problem') bar.increment(1, counts);
  });
  return () => {
    off();
    bar.stop();
  };
}

/**
 * Ctrl+C while scanning: the first stops feeding, and every sheet the scanner already scanned is
 * still stored, read and graded before exit; a second aborts at once (stored images stay, and a
 * page not yet read is read on the next scan).
 */
function interruptHandler(io: CliIO): () => void {
  let interrupts = 0;
  return () => {
    interrupts++;
    if (interrupts === 1) {
      io.err('\nstopping: the scanner feeds no more sheets; storing the sheets it already scanned… (Ctrl+C again aborts at once)');
      void stopFeeding();
      return;
    }
    io.err('\naborted: the pages stored so far are kept; any not yet read are read on the next scan.');
    process.exit(130);
  };
}

/** The vision pool's first worker loads while the station opens and the handlers load (a one-page read waits for it). */
async function prestartReaders(cmd: Command, threads?: number): Promise<void> {
  const dbPath = join(await dataDirOf(cmd), 'station.db');
  if (!existsSync(dbPath)) return; // no station here: the command fails with the fix, without a worker to wait for
  const { prestartReaderPool } = await import('../../scan/readerPool');
  prestartReaderPool(dbPath, threads);
}

/** The reading rate at the end of `read` and `ingest`, on stderr so that JSON on stdout stays clean. */
const rateLine = (command: string, pages: number, pagesPerSecond: number) => `paperloop ${command}: ${pages} page${pages === 1 ? '' : 's'}, ${pagesPerSecond} pages/s`;

/** One line per device; a configured scanner that does not answer says so, and what to check. */
function deviceLine(d: DeviceInfo): string {
  if (d.notAnswering === undefined) return `${d.id}  ${d.vendor} ${d.model}`;
  return `${d.id}  NOT ANSWERING: ${d.notAnswering}. Fix: switch the scanner on and check its address in settings.json (scanners.escl; docs/scanners.md, section 2)`;
}

export function registerScanCommands(program: Command, io: CliIO): void {
  program
    .command('read')
    .description('read scanned pages and print what the station sees (grades and stores nothing)')
    .argument('<images...>', 'image files, folders, multi-page PDFs or TIFFs')
    .option('--json', 'JSON (the default output)')
    .action(async (images: string[], _o: unknown, cmd: Command) => {
      await prestartReaders(cmd);
      // The read handler alone, not the whole handler map: a one-page read waits for it (commander already requires a path).
      const { read } = await import('../handlers/scan');
      const r = unwrap(await read.run(await station(cmd), read.input.parse({ paths: images })));
      io.out(JSON.stringify(r, null, 2));
      io.err(rateLine('read', r.pages.length, r.pagesPerSecond));
    });

  program
    .command('ingest')
    .description('store, read and grade scanned pages (images, folders, multi-page PDFs or TIFFs)')
    .argument('<paths...>')
    .option('--rescan', 'a page read before replaces the earlier read (kept in the audit log); reads that failed are retried')
    .option('--threads <n>', 'vision workers (default: one per core)', Number)
    .option('--json')
    .action(async (paths: string[], o: { rescan?: boolean; threads?: number; json?: boolean }, cmd: Command) => {
      await prestartReaders(cmd, o.threads);
      const ctx = await station(cmd);
      const stop = await progressBar(ctx);
      const r = await invoke(ctx, 'ingest', { paths, rescan: !!o.rescan, ...(o.threads ? { threads: o.threads } : {}) });
      stop();
      const v = unwrap(r);
      emit(io, !!o.json, v, () =>
        [
          `session ${v.sessionId}: ${v.stored} pages stored · ${v.graded} graded · ${v.needsReview} need review · ${v.blankBacks} blank backs · ${v.pagesPerSecond} pages/s`,
          `  ${v.refused} not read (foreign, blank or unreadable) · ${v.duplicates} duplicates${v.identical ? ` · identical images: ${v.identical} (counted once)` : ''} · ${v.failed} failed${v.resumedFromEarlier ? ` · ${v.resumedFromEarlier} resumed from an earlier interrupted scan` : ''}`,
          ...v.notRead.slice(0, NOT_READ_SHOWN).map((line) => `    ${line}`),
          v.refused > NOT_READ_SHOWN ? `    … and ${v.refused - NOT_READ_SHOWN} more (--json lists them)` : '',
          v.needsReview ? 'next: paperloop review' : '',
        ].filter(Boolean).join('\n'),
      );
      if (o.json) io.err(rateLine('ingest', v.stored, v.pagesPerSecond)); // the summary above says it otherwise
    });

  program
    .command('scan')
    .description('scan a stack from a scanner; pages are stored, read and graded while the feeder runs')
    .option('--device <id>', 'a device id as listed by "paperloop devices" (sane:…, escl:…, hot-folder:…)')
    .option('--replay <folder>', 'play a folder of images as a document feeder (the demo and tests)')
    .option('--hot-folder <dir>', 'take the pages a scan-to-folder printer drops into DIR (ends after a quiet spell)')
    .option('--source <s>', 'flatbed | feeder | duplex', 'feeder')
    .option('--dpi <n>', 'resolution (default: scanDpi in settings.json)', Number)
    .option('--ms-per-sheet <n>', 'replay pace', Number, 0)
    .option('--rescan', 'a page read before replaces the earlier read; reads that failed are retried')
    .option('--json')
    .action(async (o: { device?: string; replay?: string; hotFolder?: string; source: string; dpi?: number; msPerSheet: number; rescan?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      if (o.hotFolder) ctx.settings.scanners.hotFolders.push({ name: 'cli', path: o.hotFolder });
      const device = o.hotFolder ? 'hot-folder:cli' : o.device;
      const stop = await progressBar(ctx);
      const onInterrupt = interruptHandler(io);
      process.on('SIGINT', onInterrupt);
      const r = await invoke(ctx, 'scan', { ...(device ? { device } : {}), ...(o.replay ? { replayFolder: o.replay } : {}), source: o.source as 'feeder', ...(o.dpi ? { dpi: o.dpi } : {}), msPerSheet: o.msPerSheet, rescan: !!o.rescan });
      process.off('SIGINT', onInterrupt);
      stop();
      const v = unwrap(r);
      emit(io, !!o.json, v, () => `session ${v.sessionId}: ${v.stored} stored · ${v.graded} graded · ${v.needsReview} need review · ${v.refused} not read · ${v.duplicates} duplicates${v.identical ? ` · identical images: ${v.identical}` : ''} · scanner: ${v.scanner}`);
    });

  program
    .command('devices')
    .description('list scanners: SANE (USB), eSCL network scanners and hot folders from settings, and likely USB scanners')
    .option('--watch', 'keep running and report USB scanners being connected and disconnected')
    .option('--json')
    .action(async (o: { watch?: boolean; json?: boolean }, cmd: Command) => {
      const ctx = await station(cmd);
      const r = unwrap(await invoke(ctx, 'devices', {}));
      emit(io, !!o.json, r, () =>
        [
          ...(r.devices.length ? r.devices.map(deviceLine) : ['no scanners found (see "Connect a scanner" in the README)']),
          ...r.usbScanners.map((u) => `usb ${u.id}  likely a scanner (${JSON.stringify(u.reasons)})`),
        ].join('\n'),
      );
      if (!o.watch) return;
            io.out('watching USB (Ctrl+C to stop)…');
      const { watchUsb } = await import('../../../native-bridge/usb/usbDiscovery');
      watchUsb((e) => io.out(`${e.type === 'attach' ? 'scanner connected' : 'scanner disconnected'}: ${e.device.vendorId.toString(16)}:${e.device.productId.toString(16)} (${e.device.classification.likelihood})`));
      await new Promise(() => undefined);
    });

  program
    .command('review')
    .description('the review queue: reads the station was not sure of')
    .option('--crops <dir>', 'write the image crop of each read there (<response id>.png)')
    .option('--json')
    .action(async (o: { crops?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'reviewQueue', o.crops ? { cropsDir: o.crops } : {}));
      emit(io, !!o.json, r, () =>
        r.length === 0
          ? 'nothing to review'
          : r.map((x) => `#${x.responseId} ${x.studentId} ${x.itemId} read=${x.answer ?? '(blank)'} conf=${x.confidence.toFixed(2)} ${x.reasons.join(',')} · ${x.cropPath ?? x.imagePath}`).join('\n') +
            '\nresolve with: paperloop resolve --response ID --answer X   (or --score N)',
      );
    });

  program
    .command('resolve')
    .description("decide a review item (or override any grade); kept with the teacher's name and time")
    .requiredOption('--response <id>', 'response id (from paperloop review)', Number)
    .option('--answer <value>', "what the student marked: B, A,C, T, -12.5, text; '' for blank")
    .option('--score <n>', 'points to award instead', Number)
    .option('--note <text>')
    .option('--json')
    .action(async (o: { response: number; answer?: string; score?: number; note?: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(
        await invoke(await station(cmd), 'resolve', {
          responseId: o.response,
          ...(o.answer !== undefined ? { answer: o.answer === '' ? null : o.answer } : {}),
          ...(o.score !== undefined ? { score: o.score } : {}),
          ...(o.note ? { note: o.note } : {}),
        }),
      );
      emit(io, !!o.json, r, () => `response ${r.responseId}: ${r.score}/${r.maxScore} (answer ${r.answer ?? 'blank'}), by ${r.by}`);
    });

  program
    .command('regrade')
    .description('after correcting an answer key (import the new item version), re-grade every answer to it')
    .requiredOption('--item <id>')
    .option('--json')
    .action(async (o: { item: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'regrade', { itemId: o.item }));
      emit(io, !!o.json, r, () => `re-graded ${r.regraded} answers to ${r.itemId} against v${r.version}`);
    });

  program
    .command('integrity')
    .description('stack integrity for a set: missing pages, duplicates, foreign pages and blanks, per student')
    .requiredOption('--set <id>')
    .option('--json')
    .action(async (o: { set: string; json?: boolean }, cmd: Command) => {
      const r = unwrap(await invoke(await station(cmd), 'integrity', { setId: o.set }));
      emit(io, !!o.json, r, () =>
        r.jobs
          .map((j) =>
            [
              `job ${j.jobId} (${j.kind}): ${j.complete ? 'complete' : 'INCOMPLETE'} · ${j.foreignPages.length} foreign · ${j.blankPages} blank · ${j.failed.length} failed`,
              ...j.students.filter((s) => s.missingPages.length || s.duplicatePages.length).map((s) => `  ${s.studentId}: ${s.received}/${s.expected} pages${s.missingPages.length ? ` · missing ${s.missingPages.join(', ')}` : ''}${s.duplicatePages.length ? ` · duplicate ${s.duplicatePages.join(', ')}` : ''}`),
            ].join('\n'),
          )
          .join('\n'),
      );
    });
}
