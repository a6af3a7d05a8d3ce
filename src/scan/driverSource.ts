import type { Batch, BatchOptions, Capabilities, PaperSource, ScanError, ScannerDriver } from '../../native-bridge/contract';
import { throwIllegalValue } from '../domain/result';
import type { IncomingImage } from './session';

/**
 * How a feed ended, with the pages the scanner handed over (`fed`, fronts and backs):
 * - `done`: the feeder ran empty after at least one sheet;
 * - `stopped`: feeding was stopped (Ctrl+C, `stopFeeding`), and every sheet already scanned was handed over;
 * - `error`: a typed scanner error, before any sheet (no job started) or mid-stack.
 */
export type FeedEnd =
  | { kind: 'done'; fed: number }
  | { kind: 'stopped'; fed: number }
  | { kind: 'error'; error: ScanError; fed: number };

/** Batches feeding in this process, so a transport (Ctrl+C, the UI) can stop them. */
const feeding = new Set<{ stop(): Promise<void> }>();

/**
 * Stops every feed of this process: the scanner feeds no new sheet, and the sheets it already
 * scanned are still handed over (and so stored) before the feed ends. Returns how many feeds it stopped.
 */
export async function stopFeeding(): Promise<number> {
  const feeds = [...feeding];
  await Promise.all(feeds.map((f) => f.stop()));
  return feeds.length;
}

/**
 * Pulls sheets from a scanner batch as page images (front, then back). The stack ends at
 * FeederEmpty; any other typed error (Jammed, CoverOpen, Disconnected…) ends it too and is kept in
 * `end`, so the session can say what happened while every page already fed stays stored. An empty
 * feeder before the first sheet is an error: no job ran.
 */
export function batchAsPages(driver: ScannerDriver, options: BatchOptions): { pages: AsyncIterable<IncomingImage>; end: () => FeedEnd; stop: () => Promise<void> } {
  let fed = 0;
  let sheets = 0;
  let stopRequested = false;
  // The driver says feeding was paused: by this feed's stop, or by a Ctrl+C that reached the scanner's own
  // program (scanimage) before the station saw its own signal.
  let endedPaused = false;
  const stopped = () => stopRequested || endedPaused;
  let batch: Batch | undefined;
  let endError: ScanError | undefined;
  const feed = {
    async stop() {
      stopRequested = true;
      await batch?.pauseFeeding();
    },
  };
  // registered now, so a stop that comes before the first sheet is kept
  feeding.add(feed);
  async function* pages(): AsyncGenerator<IncomingImage> {
    try {
      const started = await driver.startBatch(options);
      if (!started.ok) {
        endError = started.error;
        return;
      }
      batch = started.value;
      if (stopRequested) await batch.pauseFeeding();
      for (;;) {
        const sheet = await batch.scanSheet();
        if (!sheet.ok) {
          endedPaused = sheet.error.paused === true;
          const emptyAtOnce = sheet.error.kind === 'FeederEmpty' && sheets === 0 && !stopped();
          if (sheet.error.kind !== 'FeederEmpty' || emptyAtOnce) endError = sheet.error;
          return;
        }
        sheets++;
        const { front, back, index } = sheet.value;
        fed += back ? 2 : 1;
        yield { bytes: front.bytes, mediaType: front.mediaType, sheetIndex: index, side: 'front' };
        if (back) yield { bytes: back.bytes, mediaType: back.mediaType, sheetIndex: index, side: 'back' };
      }
    } finally {
      feeding.delete(feed);
      await batch?.endBatch();
    }
  }
  const end = (): FeedEnd => {
    feeding.delete(feed);
    if (endError !== undefined) return { kind: 'error', error: endError, fed };
    return stopped() ? { kind: 'stopped', fed } : { kind: 'done', fed };
  };
  return { pages: pages(), end, stop: feed.stop };
}

