import type { BatchOptions, ScanError, ScannerDriver } from '../../native-bridge/contract';
import type { IncomingImage } from './session';

export type FeedEnd = { kind: 'done' } | { kind: 'error'; error: ScanError };

/**
 * Pulls sheets from a scanner batch as page images (front, then back). The stack ends at
 * FeederEmpty; any other typed error (Jammed, CoverOpen, Disconnected…) ends it too and is kept in
 * `end`, so the session can say what happened while every page already fed stays stored.
 */
export function batchAsPages(driver: ScannerDriver, options: BatchOptions): { pages: AsyncIterable<IncomingImage>; end: () => FeedEnd } {
  let end: FeedEnd = { kind: 'done' };
  async function* pages(): AsyncGenerator<IncomingImage> {
    const started = await driver.startBatch(options);
    if (!started.ok) {
      end = { kind: 'error', error: started.error };
      return;
    }
    const batch = started.value;
    try {
      for (;;) {
        const sheet = await batch.scanSheet();
        if (!sheet.ok) {
          if (sheet.error.kind !== 'FeederEmpty') end = { kind: 'error', error: sheet.error };
          return;
        }
        yield { bytes: sheet.value.front.bytes, mediaType: sheet.value.front.mediaType, sheetIndex: sheet.value.index, side: 'front' };
        if (sheet.value.back) yield { bytes: sheet.value.back.bytes, mediaType: sheet.value.back.mediaType, sheetIndex: sheet.value.index, side: 'back' };
      }
    } finally {
      await batch.endBatch();
    }
  }
  return { pages: pages(), end: () => end };
}

export function describeScanError(e: ScanError): string {
  const fixes: Record<string, string> = {
    Jammed: 'clear the jam, put the unscanned sheets back in the feeder and scan again; pages already fed are stored',
    CoverOpen: 'close the scanner cover and scan again',
    FeederEmpty: 'put the stack in the feeder',
    Busy: 'the scanner is busy with another job; wait and scan again',
    NoDuplex: 'this scanner has no duplex unit; use --source feeder',
    Disconnected: 'check the scanner cable/power or network, then scan again; pages already fed are stored',
  };
  return `${e.kind}: ${e.message}${e.detail ? ` (${e.detail})` : ''}. Fix: ${fixes[e.kind] ?? 'see the scanner troubleshooting in the README'}.`;
}
