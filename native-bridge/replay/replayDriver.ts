/**
 * The replay scanner: plays a folder (sorted by file name) or a list of
 * files as if they came through a feeder, at a set pace. It serves the demo
 * and the tests, and can be told to fail at a given sheet.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchEnded, createBatch, sheetsFromPages, type Outcome, type SheetProducer } from '../batchCore';
import { deviceIdFor, resolveBatchOptions, unknownDevice } from '../batchOptions';
import {
  FILE_MODES,
  COMMON_RESOLUTIONS,
  DEFAULT_PAGE_SIZE_MM,
  err,
  ok,
  feedingPaused,
  scanError,
  type BatchOptions,
  type Capabilities,
  type ColorMode,
  type DeviceInfo,
  type ResolutionRange,
  type Result,
  type ScanError,
  type ScanErrorKind,
  type ScannedImage,
  type ScannerDriver,
} from '../contract';
import { importFile, RENDER_DPI_RANGE } from '../fileImport';
import { DEFAULT_IGNORE_PATTERNS, isIgnoredName } from '../hotFolder/fileStability';

export interface ReplayFailure {
  /** 0-based sheet index at which `scanSheet` returns the error instead of a sheet. */
  readonly atSheet: number;
  readonly kind: ScanErrorKind;
  readonly message?: string;
}

export interface ReplayDeviceConfig {
  /** Short name; the device id is `replay:<name>`. */
  readonly name: string;
  /** Played in sorted file-name order (hidden and temporary files skipped). */
  readonly folder?: string;
  /** Played in the given order (after `folder`'s files, if both are set). */
  readonly files?: readonly string[];
  /** Time per sheet; 0 plays as fast as possible. Defaults to the driver's `msPerSheet`. */
  readonly msPerSheet?: number;
  /** Offer the duplex source: consecutive images are front and back of one sheet. */
  readonly duplex?: boolean;
  readonly failAt?: ReplayFailure;
  readonly vendor?: string;
  readonly model?: string;
}

export interface ReplaySettings {
  readonly devices: readonly ReplayDeviceConfig[];
  readonly msPerSheet: number;
  /** Resolutions offered for rendering PDFs (images keep their own). */
  readonly resolutions: readonly number[];
  readonly resolutionRange: ResolutionRange;
  readonly ignorePatterns: readonly RegExp[];
}

export const DEFAULT_REPLAY_SETTINGS: ReplaySettings = {
  devices: [],
  msPerSheet: 0,
  resolutions: COMMON_RESOLUTIONS,
  resolutionRange: RENDER_DPI_RANGE,
  ignorePatterns: DEFAULT_IGNORE_PATTERNS,
};

export interface ReplayDriver extends ScannerDriver {
  readonly settings: ReplaySettings;
}

async function listFolder(folder: string, ignore: readonly RegExp[]): Promise<string[] | undefined> {
  try {
    const names = (await readdir(folder)).filter((n) => !isIgnoredName(n, ignore)).sort();
    const files: string[] = [];
    for (const name of names) {
      const path = join(folder, name);
      if ((await stat(path)).isFile()) files.push(path);
    }
    return files;
  } catch {
    return undefined;
  }
}

