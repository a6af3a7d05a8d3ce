/** The eSCL (AirScan) driver: HTTP to a network scanner's /eSCL root. */
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import {
  batchEnded,
  createBatch,
  sheetsFromPages,
  type Outcome,
  type SheetProducer,
} from '../batchCore';
import { deviceIdFor, deviceNameFrom, resolveBatchOptions, unknownDevice } from '../batchOptions';
import {
  err,
  ok,
  feedingPaused,
  scanError,
  throwIllegalValue,
  type BatchOptions,
  type Capabilities,
  type ColorMode,
  type DeviceInfo,
  type MediaType,
  type PageSizeMm,
  type PaperSource,
  type Result,
  type ScanError,
  type ScannedImage,
  type ScannerDriver,
  type SourceCapability,
} from '../contract';
import { sniffMediaType } from '../imageFormat';
import { bodyText, httpRequest, retryAfterMs, type HttpReply } from './esclHttp';
import { esclSettings, type EsclScannerConfig, type EsclSettings } from './esclSettings';
import {
  activeJobs,
  adfError,
  ESCL_COLOR_MODES,
  firstJob,
  jobError,
  jobInfoFor,
  esclSourceFor,
  maxPageSizeOf,
  mmToEsclUnits,
  modesOf,
  parseCapabilitiesXml,
  parseStatusXml,
  precheckDecision,
  scanSettingsXml,
  ESCL_UNITS_PER_INCH,
  type EsclCapabilities,
  type EsclInputCaps,
  type EsclJobInfo,
  type EsclScanRequest,
  type EsclStatus,
} from './esclXml';

const SOURCE_NAMES: Record<PaperSource, string> = { flatbed: 'Platen', feeder: 'Feeder', duplex: 'Feeder (Duplex)' };

export const normaliseEsclUrl = (url: string): string => url.replace(/\/+$/, '');

export interface EsclDriver extends ScannerDriver {
  readonly settings: EsclSettings;
  /** The raw eSCL capabilities of a device. */
  esclCapabilities(deviceId: string): Promise<Result<EsclCapabilities, ScanError>>;
  status(deviceId: string): Promise<Result<EsclStatus, ScanError>>;
}

/** Our capabilities for one eSCL input (pure). */
function capabilitiesOfInput(deviceId: string, source: PaperSource, input: EsclInputCaps): Capabilities {
  const max = maxPageSizeOf(input);
  return {
    deviceId,
    sources: [{ source, vendorName: SOURCE_NAMES[source] }],
    resolutions: input.resolutions,
    ...(input.resolutionRange ? { resolutionRange: input.resolutionRange } : {}),
    modes: modesOf(input),
    ...(max ? { maxPageSizeMm: max } : {}),
  };
}

/** Our capabilities for the whole device: every source, and the union of what they offer (pure). */
export function capabilitiesFromEscl(deviceId: string, caps: EsclCapabilities): Capabilities {
  const inputs = (['flatbed', 'feeder', 'duplex'] as const).flatMap((source) => {
    const s = esclSourceFor(caps, source);
    return s === undefined ? [] : [{ source, input: s.caps }];
  });
  const sources: SourceCapability[] = inputs.map(({ source }) => ({ source, vendorName: SOURCE_NAMES[source] }));
  const resolutions = [...new Set(inputs.flatMap(({ input }) => input.resolutions))].sort((a, b) => a - b);
  const modeSet = new Set(inputs.flatMap(({ input }) => modesOf(input).map((m) => m.mode)));
  const modes = (['gray', 'color'] as const)
    .filter((m) => modeSet.has(m))
    .map((mode) => ({ mode, vendorName: ESCL_COLOR_MODES[mode] }));
  const sizes = inputs.map(({ input }) => maxPageSizeOf(input)).filter((s): s is PageSizeMm => s !== undefined);
  const range = inputs.find(({ input }) => input.resolutionRange)?.input.resolutionRange;
  return {
    deviceId,
    sources,
    resolutions,
    ...(range ? { resolutionRange: range } : {}),
    modes,
    ...(sizes.length > 0
      ? {
          maxPageSizeMm: {
            width: Math.max(...sizes.map((s) => s.width)),
            height: Math.max(...sizes.map((s) => s.height)),
          },
        }
      : {}),
  };
}

