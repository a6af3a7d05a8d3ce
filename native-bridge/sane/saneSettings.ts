/** Named settings of the SANE driver, with their defaults (the only place they live). */
import { DEFAULT_PAGE_SIZE_MM, type PageSizeMm } from '../contract';

export type SaneGrayFormat = 'pnm' | 'png' | 'tiff';
export type SaneColorFormat = 'png' | 'tiff';

export interface SaneSettings {
  /** The scanimage program. */
  readonly scanimagePath: string;
  /** Sets SANE_CONFIG_DIR for every scanimage run (e.g. a folder enabling the `test` backend). */
  readonly saneConfigDir?: string;
  /** Extra environment for scanimage. */
  readonly env?: Readonly<Record<string, string>>;
  /** Appended to every batch command, e.g. `['--read-return-value', 'SANE_STATUS_JAMMED']` for the test backend. */
  readonly extraArgs: readonly string[];
  /** Parent folder for each batch's temporary folder; defaults to the OS temp folder. */
  readonly workDir?: string;
  /** Output format per mode. Colour PNM (PPM) has no contract media type, so colour uses PNG or TIFF. */
  readonly format: { readonly gray: SaneGrayFormat; readonly color: SaneColorFormat };
  /** `scanimage -L` can take long while network backends probe. */
  readonly listTimeoutMs: number;
  readonly optionsTimeoutMs: number;
  /** Longest wait for the next page of a batch before giving up. */
  readonly pageTimeoutMs: number;
  /** How often the batch folder is checked besides scanimage's own announcements. */
  readonly pollIntervalMs: number;
  /** After SIGINT (scanimage cancels the scan), how long before SIGKILL. */
  readonly stopGraceMs: number;
  readonly defaultPageSizeMm: PageSizeMm;
}

export const DEFAULT_SANE_SETTINGS: SaneSettings = {
  scanimagePath: 'scanimage',
  extraArgs: [],
  format: { gray: 'pnm', color: 'png' },
  listTimeoutMs: 30_000,
  optionsTimeoutMs: 30_000,
  pageTimeoutMs: 120_000,
  pollIntervalMs: 200,
  stopGraceMs: 3_000,
  defaultPageSizeMm: DEFAULT_PAGE_SIZE_MM,
};

export const saneSettings = (overrides: Partial<SaneSettings> = {}): SaneSettings => ({
  ...DEFAULT_SANE_SETTINGS,
  ...overrides,
});

export function saneEnv(settings: SaneSettings): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...settings.env,
    ...(settings.saneConfigDir === undefined ? {} : { SANE_CONFIG_DIR: settings.saneConfigDir }),
  };
}