export function createReplayDriver(overrides: Partial<ReplaySettings> = {}): ReplayDriver {
  const settings: ReplaySettings = { ...DEFAULT_REPLAY_SETTINGS, ...overrides };
  const devices = new Map(settings.devices.map((d) => [deviceIdFor('replay', d.name), d]));

  async function filesOf(deviceId: string): Promise<Result<{ config: ReplayDeviceConfig; files: string[] }, ScanError>> {
    const config = devices.get(deviceId);
    if (config === undefined) return err(unknownDevice(deviceId));
    const fromFolder = config.folder === undefined ? [] : await listFolder(config.folder, settings.ignorePatterns);
    if (fromFolder === undefined) return err(scanError('Disconnected', `The folder ${config.folder ?? ''} is not there`));
    return ok({ config, files: [...fromFolder, ...(config.files ?? [])] });
  }

  const capabilitiesOf = (deviceId: string, config: ReplayDeviceConfig): Capabilities => ({
    deviceId,
    sources: [
      { source: 'feeder', vendorName: 'Replay feeder' },
      ...(config.duplex === true ? [{ source: 'duplex' as const, vendorName: 'Replay duplex' }] : []),
    ],
    resolutions: settings.resolutions,
    resolutionRange: settings.resolutionRange,
    modes: FILE_MODES,
  });

  return {
    kind: 'replay',
    settings,

    async listDevices(): Promise<DeviceInfo[]> {
      const listed = await Promise.all(
        [...devices].map(async ([id, config]) => ((await filesOf(id)).ok ? { id, config } : undefined)),
      );
      return listed
        .filter((d) => d !== undefined)
        .map(({ id, config }) => ({
          id,
          vendor: config.vendor ?? 'PaperLoop',
          model: config.model ?? `Replay ${config.name}`,
          kind: 'replay',
        }));
    },

    async capabilities(deviceId) {
      const found = await filesOf(deviceId);
      return found.ok ? ok(capabilitiesOf(deviceId, found.value.config)) : found;
    },

    async startBatch(options: BatchOptions) {
      const found = await filesOf(options.deviceId);
      if (!found.ok) return found;
      const { config, files } = found.value;
      const resolved = resolveBatchOptions(capabilitiesOf(options.deviceId, config), options, DEFAULT_PAGE_SIZE_MM);
      if (!resolved.ok) return resolved;
      return ok(
        createBatch(
          new ReplayProducer(files, {
            dpi: options.dpi,
            mode: options.mode,
            duplex: options.source === 'duplex',
            msPerSheet: config.msPerSheet ?? settings.msPerSheet,
            ...(config.failAt ? { failAt: config.failAt } : {}),
          }),
        ),
      );
    },
  };
}

interface ReplayPlan {
  readonly dpi: number;
  readonly mode: ColorMode;
  readonly duplex: boolean;
  readonly msPerSheet: number;
  readonly failAt?: ReplayFailure;
}

class ReplayProducer implements SheetProducer {
  private fileIndex = 0;
  private pages: ScannedImage[] = [];
  private sheetsGiven = 0;
  private lastSheetAt = 0;
  private paused = false;
  private readonly abort = new AbortController();
  private readonly nextSheetFn: SheetProducer['nextSheet'];

  constructor(
    private readonly files: readonly string[],
    private readonly plan: ReplayPlan,
  ) {
    this.nextSheetFn = sheetsFromPages(() => this.nextPage(), plan.duplex);
  }

  async nextSheet() {
    if (this.abort.signal.aborted) return err(batchEnded());
    if (this.paused) return err(feedingPaused());
    const failAt = this.plan.failAt;
    if (failAt !== undefined && this.sheetsGiven === failAt.atSheet) {
      return err(scanError(failAt.kind, failAt.message ?? `Replay: ${failAt.kind} at sheet ${failAt.atSheet}`));
    }
    const wait = this.lastSheetAt + this.plan.msPerSheet - Date.now();
    if (this.lastSheetAt > 0 && wait > 0) {
      try {
        await sleep(wait, undefined, { signal: this.abort.signal });
      } catch {
        return err(batchEnded());
      }
    }
    const sheet = await this.nextSheetFn();
    if (sheet.ok) {
      this.sheetsGiven++;
      this.lastSheetAt = Date.now();
    }
    return sheet;
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async close(): Promise<void> {
    this.abort.abort();
  }

  private async nextPage(): Promise<Outcome<ScannedImage>> {
    while (this.pages.length === 0) {
      const path = this.files[this.fileIndex];
      if (path === undefined) return err(scanError('FeederEmpty', 'The replay feeder is empty'));
      this.fileIndex++;
      const imported = await importFile(path, { dpi: this.plan.dpi, mode: this.plan.mode });
      if (!imported.ok) return imported;
      this.pages = imported.value;
    }
    const page = this.pages.shift();
    return page === undefined ? err(scanError('FeederEmpty', 'The replay feeder is empty')) : ok(page);
  }
}
