/**
 * The fake eSCL server behaves like AirSane by default (what was observed on a real AirSane in
 * front of the SANE test backend, and what its source says), and the driver copes with it:
 * raw HTTP on 127.0.0.1 for the server's side, the real driver for ours.
 */
import { request } from 'node:http';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { drain } from '../contract.suite';
import type { BatchOptions } from '../contract';
import { createEsclDriver } from './esclDriver';
import type { EsclSettings } from './esclSettings';
import { mmToEsclUnits, parseStatusXml, scanSettingsXml, type EsclStatus } from './esclXml';
import { FAKE_ESCL_SCRIPTS, scannedPixels, startFakeEsclServer, type FakeEsclScript, type FakeEsclServer } from './fakeEsclServer';

const FAST: Partial<EsclSettings> = { nextDocumentDelayMs: 1, busyRetryDelayMs: 5, jamRecheckDelayMs: 5 };

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One request over a fresh connection, reading the body to the end (or to the close). */
function raw(url: string, method: 'GET' | 'POST' | 'DELETE', body?: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false, headers: body === undefined ? {} : { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const settingsXml = (over: { inputSource?: 'Platen' | 'Feeder'; dpi?: number } = {}) =>
  scanSettingsXml({
    version: '2.0',
    inputSource: over.inputSource ?? 'Feeder',
    duplex: false,
    colorMode: 'Grayscale8',
    dpi: over.dpi ?? 75,
    documentFormat: 'image/jpeg',
    width: mmToEsclUnits(210),
    height: mmToEsclUnits(297),
  });

describe('the fake eSCL server, as AirSane', () => {
  let server: FakeEsclServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async (script: Partial<FakeEsclScript> = {}) => (server = await startFakeEsclServer(script));
  const status = async (s: FakeEsclServer): Promise<EsclStatus> => parseStatusXml((await raw(`${s.url}/ScannerStatus`, 'GET')).body.toString())!;
  const post = async (s: FakeEsclServer, xml = settingsXml()) => {
    const created = await raw(`${s.url}/ScanJobs`, 'POST', xml);
    return { created, jobUrl: new URL(String(created.headers.location), s.url).toString() };
  };

  it('ends a feeder job with 409 when the feeder runs empty, then 404', async () => {
    const s = await start({ sheets: 1 });
    const { jobUrl } = await post(s);
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(200);
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(409);
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(404);
  });

  it('is Idle after the POST until the first NextDocument, and lists the job as Pending meanwhile', async () => {
    const s = await start({ sheets: 2 });
    const { jobUrl } = await post(s);
    const before = await status(s);
    expect(before.state).toBe('Idle');
    expect(before.jobs.map((j) => j.state)).toEqual(['Pending']);
    await raw(`${jobUrl}/NextDocument`, 'GET');
    const between = await status(s);
    expect(between.state).toBe('Processing'); // the device stays open between pages
    expect(between.jobs[0]).toMatchObject({ state: 'Pending', imagesCompleted: 1 });
  });

  it('answers a second POST with 201 too, and dies when both jobs fetch', async () => {
    const s = await start({ sheets: 4 });
    const first = await post(s);
    const second = await post(s);
    expect([first.created.status, second.created.status]).toEqual([201, 201]);
    expect((await raw(`${first.jobUrl}/NextDocument`, 'GET')).status).toBe(200);
    await expect(raw(`${second.jobUrl}/NextDocument`, 'GET')).rejects.toThrow();
    expect(s.log.died).toBe(true);
  });

  it('answers NextDocument after DELETE with 404', async () => {
    const s = await start({ sheets: 2 });
    const { jobUrl } = await post(s);
    expect((await raw(jobUrl, 'DELETE')).status).toBe(200);
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(404);
    expect((await status(s)).jobs[0]?.state).toBe('Canceled');
  });

  it('answers a jam with an empty 200, the job Aborted, then 404', async () => {
    const s = await start({ sheets: 3, jamAtPage: 0 });
    const { jobUrl } = await post(s);
    const jam = await raw(`${jobUrl}/NextDocument`, 'GET');
    expect(jam.status).toBe(200);
    expect(jam.headers['content-type']).toBe('image/jpeg');
    expect(jam.body.length).toBe(0);
    expect((await status(s)).jobs[0]).toMatchObject({ state: 'Aborted', reasons: ['ResourcesAreNotReady'] });
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(404);
  });

  it('reports ScannerAdfEmpty once after a 409, then Loaded whatever the feeder holds', async () => {
    const s = await start({ sheets: 1 });
    const { jobUrl } = await post(s);
    await raw(`${jobUrl}/NextDocument`, 'GET');
    await raw(`${jobUrl}/NextDocument`, 'GET'); // 409
    expect((await status(s)).adfState).toBe('ScannerAdfEmpty');
    expect((await status(s)).adfState).toBe('ScannerAdfLoaded');
  });

  it('closes the connection after every reply, with no Content-Length; pages are chunked', async () => {
    const s = await start({ sheets: 1 });
    const caps = await raw(`${s.url}/ScannerCapabilities`, 'GET');
    expect(caps.headers.connection).toBe('close');
    expect(caps.headers['content-length']).toBeUndefined();
    const { created, jobUrl } = await post(s);
    expect(created.headers.connection).toBe('close');
    expect(created.headers['content-length']).toBeUndefined();
    const page = await raw(`${jobUrl}/NextDocument`, 'GET');
    expect(page.headers['transfer-encoding']).toBe('chunked');
    expect(page.headers.connection).toBe('close');
  });

  it('sends scanner-like pages: A4 at 300 dpi is 2480 × 3507 px and about 370 KB', async () => {
    expect(scannedPixels(mmToEsclUnits(297), 300)).toBe(3507);
    const s = await start({ sheets: 1 });
    const { jobUrl } = await post(s, settingsXml({ dpi: 300 }));
    const page = await raw(`${jobUrl}/NextDocument`, 'GET');
    const meta = await sharp(page.body).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([2480, 3507, 1]);
    expect(page.body.length).toBeGreaterThan(250_000);
    expect(page.body.length).toBeLessThan(500_000);
  });

  it('keeps the earlier behaviour as the printer-firmware script', async () => {
    const s = await start({ ...FAKE_ESCL_SCRIPTS['printer-firmware'], sheets: 1 });
    const first = await post(s);
    expect((await status(s)).state).toBe('Processing');
    expect((await post(s)).created.status).toBe(503);
    expect(first.created.headers['content-length']).toBe('0');
    await raw(first.jobUrl, 'DELETE');
    expect((await raw(`${first.jobUrl}/NextDocument`, 'GET')).status).toBe(410);
  });
});

describe('the eSCL driver against AirSane', () => {
  const servers: FakeEsclServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  async function setup(script: Partial<FakeEsclScript> = {}) {
    const server = await startFakeEsclServer(script);
    servers.push(server);
    const station = () => createEsclDriver({ scanners: [{ url: server.url }], ...FAST });
    const options: BatchOptions = { deviceId: `escl:${server.url}`, source: 'feeder', dpi: 75, mode: 'gray' };
    return { server, station, options };
  }

  it('re-reads ScannerStatus before refusing a stale "feeder empty" left by the last batch', async () => {
    const { server, station, options } = await setup({ sheets: 1 });
    // another client (a phone app) scans the last sheet: its job ends 409, and AirSane says ScannerAdfEmpty once more
    const created = await raw(`${server.url}/ScanJobs`, 'POST', settingsXml());
    const jobUrl = new URL(String(created.headers.location), server.url).toString();
    await raw(`${jobUrl}/NextDocument`, 'GET');
    expect((await raw(`${jobUrl}/NextDocument`, 'GET')).status).toBe(409);
    server.update({ sheets: 2 }); // the teacher loads the next stack
    const started = await station().startBatch(options);
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    expect((await drain(started.value)).sheets).toHaveLength(2);
  });

  it('the scan after a batch that ended with 409 starts at once', async () => {
    const { server, station, options } = await setup({ sheets: 2 });
    const driver = station();
    const first = await driver.startBatch(options);
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect(await drain(first.value)).toMatchObject({ sheets: [{}, {}], end: { kind: 'FeederEmpty' } });
    server.update({ sheets: 3 });
    const second = await driver.startBatch(options);
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    expect((await drain(second.value)).sheets).toHaveLength(3);
  });

  it('two stations starting at once: one scans, the other is Busy, and the server lives', async () => {
    const { server, station, options } = await setup({ sheets: 3 });
    const [a, b] = await Promise.all([station().startBatch(options), station().startBatch(options)]);
    const started = [a, b].filter((r) => r.ok);
    const refused = [a, b].flatMap((r) => (r.ok ? [] : [r.error]));
    expect(started).toHaveLength(1);
    expect(refused).toMatchObject([{ kind: 'Busy' }]);
    const batch = started[0];
    if (batch === undefined || !batch.ok) throw new Error('no batch');
    expect((await drain(batch.value)).sheets).toHaveLength(3);
    expect(server.log.died).toBe(false);
  });

  it('is Busy while another client has a job waiting for its first page (the scanner still says Idle)', async () => {
    const { server, station, options } = await setup({ sheets: 3 });
    await raw(`${server.url}/ScanJobs`, 'POST', settingsXml());
    const started = await station().startBatch(options);
    expect(started.ok ? undefined : started.error).toMatchObject({ kind: 'Busy', message: expect.stringMatching(/another job/) });
    expect(server.log.jobsCreated).toBe(1);
  });

  it('an empty feeder at the start is FeederEmpty (409 before any page)', async () => {
    const { station, options } = await setup({ sheets: 0 });
    const started = await station().startBatch(options);
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error.kind).toBe('FeederEmpty');
  });

  it('scans one side of a duplex-only feeder (AirSane lists only its duplex caps)', async () => {
    const { station, options } = await setup({ sheets: 2, duplex: true });
    const caps = await station().capabilities(options.deviceId);
    expect(caps.ok ? caps.value.sources.map((s) => s.source) : []).toEqual(['flatbed', 'feeder', 'duplex']);
    const started = await station().startBatch(options);
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets } = await drain(started.value);
    expect(sheets).toHaveLength(2);
    expect(sheets.every((s) => s.back === undefined)).toBe(true);
  });
});
