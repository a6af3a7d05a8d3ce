/**
 * The one scanner driver interface. Every driver (SANE, eSCL, hot folder,
 * replay) implements `ScannerDriver`, and `contract.suite.ts` runs the same
 * tests against each of them.
 *
 * native-bridge imports nothing from src/, so it keeps its own tiny Result.
 */

// ---------------------------------------------------------------- Result

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });

export function throwIllegalValue(value: never, what = 'value'): never {
  throw new Error(`Illegal ${what}: ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------- errors

export const SCAN_ERROR_KINDS = [
  'FeederEmpty',
  'Jammed',
  'CoverOpen',
  'Busy',
  'NoDuplex',
  'Disconnected',
  'Unsupported',
  'DeviceError',
] as const;

export type ScanErrorKind = (typeof SCAN_ERROR_KINDS)[number];

/**
 * Errors are data. `FeederEmpty` is the normal end of a batch.
 * Any other error from `scanSheet` ends the batch (later calls return the
 * same error), except a per-file `Unsupported` from the hot folder, which
 * names one unreadable file; calling `scanSheet` again continues.
 */
export interface ScanError {
  readonly kind: ScanErrorKind;
  readonly message: string;
  readonly detail?: string;
  /**
   * On `FeederEmpty`: the batch ended because feeding was paused (`pauseFeeding`, or a Ctrl+C that reached the
   * scanner's own program), not because the tray ran out.
   */
  readonly paused?: true;
}

export const scanError = (kind: ScanErrorKind, message: string, detail?: string): ScanError =>
  detail === undefined ? { kind, message } : { kind, message, detail };

/** The end of a batch whose feeding was paused: the sheets already scanned were all handed over. */
export const feedingPaused = (): ScanError => ({ kind: 'FeederEmpty', message: 'Feeding paused', paused: true });

// ---------------------------------------------------------------- devices

export type DriverKind = 'sane' | 'escl' | 'hot-folder' | 'replay';

export interface DeviceInfo {
  /** Unique across drivers: `<kind>:<driver's own name>` e.g. `sane:fujitsu:fi-7160:1234`. */
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly kind: DriverKind;
  /** Set when a configured device does not answer: why (it is listed all the same). */
  readonly notAnswering?: string;
}

export type PaperSource = 'flatbed' | 'feeder' | 'duplex';
export type ColorMode = 'gray' | 'color';

export interface SourceCapability {
  readonly source: PaperSource;
  /** The device's own name for it, e.g. `ADF Duplex`, `Automatic Document Feeder`, `Platen`. */
  readonly vendorName: string;
}

export interface ModeCapability {
  readonly mode: ColorMode;
  /** The device's own name for it, e.g. `Gray`, `True Gray`, `Grayscale8`. */
  readonly vendorName: string;
}

export interface PageSizeMm {
  readonly width: number;
  readonly height: number;
}

export interface ResolutionRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export interface Capabilities {
  readonly deviceId: string;
  readonly sources: readonly SourceCapability[];
  /** Discrete resolutions in dpi. For devices with a range, the common values inside it. */
  readonly resolutions: readonly number[];
  /** Present when the device accepts any dpi in a range. */
  readonly resolutionRange?: ResolutionRange;
  readonly modes: readonly ModeCapability[];
  /** Largest scan area, when the device reports it. */
  readonly maxPageSizeMm?: PageSizeMm;
}

// ---------------------------------------------------------------- batches

export type MediaType = 'image/png' | 'image/jpeg' | 'image/tiff' | 'image/x-portable-graymap';

export interface ScannedImage {
  readonly bytes: Uint8Array;
  readonly mediaType: MediaType;
  readonly dpi?: number;
  /** Where it came from: the device's source name, or a file name. */
  readonly sourceName?: string;
}

export interface Sheet {
  /** 0-based position of the sheet in its batch. */
  readonly index: number;
  readonly front: ScannedImage;
  readonly back?: ScannedImage;
}

export interface BatchOptions {
  readonly deviceId: string;
  readonly source: PaperSource;
  readonly dpi: number;
  readonly mode: ColorMode;
  /** Scan area; each driver has a default (A4) and clamps to the device's maximum. */
  readonly pageSizeMm?: PageSizeMm;
}

/**
 * A pull model (after VotingWorks' `scanSheets()`): ask for one sheet at a time.
 * Calls are serialised; `endBatch` is idempotent and after it `scanSheet`
 * returns `FeederEmpty`.
 */
export interface Batch {
  scanSheet(): Promise<Result<Sheet, ScanError>>;
  /**
   * Stop feeding new sheets. Sheets already scanned are still returned, then
   * `FeederEmpty`. Continue with a new `startBatch`.
   */
  pauseFeeding(): Promise<void>;
  endBatch(): Promise<void>;
}

export interface ScannerDriver {
  readonly kind: DriverKind;
  listDevices(): Promise<DeviceInfo[]>;
  capabilities(deviceId: string): Promise<Result<Capabilities, ScanError>>;
  startBatch(options: BatchOptions): Promise<Result<Batch, ScanError>>;
}

// ---------------------------------------------------------------- shared defaults

/** A4, the default scan area of every driver. */
export const DEFAULT_PAGE_SIZE_MM: PageSizeMm = { width: 210, height: 297 };

/** Values offered when a device accepts a dpi range. */
export const COMMON_RESOLUTIONS: readonly number[] = [75, 100, 150, 200, 240, 300, 400, 600];

export const MM_PER_INCH = 25.4;

/** Colour modes of the file-based drivers (hot folder, replay): they hand over whatever the file holds. */
export const FILE_MODES: readonly ModeCapability[] = [
  { mode: 'gray', vendorName: 'gray' },
  { mode: 'color', vendorName: 'color' },
];
