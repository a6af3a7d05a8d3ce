/** eSCL XML: parse ScannerCapabilities and ScannerStatus, build ScanSettings (pure). */
import { XMLParser } from 'fast-xml-parser';
import { resolutionsInRange } from '../batchOptions';
import {
  MM_PER_INCH,
  scanError,
  throwIllegalValue,
  type ColorMode,
  type ModeCapability,
  type PageSizeMm,
  type PaperSource,
  type ResolutionRange,
  type ScanError,
} from '../contract';

export const ESCL_NS = {
  scan: 'http://schemas.hp.com/imaging/escl/2011/05/03',
  pwg: 'http://www.pwg.org/schemas/2010/12/sm',
} as const;

/** eSCL regions are in 1/300 inch. */
export const ESCL_UNITS_PER_INCH = 300;
export const ESCL_SETTINGS_VERSION = '2.0';

/** Our colour modes and their eSCL names. */
export const ESCL_COLOR_MODES: Record<ColorMode, string> = { gray: 'Grayscale8', color: 'RGB24' };

const REPEATED = new Set([
  'ColorMode',
  'DocumentFormat',
  'DocumentFormatExt',
  'DiscreteResolution',
  'SettingProfile',
  'JobInfo',
  'JobStateReason',
  'AdfOption',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => REPEATED.has(name),
});

type Node = Record<string, unknown>;

const asNode = (v: unknown): Node | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : undefined;
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined;
const num = (v: unknown): number | undefined => {
  const t = text(v);
  const n = t === undefined ? NaN : Number(t);
  return Number.isFinite(n) ? n : undefined;
};

// ---------------------------------------------------------------- capabilities

export interface EsclInputCaps {
  readonly resolutions: readonly number[];
  readonly resolutionRange?: ResolutionRange;
  /** eSCL colour mode names, e.g. Grayscale8, RGB24. */
  readonly colorModes: readonly string[];
  readonly documentFormats: readonly string[];
  /** In 1/300 inch. */
  readonly maxWidth?: number;
  readonly maxHeight?: number;
}

export interface EsclCapabilities {
  readonly version: string;
  readonly makeAndModel: string;
  readonly manufacturer?: string;
  readonly uuid?: string;
  readonly platen?: EsclInputCaps;
  readonly adfSimplex?: EsclInputCaps;
  readonly adfDuplex?: EsclInputCaps;
}

function parseInputCaps(node: Node | undefined): EsclInputCaps | undefined {
  if (node === undefined) return undefined;
  const profiles = asArray(asNode(node['SettingProfiles'])?.['SettingProfile']).map(asNode);
  const resolutions = new Set<number>();
  const colorModes = new Set<string>();
  const documentFormats = new Set<string>();
  let resolutionRange: ResolutionRange | undefined;
  for (const profile of profiles) {
    if (profile === undefined) continue;
    for (const mode of asArray(asNode(profile['ColorModes'])?.['ColorMode'])) {
      const t = text(mode);
      if (t) colorModes.add(t);
    }
    const formats = asNode(profile['DocumentFormats']);
    for (const f of [...asArray(formats?.['DocumentFormat']), ...asArray(formats?.['DocumentFormatExt'])]) {
      const t = text(f);
      if (t) documentFormats.add(t);
    }
    const supported = asNode(profile['SupportedResolutions']);
    for (const d of asArray(asNode(supported?.['DiscreteResolutions'])?.['DiscreteResolution'])) {
      const x = num(asNode(d)?.['XResolution']);
      const y = num(asNode(d)?.['YResolution']);
      if (x !== undefined && x === y) resolutions.add(x);
    }
    const range = asNode(asNode(supported?.['ResolutionRange'])?.['XResolutionRange']);
    const min = num(range?.['Min']);
    const max = num(range?.['Max']);
    if (min !== undefined && max !== undefined) {
      resolutionRange = { min, max, step: num(range?.['Step']) ?? 1 };
      for (const r of resolutionsInRange(resolutionRange)) resolutions.add(r);
    }
  }
  const maxWidth = num(node['MaxWidth']);
  const maxHeight = num(node['MaxHeight']);
  return {
    resolutions: [...resolutions].sort((a, b) => a - b),
    ...(resolutionRange ? { resolutionRange } : {}),
    colorModes: [...colorModes],
    documentFormats: [...documentFormats],
    ...(maxWidth !== undefined ? { maxWidth } : {}),
    ...(maxHeight !== undefined ? { maxHeight } : {}),
  };
}

