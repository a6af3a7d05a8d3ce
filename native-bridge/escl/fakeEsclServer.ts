/**
 * A scriptable eSCL server on 127.0.0.1 (port 0) for tests and the demo.
 *
 * By default it behaves like AirSane (SimulPiscator/AirSane, an eSCL server in front of SANE),
 * as observed and as its source reads (server.cpp, scanner.cpp, scanjob.cpp):
 *  1. a feeder job ends with 409 when the feeder runs empty (the job is then Completed), then 404;
 *  2. the scanner stays Idle after the POST, until the first NextDocument opens the device;
 *  3. a second POST while a job is active also gets 201 (nothing is refused);
 *  4. two jobs fetching pages at once open the device twice, and the server dies;
 *  5. NextDocument after a DELETE is 404 (the job is Canceled, hence finished);
 *  6. a jam mid-page is a 200 with an empty body, the job Aborted (ResourcesAreNotReady), then 404;
 *  7. an empty feeder at the first page is 409 with the job Aborted, then 404;
 *  8. AdfState is ScannerAdfLoaded except right after a 409: ScannerAdfEmpty or ScannerAdfJam, reported once;
 *  9. ScannerStatus lists every job (JobInfo: JobUri, JobUuid, Age, JobState, ImagesCompleted, JobStateReasons);
 * 10. between the pages of a feeder job the job is Pending and the scanner Processing (the device stays open);
 * 11. settings it cannot use (unknown source, X ≠ Y resolution) still get 201, the job Aborted
 *     (InvalidScanTicket), and NextDocument answers 404 at once;
 * 12. every reply closes the connection and has no Content-Length (pages are chunked);
 * 13. pages are scanner-like: A4 at 300 dpi is 2480 × 3507 px (SANE rounds the area to whole mm), ~370 KB;
 * 14. capabilities list one feeder, simplex or duplex, never both, with Version 2.0 and formats
 *     application/pdf, image/jpeg, image/png as pwg:DocumentFormat only;
 * 15. colour modes are Grayscale8 and RGB24 only.
 *
 * The script `printer-firmware` keeps the earlier behaviour (a printer's own firmware, as several
 * behave): 404 at the end, Processing at once, 503 to a second POST, 410 after DELETE, 500 and
 * ScannerAdfJam on a jam, an AdfState that follows the paper sensor, keep-alive replies with
 * Content-Length, plain pages, both feeder capabilities. Script fields override either.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { ESCL_NS, ESCL_UNITS_PER_INCH } from './esclXml';

export interface FakeEsclScript {
  readonly makeAndModel: string;
  /** Sheets loaded in the feeder. */
  readonly sheets: number;
  readonly platen: boolean;
  readonly adf: boolean;
  readonly duplex: boolean;
  readonly resolutions: readonly number[];
  /** 503 answers before each page (number), or per 0-based page index. */
  readonly busyBeforePage: number | Readonly<Record<number, number>>;
  /** Retry-After (s) sent with 503s. */
  readonly retryAfterSeconds?: number;
  /** 0-based page at which the feeder jams (see `jamReply`). */
  readonly jamAtPage?: number;
  /** 0-based page at which someone cancels at the panel. */
  readonly cancelAtPage?: number;
  /** How a feeder job ends: 404 at once, or AirSane's 409 then 404. */
  readonly endOfJob: '404' | '409-then-404';
  /** The quirk: this many ScannerStatus replies say ScannerAdfJam whatever the feeder really holds. */
  readonly staleJamStatusReads: number;
  /** Time to "scan" each page. */
  readonly pageDelayMs: number;
  /** Act as if the settings were invalid: 201, then 404 with no page. */
  readonly refuseSettings?: boolean;
  /** Act as if the settings were not understood: default colour 300 dpi pages. */
  readonly ignoreSettings?: boolean;
  /** ScannerStatus State after a POST: Idle until the first NextDocument (AirSane), or Processing at once. */
  readonly stateAfterPost: 'idle-until-fetch' | 'processing-at-once';
  /** A POST while another job is active: 201 (AirSane) or 503. */
  readonly secondPost: '201' | '503';
  /** Two jobs fetching at once kill the server (AirSane opens the device twice). */
  readonly dieOnConcurrentFetch: boolean;
  /** NextDocument of a deleted job. */
  readonly afterDelete: 404 | 410;
  /** A jam: an empty 200 and the job Aborted (AirSane), or a 500 with ScannerAdfJam. */
  readonly jamReply: 'empty-200' | '500';
  /** AdfState: Loaded except once after a 409 (AirSane), or what the paper sensor sees. */
  readonly adfState: 'once-after-409' | 'sensor';
  /** ScannerStatus lists the jobs. */
  readonly listJobs: boolean;
  /** Replies close the connection without Content-Length (AirSane), or keep it alive with one. */
  readonly connection: 'close' | 'keep-alive';
  /** Scanner-like textured pages (~370 KB for A4 at 300 dpi) or plain white ones. */
  readonly pages: 'textured' | 'plain';
  /** Feeder capabilities: only the one the device uses (AirSane), or simplex and duplex. */
  readonly feederCaps: 'one' | 'both';
}

