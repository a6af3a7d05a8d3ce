/** Checks a batch request against what a device says it can do. */
import {
  COMMON_RESOLUTIONS,
  err,
  ok,
  scanError,
  type BatchOptions,
  type Capabilities,
  type DriverKind,
  type ModeCapability,
  type PageSizeMm,
  type ResolutionRange,
  type Result,
  type ScanError,
  type SourceCapability,
} from './contract';

export interface ResolvedBatchOptions {
  readonly source: SourceCapability;
  readonly mode: ModeCapability;
  readonly dpi: number;
  readonly pageSizeMm: PageSizeMm;
}

export function supportsDpi(caps: Capabilities, dpi: number): boolean {
  if (caps.resolutions.includes(dpi)) return true;
  const range = caps.resolutionRange;
  if (range === undefined) return false;
  if (dpi < range.min || dpi > range.max) return false;
  return range.step <= 0 || Number.isInteger((dpi - range.min) / range.step);
}

/** The common resolutions that fall inside a range. */
export function resolutionsInRange(range: ResolutionRange): number[] {
  return COMMON_RESOLUTIONS.filter(
    (dpi) =>
      dpi >= range.min &&
      dpi <= range.max &&
      (range.step <= 0 || Number.isInteger((dpi - range.min) / range.step)),
  );
}

export function clampPageSize(wanted: PageSizeMm, max: PageSizeMm | undefined): PageSizeMm {
  if (max === undefined) return wanted;
  return { width: Math.min(wanted.width, max.width), height: Math.min(wanted.height, max.height) };
}

export function resolveBatchOptions(
  caps: Capabilities,
  options: BatchOptions,
  defaultPageSizeMm: PageSizeMm,
): Result<ResolvedBatchOptions, ScanError> {
  const source = caps.sources.find((s) => s.source === options.source);
  if (source === undefined) {
    return err(
      options.source === 'duplex'
        ? scanError('NoDuplex', `Device ${options.deviceId} cannot scan both sides`)
        : scanError('Unsupported', `Device ${options.deviceId} has no ${options.source}`),
    );
  }
  const mode = caps.modes.find((m) => m.mode === options.mode);
  if (mode === undefined) {
    return err(scanError('Unsupported', `Device ${options.deviceId} has no ${options.mode} mode`));
  }
  if (!Number.isFinite(options.dpi) || !supportsDpi(caps, options.dpi)) {
    return err(
      scanError(
        'Unsupported',
        `Device ${options.deviceId} does not scan at ${options.dpi} dpi`,
        `offers ${caps.resolutions.join(', ')}${caps.resolutionRange ? ` or ${caps.resolutionRange.min}..${caps.resolutionRange.max}` : ''}`,
      ),
    );
  }
  const pageSizeMm = clampPageSize(options.pageSizeMm ?? defaultPageSizeMm, caps.maxPageSizeMm);
  return ok({ source, mode, dpi: options.dpi, pageSizeMm });
}

// ---------------------------------------------------------------- device ids

export const deviceIdFor = (kind: DriverKind, name: string): string => `${kind}:${name}`;

/** The driver's own name inside a device id, or undefined when the id is not this driver's. */
export function deviceNameFrom(kind: DriverKind, deviceId: string): string | undefined {
  const prefix = `${kind}:`;
  return deviceId.startsWith(prefix) && deviceId.length > prefix.length ? deviceId.slice(prefix.length) : undefined;
}

export const unknownDevice = (deviceId: string): ScanError =>
  scanError('Disconnected', `No such device: ${deviceId}`);