export function parseCapabilitiesXml(xml: string): EsclCapabilities | undefined {
  const root = asNode(asNode(parser.parse(xml))?.['ScannerCapabilities']);
  if (root === undefined) return undefined;
  const adf = asNode(root['Adf']);
  const platen = parseInputCaps(asNode(asNode(root['Platen'])?.['PlatenInputCaps']));
  const adfSimplex = parseInputCaps(asNode(adf?.['AdfSimplexInputCaps']));
  const adfDuplex = parseInputCaps(asNode(adf?.['AdfDuplexInputCaps']));
  const manufacturer = text(root['Manufacturer']);
  const uuid = text(root['UUID']);
  return {
    version: text(root['Version']) ?? ESCL_SETTINGS_VERSION,
    makeAndModel: text(root['MakeAndModel']) ?? 'eSCL scanner',
    ...(manufacturer ? { manufacturer } : {}),
    ...(uuid ? { uuid } : {}),
    ...(platen ? { platen } : {}),
    ...(adfSimplex ? { adfSimplex } : {}),
    ...(adfDuplex ? { adfDuplex } : {}),
  };
}

/** eSCL input source name, duplex flag and caps for one of our paper sources. */
export interface EsclSource {
  readonly inputSource: 'Platen' | 'Feeder';
  readonly duplex: boolean;
  readonly caps: EsclInputCaps;
}

export function esclSourceFor(caps: EsclCapabilities, source: PaperSource): EsclSource | undefined {
  switch (source) {
    case 'flatbed':
      return caps.platen ? { inputSource: 'Platen', duplex: false, caps: caps.platen } : undefined;
    case 'feeder': {
      // a duplex feeder scans one side too (AirSane lists only its duplex caps)
      const simplex = caps.adfSimplex ?? caps.adfDuplex;
      return simplex ? { inputSource: 'Feeder', duplex: false, caps: simplex } : undefined;
    }
    case 'duplex':
      return caps.adfDuplex ? { inputSource: 'Feeder', duplex: true, caps: caps.adfDuplex } : undefined;
    default:
      return throwIllegalValue(source, 'scan source');
  }
}

export function modesOf(input: EsclInputCaps): ModeCapability[] {
  return (['gray', 'color'] as const).flatMap((mode) =>
    input.colorModes.includes(ESCL_COLOR_MODES[mode]) ? [{ mode, vendorName: ESCL_COLOR_MODES[mode] }] : [],
  );
}

export function maxPageSizeOf(input: EsclInputCaps): PageSizeMm | undefined {
  if (input.maxWidth === undefined || input.maxHeight === undefined) return undefined;
  const mm = (units: number) => Math.round((units / ESCL_UNITS_PER_INCH) * MM_PER_INCH * 10) / 10;
  return { width: mm(input.maxWidth), height: mm(input.maxHeight) };
}

// ---------------------------------------------------------------- status

/** eSCL job states (pwg:JobState). */
export type EsclJobState = 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';

/** One scan:JobInfo of ScannerStatus: the server's own account of a job. */
export interface EsclJobInfo {
  /** As the server lists it, usually a path: `/eSCL/ScanJobs/<uuid>`. */
  readonly uri: string;
  readonly uuid?: string;
  readonly state: string;
  readonly reasons: readonly string[];
  readonly imagesCompleted?: number;
  /** Seconds since the job was created. */
  readonly ageSeconds?: number;
}

export interface EsclStatus {
  /** pwg:State: Idle, Processing, Testing, Stopped, Down. */
  readonly state: string;
  /** scan:AdfState, when reported. */
  readonly adfState?: string;
  /** scan:Jobs, when listed (AirSane lists every job it holds). */
  readonly jobs: readonly EsclJobInfo[];
}

function parseJobInfo(value: unknown): EsclJobInfo | undefined {
  const info = asNode(value);
  const uri = text(info?.['JobUri']);
  if (info === undefined || uri === undefined) return undefined;
  const uuid = text(info['JobUuid']);
  const imagesCompleted = num(info['ImagesCompleted']);
  const ageSeconds = num(info['Age']);
  return {
    uri,
    ...(uuid ? { uuid } : {}),
    state: text(info['JobState']) ?? 'Pending',
    reasons: asArray(asNode(info['JobStateReasons'])?.['JobStateReason']).flatMap((r) => text(r) ?? []),
    ...(imagesCompleted !== undefined ? { imagesCompleted } : {}),
    ...(ageSeconds !== undefined ? { ageSeconds } : {}),
  };
}

