import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import type { ScanError, ScanErrorKind, ScannerDriver } from '../../../../native-bridge/contract';
import { createReplayDriver } from '../../../../native-bridge/replay/replayDriver';
import { usbIdString } from '../../../../native-bridge/usb/classifyUsb';
import { listLikelyScanners, watchUsb } from '../../../../native-bridge/usb/usbDiscovery';
import { stackIntegrity } from '../../../domain/integrity';
import { ok } from '../../../domain/result';
import type { PrintedPage } from '../../../layout/printedPage';
import { describeScanError, missingSource, pausingFeed, type FeedDecision } from '../../../scan/driverSource';
import type { SessionSummary } from '../../../scan/session';
import { imagesForJob } from '../../../store';
import { decodePnm } from '../../../vision/decode';
import type { StationContext } from '../../context';
import { driverForDevice, listAllDevices } from '../../devices';
import { controlScan, resumeScans, runSession } from '../scan';
import { defineHandler, fail } from '../types';

/*
 * The Scan screen's use cases. A scan started from the app runs in the background (one at a time per
 * station process); the app follows it over the event stream and reads `scanStatus`, which this
 * module keeps from the session's own events. Nothing here takes a file-system path from the browser:
 * replay folders are named by the ids `scanDevices` lists.
 */

const IMAGE_FILE = /\.(jpe?g|png|tiff?|pgm|pnm)$/i;
const RECENT_THUMBNAILS = 24;
const PROBLEMS_LISTED = 50;

// ---------------------------------------------------------------- devices

/** A folder of scan images the replay scanner can play: the folders under <data>/out and the configured inboxes. */
type ReplaySource = { id: string; name: string; where: 'out' | 'inbox'; images: number; folder: string };

const imagesIn = (folder: string): number => {
  try {
    return readdirSync(folder).filter((f) => IMAGE_FILE.test(f)).length;
  } catch {
    return 0;
  }
};
const subfolders = (folder: string): string[] => {
  try {
    return readdirSync(folder).filter((f) => !f.startsWith('.') && statSync(join(folder, f)).isDirectory()).sort();
  } catch {
    return [];
  }
};

export function replaySources(ctx: Pick<StationContext, 'dataDir' | 'settings'>): ReplaySource[] {
  const out = join(ctx.dataDir, 'out');
  const found: ReplaySource[] = subfolders(out).map((name) => ({ id: `replay:out/${name}`, name, where: 'out' as const, images: imagesIn(join(out, name)), folder: join(out, name) }));
  ctx.settings.network.inboxes.forEach((inbox, i) => {
    const root = resolve(ctx.dataDir, inbox);
    if (!existsSync(root)) return;
    found.push({ id: `replay:inbox${i}`, name: inbox, where: 'inbox', images: imagesIn(root), folder: root });
    for (const name of subfolders(root)) found.push({ id: `replay:inbox${i}/${name}`, name: `${inbox}/${name}`, where: 'inbox', images: imagesIn(join(root, name)), folder: join(root, name) });
  });
  return found.filter((s) => s.images > 0);
}

/** USB hotplug is watched once per station (from the first device listing) and told to the app as `devices_changed`. */
const watchedStations = new WeakSet<object>();
function watchHotplug(ctx: StationContext): void {
  if (watchedStations.has(ctx.events)) return;
  watchedStations.add(ctx.events);
  watchUsb((e) => ctx.events.emit({ type: 'devices_changed', change: e.type, usb: usbIdString(e.device) }));
}

export const scanDevices = defineHandler(z.object({}), async (ctx) => {
  watchHotplug(ctx);
  const devices = await listAllDevices(ctx.settings);
  return ok({
    devices: devices.map((d) => ({ id: d.id, kind: d.kind, label: [d.vendor, d.model].filter(Boolean).join(' ') || d.id, notAnswering: d.notAnswering ?? null })),
    replays: replaySources(ctx).map(({ id, name, where, images }) => ({ id, name, where, images })),
    usbScanners: listLikelyScanners().map((d) => usbIdString(d)),
    defaults: { dpi: ctx.settings.scanDpi, deviceId: ctx.settings.scanners.defaultDevice ?? null, source: ctx.settings.scanners.defaultSource },
  });
});