/** What the scanner said at the end of a feed, for the summary line. */
export function describeFeedEnd(end: FeedEnd): string {
  switch (end.kind) {
    case 'done':
      return 'feeder empty';
    case 'stopped':
      return `stopped: the scanner fed ${end.fed} page${end.fed === 1 ? '' : 's'}, all stored`;
    case 'error':
      return describeScanError(end.error);
    default:
      return throwIllegalValue(end, 'feed end');
  }
}

const FIXES: Record<ScanError['kind'], string> = {
  Jammed: 'clear the jam, put the unscanned sheets back in the feeder and scan again; pages already fed are stored',
  CoverOpen: 'close the scanner cover and scan again',
  FeederEmpty: 'put the stack in the feeder, push it in until the sensor clicks, and scan again',
  Busy: 'the scanner is busy with another job (another station or a copier user); wait until it is free and scan again',
  NoDuplex: 'this scanner cannot scan both sides; scan the fronts with --source feeder (simplex feeder)',
  Disconnected: 'check the scanner cable/power or network, then scan again; pages already fed are stored',
  Unsupported: 'choose a setting the scanner offers (see "paperloop devices" and docs/scanners.md)',
  DeviceError: 'see the scanner troubleshooting in docs/scanners.md',
};

export function describeScanError(e: ScanError): string {
  return `${e.kind}: ${e.message}${e.detail ? ` (${e.detail})` : ''}. Fix: ${FIXES[e.kind]}.`;
}

/** Why a device cannot scan from `source`, with the source to use instead; undefined when it can. */
export function missingSource(deviceId: string, caps: Capabilities, source: PaperSource): string | undefined {
  const offered = caps.sources.map((s) => s.source);
  if (offered.includes(source)) return undefined;
  // a stack wants a feeder: suggest the simplex feeder before the glass
  const instead = (['feeder', 'duplex', 'flatbed'] as const).find((s) => offered.includes(s));
  const what = source === 'duplex' ? 'cannot scan both sides (no duplex source)' : `has no ${source} source`;
  return `${deviceId} ${what}; it has ${offered.join(', ') || 'no source'}. Fix: use --source ${instead ?? 'feeder'}${instead === 'feeder' && source === 'duplex' ? ' to scan the fronts (simplex feeder)' : ''}.`;
}

/** What the teacher chose when a feed paused: scan on (a new batch), or end the stack here. */
export type FeedDecision = 'continue' | 'finish';

/**
 * Feeds batch after batch from one device, for the app: when a batch ends by itself (the feeder ran
 * empty, a jam, the cover open, the scanner gone), `onPause` gets the reason and waits for the
 * teacher. `continue` opens the device again (the jam cleared, the cable back in) and starts a new
 * batch; `finish` ends the feed. A stop (`stopFeeding`) ends it at once. Sheets are numbered across batches.
 */
export async function* pausingFeed(
  openDriver: () => ScannerDriver | null,
  options: BatchOptions,
  onPause: (why: ScanError, fedInBatch: number) => Promise<FeedDecision>,
): AsyncGenerator<IncomingImage> {
  let firstSheet = 0;
  for (;;) {
    const driver = openDriver();
    let end: FeedEnd = { kind: 'error', error: { kind: 'Disconnected', message: `${options.deviceId} is not connected` }, fed: 0 };
    let nextSheet = firstSheet;
    if (driver) {
      const feed = batchAsPages(driver, options);
      for await (const page of feed.pages) {
        const sheetIndex = firstSheet + (page.sheetIndex ?? 0);
        nextSheet = sheetIndex + 1;
        yield { ...page, sheetIndex };
      }
      end = feed.end();
    }
    firstSheet = nextSheet;
    if (end.kind === 'stopped') return;
    const why: ScanError = end.kind === 'error' ? end.error : { kind: 'FeederEmpty', message: 'the feeder is empty' };
    if ((await onPause(why, end.fed)) === 'finish') return;
  }
}