export function parseStatusXml(xml: string): EsclStatus | undefined {
  const root = asNode(asNode(parser.parse(xml))?.['ScannerStatus']);
  if (root === undefined) return undefined;
  const adfState = text(root['AdfState']);
  const jobs = asArray(asNode(root['Jobs'])?.['JobInfo']).flatMap((j) => parseJobInfo(j) ?? []);
  return { state: text(root['State']) ?? 'Idle', ...(adfState ? { adfState } : {}), jobs };
}

/** The JobInfo of the job at `jobUrl` (the server may list it by path or by UUID). */
export function jobInfoFor(status: EsclStatus, jobUrl: string): EsclJobInfo | undefined {
  const path = jobUrl.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\/+$/, '');
  const last = path.split('/').pop() ?? '';
  return status.jobs.find((j) => j.uri.replace(/\/+$/, '').endsWith(path) || path.endsWith(j.uri.replace(/\/+$/, '')) || j.uuid === last);
}

/**
 * Jobs that hold or are about to hold the device: Processing, or Pending and recent. AirSane keeps
 * a job Pending from its POST until the first page is fetched (the scanner says Idle meanwhile),
 * and forgets abandoned ones only later, so an old Pending job does not count.
 */
export function activeJobs(status: EsclStatus, pendingJobBusySeconds: number): EsclJobInfo[] {
  return status.jobs.filter(
    (j) => j.state === 'Processing' || (j.state === 'Pending' && (j.ageSeconds ?? 0) <= pendingJobBusySeconds),
  );
}

/**
 * Of two stations that posted at once, the one whose job the server made first (older, then the
 * smaller URI) goes on; both compute the same answer from the same list.
 */
export function firstJob(jobs: readonly EsclJobInfo[]): EsclJobInfo | undefined {
  return [...jobs].sort((a, b) => (b.ageSeconds ?? 0) - (a.ageSeconds ?? 0) || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0))[0];
}

const ADF_EMPTY = new Set(['ScannerAdfEmpty']);
const ADF_READY = new Set(['ScannerAdfLoaded', 'ScannerAdfProcessing']);
const ADF_JAMMED = new Set([
  'ScannerAdfJam',
  'ScannerAdfMispick',
  'ScannerAdfMultipickDetected',
  'ScannerAdfInputTrayFailed',
  'ScannerAdfDuplexPageTooShort',
  'ScannerAdfDuplexPageTooLong',
]);
const ADF_OPEN = new Set(['ScannerAdfHatchOpen', 'ScannerAdfDoorOpen']);

/** The error an ADF state stands for, if any. */
export function adfError(adfState: string | undefined): ScanError | undefined {
  if (adfState === undefined) return undefined;
  if (ADF_EMPTY.has(adfState)) return scanError('FeederEmpty', 'The feeder is empty', adfState);
  if (ADF_JAMMED.has(adfState)) return scanError('Jammed', 'Paper jam in the feeder', adfState);
  if (ADF_OPEN.has(adfState)) return scanError('CoverOpen', 'The feeder cover is open', adfState);
  if (adfState === 'ScannerAdfInputTrayOverloaded') {
    return scanError('DeviceError', 'Too many sheets in the feeder', adfState);
  }
  return undefined;
}

/**
 * What a job that ended without a page (or with an empty one) stands for, from its JobInfo;
 * undefined when the job ended well or is not listed.
 */
export function jobError(job: EsclJobInfo | undefined, feeder: boolean): ScanError | undefined {
  if (job === undefined || (job.state !== 'Aborted' && job.state !== 'Canceled')) return undefined;
  const detail = `job ${job.state}${job.reasons.length ? `: ${job.reasons.join(', ')}` : ''}`;
  if (job.state === 'Canceled' || job.reasons.some((r) => /Cancel/i.test(r))) {
    return scanError('DeviceError', 'The scan job was cancelled at the scanner', detail);
  }
  if (job.reasons.includes('InvalidScanTicket')) {
    return scanError('Unsupported', 'The scanner refused the scan settings', detail);
  }
  // AirSane aborts with ResourcesAreNotReady for a jam or an open cover mid-stack
  if (feeder) return scanError('Jammed', 'The feeder stopped mid-page: paper jam (or its cover opened)', detail);
  return scanError('DeviceError', 'The scanner aborted the scan', detail);
}