export interface ImageCheck {
  readonly width: number;
  readonly channels: number;
}

/** Whether a returned page matches what was asked for (pure). */
export function imageMismatch(
  image: ImageCheck,
  request: { readonly dpi: number; readonly width: number; readonly mode: ColorMode },
  tolerance: number,
): string | undefined {
  const expected = Math.round((request.width / ESCL_UNITS_PER_INCH) * request.dpi);
  if (Math.abs(image.width - expected) > expected * tolerance) {
    return `width ${image.width} px, expected about ${expected} px at ${request.dpi} dpi`;
  }
  if (request.mode === 'gray' && image.channels >= 3) return `colour image (${image.channels} channels) for a grey scan`;
  if (request.mode === 'color' && image.channels < 3) return 'grey image for a colour scan';
  return undefined;
}

export function createEsclDriver(overrides: Partial<EsclSettings> = {}): EsclDriver {
  const settings = esclSettings(overrides);
  const scanners = new Map<string, EsclScannerConfig>(
    settings.scanners.map((s) => [deviceIdFor('escl', normaliseEsclUrl(s.url)), s]),
  );
  const rootOf = (deviceId: string): string | undefined =>
    scanners.has(deviceId) ? deviceNameFrom('escl', deviceId) : undefined;

  async function esclCapabilities(deviceId: string): Promise<Result<EsclCapabilities, ScanError>> {
    const root = rootOf(deviceId);
    if (root === undefined) return err(unknownDevice(deviceId));
    const reply = await httpRequest(`${root}/ScannerCapabilities`, { method: 'GET', timeoutMs: settings.requestTimeoutMs });
    if (!reply.ok) return reply;
    if (reply.value.status !== 200) {
      return err(scanError('DeviceError', `ScannerCapabilities answered ${reply.value.status}`));
    }
    const caps = parseCapabilitiesXml(bodyText(reply.value));
    return caps ? ok(caps) : err(scanError('DeviceError', 'ScannerCapabilities is not eSCL XML'));
  }

  async function status(deviceId: string): Promise<Result<EsclStatus, ScanError>> {
    const root = rootOf(deviceId);
    if (root === undefined) return err(unknownDevice(deviceId));
    return readStatus(root, settings);
  }

  return {
    kind: 'escl',
    settings,
    esclCapabilities,
    status,

    async listDevices(): Promise<DeviceInfo[]> {
      const found = await Promise.all(
        [...scanners.keys()].map(async (id): Promise<DeviceInfo> => {
          const caps = await esclCapabilities(id);
          if (!caps.ok) {
            // configured but silent: listed, so the teacher sees which one and why
            const reason = `${caps.error.message}${caps.error.detail ? ` (${caps.error.detail})` : ''}`;
            return { id, vendor: 'eSCL', model: rootOf(id) ?? id, kind: 'escl', notAnswering: reason };
          }
          const [first = '', ...rest] = caps.value.makeAndModel.split(' ');
          const vendor = caps.value.manufacturer ?? first;
          const model = caps.value.manufacturer ? caps.value.makeAndModel : rest.join(' ') || first;
          return { id, vendor, model, kind: 'escl' };
        }),
      );
      return found;
    },

    async capabilities(deviceId) {
      const caps = await esclCapabilities(deviceId);
      return caps.ok ? ok(capabilitiesFromEscl(deviceId, caps.value)) : caps;
    },

    async startBatch(options: BatchOptions) {
      const root = rootOf(options.deviceId);
      if (root === undefined) return err(unknownDevice(options.deviceId));
      const caps = await esclCapabilities(options.deviceId);
      if (!caps.ok) return caps;
      const source = esclSourceFor(caps.value, options.source);
      if (source === undefined) {
        return err(
          options.source === 'duplex'
            ? scanError('NoDuplex', `${caps.value.makeAndModel} cannot scan both sides`)
            : scanError('Unsupported', `${caps.value.makeAndModel} has no ${options.source}`),
        );
      }
      const resolved = resolveBatchOptions(
        capabilitiesOfInput(options.deviceId, options.source, source.caps),
        options,
        settings.defaultPageSizeMm,
      );
      if (!resolved.ok) return resolved;
      const offered = source.caps.documentFormats;
      const documentFormat =
        settings.documentFormats.find((f) => offered.length === 0 || offered.includes(f)) ?? 'image/jpeg';

      const precheck = await precheckStatus(root, options.source, settings);
      if (!precheck.ok) return precheck;

      const request: EsclScanRequest = {
        version: caps.value.version,
        inputSource: source.inputSource,
        duplex: source.duplex,
        colorMode: resolved.value.mode.vendorName,
        dpi: resolved.value.dpi,
        documentFormat,
        width: mmToEsclUnits(resolved.value.pageSizeMm.width),
        height: mmToEsclUnits(resolved.value.pageSizeMm.height),
      };
      const jobsUrl = `${root}/ScanJobs`;
      const created = await httpRequest(jobsUrl, {
        method: 'POST',
        body: scanSettingsXml(request),
        contentType: 'text/xml',
        timeoutMs: settings.requestTimeoutMs,
      });
      if (!created.ok) return created;
      if (created.value.status !== 201) {
        return err(await explainFailure(root, options.source, created.value, 'ScanJobs', settings));
      }
      const location = created.value.headers.get('location');
      if (location === null || location === '') {
        return err(scanError('DeviceError', 'The scanner created a job without a Location'));
      }
      // Location is often relative (/eSCL/ScanJobs/…)
      const jobUrl = normaliseEsclUrl(new URL(location, jobsUrl).toString());
      const alone = await settleConcurrentPost(root, jobUrl, settings);
      if (!alone.ok) return alone;
      const producer = new EsclJobProducer(root, jobUrl, request, options.source, resolved.value.mode.mode, settings);
      return ok(createBatch(producer));
    },
  };
}