type Opened = { driver: () => ScannerDriver | null; deviceId: string };

/** The driver behind an id from `scanDevices`, opened afresh each time (a device plugged back in, a setting changed). */
function openDevice(ctx: StationContext, id: string, msPerSheet: number): Opened | null {
  if (id.startsWith('replay:')) {
    const source = replaySources(ctx).find((s) => s.id === id);
    if (!source) return null;
    // The folder's images only: a stack folder may hold other files (the synthesizer's truth.json).
    const files = () => readdirSync(source.folder).filter((f) => IMAGE_FILE.test(f)).sort().map((f) => join(source.folder, f));
    return { driver: () => createReplayDriver({ devices: [{ name: 'stack', files: files(), msPerSheet }] }), deviceId: 'replay:stack' };
  }
  if (!driverForDevice(ctx.settings, id)) return null;
  return { driver: () => driverForDevice(ctx.settings, id), deviceId: id };
}

const unknownDevice = (id: string) => fail('unknown_device', `no scanner "${id}" on this station. Fix: choose one from the list (it lists the scanners found now).`);

export const scanCapabilities = defineHandler(z.object({ deviceId: z.string().min(1) }), async (ctx, { deviceId }) => {
  const opened = openDevice(ctx, deviceId, 0);
  const driver = opened?.driver();
  if (!opened || !driver) return unknownDevice(deviceId);
  const caps = await driver.capabilities(opened.deviceId);
  if (!caps.ok) return fail('scanner', describeScanError(caps.error));
  return ok({ deviceId, sources: caps.value.sources.map((s) => s.source), resolutions: [...caps.value.resolutions] });
});

// ---------------------------------------------------------------- the running scan

type Outcome = 'queued' | 'graded' | 'needs_review' | 'blank_back' | 'refused' | 'duplicate' | 'identical' | 'failed';
/** What became of one stored image (the session reads each image once). */
type SeenImage = { outcome: Outcome; pageId: string | null; detail: string };
/** One page the scanner handed over; `again` when its bytes were the same as an image already seen in this scan. */
type FedPage = { imageId: number; sheetIndex: number | null; side: string | null; again: boolean };
export type RunState = 'starting' | 'scanning' | 'paused' | 'finished' | 'stopped';

type ScanRun = {
  deviceId: string;
  source: 'flatbed' | 'feeder' | 'duplex';
  dpi: number;
  msPerSheet: number;
  state: RunState;
  pause: { kind: ScanErrorKind; message: string } | null;
  /** Another process (a scan from the command line) holds the station: who, while this scan waits for it. */
  waitingFor: string | null;
  /** Why the scan stopped on its own (a full disk, the page reader gone): said in plain words, with the fix. */
  fault: string | null;
  sessionIds: string[];
  images: Map<number, SeenImage>;
  fed: FedPage[];
  activeMs: number;
  activeSince: number | null;
  summary: SessionSummary | null;
  decide: ((d: FeedDecision) => void) | null;
  cancelled: boolean;
};

/** The app's scan (this process scans one stack at a time), kept after it ends so the screen can show how it went. */
let current: ScanRun | null = null;

const isLive = (run: ScanRun | null) => run !== null && (run.state === 'starting' || run.state === 'scanning' || run.state === 'paused');

function setState(ctx: StationContext, run: ScanRun, state: RunState): void {
  const now = performance.now();
  if (run.state === 'scanning' && run.activeSince !== null) run.activeMs += now - run.activeSince;
  run.activeSince = state === 'scanning' ? now : null;
  run.state = state;
  ctx.events.emit({ type: 'scan_run', state, ...(run.pause ? { pause: run.pause.kind } : {}) });
}

