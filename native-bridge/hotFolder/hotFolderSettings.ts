/** Named settings of the hot-folder driver, with their defaults (the only place they live). */
import { COMMON_RESOLUTIONS, type ResolutionRange } from '../contract';
import { RENDER_DPI_RANGE } from '../fileImport';
import { DEFAULT_IGNORE_PATTERNS, type TakenLedger } from './fileStability';

export interface HotFolderConfig {
  /** Short name; the device id is `hot-folder:<name>`. */
  readonly name: string;
  /** The folder the scanner's scan-to-folder (SMB/FTP) writes into. */
  readonly path: string;
}

export interface HotFolderSettings {
  readonly folders: readonly HotFolderConfig[];
  /** Polling interval; fs.watch only makes checks come sooner. */
  readonly pollIntervalMs: number;
  /** A file is complete when its size and mtime have not changed for this long (two checks). */
  readonly stableForMs: number;
  /** A batch ends (FeederEmpty) after this long without a new or growing file. */
  readonly idleTimeoutMs: number;
  readonly ignorePatterns: readonly RegExp[];
  /** Take files already in the folder when a batch starts (and not yet taken). */
  readonly takeExisting: boolean;
  /** For duplex: pair pages inside each file, or pair consecutive pages across files (one page per file). */
  readonly duplexPairing: 'within-file' | 'across-files';
  /** Use fs.watch as well as polling (some network file systems never report changes). */
  readonly useFsWatch: boolean;
  /** Resolutions offered for rendering PDFs (images keep their own). */
  readonly resolutions: readonly number[];
  readonly resolutionRange: ResolutionRange;
  /** Shared across batches; defaults to one in memory per driver. */
  readonly ledger?: TakenLedger;
  /** What time it is and when checks run; defaults to the system's. Tests inject one to run checks one at a time. */
  readonly clock?: HotFolderClock;
}

export interface HotFolderClock {
  now(): number;
  /** Runs `check` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, check: () => Promise<void>): () => void;
}

export const SYSTEM_CLOCK: HotFolderClock = {
  now: () => Date.now(),
  every(intervalMs, check) {
    const timer = setInterval(() => void check(), intervalMs);
    return () => clearInterval(timer);
  },
};

export const DEFAULT_HOT_FOLDER_SETTINGS: HotFolderSettings = {
  folders: [],
  pollIntervalMs: 500,
  stableForMs: 1_000,
  idleTimeoutMs: 15_000,
  ignorePatterns: DEFAULT_IGNORE_PATTERNS,
  takeExisting: true,
  duplexPairing: 'within-file',
  useFsWatch: true,
  resolutions: COMMON_RESOLUTIONS,
  resolutionRange: RENDER_DPI_RANGE,
};

export const hotFolderSettings = (overrides: Partial<HotFolderSettings> = {}): HotFolderSettings => ({
  ...DEFAULT_HOT_FOLDER_SETTINGS,
  ...overrides,
});
