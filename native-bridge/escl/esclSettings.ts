/** Named settings of the eSCL driver, with their defaults (the only place they live). */
import { DEFAULT_PAGE_SIZE_MM, type PageSizeMm } from '../contract';

export interface EsclScannerConfig {
  /** The eSCL root, e.g. `http://printer.local/eSCL` (see the device's `rs` TXT record). */
  readonly url: string;
}

export interface EsclSettings {
  readonly scanners: readonly EsclScannerConfig[];
  /** For capabilities, status, job creation and deletion. */
  readonly requestTimeoutMs: number;
  /** NextDocument may block while the page is scanned. */
  readonly pageTimeoutMs: number;
  /** Pause between NextDocument calls; some devices misbehave when asked back to back. */
  readonly nextDocumentDelayMs: number;
  /** Wait after a 503 when the server sends no Retry-After. */
  readonly busyRetryDelayMs: number;
  /** Longest Retry-After honoured. */
  readonly maxRetryAfterMs: number;
  /** 503s in a row before giving up with Busy. */
  readonly busyRetryLimit: number;
  /** How many more ScannerStatus reads to make when the feeder reports a jam. */
  readonly jamRecheckReads: number;
  /** Pause before each re-read of ScannerStatus (a jam or an empty feeder). */
  readonly jamRecheckDelayMs: number;
  /** How many more ScannerStatus reads to make when the feeder reports empty (AirSane repeats it once after a batch). */
  readonly emptyRecheckReads: number;
  /** A job another client created this recently and has not started yet holds the scanner (Busy). */
  readonly pendingJobBusySeconds: number;
  /** Formats to ask for, best first; the first one the device offers wins. */
  readonly documentFormats: readonly ('image/jpeg' | 'image/png' | 'image/tiff')[];
  /** Check each returned page's width and colour against the request. */
  readonly verifyImages: boolean;
  /** Allowed relative difference between expected and returned page width. */
  readonly widthTolerance: number;
  readonly defaultPageSizeMm: PageSizeMm;
}

export const DEFAULT_ESCL_SETTINGS: EsclSettings = {
  scanners: [],
  requestTimeoutMs: 10_000,
  pageTimeoutMs: 120_000,
  nextDocumentDelayMs: 250,
  busyRetryDelayMs: 1_000,
  maxRetryAfterMs: 10_000,
  busyRetryLimit: 30,
  jamRecheckReads: 3,
  jamRecheckDelayMs: 500,
  emptyRecheckReads: 1,
  pendingJobBusySeconds: 60,
  documentFormats: ['image/jpeg', 'image/png'],
  verifyImages: true,
  widthTolerance: 0.05,
  defaultPageSizeMm: DEFAULT_PAGE_SIZE_MM,
};

export const esclSettings = (overrides: Partial<EsclSettings> = {}): EsclSettings => ({
  ...DEFAULT_ESCL_SETTINGS,
  ...overrides,
});