const AIRSANE: Omit<FakeEsclScript, 'makeAndModel' | 'sheets' | 'platen' | 'adf' | 'duplex' | 'resolutions' | 'busyBeforePage' | 'staleJamStatusReads' | 'pageDelayMs'> = {
  endOfJob: '409-then-404',
  stateAfterPost: 'idle-until-fetch',
  secondPost: '201',
  dieOnConcurrentFetch: true,
  afterDelete: 404,
  jamReply: 'empty-200',
  adfState: 'once-after-409',
  listJobs: true,
  connection: 'close',
  pages: 'textured',
  feederCaps: 'one',
};

const PRINTER_FIRMWARE: typeof AIRSANE = {
  endOfJob: '404',
  stateAfterPost: 'processing-at-once',
  secondPost: '503',
  dieOnConcurrentFetch: false,
  afterDelete: 410,
  jamReply: '500',
  adfState: 'sensor',
  listJobs: false,
  connection: 'keep-alive',
  pages: 'plain',
  feederCaps: 'both',
};

export const DEFAULT_FAKE_ESCL_SCRIPT: FakeEsclScript = {
  makeAndModel: 'PaperLoop FakeScan 3000',
  sheets: 3,
  platen: true,
  adf: true,
  duplex: true,
  resolutions: [75, 100, 150, 200, 300, 600],
  busyBeforePage: 0,
  staleJamStatusReads: 0,
  pageDelayMs: 0,
  ...AIRSANE,
};

/** Named behaviours: `airsane` (the default) and `printer-firmware` (the fake as it was). */
export const FAKE_ESCL_SCRIPTS = {
  airsane: DEFAULT_FAKE_ESCL_SCRIPT,
  'printer-firmware': { ...DEFAULT_FAKE_ESCL_SCRIPT, ...PRINTER_FIRMWARE },
} as const satisfies Record<string, FakeEsclScript>;

/** Max scan area, 1/300 inch (A4 width by legal length). */
const MAX_WIDTH = 2550;
const MAX_HEIGHT = 4200;
const JOBS_PATH = '/eSCL/ScanJobs';
/** Grey level and spread of the paper texture (gives AirSane-sized JPEGs). */
const PAPER_GREY = 232;
const PAPER_TEXTURE = 4;

interface JobSettings {
  readonly inputSource: string;
  readonly duplex: boolean;
  readonly colorMode: string;
  readonly xResolution: number;
  readonly yResolution: number;
  readonly width: number;
  readonly height: number;
  readonly format: string;
  readonly prefixed: boolean;
}

type JobState = 'Pending' | 'Processing' | 'Completed' | 'Aborted' | 'Canceled';

interface Job {
  readonly id: string;
  readonly settings: JobSettings;
  readonly pages: number;
  readonly createdAt: number;
  served: number;
  busyServed: number;
  state: JobState;
  reason: string;
  /** The device is open for this job (AirSane keeps it open between the pages of a feeder job). */
  deviceOpen: boolean;
  deleted: boolean;
}

export interface FakeEsclLog {
  readonly requests: string[];
  readonly settingsBodies: string[];
  readonly deletedJobs: string[];
  jobsCreated: number;
  /** Pages sent with their image (a jam's empty reply is not one). */
  pagesServed: number;
  /** Requests whose body arrived without Content-Length. */
  chunkedBodies: number;
  /** The server died (two jobs fetched at once). */
  died: boolean;
}

