import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../../domain/result';
import { describeStoreError, sha256, storageErrorOf } from '../../scan/imageStore';
import { createReaderPool } from '../../scan/readerPool';
import { ScanSession, type IncomingImage, type PageReader, type SessionSummary } from '../../scan/session';
import { filesAsPages } from '../../scan/sources';
import { batchAsPages, describeFeedEnd, describeScanError, missingSource, stopFeeding } from '../../scan/driverSource';
import type { ScannerDriver } from '../../../native-bridge/contract';
import { listLikelyScanners } from '../../../native-bridge/usb/usbDiscovery';
import { usbIdString } from '../../../native-bridge/usb/classifyUsb';
import { driverForDevice, listAllDevices, replayDriverFor } from '../devices';
import { scanLock, type StationContext } from '../context';
import { defineHandler, fail } from './types';

export function readerFor(ctx: StationContext, threads?: number): PageReader {
  return createReaderPool({ dbPath: join(ctx.dataDir, 'station.db'), reading: ctx.settings.reading, ...(threads ? { threads } : {}) });
}

/**
 * Finishes whatever a crash or power cut interrupted: every stored image whose row is still queued
 * is read and graded now (exactly once), and sessions left running are closed.
 */
export async function resumeUnfinished(ctx: StationContext, reader: PageReader): Promise<Result<{ resumed: number; sessions: number }, string>> {
  const unfinished = ctx.store.scans.unfinishedSessions();
  const queued = ctx.store.scans.queuedImages().length;
  if (queued === 0 && unfinished.length === 0) return ok({ resumed: 0, sessions: 0 });
  const session = new ScanSession(sessionOptions(ctx, reader, false), 'resume', unfinished[0]?.id ?? 'resume');
  const resumed = await session.resumeQueued();
  if (!resumed.ok) return resumed;
  const closed = storageGuard(ctx, () => {
    for (const s of unfinished) ctx.store.scans.endSession(s.id, 'finished', 'resumed after an interruption');
  });
  if (!closed.ok) return closed;
  ctx.events.emit({ type: 'resumed', images: resumed.value, sessions: unfinished.length });
  return ok({ resumed: resumed.value, sessions: unfinished.length });
}

/** A database write whose storage failure (full disk, read-only folder) becomes the scan's clear message. */
function storageGuard<T>(ctx: StationContext, write: () => T): Result<T, string> {
  try {
    return ok(write());
  } catch (e) {
    const failure = storageErrorOf(e, join(ctx.dataDir, 'station.db'));
    if (!failure) throw e;
    return err(describeStoreError(failure));
  }
}

export function sessionOptions(ctx: StationContext, reader: PageReader, rescan: boolean) {
  return {
    store: ctx.store, dataDir: ctx.dataDir, reader, grading: ctx.settings, actor: ctx.actor, clock: ctx.clock, rescan,
    onEvent: (e: { type: string }) => ctx.events.emit(e),
  };
}

/** Sessions running in this process, so a transport can pause, resume or cancel them. */
const running = new Map<string, ScanSession>();

/** Runs one scan session over any page source: resume first, then store → read → grade. */
export async function runSession(ctx: StationContext, source: AsyncIterable<IncomingImage>, opts: { label: string; rescan: boolean; threads?: number }) {
  const lock = await scanLock(ctx, opts.label, true);
  const reader = readerFor(ctx, opts.threads);
  let session: ScanSession | null = null;
  const none = { resumed: 0, sessions: 0 };
  try {
    if (opts.rescan) {
      // A re-scan also retries reads that failed before.
      const requeued = storageGuard(ctx, () => ctx.store.scans.requeueFailed());
      if (!requeued.ok) return { resumed: none, result: requeued };
    }
    const resumedOrFailed = await resumeUnfinished(ctx, reader);
    if (!resumedOrFailed.ok) return { resumed: none, result: resumedOrFailed };
    const resumed = resumedOrFailed.value;
    const started = storageGuard(ctx, () => new ScanSession(sessionOptions(ctx, reader, opts.rescan), opts.label));
    if (!started.ok) return { resumed, result: started };
    session = started.value;
    running.set(session.id, session);
    ctx.events.emit({ type: 'session_started', sessionId: session.id, source: opts.label });
    const result = await session.ingest(source);
    return { resumed, result };
  } finally {
    if (session) running.delete(session.id);
    await reader.close();
    lock?.release();
  }
}

/** Start-up: finish any scan a crash or power cut interrupted (queued rows are read and graded, exactly once). */
export const resumeScans = defineHandler(z.object({}), async (ctx) => {
  if (ctx.store.scans.queuedImages().length === 0 && ctx.store.scans.unfinishedSessions().length === 0) return ok({ resumed: 0, sessions: 0 });
  // Another process scanning now resumes what is queued itself.
  const lock = await scanLock(ctx, 'resume', false);
  if (!lock) return ok({ resumed: 0, sessions: 0 });
  const reader = readerFor(ctx);
  try {
    const resumed = await resumeUnfinished(ctx, reader);
    return resumed.ok ? ok(resumed.value) : fail('scan_stopped', resumed.error);
  } finally {
    await reader.close();
    lock.release();
  }
});

/**
 * Pause, resume, stop or cancel the running scan sessions. `stop` is the Stop button and Ctrl+C: the scanner
 * feeds no new sheet, and every sheet it already scanned is stored, read and graded. `cancel` ends the session at
 * the next page; pages already stored are still read and graded.
 */
