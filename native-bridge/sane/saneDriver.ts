/** The SANE driver: `scanimage` as a child process. */
import { deviceIdFor, deviceNameFrom, resolveBatchOptions, resolutionsInRange, unknownDevice } from '../batchOptions';
import {
  err,
  ok,
  scanError,
  type Capabilities,
  type DeviceInfo,
  type Result,
  type ScanError,
  type ScannerDriver,
} from '../contract';
import { runCommand } from '../runCommand';
import {
  DEVICE_LIST_FORMAT,
  findOption,
  maxPageSizeFrom,
  modesFromNames,
  parseDeviceList,
  parseOptionHelp,
  sourcesFromNames,
  type SaneOption,
} from './parseSane';
import { startSaneBatch } from './saneBatch';
import { saneErrorFromOutput } from './saneErrors';
import { saneEnv, saneSettings, type SaneSettings } from './saneSettings';

export interface SaneDriver extends ScannerDriver {
  readonly settings: SaneSettings;
  /** The device's raw option list (cached). */
  options(deviceId: string): Promise<Result<readonly SaneOption[], ScanError>>;
}

/** Builds capabilities from a parsed option list (pure). */
export function capabilitiesFromOptions(deviceId: string, options: readonly SaneOption[]): Capabilities {
  const source = findOption(options, '--source');
  const sources = source?.values
    ? sourcesFromNames(source.values)
    : // a device without a --source option has one source; we cannot tell which, so call it flatbed
      [{ source: 'flatbed' as const, vendorName: '' }];
  const mode = findOption(options, '--mode');
  const modes = mode?.values ? modesFromNames(mode.values) : [];
  const resolution = findOption(options, '--resolution');
  const resolutions = resolution?.values
    ? resolution.values.map(Number).filter((n) => Number.isFinite(n) && n > 0)
    : resolution?.range
      ? resolutionsInRange(resolution.range)
      : [];
  const maxPageSizeMm = maxPageSizeFrom(options);
  return {
    deviceId,
    sources,
    resolutions,
    ...(resolution?.range ? { resolutionRange: resolution.range } : {}),
    modes,
    ...(maxPageSizeMm ? { maxPageSizeMm } : {}),
  };
}

export function createSaneDriver(overrides: Partial<SaneSettings> = {}): SaneDriver {
  const settings = saneSettings(overrides);
  const env = saneEnv(settings);
  const optionCache = new Map<string, readonly SaneOption[]>();

  async function options(deviceId: string): Promise<Result<readonly SaneOption[], ScanError>> {
    const name = deviceNameFrom('sane', deviceId);
    if (name === undefined) return err(unknownDevice(deviceId));
    const cached = optionCache.get(name);
    if (cached !== undefined) return ok(cached);
    const out = await runCommand(settings.scanimagePath, ['-d', name, '--help'], {
      timeoutMs: settings.optionsTimeoutMs,
      env,
    });
    if (out.spawnError !== undefined) {
      return err(scanError('DeviceError', `Cannot run ${settings.scanimagePath}`, out.spawnError));
    }
    if (out.timedOut) {
      return err(scanError('Busy', `${name} did not answer within ${settings.optionsTimeoutMs} ms`));
    }
    if (!/Options specific to device/.test(out.stdout)) {
      return err(
        saneErrorFromOutput(out.stderr, out.exitCode === 0 ? 1 : out.exitCode) ??
          scanError('Disconnected', `Scanner ${name} is not available`),
      );
    }
    const parsed = parseOptionHelp(out.stdout);
    optionCache.set(name, parsed);
    return ok(parsed);
  }

  async function capabilities(deviceId: string): Promise<Result<Capabilities, ScanError>> {
    const opts = await options(deviceId);
    return opts.ok ? ok(capabilitiesFromOptions(deviceId, opts.value)) : opts;
  }

  return {
    kind: 'sane',
    settings,
    options,
    capabilities,

    async listDevices(): Promise<DeviceInfo[]> {
      const out = await runCommand(settings.scanimagePath, ['-f', DEVICE_LIST_FORMAT], {
        timeoutMs: settings.listTimeoutMs,
        env,
      });
      if (out.spawnError !== undefined || out.timedOut) return [];
      return parseDeviceList(out.stdout).map((d) => ({
        id: deviceIdFor('sane', d.name),
        vendor: d.vendor,
        model: d.model,
        kind: 'sane',
      }));
    },

    async startBatch(batchOptions) {
      const opts = await options(batchOptions.deviceId);
      if (!opts.ok) return opts;
      const caps = capabilitiesFromOptions(batchOptions.deviceId, opts.value);
      const resolved = resolveBatchOptions(caps, batchOptions, settings.defaultPageSizeMm);
      if (!resolved.ok) return resolved;
      const deviceName = deviceNameFrom('sane', batchOptions.deviceId) ?? '';
      return startSaneBatch({ deviceName, options: opts.value, resolved: resolved.value }, settings);
    },
  };
}