/** Follows one session's events into the run: the pages fed, and what became of each stored image. */
function follow(run: ScanRun, e: { type: string; [k: string]: unknown }): void {
  const id = e.imageId as number | undefined;
  if (id === undefined) return;
  const seen = run.images.get(id);
  switch (e.type) {
    case 'scanned':
      run.fed.push({ imageId: id, sheetIndex: (e.sheetIndex as number | undefined) ?? null, side: (e.side as string | undefined) ?? null, again: false });
      if (!seen) run.images.set(id, { outcome: 'queued', pageId: null, detail: '' });
      return;
    case 'read':
      if (seen) seen.pageId = (e.pageId as string | null) ?? null;
      return;
    case 'graded':
      if (seen) Object.assign(seen, { outcome: (e.reviews as number) > 0 ? 'needs_review' : 'graded', pageId: e.pageId as string });
      return;
    case 'problem':
      // The same bytes again: this page (the last fed) shares the earlier image's outcome.
      if (e.kind === 'identical') {
        const last = run.fed.at(-1);
        if (last?.imageId === id) last.again = true;
      } else if (seen) Object.assign(seen, { outcome: e.kind as Outcome, detail: e.detail as string });
      return;
    default:
      return;
  }
}

async function runInBackground(ctx: StationContext, run: ScanRun, opened: Opened): Promise<void> {
  let following = false;
  const off = ctx.events.subscribe((e) => {
    if (e.type === 'waiting_for_station' && run.state === 'starting') {
      run.waitingFor = e.message as string;
      ctx.events.emit({ type: 'scan_run', state: run.state });
      return;
    }
    // The session's own events come after session_started; a resume of an earlier scan's pages comes before.
    if (e.type === 'session_started') {
      following = e.source === run.deviceId;
      if (following) {
        run.waitingFor = null;
        run.sessionIds.push(e.sessionId as string);
        setState(ctx, run, 'scanning');
      }
      return;
    }
    if (following) follow(run, e);
  });
  const onPause = async (why: ScanError): Promise<FeedDecision> => {
    if (run.cancelled) return 'finish';
    run.pause = { kind: why.kind, message: describeScanError(why) };
    setState(ctx, run, 'paused');
    const decision = await new Promise<FeedDecision>((resolveDecision) => (run.decide = resolveDecision));
    run.decide = null;
    run.pause = null;
    if (decision === 'continue') setState(ctx, run, 'scanning');
    return decision;
  };
  // Cancelled while waiting for the station: the session ends at once, with nothing fed.
  async function* feed() {
    if (!run.cancelled) yield* pausingFeed(opened.driver, { deviceId: opened.deviceId, source: run.source, dpi: run.dpi, mode: 'gray' }, onPause);
  }
  try {
    const { result } = await runSession(ctx, feed(), { label: run.deviceId, rescan: false });
    if (result.ok) run.summary = result.value;
    else run.fault = result.error;
  } catch (e) {
    run.fault = `the scan stopped on an unexpected error: ${(e as Error).message}. Pages already stored are safe; start the scan again.`;
  } finally {
    off();
    setState(ctx, run, run.fault ? 'stopped' : 'finished');
  }
}

const ScanInput = z.object({
  deviceId: z.string().min(1),
  source: z.enum(['flatbed', 'feeder', 'duplex']).default('feeder'),
  /** Default: settings scanDpi. */
  dpi: z.number().int().min(50).max(1200).optional(),
  /** The replay scanner's pace (demos and tests); real scanners keep their own. */
  msPerSheet: z.number().int().min(0).max(10_000).default(0),
});

/**
 * Starts a scan in the background and answers once its session has started (or failed to); progress
 * comes over the event stream and `scanStatus`. When the feeder runs empty or the scanner stops (jam,
 * cover open, unplugged) the scan pauses with the reason until `scanDecision`.
 */
const BUSY = 'a scan is already running on this station. Fix: finish or cancel it first (Scan screen).';