export const controlScan = defineHandler(z.object({ action: z.enum(['pause', 'resume', 'stop', 'cancel']) }), async (_ctx, { action }) => {
  const sessions = [...running.keys()];
  if (action === 'stop') await stopFeeding();
  else for (const session of running.values()) session[action]();
  return ok({ action, sessions });
});

export const ingest = defineHandler(z.object({ paths: z.array(z.string()).min(1), rescan: z.boolean().default(false), threads: z.number().int().positive().optional() }), async (ctx, input) => {
  const missing = input.paths.filter((p) => !existsSync(p));
  if (missing.length) return fail('not_found', `not found: ${missing.join(', ')}. Fix: give image files, folders, PDFs or TIFFs that exist.`);
  const started = performance.now();
  const { resumed, result } = await runSession(ctx, filesAsPages(input.paths, { onRender: (file, pageIndex, pageCount) => ctx.events.emit({ type: 'rendering', file, page: pageIndex + 1, pages: pageCount }) }), { label: `files:${input.paths.join(',')}`.slice(0, 200), rescan: input.rescan, ...(input.threads ? { threads: input.threads } : {}) });
  if (!result.ok) return fail('scan_stopped', result.error);
  const pagesPerSecond = Math.round((result.value.stored / ((performance.now() - started) / 1000)) * 10) / 10;
  return ok({ ...result.value, resumedFromEarlier: resumed.resumed, pagesPerSecond } satisfies SessionSummary & { resumedFromEarlier: number; pagesPerSecond: number });
});

/** Reads images and reports what the station sees; grades and stores nothing. Pages are read in parallel on the worker pool. */
export const read = defineHandler(z.object({ paths: z.array(z.string()).min(1) }), async (ctx, input) => {
  const started = performance.now();
  const reader = readerFor(ctx);
  const tmp = mkdtempSync(join(tmpdir(), 'pl-read-'));
  const reads: Promise<unknown>[] = [];
  try {
    let n = 0;
    for await (const page of filesAsPages(input.paths)) {
      if (page.refused) {
        reads.push(Promise.resolve({ source: page.source, ok: false, ...page.refused, ms: 0 }));
        continue;
      }
      const path = join(tmp, `p${n++}`);
      writeFileSync(path, page.bytes);
      const source = page.source; // the bytes are not kept while the read waits
      reads.push(
        reader
          .read({ path, sha256: sha256(page.bytes), mediaType: page.mediaType })
          .catch((e: Error) => ({ ok: false, reason: 'read_failed', detail: e.message, ms: 0 }))
          .then((outcome) => ({ source, ...outcome })),
      );
    }
    const pages = await Promise.all(reads);
    const seconds = (performance.now() - started) / 1000;
    return ok({ format: 'paperloop.page-reads/1', pages, pagesPerSecond: Math.round((pages.length / seconds) * 10) / 10 });
  } finally {
    await reader.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Scans from a device — a SANE/eSCL scanner, a hot folder, or a replay of a folder — through the same session. */
export const scan = defineHandler(
  z.object({
    device: z.string().optional(),
    replayFolder: z.string().optional(),
    msPerSheet: z.number().min(0).default(0),
    source: z.enum(['flatbed', 'feeder', 'duplex']).default('feeder'),
    /** Default: settings scanDpi. */
    dpi: z.number().int().min(50).max(1200).optional(),
    rescan: z.boolean().default(false),
  }),
  async (ctx, input) => {
    let driver: ScannerDriver | null;
    let deviceId: string;
    if (input.replayFolder) {
      if (!existsSync(input.replayFolder)) return fail('not_found', `folder ${input.replayFolder} not found.`);
      ({ driver, deviceId } = replayDriverFor(input.replayFolder, input.msPerSheet));
    } else if (input.device) {
      deviceId = input.device;
      driver = driverForDevice(ctx.settings, deviceId);
      if (!driver) return fail('unknown_device', `no driver for device "${deviceId}". Fix: run "paperloop devices" and use one of the ids it lists.`);
    } else return fail('bad_input', 'give --device ID (see "paperloop devices") or --replay FOLDER.');
    const caps = await driver.capabilities(deviceId);
    if (!caps.ok) return fail('scanner', describeScanError(caps.error));
    const noSource = missingSource(deviceId, caps.value, input.source);
    if (noSource) return fail('scanner', noSource);
    const feed = batchAsPages(driver, { deviceId, source: input.source, dpi: input.dpi ?? ctx.settings.scanDpi, mode: 'gray' });
    const { resumed, result } = await runSession(ctx, feed.pages, { label: deviceId, rescan: input.rescan });
    if (!result.ok) return fail('scan_stopped', result.error);
    const end = feed.end();
    if (end.kind === 'error' && end.fed === 0) return fail('scanner', `no page was scanned. ${describeScanError(end.error)}`);
    return ok({ ...result.value, resumedFromEarlier: resumed.resumed, fed: end.fed, stopped: end.kind === 'stopped', scanner: describeFeedEnd(end) });
  },
);

export const devices = defineHandler(z.object({}), async (ctx) => {
  const [listed, usb] = await Promise.all([listAllDevices(ctx.settings), Promise.resolve(listLikelyScanners())]);
  return ok({ devices: listed, usbScanners: usb.map((d) => ({ id: usbIdString(d), reasons: d.classification })) });
});
