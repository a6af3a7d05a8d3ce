/**
 * The hot-folder driver: a scanner's scan-to-folder writes files into a
 * folder; a batch takes each complete file once, in name order, and turns
 * it into sheets. The batch ends (FeederEmpty) after `idleTimeoutMs`
 * without anything new.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { batchEnded, createBatch, pairPages, PullQueue, type Outcome, type SheetImages, type SheetProducer } from '../batchCore';
import { deviceIdFor, resolveBatchOptions, unknownDevice } from '../batchOptions';
import {
  FILE_MODES,
  DEFAULT_PAGE_SIZE_MM,
  err,
  ok,
  feedingPaused,
  scanError,
  type BatchOptions,
  type Capabilities,
  type ColorMode,
  type DeviceInfo,
  type Result,
  type ScanError,
  type ScannerDriver,
} from '../contract';
import { importFile } from '../fileImport';
import { isIgnoredName, memoryLedger, StabilityTracker, takenKey, type TakenLedger } from './fileStability';
import { hotFolderSettings, SYSTEM_CLOCK, type HotFolderClock, type HotFolderConfig, type HotFolderSettings } from './hotFolderSettings';

export interface HotFolderDriver extends ScannerDriver {
  readonly settings: HotFolderSettings;
  readonly ledger: TakenLedger;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function createHotFolderDriver(overrides: Partial<HotFolderSettings> = {}): HotFolderDriver {
  const settings = hotFolderSettings(overrides);
  const ledger = settings.ledger ?? memoryLedger();
  const folders = new Map(settings.folders.map((f) => [deviceIdFor('hot-folder', f.name), f]));

  async function folderFor(deviceId: string): Promise<Result<HotFolderConfig, ScanError>> {
    const folder = folders.get(deviceId);
    if (folder === undefined) return err(unknownDevice(deviceId));
    if (!(await isFolder(folder.path))) {
      return err(scanError('Disconnected', `The folder ${folder.path} is not there`, 'Is the share mounted?'));
    }
    return ok(folder);
  }

  const capabilitiesOf = (deviceId: string): Capabilities => ({
    deviceId,
    sources: [
      { source: 'feeder', vendorName: 'Scan to folder' },
      { source: 'duplex', vendorName: 'Scan to folder (front and back)' },
    ],
    resolutions: settings.resolutions,
    resolutionRange: settings.resolutionRange,
    modes: FILE_MODES,
  });

  return {
    kind: 'hot-folder',
    settings,
    ledger,

    async listDevices(): Promise<DeviceInfo[]> {
      const present = await Promise.all(
        [...folders].map(async ([id, f]) => ((await isFolder(f.path)) ? [id, f] as const : undefined)),
      );
      return present
        .filter((p) => p !== undefined)
        .map(([id, f]) => ({ id, vendor: 'Scan to folder', model: f.path, kind: 'hot-folder' }));
    },

    async capabilities(deviceId) {
      const folder = await folderFor(deviceId);
      return folder.ok ? ok(capabilitiesOf(deviceId)) : folder;
    },

    async startBatch(options: BatchOptions) {
      const folder = await folderFor(options.deviceId);
      if (!folder.ok) return folder;
      const resolved = resolveBatchOptions(capabilitiesOf(options.deviceId), options, DEFAULT_PAGE_SIZE_MM);
      if (!resolved.ok) return resolved;
      const producer = new HotFolderProducer(
        folder.value.path,
        { dpi: options.dpi, mode: options.mode, duplex: options.source === 'duplex' },
        settings,
        ledger,
      );
      await producer.start();
      return ok(createBatch(producer));
    },
  };
}

interface QueuedSheet {
  readonly sheet: SheetImages;
  readonly fileKeys: readonly string[];
}

class HotFolderProducer implements SheetProducer {
  private readonly queue = new PullQueue<QueuedSheet>();
  private readonly tracker: StabilityTracker;
  /** Sheets of each taken file not yet handed out; given back to the ledger if the batch ends first. */
  private readonly undelivered = new Map<string, number>();
  private readonly skip = new Set<string>();
  private watcher: FSWatcher | undefined;
  private stopPolling: (() => void) | undefined;
  private scanning: Promise<void> = Promise.resolve();
  private scanQueued = false;
  private readonly clock: HotFolderClock;
  private lastActivity: number;
  private pendingFront: { page: SheetImages['front']; key: string } | undefined;
  private stopped = false;
  private draining = false;

  constructor(
    private readonly path: string,
    private readonly request: { readonly dpi: number; readonly mode: ColorMode; readonly duplex: boolean },
    private readonly settings: HotFolderSettings,
    private readonly ledger: TakenLedger,
  ) {
    this.tracker = new StabilityTracker(settings.stableForMs);
    this.clock = settings.clock ?? SYSTEM_CLOCK;
    this.lastActivity = this.clock.now();
  }

  async start(): Promise<void> {
    if (!this.settings.takeExisting) {
      for (const name of await readdir(this.path)) {
        const info = await stat(join(this.path, name)).catch(() => undefined);
        if (info?.isFile()) this.skip.add(takenKey(name, info));
      }
    }
    if (this.settings.useFsWatch) {
      try {
        this.watcher = watch(this.path, () => void this.requestScan());
        this.watcher.on('error', () => this.stopWatching());
      } catch {
        this.watcher = undefined; // polling alone
      }
    }
    this.stopPolling = this.clock.every(this.settings.pollIntervalMs, () => this.requestScan());
    void this.requestScan();
  }

  async nextSheet(): Promise<Outcome<SheetImages>> {
    const next = await this.queue.take();
    if (!next.ok) return next;
    for (const key of next.value.fileKeys) {
      const left = (this.undelivered.get(key) ?? 1) - 1;
      if (left <= 0) this.undelivered.delete(key);
      else this.undelivered.set(key, left);
    }
    return ok(next.value.sheet);
  }

  /** Takes no new scan, but every file already in the folder is taken once complete, then FeederEmpty. */
  async pause(): Promise<void> {
    this.draining = true;
    void this.requestScan();
  }

  async close(): Promise<void> {
    await this.stop(batchEnded());
    this.queue.abort(batchEnded());
    for (const key of this.undelivered.keys()) this.ledger.delete(key);
    this.undelivered.clear();
  }

  private async stop(end: ScanError): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopWatching();
      await this.scanning;
      this.flushPendingFront();
    }
    this.queue.end(end);
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.stopPolling?.();
    this.stopPolling = undefined;
  }

  /** Resolves when a check that starts after this call has finished. */
  private requestScan(): Promise<void> {
    if (this.stopped || this.scanQueued) return this.scanning;
    this.scanQueued = true;
    this.scanning = this.scanning.then(async () => {
      this.scanQueued = false;
      if (!this.stopped) await this.scanOnce();
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.path)).sort();
    } catch (cause) {
      this.stopWatching();
      this.stopped = true;
      this.queue.end(scanError('Disconnected', `The folder ${this.path} went away`, String(cause)));
      return;
    }
    const now = this.clock.now();
    let arriving = 0;
    for (const name of names) {
      if (this.stopped) return;
      if (isIgnoredName(name, this.settings.ignorePatterns)) continue;
      const info = await stat(join(this.path, name)).catch(() => undefined);
      if (info === undefined || !info.isFile()) continue;
      const key = takenKey(name, info);
      if (this.ledger.has(key) || this.skip.has(key)) continue;
      const state = this.tracker.observe(name, info, now);
      if (state === 'changed') this.lastActivity = now; // arriving or growing: keep the batch open
      if (state !== 'complete') {
        arriving++;
        continue;
      }
      this.tracker.forget(name);
      this.ledger.add(key);
      this.lastActivity = this.clock.now();
      await this.take(name, key);
    }
    if (this.draining && arriving === 0) return this.endNow(feedingPaused());
    if (this.queue.size === 0 && this.clock.now() - this.lastActivity >= this.settings.idleTimeoutMs) {
      this.endNow(scanError('FeederEmpty', 'No new files in the folder'));
    }
  }

  /** Ends from inside a scan pass (`stop` would wait for the pass itself). */
  private endNow(end: ScanError): void {
    this.stopWatching();
    this.stopped = true;
    this.flushPendingFront();
    this.queue.end(end);
  }

  private async take(name: string, key: string): Promise<void> {
    const imported = await importFile(join(this.path, name), {
      dpi: this.request.dpi,
      mode: this.request.mode,
      sourceName: name,
    });
    if (!imported.ok) {
      this.queue.pushError(scanError(imported.error.kind, `${name}: ${imported.error.message}`, imported.error.detail));
      return;
    }
    if (this.request.duplex && this.settings.duplexPairing === 'across-files') {
      for (const page of imported.value) {
        if (this.pendingFront === undefined) {
          this.pendingFront = { page, key };
        } else {
          this.enqueue({ front: this.pendingFront.page, back: page }, [this.pendingFront.key, key]);
          this.pendingFront = undefined;
        }
      }
      return;
    }
    for (const sheet of pairPages(imported.value, this.request.duplex)) this.enqueue(sheet, [key]);
  }

  private enqueue(sheet: SheetImages, fileKeys: readonly string[]): void {
    for (const key of fileKeys) this.undelivered.set(key, (this.undelivered.get(key) ?? 0) + 1);
    this.queue.push({ sheet, fileKeys });
  }

  private flushPendingFront(): void {
    if (this.pendingFront === undefined) return;
    this.enqueue({ front: this.pendingFront.page }, [this.pendingFront.key]);
    this.pendingFront = undefined;
  }
}