export const startScan = defineHandler(ScanInput, async (ctx, input) => {
  if (isLive(current)) return fail('busy', BUSY);
  const opened = openDevice(ctx, input.deviceId, input.msPerSheet);
  const driver = opened?.driver();
  if (!opened || !driver) return unknownDevice(input.deviceId);
  const caps = await driver.capabilities(opened.deviceId);
  if (!caps.ok) return fail('scanner', describeScanError(caps.error));
  const noSource = missingSource(input.deviceId, caps.value, input.source);
  if (noSource) return fail('scanner', noSource.replace(/--source (\w+)/, 'the source “$1”'));
  // Asked twice at once: the second is refused here, after the first one's checks.
  if (isLive(current)) return fail('busy', BUSY);
  const run: ScanRun = {
    deviceId: input.deviceId, source: input.source, dpi: input.dpi ?? ctx.settings.scanDpi, msPerSheet: input.msPerSheet, state: 'starting', pause: null, waitingFor: null, fault: null,
    sessionIds: [], images: new Map(), fed: [], activeMs: 0, activeSince: null, summary: null, decide: null, cancelled: false,
  };
  current = run;
  const started = new Promise<void>((r) => {
    const off = ctx.events.subscribe((e) => {
      if (e.type === 'scan_run') {
        off();
        r();
      }
    });
  });
  const done = runInBackground(ctx, run, opened);
  await Promise.race([started, done]);
  if (run.state === 'stopped') return fail('scan_stopped', run.fault ?? 'the scan did not start.');
  return ok({ sessionId: run.sessionIds[0] ?? null, state: run.state });
});

/** The teacher's answer to a paused scan: scan on, finish (keep everything), or cancel (pages already stored are kept and read). */
export const scanDecision = defineHandler(z.object({ decision: z.enum(['continue', 'finish', 'cancel']) }), async (ctx, { decision }) => {
  const run = current;
  if (!run || !isLive(run)) return fail('no_scan', 'no scan is running. Fix: start one on the Scan screen.');
  if (decision === 'cancel') {
    run.cancelled = true;
    await controlScan.run(ctx, { action: 'cancel' });
    if (run.state === 'scanning') await controlScan.run(ctx, { action: 'stop' });
  }
  if (run.decide) run.decide(decision === 'continue' ? 'continue' : 'finish');
  else if (decision === 'finish') await controlScan.run(ctx, { action: 'stop' });
  return ok({ decision });
});

/** After a scan stopped on a fault (a full disk): the same scan again; what was stored and not read is read first. */
export const restartScan = defineHandler(z.object({}), async (ctx) => {
  const run = current;
  if (!run || run.state !== 'stopped') return fail('no_scan', 'there is no stopped scan to start again. Fix: start a scan on the Scan screen.');
  return startScan.run(ctx, { deviceId: run.deviceId, source: run.source, dpi: run.dpi, msPerSheet: run.msPerSheet });
});

// ---------------------------------------------------------------- what the screen shows

/** Why a sheet was not used, in the app's terms; the app words it and says what to do with the paper. */
export type ProblemKind = 'not_ours' | 'torn_corner' | 'other_station' | 'other_class' | 'blank' | 'faint' | 'bent' | 'old_layout' | 'qr_damaged' | 'unreadable' | 'failed';
type ImageCorner = 'tl' | 'tr' | 'br' | 'bl';

/** The page reader's typed refusal reasons (vision/readPage.ts) as problems; any other reason is an image that could not be opened. */
const PROBLEM_OF_REASON: Record<string, ProblemKind> = {
  ambiguous_orientation: 'torn_corner', not_paperloop_qr: 'not_ours', no_qr: 'qr_damaged', bad_qr: 'qr_damaged', unknown_page: 'other_station',
  blank_page: 'blank', low_contrast: 'faint', geometry_mismatch: 'bent', layout_mismatch: 'old_layout',
};

