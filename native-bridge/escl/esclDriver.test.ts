/** The eSCL driver against the scriptable fake server, over real HTTP on 127.0.0.1. */
import { afterEach, describe, expect, it } from 'vitest';
import { drain } from '../contract.suite';
import type { BatchOptions } from '../contract';
import { createEsclDriver } from './esclDriver';
import type { EsclSettings } from './esclSettings';
import { FAKE_ESCL_SCRIPTS, startFakeEsclServer, type FakeEsclScript, type FakeEsclServer } from './fakeEsclServer';

const FIRMWARE = FAKE_ESCL_SCRIPTS['printer-firmware'];

const FAST: Partial<EsclSettings> = { nextDocumentDelayMs: 1, busyRetryDelayMs: 5, jamRecheckDelayMs: 5 };

describe('eSCL driver', () => {
  let server: FakeEsclServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function setup(script: Partial<FakeEsclScript>, settings: Partial<EsclSettings> = {}) {
    server = await startFakeEsclServer(script);
    const driver = createEsclDriver({ scanners: [{ url: server.url }], ...FAST, ...settings });
    const deviceId = `escl:${server.url}`;
    const options = (over: Partial<BatchOptions> = {}): BatchOptions => ({
      deviceId,
      source: 'feeder',
      dpi: 75,
      mode: 'gray',
      ...over,
    });
    return { server, driver, deviceId, options };
  }

  const nextDocumentCalls = (s: FakeEsclServer) => s.log.requests.filter((r) => r.endsWith('/NextDocument')).length;

  it('retries 503 answers and still gets every page', async () => {
    const { server, driver, options } = await setup({ sheets: 3, busyBeforePage: 2 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(3);
    expect(end.kind).toBe('FeederEmpty');
    // 3 pages × (2 busy + 1 page) + the final 404
    expect(nextDocumentCalls(server)).toBe(10);
  });

  it('honours Retry-After, capped by maxRetryAfterMs', async () => {
    const { driver, options } = await setup({ sheets: 1, busyBeforePage: 1, retryAfterSeconds: 5 }, { maxRetryAfterMs: 150 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const t0 = Date.now();
    expect((await started.value.scanSheet()).ok).toBe(true);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(2000);
  });

  it('gives up with Busy after busyRetryLimit and deletes the job', async () => {
    const { server, driver, options } = await setup({ sheets: 1, busyBeforePage: 100 }, { busyRetryLimit: 3 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error.kind).toBe('Busy');
    expect(server.log.deletedJobs).toHaveLength(1);
  });

  it('firmware: ends on 404 after the last page, without a DELETE', async () => {
    const { server, driver, options } = await setup({ ...FIRMWARE, sheets: 2 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(2);
    expect(end).toMatchObject({ kind: 'FeederEmpty' });
    await started.value.endBatch();
    expect(server.log.deletedJobs).toEqual([]);
  });

  it("ends on AirSane's 409 after pages, and deletes the job so the next can start", async () => {
    const { server, driver, options } = await setup({ sheets: 2 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(2);
    expect(end.kind).toBe('FeederEmpty');
    expect(server.log.deletedJobs).toHaveLength(1);
    server.update({ sheets: 1 });
    const next = await driver.startBatch(options());
    expect(next.ok).toBe(true);
  });

  it.each([
    ['firmware (410)', FIRMWARE],
    ['AirSane (an empty 200, the job Aborted)', {}],
  ])('reports a job cancelled at the scanner after the pages before it: %s', async (_name, script) => {
    const { driver, options } = await setup({ ...script, sheets: 3, cancelAtPage: 1 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(1);
    expect(end).toMatchObject({ kind: 'DeviceError', message: expect.stringMatching(/cancelled/) });
  });

  it('AirSane: a jam (an empty 200, the job Aborted) is Jammed, not an unsupported format; so is the next job while paper is stuck', async () => {
    const { server, driver, options } = await setup({ sheets: 3, jamAtPage: 1 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(1);
    expect(end).toMatchObject({ kind: 'Jammed', detail: expect.stringMatching(/Aborted/) });
    expect(server.log.pagesServed).toBe(1);
    // the paper is still stuck: the next job is refused with 409 and ScannerAdfJam, once
    const next = await driver.startBatch(options());
    if (!next.ok) throw new Error(JSON.stringify(next.error));
    const first = await next.value.scanSheet();
    expect(first.ok ? undefined : first.error.kind).toBe('Jammed');
  });

  it('firmware: reports a jam in the middle of a batch as Jammed', async () => {
    const { driver, options } = await setup({ ...FIRMWARE, sheets: 3, jamAtPage: 1 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(1);
    expect(end.kind).toBe('Jammed');
    // and the next batch is refused while the jam is there
    const next = await driver.startBatch(options());
    expect(next.ok ? undefined : next.error.kind).toBe('Jammed');
  });

  it('quirk: an empty feeder reported as a jam is FeederEmpty, not Jammed', async () => {
    const { server, driver, options } = await setup({ ...FIRMWARE, sheets: 0, staleJamStatusReads: 2 });
    const started = await driver.startBatch(options());
    expect(started.ok ? undefined : started.error.kind).toBe('FeederEmpty');
    expect(server.log.jobsCreated).toBe(0);
  });

  it('quirk: a loaded feeder with a stale jam report scans normally', async () => {
    const { driver, options } = await setup({ sheets: 2, staleJamStatusReads: 1 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    expect((await drain(started.value)).sheets).toHaveLength(2);
  });

  it('a jam that stays reported is Jammed', async () => {
    const { driver, options } = await setup({ sheets: 2, staleJamStatusReads: 50 }, { jamRecheckReads: 2 });
    const started = await driver.startBatch(options());
    expect(started.ok ? undefined : started.error.kind).toBe('Jammed');
  });

  it('is Busy while another job holds the scanner, and free after endBatch', async () => {
    const { driver, options } = await setup({ sheets: 5 });
    const first = await driver.startBatch(options());
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect((await first.value.scanSheet()).ok).toBe(true);
    const second = await driver.startBatch(options());
    expect(second.ok ? undefined : second.error.kind).toBe('Busy');
    await first.value.endBatch();
    const third = await driver.startBatch(options());
    expect(third.ok).toBe(true);
  });

  it('pairs duplex pages into sheets and refuses duplex where there is none', async () => {
    const { driver, options } = await setup({ sheets: 2, duplex: true });
    const started = await driver.startBatch(options({ source: 'duplex' }));
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets } = await drain(started.value);
    expect(sheets).toHaveLength(2);
    expect(sheets.every((s) => s.back !== undefined)).toBe(true);
    await server?.close();
    const simplex = await setup({ sheets: 2, duplex: false });
    const refused = await simplex.driver.startBatch(simplex.options({ source: 'duplex' }));
    expect(refused.ok ? undefined : refused.error.kind).toBe('NoDuplex');
  });

  it('scans one page from the platen', async () => {
    const { driver, options } = await setup({ sheets: 0 });
    const started = await driver.startBatch(options({ source: 'flatbed', mode: 'color' }));
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const { sheets, end } = await drain(started.value);
    expect(sheets).toHaveLength(1);
    expect(sheets[0]?.front.mediaType).toBe('image/jpeg');
    expect(end.kind).toBe('FeederEmpty');
  });

  it('reports refused settings (201, then 404 with no page) as an error, not an empty batch', async () => {
    const { driver, options } = await setup({ ...FIRMWARE, sheets: 2, refuseSettings: true });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error.kind).toBe('DeviceError');
  });

  it('AirSane: refused settings (the job Aborted with InvalidScanTicket) are Unsupported', async () => {
    const { driver, options } = await setup({ sheets: 2, refuseSettings: true });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error).toMatchObject({ kind: 'Unsupported', detail: expect.stringMatching(/InvalidScanTicket/) });
  });

  it('catches a scanner that ignored the requested settings', async () => {
    const { driver, options } = await setup({ sheets: 2, ignoreSettings: true });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error).toMatchObject({ kind: 'Unsupported' });
  });

  it('sends prefixed CRLF settings with Content-Length, and waits between NextDocument calls', async () => {
    const { server, driver, options } = await setup({ sheets: 3 }, { nextDocumentDelayMs: 60 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const t0 = Date.now();
    expect((await drain(started.value)).sheets).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3 * 60 - 10);
    expect(server.log.chunkedBodies).toBe(0);
    expect(server.log.settingsBodies[0]).toContain('\r\n<scan:ScanSettings');
  });

  it('is Disconnected when the scanner is gone', async () => {
    const { server, driver, deviceId, options } = await setup({ sheets: 1 });
    await server.close();
    // still listed, as not answering, so the teacher sees which scanner and why
    expect(await driver.listDevices()).toEqual([
      { id: deviceId, vendor: 'eSCL', model: server.url, kind: 'escl', notAnswering: expect.stringMatching(/Cannot reach the scanner.*ECONNREFUSED/) },
    ]);
    const caps = await driver.capabilities(deviceId);
    expect(caps.ok ? undefined : caps.error.kind).toBe('Disconnected');
    const started = await driver.startBatch(options());
    expect(started.ok ? undefined : started.error.kind).toBe('Disconnected');
  });

  it('times out with the injectable request timeout', async () => {
    const { driver, options } = await setup({ sheets: 1, pageDelayMs: 500 }, { pageTimeoutMs: 50 });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error).toMatchObject({ kind: 'Disconnected', message: expect.stringMatching(/50 ms/) });
  });
});