export interface FakeEsclServer {
  /** The eSCL root, e.g. `http://127.0.0.1:40123/eSCL`. */
  readonly url: string;
  readonly log: FakeEsclLog;
  /** Replace parts of the script (e.g. load more sheets). */
  update(script: Partial<FakeEsclScript>): void;
  readonly script: FakeEsclScript;
  close(): Promise<void>;
}

const settingsParser = new XMLParser({ ignoreAttributes: true, parseTagValue: false });

type XmlNode = Record<string, unknown>;
const node = (v: unknown): XmlNode | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlNode) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

/** Reads ScanSettings the way strict servers do: prefixed names only; otherwise a default colour platen job. */
export function parseJobSettings(xml: string): JobSettings {
  const root = node(node(settingsParser.parse(xml))?.['scan:ScanSettings']);
  const region = node(node(root?.['pwg:ScanRegions'])?.['pwg:ScanRegion']);
  const n = (v: unknown, fallback: number) => {
    const x = Number(str(v));
    return Number.isFinite(x) && x > 0 ? x : fallback;
  };
  return {
    inputSource: str(root?.['pwg:InputSource']) ?? 'Platen',
    duplex: str(root?.['scan:Duplex']) === 'true',
    colorMode: str(root?.['scan:ColorMode']) ?? 'RGB24',
    xResolution: n(root?.['scan:XResolution'], 300),
    yResolution: n(root?.['scan:YResolution'], 300),
    width: n(region?.['pwg:Width'], MAX_WIDTH),
    height: n(region?.['pwg:Height'], 3508),
    format: str(root?.['scan:DocumentFormatExt']) ?? str(root?.['pwg:DocumentFormat']) ?? 'image/jpeg',
    prefixed: root !== undefined,
  };
}

function inputCapsXml(tag: string, script: FakeEsclScript): string {
  const res = script.resolutions
    .map(
      (r) =>
        `<scan:DiscreteResolution><scan:XResolution>${r}</scan:XResolution><scan:YResolution>${r}</scan:YResolution></scan:DiscreteResolution>`,
    )
    .join('');
  const airsane = script.feederCaps === 'one';
  const modes = airsane
    ? '<scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode>'
    : '<scan:ColorMode>BlackAndWhite1</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode>';
  const formats = airsane
    ? '<pwg:DocumentFormat>application/pdf</pwg:DocumentFormat><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>image/png</pwg:DocumentFormat>'
    : '<pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>application/pdf</pwg:DocumentFormat>' +
      '<scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt><scan:DocumentFormatExt>application/pdf</scan:DocumentFormatExt>';
  return (
    `<${tag}><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>${MAX_WIDTH}</scan:MaxWidth>` +
    `<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>${MAX_HEIGHT}</scan:MaxHeight>` +
    '<scan:SettingProfiles><scan:SettingProfile>' +
    `<scan:ColorModes>${modes}</scan:ColorModes>` +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${res}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    `<scan:DocumentFormats>${formats}</scan:DocumentFormats>` +
    `</scan:SettingProfile></scan:SettingProfiles></${tag}>`
  );
}