/** A refusal's typed reason (the text before the first colon of its detail) as a problem, with the image corners to mark. */
export function sheetProblem(detail: string, hasPageId: boolean): { kind: ProblemKind; corners: ImageCorner[] } {
  const reason = detail.split(':')[0]!.trim();
  if (reason !== 'missing_marks') return { kind: PROBLEM_OF_REASON[reason] ?? 'unreadable', corners: [] };
  const missing = (/^missing_marks: missing ((?:tl|tr|br|bl)(?:, (?:tl|tr|br|bl))*)/.exec(detail)?.[1]?.split(', ') ?? []) as ImageCorner[];
  // No corner mark found and no page id: a sheet that is not ours. One or two gone: a damaged corner.
  return { kind: (missing.length === 0 || missing.length >= 3) && !hasPageId ? 'not_ours' : 'torn_corner', corners: missing };
}

type Problem = { imageId: number; sheet: number | null; side: string | null; kind: ProblemKind; corners: ImageCorner[]; detail: string; student: string | null; className: string | null };

/**
 * What a stored image came to. An image stored by an earlier scan comes as a duplicate of the page
 * it was read as; when that earlier scan refused it, this sheet is refused for the same reason.
 */
function imageOf(ctx: StationContext, run: ScanRun, imageId: number): SeenImage {
  const seen = run.images.get(imageId) ?? { outcome: 'queued' as const, pageId: null, detail: '' };
  if (seen.outcome !== 'duplicate' || seen.pageId) return seen;
  const row = ctx.store.scans.image(imageId);
  if (row?.status === 'refused' || row?.status === 'failed') return { outcome: row.status, pageId: row.pageId, detail: row.reason ?? '' };
  // Read before: its page counts for the stack's integrity all the same.
  return { ...seen, pageId: row?.pageId ?? null };
}

/** What a fed page came to: its image's outcome, except that a read page fed again is a page scanned twice. */
function outcomeOf(page: FedPage, image: SeenImage): Outcome {
  const outcome = image.outcome;
  return page.again && (outcome === 'graded' || outcome === 'needs_review' || outcome === 'blank_back' || outcome === 'duplicate') ? 'identical' : outcome;
}

function statusOf(ctx: StationContext, run: ScanRun) {
  const pageCache = new Map<string, PrintedPage | null>();
  const printed = (id: string | null | undefined) => {
    if (!id) return null;
    if (!pageCache.has(id)) pageCache.set(id, ctx.store.printedPage(id));
    return pageCache.get(id)!;
  };
  const images = new Map([...run.images.keys()].map((id) => [id, imageOf(ctx, run, id)]));
  const fed = run.fed.map((p) => ({ ...p, outcome: outcomeOf(p, images.get(p.imageId)!), image: images.get(p.imageId)! }));
  const read = fed.filter((p) => ['graded', 'needs_review', 'duplicate', 'identical'].includes(p.outcome));
  // The stack's print job: the one most of its pages came from.
  const perJob = new Map<string, number>();
  for (const p of read) {
    const job = printed(p.image.pageId)?.jobId;
    if (job) perJob.set(job, (perJob.get(job) ?? 0) + 1);
  }
  const jobId = [...perJob].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const stackClass = jobId ? printed(read.find((p) => printed(p.image.pageId)?.jobId === jobId)!.image.pageId)!.classId : null;
  const names = new Map(ctx.store.students().map((s) => [s.id, s.displayName]));
  const className = (id: string) => ctx.store.schoolClass(id)?.name ?? id;

  // One card per sheet to take out or deal with, including a refused sheet fed again.
  const problems: Problem[] = [];
  for (const p of fed) {
    const page = printed(p.image.pageId);
    const base = {
      imageId: p.imageId, sheet: p.sheetIndex === null ? null : p.sheetIndex + 1, side: p.side, detail: p.image.detail,
      student: page ? (names.get(page.studentId) ?? page.studentId) : null, className: page ? className(page.classId) : null,
    };
    if (p.outcome === 'refused') problems.push({ ...base, ...sheetProblem(p.image.detail, !!p.image.pageId) });
    else if (p.outcome === 'failed') problems.push({ ...base, kind: 'failed', corners: [] });
    else if (page && stackClass && page.classId !== stackClass && read.includes(p)) problems.push({ ...base, kind: 'other_class', corners: [] });
  }

  let integrity = null;
  if (jobId && stackClass) {
    const { pages, images: scanned } = imagesForJob(ctx.db, jobId);
    const report = stackIntegrity(pages, scanned);
    const workbook = pages.length ? ctx.store.workbook(printed(pages[0]!.pageId)!.workbookId) : null;
    const set = workbook ? ctx.store.workbookSet(workbook.setId) : null;
    integrity = {
      jobId, className: className(stackClass), date: set?.date ?? null, subject: set?.subject ?? null, complete: report.complete,
      students: report.students.map((s) => ({ ...s, name: names.get(s.studentId) ?? s.studentId })),
      foreignSheets: report.foreignPages.length, blankSheets: report.blankPages,
    };
  }
  const count = (...outcomes: Outcome[]) => fed.filter((p) => outcomes.includes(p.outcome)).length;
  const activeMs = run.activeMs + (run.activeSince === null ? 0 : performance.now() - run.activeSince);
  return {
    state: run.state, deviceId: run.deviceId, source: run.source, dpi: run.dpi, sessionIds: run.sessionIds, pause: run.pause, waitingFor: run.waitingFor, fault: run.fault, faultKind: run.fault ? faultKind(run.fault) : null,
    sheets: new Set(fed.map((p, i) => p.sheetIndex ?? `page ${i}`)).size,
    pages: fed.length,
    pagesPerSecond: activeMs > 0 ? Math.round((fed.length / (activeMs / 1000)) * 10) / 10 : 0,
    counts: { graded: count('graded'), needsReview: count('needs_review'), blankBacks: count('blank_back'), refused: count('refused', 'failed'), duplicates: count('duplicate', 'identical'), waiting: count('queued') },
    thumbnails: fed.slice(-RECENT_THUMBNAILS).map((p, i) => ({ key: `${fed.length - Math.min(fed.length, RECENT_THUMBNAILS) + i}`, imageId: p.imageId, outcome: p.outcome })),
    problems: problems.slice(-PROBLEMS_LISTED).map((p, i) => ({ ...p, key: `${p.imageId}:${p.sheet ?? ''}:${p.side ?? ''}:${i}` })),
    integrity,
    summary: run.summary,
  };
}

