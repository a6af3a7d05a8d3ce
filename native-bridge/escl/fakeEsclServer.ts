/**
 * A scriptable eSCL server on 127.0.0.1 (port 0) for tests and the demo.
 * It behaves like the real ones described in STACK.md: relative Location,
 * XML replies without Content-Length that close the connection, chunked
 * JPEG pages, prefixed-only settings, one job at a time. Script it with
 * sheets, 503s, a jam, a cancellation (410) and the "empty feeder reported
 * as a jam" quirk.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  /** 0-based page at which the feeder jams: NextDocument answers 500 and the status shows ScannerAdfJam. */
  readonly jamAtPage?: number;
  /** 0-based page at which someone cancels at the panel: NextDocument answers 410. */
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
}

export const DEFAULT_FAKE_ESCL_SCRIPT: FakeEsclScript = {
  makeAndModel: 'PaperLoop FakeScan 3000',
  sheets: 3,
  platen: true,
  adf: true,
  duplex: true,
  resolutions: [75, 100, 150, 200, 300, 600],
  busyBeforePage: 0,
  endOfJob: '404',
  staleJamStatusReads: 0,
  pageDelayMs: 0,
};

/** Max scan area, 1/300 inch (A4 width by legal length). */
const MAX_WIDTH = 2550;
const MAX_HEIGHT = 4200;
const JOBS_PATH = '/eSCL/ScanJobs';

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

interface Job {
  readonly id: string;
  readonly settings: JobSettings;
  readonly pages: number;
  served: number;
  busyServed: number;
  ended409: boolean;
  state: 'active' | 'done' | 'cancelled' | 'aborted';
}

export interface FakeEsclLog {
  readonly requests: string[];
  readonly settingsBodies: string[];
  readonly deletedJobs: string[];
  jobsCreated: number;
  /** Requests whose body arrived without Content-Length. */
  chunkedBodies: number;
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
  return (
    `<${tag}><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>${MAX_WIDTH}</scan:MaxWidth>` +
    `<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>${MAX_HEIGHT}</scan:MaxHeight>` +
    '<scan:SettingProfiles><scan:SettingProfile>' +
    '<scan:ColorModes><scan:ColorMode>BlackAndWhite1</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode></scan:ColorModes>' +
    '<scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><pwg:DocumentFormat>application/pdf</pwg:DocumentFormat>' +
    '<scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt><scan:DocumentFormatExt>application/pdf</scan:DocumentFormatExt></scan:DocumentFormats>' +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${res}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    `</scan:SettingProfile></scan:SettingProfiles></${tag}>`
  );
}

