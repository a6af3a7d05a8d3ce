import { z } from 'zod';
import { LearningSettings } from './learning/settings';
import { WorkloadCaps } from './workload';

/** Station settings: one object, every default in exactly one place. Stored as settings.json in the data folder. */
export const StationSettings = z.object({
  /** Prefix of every page id printed here; unique across the district. */
  stationId: z.string().regex(/^[A-Z0-9]{2,8}$/, '2–8 capital letters or digits').default('ST01'),
  caps: WorkloadCaps.default(WorkloadCaps.parse({})),
  pageStyle: z.string().default('a4'),
  duplex: z.enum(['blank_backs', 'continuous']).default('continuous'),
  /** Partial credit for multiple-choice answers: none, or per option (correct picks minus wrong picks). */
  multipleChoicePartialCredit: z.enum(['none', 'per_option']).default('per_option'),
  defaultLanguage: z.string().default('zh'),
  /** The learning loop: modules on/off (teacher autonomy), mastery model, selection and analytics thresholds (docs/mastery.md). */
  learning: LearningSettings.prefault({}),
  /** Scanners this station drives besides USB/SANE ones, which are found by themselves. */
  scanners: z
    .object({
      /** Network multifunction printers (eSCL/AirScan), e.g. { "url": "http://192.168.1.40/eSCL" }. */
      escl: z.array(z.object({ url: z.string().url() })).default([]),
      /** Scan-to-folder shares, e.g. { "name": "office-mfp", "path": "/srv/scans" }. */
      hotFolders: z.array(z.object({ name: z.string().regex(/^[a-z0-9-]+$/), path: z.string() })).default([]),
      /** A SANE_CONFIG_DIR of its own (e.g. to enable the SANE test backend without touching /etc). */
      saneConfigDir: z.string().optional(),
    })
    .default({ escl: [], hotFolders: [] }),
});
export type StationSettings = z.infer<typeof StationSettings>;
