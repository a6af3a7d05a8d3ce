import { z } from 'zod';
import { LearningSettings } from './learning/settings';
import { NetworkSettings } from './networkSettings';
import { DEFAULT_SCAN_DPI } from './scanDpi';
import { err, ok, type Result } from './result';
import { describeSettingsIssues } from './settingsKeys';
import { WorkloadCaps } from './workload';

const milliseconds = z.number().int().min(0);

/** Station settings: one object, every default in exactly one place. Stored as settings.json in the data folder. */
export const StationSettings = z.strictObject({
  /** Prefix of every page id printed here; unique across the district. */
  stationId: z.string().regex(/^[A-Z0-9]{2,8}$/, '2–8 capital letters or digits').default('ST01'),
  caps: WorkloadCaps.default(WorkloadCaps.parse({})),
  pageStyle: z.string().default('a4'),
  /** The resolution scanners are asked for, and assumed for image files that do not say theirs (docs/scanners.md: grey at 300 dpi). */
  scanDpi: z.number().int().min(75).max(1200).default(DEFAULT_SCAN_DPI),
  /** 'blank_backs': every page is followed by a marked blank back; 'continuous': backs carry the next page. A page style may set its own. */
  duplex: z.enum(['blank_backs', 'continuous']).default('continuous'),
  /** Partial credit for multiple-choice answers: none, or per option (correct picks minus wrong picks). */
  multipleChoicePartialCredit: z.enum(['none', 'per_option']).default('per_option'),
  defaultLanguage: z.string().default('zh'),
  /** The learning loop: modules on/off (teacher autonomy), mastery model, selection and analytics thresholds (docs/mastery.md). */
  learning: LearningSettings.prefault({}),
  /** Scanners this station drives besides USB/SANE ones, which are found by themselves. */
  scanners: z
    .strictObject({
      /** Network multifunction printers (eSCL/AirScan), e.g. { "url": "http://192.168.1.40/eSCL" }. */
      escl: z.array(z.strictObject({ url: z.string().url() })).default([]),
      /** Scan-to-folder shares, e.g. { "name": "office-mfp", "path": "/srv/scans" }. */
      hotFolders: z.array(z.strictObject({ name: z.string().regex(/^[a-z0-9-]+$/), path: z.string() })).default([]),
      /** The scanner, paper source and (with scanDpi) resolution the Scan screen starts with; the teacher may pick others. */
      defaultDevice: z.string().min(1).optional(),
      defaultSource: z.enum(['flatbed', 'feeder', 'duplex']).default('feeder'),
      /** A SANE_CONFIG_DIR of its own (e.g. to enable the SANE test backend without touching /etc). */
      saneConfigDir: z.string().optional(),
      /** SANE driver options; unset ones keep the driver's defaults (native-bridge/sane/saneSettings.ts). */
      sane: z
        .strictObject({
          scanimagePath: z.string().min(1).optional(),
          /** Vendor options added to every batch, e.g. ["--swdeskew=yes"]. */
          extraArgs: z.array(z.string()).optional(),
          pageTimeoutMs: milliseconds.optional(),
          listTimeoutMs: milliseconds.optional(),
          optionsTimeoutMs: milliseconds.optional(),
        })
        .prefault({}),
      /** eSCL driver options for every network scanner; unset ones keep the driver's defaults (native-bridge/escl/esclSettings.ts). */
      esclOptions: z
        .strictObject({
          /** false: do not check that returned pages have the requested colour and width (a device known to be fine). */
          verifyImages: z.boolean().optional(),
          requestTimeoutMs: milliseconds.optional(),
          pageTimeoutMs: milliseconds.optional(),
          nextDocumentDelayMs: milliseconds.optional(),
          busyRetryDelayMs: milliseconds.optional(),
          maxRetryAfterMs: milliseconds.optional(),
          busyRetryLimit: z.number().int().min(0).optional(),
          jamRecheckReads: z.number().int().min(0).optional(),
          jamRecheckDelayMs: milliseconds.optional(),
        })
        .prefault({}),
      /** Hot-folder driver options for every share; unset ones keep the driver's defaults (native-bridge/hotFolder/hotFolderSettings.ts). */
      hotFolderOptions: z
        .strictObject({
          /** A file is complete when its size and time have not changed for this long. */
          stableForMs: milliseconds.optional(),
          /** A batch ends (the feeder is empty) after this long without a new file. */
          idleTimeoutMs: milliseconds.optional(),
          /** Duplex: pair pages inside each file, or consecutive pages across files (one image per side). */
          duplexPairing: z.enum(['within-file', 'across-files']).optional(),
        })
        .prefault({}),
    })
    .prefault({}),
  network: NetworkSettings.prefault({}),
  /**
   * The station's own mark thresholds for bubbles, over the reader's defaults (src/vision/settings.ts, where each
   * default lives and the band's rules are checked). Unset: the default. The Settings screen previews a change.
   */
  reading: z
    .strictObject({ bubbles: z.strictObject({ definite: z.number().min(0).max(1).optional(), marginal: z.number().min(0).max(1).optional() }).prefault({}) })
    .prefault({}),
});
export type StationSettings = z.infer<typeof StationSettings>;
export const DEFAULT_STATION_SETTINGS: StationSettings = StationSettings.parse({});

/** Parses the contents of a settings file: an unknown or misspelt key is refused, naming the nearest valid key. */
export function parseStationSettings(json: unknown, file: string): Result<StationSettings, string[]> {
  const parsed = StationSettings.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(describeSettingsIssues(StationSettings, parsed.error.issues, file));
}