export function capabilitiesXmlFor(script: FakeEsclScript): string {
  const platen = script.platen ? `<scan:Platen>${inputCapsXml('scan:PlatenInputCaps', script)}</scan:Platen>` : '';
  const adf = script.adf
    ? `<scan:Adf>${inputCapsXml('scan:AdfSimplexInputCaps', script)}${
        script.duplex ? inputCapsXml('scan:AdfDuplexInputCaps', script) : ''
      }<scan:FeederCapacity>50</scan:FeederCapacity></scan:Adf>`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\r\n<scan:ScannerCapabilities xmlns:scan="${ESCL_NS.scan}" xmlns:pwg="${ESCL_NS.pwg}">` +
    `<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>${script.makeAndModel}</pwg:MakeAndModel>` +
    `<scan:UUID>4509a320-00a0-008f-00b6-002507510eca</scan:UUID>${platen}${adf}</scan:ScannerCapabilities>\r\n`
  );
}

/** A page image: white with a black bar whose position encodes the page number. */
async function pageImage(settings: JobSettings, page: number): Promise<Buffer> {
  const width = Math.max(1, Math.round((settings.width / ESCL_UNITS_PER_INCH) * settings.xResolution));
  const height = Math.max(1, Math.round((settings.height / ESCL_UNITS_PER_INCH) * settings.yResolution));
  const channels = settings.colorMode === 'RGB24' ? 3 : 1;
  const pixels = Buffer.alloc(width * height * channels, 255);
  const bar = Math.max(1, Math.round(height / 40));
  const top = Math.min(height - bar, bar * (2 + (page % 30)));
  pixels.fill(0, top * width * channels, (top + bar) * width * channels);
  let image = sharp(pixels, { raw: { width, height, channels } }).withDensity(settings.xResolution);
  if (channels === 1) image = image.toColourspace('b-w');
  return settings.format === 'image/png' ? image.png().toBuffer() : image.jpeg({ quality: 80 }).toBuffer();
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

/** XML like real servers send it: no Content-Length, connection closed after the body. */
function sendXml(res: ServerResponse, xml: string): void {
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, { 'Content-Type': 'text/xml', Connection: 'close' });
  res.end(xml);
}

function sendStatus(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Length': '0', ...headers });
  res.end();
}

export async function startFakeEsclServer(initial: Partial<FakeEsclScript> = {}): Promise<FakeEsclServer> {
  let script: FakeEsclScript = { ...DEFAULT_FAKE_ESCL_SCRIPT, ...initial };
  let sheetsLeft = script.sheets;
  let jammed = false;
  let staleJamReads = script.staleJamStatusReads;
  let nextJobId = 1;
  const jobs = new Map<string, Job>();
  const log: FakeEsclLog = { requests: [], settingsBodies: [], deletedJobs: [], jobsCreated: 0, chunkedBodies: 0 };

  const activeJob = (): Job | undefined => [...jobs.values()].find((j) => j.state === 'active');

  const statusXml = (): string => {
    let adf = jammed ? 'ScannerAdfJam' : sheetsLeft > 0 ? 'ScannerAdfLoaded' : 'ScannerAdfEmpty';
    if (staleJamReads > 0) {
      staleJamReads--;
      adf = 'ScannerAdfJam';
    }
    const state = activeJob() !== undefined ? 'Processing' : 'Idle';
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\r\n<scan:ScannerStatus xmlns:scan="${ESCL_NS.scan}" xmlns:pwg="${ESCL_NS.pwg}">` +
      `<pwg:Version>2.63</pwg:Version><pwg:State>${state}</pwg:State>` +
      (script.adf ? `<scan:AdfState>${adf}</scan:AdfState>` : '') +
      '</scan:ScannerStatus>\r\n'
    );
  };

  const busyFor = (page: number): number =>
    typeof script.busyBeforePage === 'number' ? script.busyBeforePage : (script.busyBeforePage[page] ?? 0);

  async function nextDocument(job: Job, res: ServerResponse): Promise<void> {
    if (job.state === 'cancelled' || job.state === 'aborted') return sendStatus(res, 410);
    if (job.state === 'done') return sendStatus(res, 404);
    const page = job.served;
    const validSettings =
      script.refuseSettings !== true &&
      (job.settings.inputSource === 'Platen' || job.settings.inputSource === 'Feeder') &&
      job.settings.xResolution === job.settings.yResolution;
    if (!validSettings || page >= job.pages) {
      // real servers: unknown source or unequal resolutions still get 201, then 404 with no page
      if (job.settings.inputSource === 'Feeder' && script.endOfJob === '409-then-404' && !job.ended409 && validSettings) {
        job.ended409 = true;
        return sendStatus(res, 409);
      }
      job.state = 'done';
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
    if (script.cancelAtPage === page) {
      job.state = 'cancelled';
      return sendStatus(res, 410);
    }
    if (script.jamAtPage === page && job.settings.inputSource === 'Feeder') {
      jammed = true;
      job.state = 'aborted';
      return sendStatus(res, 500);
    }
    if (script.pageDelayMs > 0) await new Promise((r) => setTimeout(r, script.pageDelayMs));
    const image = await pageImage(job.settings, page);
    job.served++;
    job.busyServed = 0;
    if (job.settings.inputSource === 'Feeder') {
      const perSheet = job.settings.duplex ? 2 : 1;
      if (job.served % perSheet === 0) sheetsLeft = Math.max(0, sheetsLeft - 1);
    }
    // chunked, like AirSane
    res.writeHead(200, { 'Content-Type': job.settings.format === 'image/png' ? 'image/png' : 'image/jpeg' });
    res.write(image);
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    log.requests.push(`${req.method} ${path}`);
    if (req.method === 'GET' && path === '/eSCL/ScannerCapabilities') return sendXml(res, capabilitiesXmlFor(script));
    if (req.method === 'GET' && path === '/eSCL/ScannerStatus') return sendXml(res, statusXml());
    if (req.method === 'POST' && path === JOBS_PATH) {
      if (req.headers['content-length'] === undefined) log.chunkedBodies++;
      const body = await readBody(req);
      log.settingsBodies.push(body);
      if (activeJob() !== undefined) return sendStatus(res, 503);
      const asked = parseJobSettings(body);
      const settings: JobSettings =
        script.ignoreSettings === true
          ? { ...asked, colorMode: 'RGB24', xResolution: 300, yResolution: 300, width: MAX_WIDTH }
          : asked;
      const feeder = settings.inputSource === 'Feeder';
      const perSheet = settings.duplex ? 2 : 1;
      const pages = feeder ? sheetsLeft * perSheet : 1;
      const id = `job-${nextJobId++}`;
      jobs.set(id, { id, settings, pages, served: 0, busyServed: 0, ended409: false, state: 'active' });
      log.jobsCreated++;
      return sendStatus(res, 201, { Location: `${JOBS_PATH}/${id}` });
    }
    const match = new RegExp(`^${JOBS_PATH}/([^/]+)(/NextDocument)?$`).exec(path);
    const job = match ? jobs.get(match[1] ?? '') : undefined;
    if (match && req.method === 'GET' && match[2] !== undefined) {
      return job ? nextDocument(job, res) : sendStatus(res, 404);
    }
    if (match && req.method === 'DELETE' && match[2] === undefined) {
      if (job === undefined) return sendStatus(res, 404);
      log.deletedJobs.push(job.id);
      if (job.state === 'active') job.state = 'cancelled';
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
        server.close(() => resolve());
      });
    },
  };
}