async function readStatus(root: string, settings: EsclSettings): Promise<Result<EsclStatus, ScanError>> {
  const reply = await httpRequest(`${root}/ScannerStatus`, { method: 'GET', timeoutMs: settings.requestTimeoutMs });
  if (!reply.ok) return reply;
  if (reply.value.status !== 200) return err(scanError('DeviceError', `ScannerStatus answered ${reply.value.status}`));
  const status = parseStatusXml(bodyText(reply.value));
  return status ? ok(status) : err(scanError('DeviceError', 'ScannerStatus is not eSCL XML'));
}

/** Reads ScannerStatus before a job, re-reading a reported jam or empty feeder (see `precheckDecision`). */
async function precheckStatus(
  root: string,
  source: PaperSource,
  settings: EsclSettings,
): Promise<Result<EsclStatus, ScanError>> {
  for (let read = 0; ; read++) {
    const status = await readStatus(root, settings);
    if (!status.ok) return status;
    const decision = precheckDecision(status.value, source, read, settings);
    switch (decision.decision) {
      case 'go':
        return status;
      case 'stop':
        return err(decision.error);
      case 'recheck':
        await sleep(settings.jamRecheckDelayMs);
        break;
      default:
        return throwIllegalValue(decision, 'feeder decision');
    }
  }
}

/**
 * Two stations that read an idle scanner at the same moment both get 201 from servers that do not
 * refuse a second job (AirSane), and the server falls over when both fetch. After the POST, read
 * the job list: when another active job came first, give ours back and report Busy.
 */
async function settleConcurrentPost(root: string, jobUrl: string, settings: EsclSettings): Promise<Result<void, ScanError>> {
  const status = await readStatus(root, settings);
  if (!status.ok || status.value.jobs.length === 0) return ok(undefined); // no job list: the server refuses a second job itself
  const ours = jobInfoFor(status.value, jobUrl);
  const active = activeJobs(status.value, settings.pendingJobBusySeconds);
  const first = firstJob(ours === undefined || active.includes(ours) ? active : [...active, ours]);
  if (first === undefined || first === ours) return ok(undefined);
  await httpRequest(jobUrl, { method: 'DELETE', timeoutMs: settings.requestTimeoutMs });
  return err(scanError('Busy', 'The scanner is busy with another job', `${first.uri} ${first.state}, started first`));
}