export function capabilitiesXmlFor(script: FakeEsclScript): string {
  const platen = script.platen ? `<scan:Platen>${inputCapsXml('scan:PlatenInputCaps', script)}</scan:Platen>` : '';
  const simplex = script.feederCaps === 'both' || !script.duplex ? inputCapsXml('scan:AdfSimplexInputCaps', script) : '';
  const duplex = script.duplex ? inputCapsXml('scan:AdfDuplexInputCaps', script) : '';
  const adf = script.adf ? `<scan:Adf>${simplex}${duplex}<scan:FeederCapacity>50</scan:FeederCapacity></scan:Adf>` : '';
  const version = script.feederCaps === 'one' ? '2.0' : '2.63';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<scan:ScannerCapabilities xmlns:scan="${ESCL_NS.scan}" xmlns:pwg="${ESCL_NS.pwg}">` +
    `<pwg:Version>${version}</pwg:Version><pwg:MakeAndModel>${script.makeAndModel}</pwg:MakeAndModel>` +
    `<scan:UUID>4509a320-00a0-008f-00b6-002507510eca</scan:UUID>${platen}${adf}</scan:ScannerCapabilities>\r\n`
  );
}

/** mulberry32: the page texture is seeded by the page number, so every run sends the same bytes. */
function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pixels for a region in 1/300 inch: SANE rounds the area to whole millimetres and then scans
 * whole lines, so A4 (3508 units) at 300 dpi is 3507 px high, as AirSane sends it.
 */
export function scannedPixels(units: number, dpi: number): number {
  const mm = Math.round((units / ESCL_UNITS_PER_INCH) * 25.4);
  return Math.max(1, Math.floor((mm / 25.4) * dpi));
}

/** A page image: paper with a black bar whose position encodes the page number. */
async function pageImage(settings: JobSettings, page: number, textured: boolean): Promise<Buffer> {
  const width = textured
    ? scannedPixels(settings.width, settings.xResolution)
    : Math.max(1, Math.round((settings.width / ESCL_UNITS_PER_INCH) * settings.xResolution));
  const height = textured
    ? scannedPixels(settings.height, settings.yResolution)
    : Math.max(1, Math.round((settings.height / ESCL_UNITS_PER_INCH) * settings.yResolution));
  const channels = settings.colorMode === 'RGB24' ? 3 : 1;
  const pixels = Buffer.alloc(width * height * channels, 255);
  if (textured) {
    const random = seededRandom(page + 1);
    for (let i = 0; i < pixels.length; i++) pixels[i] = PAPER_GREY + Math.floor(random() * PAPER_TEXTURE);
  }
  const bar = Math.max(1, Math.round(height / 40));
  const top = Math.min(height - bar, bar * (2 + (page % 30)));
  pixels.fill(0, top * width * channels, (top + bar) * width * channels);
  let image = sharp(pixels, { raw: { width, height, channels } }).withDensity(settings.xResolution);
  if (channels === 1) image = image.toColourspace('b-w');
  return settings.format === 'image/png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startFakeEsclServer(initial: Partial<FakeEsclScript> = {}): Promise<FakeEsclServer> {
  let script: FakeEsclScript = { ...DEFAULT_FAKE_ESCL_SCRIPT, ...initial };
  let sheetsLeft = script.sheets;
  let jammed = false;
  let staleJamReads = script.staleJamStatusReads;
  /** AirSane's one-shot AdfState after a 409. */
  let adfOnce: string | undefined;
  let nextJobId = 1;
  const jobs = new Map<string, Job>();
  const sockets = new Set<Socket>();
  const log: FakeEsclLog = { requests: [], settingsBodies: [], deletedJobs: [], jobsCreated: 0, pagesServed: 0, chunkedBodies: 0, died: false };

  const finished = (job: Job): boolean => job.state === 'Completed' || job.state === 'Aborted' || job.state === 'Canceled';
  const activeJob = (): Job | undefined => [...jobs.values()].find((j) => !finished(j));
  const closeHeaders = (): Record<string, string> => (script.connection === 'close' ? { Connection: 'close' } : {});

  /** A reply with no body: AirSane sends no Content-Length and closes; firmware sends Content-Length: 0. */
  function sendStatus(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
    if (script.connection === 'close') {
      res.useChunkedEncodingByDefault = false;
      res.writeHead(code, { ...headers, Connection: 'close' });
    } else {
      res.writeHead(code, { 'Content-Length': '0', ...headers });
    }
    res.end();
  }

  function sendXml(res: ServerResponse, xml: string): void {
    if (script.connection === 'close') {
      res.useChunkedEncodingByDefault = false;
      res.writeHead(200, { 'Content-Type': 'text/xml', Connection: 'close' });
    } else {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': String(Buffer.byteLength(xml)) });
    }
    res.end(xml);
  }

  function jobInfoXml(job: Job): string {
    return (
      `<scan:JobInfo><pwg:JobUri>${JOBS_PATH}/${job.id}</pwg:JobUri><pwg:JobUuid>${job.id}</pwg:JobUuid>` +
      `<scan:Age>${Math.floor((Date.now() - job.createdAt) / 1000)}</scan:Age><pwg:JobState>${job.state}</pwg:JobState>` +
      `<pwg:ImagesCompleted>${job.served}</pwg:ImagesCompleted>` +
      `<pwg:JobStateReasons><pwg:JobStateReason>${job.reason}</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`
    );
  }

  const statusXml = (): string => {
    let adf: string;
    if (script.adfState === 'sensor') {
      adf = jammed ? 'ScannerAdfJam' : sheetsLeft > 0 ? 'ScannerAdfLoaded' : 'ScannerAdfEmpty';
    } else {
      adf = adfOnce ?? 'ScannerAdfLoaded';
      adfOnce = undefined;
    }
    if (staleJamReads > 0) {
      staleJamReads--;
      adf = 'ScannerAdfJam';
    }
    const busy =
      script.stateAfterPost === 'idle-until-fetch'
        ? [...jobs.values()].some((j) => j.deviceOpen)
        : activeJob() !== undefined;
    const jobsXml = script.listJobs ? `<scan:Jobs>${[...jobs.values()].map(jobInfoXml).join('')}</scan:Jobs>` : '';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\r\n<scan:ScannerStatus xmlns:scan="${ESCL_NS.scan}" xmlns:pwg="${ESCL_NS.pwg}">` +
      `<pwg:Version>2.0</pwg:Version><pwg:State>${busy ? 'Processing' : 'Idle'}</pwg:State>` +
      (script.adf ? `<scan:AdfState>${adf}</scan:AdfState>` : '') +
      jobsXml +
      '</scan:ScannerStatus>\r\n'
    );
  };

  const busyFor = (page: number): number =>
    typeof script.busyBeforePage === 'number' ? script.busyBeforePage : (script.busyBeforePage[page] ?? 0);

  const endJob = (job: Job, state: JobState, reason: string): void => {
    job.state = state;
    job.reason = reason;
    job.deviceOpen = false;
  };

  /** Two jobs with the device open: AirSane's backend falls over and the server goes with it. */
  function die(): void {
    log.died = true;
    for (const socket of sockets) socket.destroy();
    server.close();
  }

  async function nextDocument(job: Job, res: ServerResponse): Promise<void> {
    if (job.deleted && script.afterDelete === 410) return sendStatus(res, 410);
    if (job.state === 'Canceled' && script.afterDelete === 410) return sendStatus(res, 410);
    if (finished(job)) return sendStatus(res, 404);
    if (script.dieOnConcurrentFetch && [...jobs.values()].some((j) => j !== job && j.deviceOpen)) return die();
    const feeder = job.settings.inputSource === 'Feeder';
    const page = job.served;
    if (page >= job.pages) {
      if (feeder && script.endOfJob === '409-then-404') {
        endJob(job, page > 0 ? 'Completed' : 'Aborted', page > 0 ? 'JobCompletedSuccessfully' : 'ResourcesAreNotReady');
        adfOnce = jammed ? 'ScannerAdfJam' : 'ScannerAdfEmpty';
        return sendStatus(res, 409);
      }
      endJob(job, 'Completed', 'JobCompletedSuccessfully');
      return sendStatus(res, 404);
    }
    if (job.busyServed < busyFor(page)) {
      job.busyServed++;
      return sendStatus(
        res,
        503,
        script.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(script.retryAfterSeconds) },
      );
    }
    const airsaneFailure = script.jamReply === 'empty-200';
    if (script.cancelAtPage === page) {
      if (airsaneFailure) return sendEmptyPage(res, job, 'Aborted', 'JobCanceledByUser');
      endJob(job, 'Canceled', 'JobCanceledByUser');
      return sendStatus(res, 410);
    }
    if (feeder && jammed) {
      // the paper is still stuck: the device will not start
      endJob(job, 'Aborted', 'ResourcesAreNotReady');
      if (!airsaneFailure) return sendStatus(res, 500);
      adfOnce = 'ScannerAdfJam';
      return sendStatus(res, 409);
    }
    if (feeder && script.jamAtPage === page) {
      jammed = true;
      if (airsaneFailure) return sendEmptyPage(res, job, 'Aborted', 'ResourcesAreNotReady');
      endJob(job, 'Aborted', 'ResourcesAreNotReady');
      return sendStatus(res, 500);
    }
    job.deviceOpen = true;
    job.state = 'Processing';
    job.reason = 'JobScanning';
    if (script.pageDelayMs > 0) await new Promise((r) => setTimeout(r, script.pageDelayMs));
    if (finished(job)) return sendStatus(res, script.afterDelete); // deleted while scanning
    const image = await pageImage(job.settings, page, script.pages === 'textured');
    job.served++;
    job.busyServed = 0;
    if (feeder) {
      const perSheet = job.settings.duplex ? 2 : 1;
      if (job.served % perSheet === 0) sheetsLeft = Math.max(0, sheetsLeft - 1);
      job.state = 'Pending';
      job.reason = 'None';
    } else {
      endJob(job, 'Completed', 'JobCompletedSuccessfully');
    }
    log.pagesServed++;
    res.writeHead(200, {
      'Content-Type': job.settings.format === 'image/png' ? 'image/png' : 'image/jpeg',
      'Transfer-Encoding': 'chunked',
      ...closeHeaders(),
    });
    res.write(image);
    res.end();
  }

  /** AirSane when the read fails mid-page: the 200 and its headers are out, the body stays empty. */
  function sendEmptyPage(res: ServerResponse, job: Job, state: JobState, reason: string): void {
    endJob(job, state, reason);
    job.served++; // AirSane counts the failed image as completed
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Transfer-Encoding': 'chunked', ...closeHeaders() });
    res.end();
  }

  function createJob(body: string, res: ServerResponse): void {
    log.settingsBodies.push(body);
    if (activeJob() !== undefined && script.secondPost === '503') return sendStatus(res, 503);
    const asked = parseJobSettings(body);
    const settings: JobSettings =
      script.ignoreSettings === true
        ? { ...asked, colorMode: 'RGB24', xResolution: 300, yResolution: 300, width: MAX_WIDTH }
        : asked;
    const feeder = settings.inputSource === 'Feeder';
    const perSheet = settings.duplex ? 2 : 1;
    const valid =
      script.refuseSettings !== true &&
      (settings.inputSource === 'Platen' || feeder) &&
      settings.xResolution === settings.yResolution;
    // AirSane names jobs by UUID; counted here, so runs repeat
    const id = script.listJobs ? `4509a320-0000-4000-8000-${String(nextJobId).padStart(12, '0')}` : `job-${nextJobId}`;
    nextJobId++;
    // the firmware script: an invalid job looks active until its 404
    const invalidState: JobState = script.endOfJob === '404' ? 'Pending' : 'Aborted';
    jobs.set(id, {
      id,
      settings,
      pages: !valid ? 0 : feeder ? sheetsLeft * perSheet : 1,
      createdAt: Date.now(),
      served: 0,
      busyServed: 0,
      state: valid ? 'Pending' : invalidState,
      reason: valid ? 'JobQueued' : 'InvalidScanTicket',
      deviceOpen: false,
      deleted: false,
    });
    log.jobsCreated++;
    sendStatus(res, 201, { Location: `${JOBS_PATH}/${id}` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    log.requests.push(`${req.method} ${path}`);
    if (req.method === 'GET' && path === '/eSCL/ScannerCapabilities') return sendXml(res, capabilitiesXmlFor(script));
    if (req.method === 'GET' && path === '/eSCL/ScannerStatus') return sendXml(res, statusXml());
    if (req.method === 'POST' && path === JOBS_PATH) {
      if (req.headers['content-length'] === undefined) log.chunkedBodies++;
      return createJob(await readBody(req), res);
    }
    const match = new RegExp(`^${JOBS_PATH}/([^/]+)(/NextDocument)?$`).exec(path);
    const job = match ? jobs.get(match[1] ?? '') : undefined;
    if (match && req.method === 'GET' && match[2] !== undefined) {
      return job ? nextDocument(job, res) : sendStatus(res, 404);
    }
    if (match && req.method === 'DELETE' && match[2] === undefined) {
      if (job === undefined) return sendStatus(res, 404);
      log.deletedJobs.push(job.id);
      job.deleted = true;
      if (!finished(job)) endJob(job, 'Canceled', 'JobCanceledByUser');
      return sendStatus(res, 200);
    }
    sendStatus(res, 404);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendStatus(res, 500);
      else res.destroy(error instanceof Error ? error : undefined);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/eSCL`,
    log,
    get script() {
      return script;
    },
    update(change) {
      script = { ...script, ...change };
      if (change.sheets !== undefined) sheetsLeft = change.sheets;
      if (change.staleJamStatusReads !== undefined) staleJamReads = change.staleJamStatusReads;
      if (change.jamAtPage === undefined && 'jamAtPage' in change) jammed = false;
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
  };
}