/** Which fault stopped a scan, for the app's plain words (the station's own message is shown beside them). */
const faultKind = (fault: string): 'disk_full' | 'not_writable' | 'other' => (/ is full\b/.test(fault) ? 'disk_full' : /^cannot write to /.test(fault) ? 'not_writable' : 'other');

/** The app's scan as it is now (null before the first), and pages an interrupted scan left stored but unread. */
export const scanStatus = defineHandler(z.object({}), async (ctx) =>
  ok({
    run: current ? statusOf(ctx, current) : null,
    interrupted: isLive(current) ? null : { waiting: ctx.store.scans.queuedImages().length, sessions: ctx.store.scans.unfinishedSessions().length },
  }),
);

/** Reads the pages an interrupted scan stored but never read (start-up does this too). */
export const readInterrupted = defineHandler(z.object({}), async (ctx) => {
  if (isLive(current)) return fail('busy', 'a scan is running; it reads these pages itself first.');
  return resumeScans.run(ctx, {});
});

// ---------------------------------------------------------------- page images for the screen

/** A stored scan as a small PNG for the screen (any stored format: JPEG, PNG, TIFF, PGM from SANE). */
export async function scanThumbnail(bytes: Buffer, mediaType: string, width: number): Promise<Buffer> {
  const isPnm = mediaType.includes('portable') || bytes.subarray(0, 2).toString('latin1').match(/^P[1-6]$/);
  const image = isPnm
    ? (() => {
        const grey = decodePnm(bytes);
        return sharp(Buffer.from(grey.data), { raw: { width: grey.width, height: grey.height, channels: 1 } });
      })()
    : sharp(bytes);
  return image.resize({ width, withoutEnlargement: true }).png({ compressionLevel: 6 }).toBuffer();
}

export const scanningHandlers = { scanDevices, scanCapabilities, startScan, scanDecision, restartScan, scanStatus, readInterrupted } as const;