/** The server's own account of a job (AirSane lists its jobs in ScannerStatus), with the AdfState of the same read. */
async function jobAccount(root: string, jobUrl: string, settings: EsclSettings): Promise<{ job?: EsclJobInfo; adfState?: string }> {
  const status = await readStatus(root, settings);
  if (!status.ok) return {};
  const job = jobInfoFor(status.value, jobUrl);
  return { ...(job ? { job } : {}), ...(status.value.adfState ? { adfState: status.value.adfState } : {}) };
}

/**
 * The ADF's own account of a failure: a jam is re-read like before a job
 * (it may be an empty feeder reported as a jam); undefined when the status
 * shows nothing wrong.
 */
async function adfVerdict(root: string, settings: EsclSettings): Promise<ScanError | undefined> {
  for (let read = 0; ; read++) {
    const status = await readStatus(root, settings);
    if (!status.ok) return status.error;
    const error = adfError(status.value.adfState);
    if (error?.kind !== 'Jammed' || read >= settings.jamRecheckReads) return error;
    await sleep(settings.jamRecheckDelayMs);
  }
}

async function explainFailure(
  root: string,
  source: PaperSource,
  reply: HttpReply,
  what: string,
  settings: EsclSettings,
): Promise<ScanError> {
  if (reply.status === 503) return scanError('Busy', 'The scanner is busy', `${what} answered 503`);
  const fromAdf = source === 'flatbed' ? undefined : await adfVerdict(root, settings);
  return fromAdf ?? scanError('DeviceError', `${what} answered ${reply.status}`, bodyText(reply).slice(0, 200));
}

const CONTRACT_TYPES = new Set<MediaType>(['image/png', 'image/jpeg', 'image/tiff']);

class EsclJobProducer implements SheetProducer {
  private pagesReceived = 0;
  private endError: ScanError | undefined;
  private jobGone = false;
  private paused = false;
  private closed = false;
  private lastReplyAt = 0;
  private readonly nextSheetFn: SheetProducer['nextSheet'];

  constructor(
    private readonly root: string,
    private readonly jobUrl: string,
    private readonly request: EsclScanRequest,
    private readonly source: PaperSource,
    private readonly mode: ColorMode,
    private readonly settings: EsclSettings,
  ) {
    this.nextSheetFn = sheetsFromPages(() => this.nextPage(), request.duplex);
  }

  nextSheet() {
    return this.nextSheetFn();
  }

  async pause(): Promise<void> {
    this.paused = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.finish(batchEnded());
  }

  private async finish(error: ScanError): Promise<Outcome<ScannedImage>> {
    this.endError ??= error;
    if (!this.jobGone) {
      this.jobGone = true;
      // one job at a time: never leave a job holding the device
      await httpRequest(this.jobUrl, { method: 'DELETE', timeoutMs: this.settings.requestTimeoutMs });
    }
    return err(this.endError);
  }

  private async nextPage(): Promise<Outcome<ScannedImage>> {
    if (this.endError !== undefined) return err(this.endError);
    // a paused duplex job still fetches the back of a sheet whose front it has
    const sheetDone = this.pagesReceived % (this.request.duplex ? 2 : 1) === 0;
    if (this.paused && sheetDone) return this.finish(feedingPaused());
    let busy = 0;
    for (;;) {
      const wait = this.lastReplyAt + this.settings.nextDocumentDelayMs - Date.now();
      if (this.lastReplyAt > 0 && wait > 0) await sleep(wait);
      if (this.closed) return err(batchEnded());
      if (this.paused && sheetDone) return this.finish(feedingPaused());
      const reply = await httpRequest(`${this.jobUrl}/NextDocument`, {
        method: 'GET',
        timeoutMs: this.settings.pageTimeoutMs,
      });
      this.lastReplyAt = Date.now();
      if (this.closed) return err(batchEnded());
      if (!reply.ok) return this.finish(reply.error);
      const { status } = reply.value;
      if (status === 200) return this.acceptPage(reply.value);
      if (status === 503) {
        busy++;
        if (busy > this.settings.busyRetryLimit) {
          return this.finish(scanError('Busy', `The scanner stayed busy for ${busy} tries`));
        }
        const after = retryAfterMs(reply.value);
        await sleep(Math.min(after ?? this.settings.busyRetryDelayMs, this.settings.maxRetryAfterMs));
        continue;
      }
      return this.endOfJob(reply.value);
    }
  }