export interface PrecheckLimits {
  /** Further ScannerStatus reads before a reported jam is believed. */
  readonly jamRecheckReads: number;
  /** Further reads before an empty feeder is believed (AirSane reports it once more after a batch). */
  readonly emptyRecheckReads: number;
  readonly pendingJobBusySeconds: number;
}

export type PrecheckDecision =
  | { readonly decision: 'go' }
  | { readonly decision: 'recheck' }
  | { readonly decision: 'stop'; readonly error: ScanError };

/**
 * Whether to start a job, from ScannerStatus (`read` counts earlier reads). Another job that holds
 * the device, or is about to, is Busy. A jam or an empty feeder is not trusted at once: some
 * devices report `ScannerAdfJam` when the feeder is merely empty, and AirSane reports
 * `ScannerAdfEmpty` once more after a batch whatever the feeder holds. Ask again; a state that
 * stays is believed.
 */
export function precheckDecision(status: EsclStatus, source: PaperSource, read: number, limits: PrecheckLimits): PrecheckDecision {
  if (status.state === 'Down') return { decision: 'stop', error: scanError('Disconnected', 'The scanner is down') };
  if (status.state === 'Processing' || status.state === 'Testing') {
    return { decision: 'stop', error: scanError('Busy', 'The scanner is busy', status.state) };
  }
  const others = activeJobs(status, limits.pendingJobBusySeconds);
  if (others.length > 0) {
    return {
      decision: 'stop',
      error: scanError('Busy', 'The scanner is busy with another job', others.map((j) => `${j.uri} ${j.state}`).join('; ')),
    };
  }
  if (source === 'flatbed') return { decision: 'go' };
  const adf = status.adfState;
  if (adf !== undefined && ADF_READY.has(adf)) return { decision: 'go' };
  const error = adfError(adf);
  if (error === undefined) return { decision: 'go' }; // no or unknown AdfState: the job will tell
  const rereads = error.kind === 'Jammed' ? limits.jamRecheckReads : error.kind === 'FeederEmpty' ? limits.emptyRecheckReads : 0;
  if (read < rereads) return { decision: 'recheck' };
  return { decision: 'stop', error };
}

// ---------------------------------------------------------------- scan settings

export interface EsclScanRequest {
  readonly version: string;
  readonly inputSource: 'Platen' | 'Feeder';
  readonly duplex: boolean;
  readonly colorMode: string;
  readonly dpi: number;
  readonly documentFormat: string;
  /** In 1/300 inch. */
  readonly width: number;
  readonly height: number;
}

export const mmToEsclUnits = (mm: number): number => Math.round((mm / MM_PER_INCH) * ESCL_UNITS_PER_INCH);

/**
 * ScanSettings as real servers accept it: every element prefixed (an
 * unprefixed document is silently treated as a default job), CRLF endings.
 */
export function scanSettingsXml(r: EsclScanRequest): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<scan:ScanSettings xmlns:scan="${ESCL_NS.scan}" xmlns:pwg="${ESCL_NS.pwg}">`,
    `  <pwg:Version>${r.version}</pwg:Version>`,
    '  <pwg:ScanRegions>',
    '    <pwg:ScanRegion>',
    '      <pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>',
    '      <pwg:XOffset>0</pwg:XOffset>',
    '      <pwg:YOffset>0</pwg:YOffset>',
    `      <pwg:Width>${r.width}</pwg:Width>`,
    `      <pwg:Height>${r.height}</pwg:Height>`,
    '    </pwg:ScanRegion>',
    '  </pwg:ScanRegions>',
    `  <pwg:InputSource>${r.inputSource}</pwg:InputSource>`,
    ...(r.inputSource === 'Feeder' ? [`  <scan:Duplex>${r.duplex}</scan:Duplex>`] : []),
    `  <scan:ColorMode>${r.colorMode}</scan:ColorMode>`,
    `  <scan:XResolution>${r.dpi}</scan:XResolution>`,
    `  <scan:YResolution>${r.dpi}</scan:YResolution>`,
    `  <pwg:DocumentFormat>${r.documentFormat}</pwg:DocumentFormat>`,
    `  <scan:DocumentFormatExt>${r.documentFormat}</scan:DocumentFormatExt>`,
    '</scan:ScanSettings>',
  ];
  return lines.join('\r\n') + '\r\n';
}