  private async endOfJob(reply: HttpReply): Promise<Outcome<ScannedImage>> {
    const { status } = reply;
    const feeder = this.source !== 'flatbed';
    if (status === 404 || status === 410) this.jobGone = true;
    const feederEmpty = scanError('FeederEmpty', feeder ? 'The feeder is empty' : 'The flatbed page is done');
    if (status === 404 || status === 409) {
      const { job, adfState } = await jobAccount(this.root, this.jobUrl, this.settings);
      if (job !== undefined) {
        // AirSane: 409 when the feeder stops (its AdfState says why, once), then 404; the job says how it ended
        const fromAdf = status === 409 && job.state === 'Aborted' ? adfError(adfState) : undefined;
        if (fromAdf !== undefined) return this.finish(fromAdf);
        if (status === 409 && feeder && job.state !== 'Canceled') return this.finish(feederEmpty);
        const fromJob = jobError(job, feeder);
        if (fromJob !== undefined) return this.finish(fromJob);
        if (this.pagesReceived > 0 || job.state === 'Completed') return this.finish(feederEmpty);
      } else if (this.pagesReceived > 0 || (status === 409 && feeder)) {
        return this.finish(feederEmpty);
      }
    }
    const fromAdf = feeder ? await adfVerdict(this.root, this.settings) : undefined;
    if (fromAdf !== undefined) return this.finish(fromAdf);
    if (status === 404) {
      return this.finish(
        scanError(
          'DeviceError',
          'The scanner finished the job without a page; it may have refused the settings',
          `InputSource ${this.request.inputSource}, ${this.request.colorMode}, ${this.request.dpi} dpi`,
        ),
      );
    }
    if (status === 410) return this.finish(scanError('DeviceError', 'The scan job was cancelled at the scanner'));
    return this.finish(scanError('DeviceError', `NextDocument answered ${status}`, bodyText(reply).slice(0, 200)));
  }

  /**
   * A 200 without an image: AirSane sends the headers before it reads the page, so a jam mid-page
   * is an empty 200 and the job Aborted. The job's state says what happened.
   */
  private async notAPage(reply: HttpReply): Promise<Outcome<ScannedImage>> {
    const feeder = this.source !== 'flatbed';
    const { job } = await jobAccount(this.root, this.jobUrl, this.settings);
    const fromJob = jobError(job, feeder) ?? (feeder ? await adfVerdict(this.root, this.settings) : undefined);
    if (fromJob !== undefined) return this.finish(fromJob);
    const contentType = reply.headers.get('content-type') ?? '';
    if (reply.body.length === 0) {
      return this.finish(scanError('DeviceError', 'The scanner sent an empty page', `${contentType}, job ${job?.state ?? 'not listed'}`));
    }
    return this.finish(scanError('Unsupported', 'The scanner sent a page in a format we cannot use', contentType));
  }

  private async acceptPage(reply: HttpReply): Promise<Outcome<ScannedImage>> {
    const sniffed = sniffMediaType(reply.body);
    if (sniffed === undefined || !CONTRACT_TYPES.has(sniffed as MediaType)) return this.notAPage(reply);
    if (this.settings.verifyImages) {
      let mismatch: string | undefined;
      try {
        const meta = await sharp(reply.body).metadata();
        mismatch = imageMismatch(
          { width: meta.width ?? 0, channels: meta.channels ?? 0 },
          { dpi: this.request.dpi, width: this.request.width, mode: this.mode },
          this.settings.widthTolerance,
        );
      } catch (cause) {
        mismatch = `unreadable image: ${String(cause)}`;
      }
      if (mismatch !== undefined) {
        return this.finish(scanError('Unsupported', 'The scanner did not honour the requested settings', mismatch));
      }
    }
    this.pagesReceived++;
    return ok({
      bytes: reply.body,
      mediaType: sniffed as MediaType,
      dpi: this.request.dpi,
      sourceName: this.request.duplex ? 'Feeder (Duplex)' : this.request.inputSource,
    });
  }
}
