/** The hot-folder driver on real files in a temporary folder. */
import { appendFile, mkdtemp, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drain } from '../contract.suite';
import type { BatchOptions } from '../contract';
import { barHeight, decodeInfo, makePdf, makePng } from '../testFixtures';
import { takenKey } from './fileStability';
import { createHotFolderDriver } from './hotFolderDriver';
import type { HotFolderSettings } from './hotFolderSettings';
import { manualClock } from './manualClock';

const FAST = { pollIntervalMs: 30, stableForMs: 120, idleTimeoutMs: 350 } satisfies Partial<HotFolderSettings>;

describe('hot-folder driver', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'paperloop-hot-test-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const make = (settings: Partial<HotFolderSettings> = {}) =>
    createHotFolderDriver({ folders: [{ name: 'copier', path: folder }], ...FAST, ...settings });
  const options = (over: Partial<BatchOptions> = {}): BatchOptions => ({
    deviceId: 'hot-folder:copier',
    source: 'feeder',
    dpi: 50,
    mode: 'gray',
    ...over,
  });

  it('does not take a file while it is still being written', async () => {
    const clock = manualClock();
    const driver = make({ idleTimeoutMs: 2000, useFsWatch: false, clock });
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await clock.tick(0); // the batch's first check
    const png = await makePng(3);
    let settled = false;
    const pending = started.value.scanSheet().then((r) => {
      settled = true;
      return r;
    });
    const chunk = Math.ceil(png.length / 6);
    for (let at = 0; at < png.length; at += chunk) {
      await appendFile(join(folder, 'slow.png'), png.subarray(at, at + chunk));
      // a full stableForMs passes between chunks, but each check sees the file grown
      await clock.tick(FAST.stableForMs);
      expect(settled).toBe(false);
    }
    await clock.tick(FAST.stableForMs); // unchanged for stableForMs: complete
    const sheet = await pending;
    if (!sheet.ok) throw new Error(JSON.stringify(sheet.error));
    expect(sheet.value.front.bytes.length).toBe(png.length);
    expect(sheet.value.front.sourceName).toBe('slow.png');
    expect(await barHeight(sheet.value.front)).toBe(20);
    await started.value.endBatch();
  });

  it('takes each file once, across batches, and a rewritten file again', async () => {
    const driver = make();
    await writeFile(join(folder, 'a.png'), await makePng(0));
    await writeFile(join(folder, 'b.png'), await makePng(1));
    const run = async () => {
      const started = await driver.startBatch(options());
      if (!started.ok) throw new Error(JSON.stringify(started.error));
      return (await drain(started.value)).sheets.map((s) => s.front.sourceName);
    };
    expect(await run()).toEqual(['a.png', 'b.png']);
    expect(await run()).toEqual([]);
    await writeFile(join(folder, 'c.png'), await makePng(2));
    await writeFile(join(folder, 'a.png'), await makePng(5)); // same name, new scan
    await utimes(join(folder, 'a.png'), new Date(), new Date(Date.now() + 5000));
    expect(await run()).toEqual(['a.png', 'c.png']);
  });

  it('ignores temporary names until the file is renamed into place', async () => {
    const clock = manualClock();
    const driver = make({ idleTimeoutMs: 2000, clock });
    await writeFile(join(folder, 'scan.pdf.part'), await makePdf(1));
    await writeFile(join(folder, '.scan.pdf.tmp'), 'x');
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    // long enough for both names to be complete, were they not ignored
    for (const ms of [0, FAST.stableForMs, FAST.stableForMs]) await clock.tick(ms);
    await rename(join(folder, 'scan.pdf.part'), join(folder, 'scan.pdf'));
    const { sheets } = await clock.runUntil(drain(started.value), FAST.pollIntervalMs);
    expect(sheets.map((s) => s.front.sourceName)).toEqual(['scan.pdf']);
    // an A4 PDF page rendered at the batch's 50 dpi
    const { width } = await decodeInfo(sheets[0]!.front);
    expect(Math.abs(width - (595 / 72) * 50)).toBeLessThanOrEqual(1);
  });

  it('reports an unreadable file and carries on with the next', async () => {
    const driver = make();
    await writeFile(join(folder, '1-notes.txt'), 'not a scan');
    await writeFile(join(folder, '2-page.png'), await makePng(0));
    const started = await driver.startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    const first = await started.value.scanSheet();
    expect(first.ok ? undefined : first.error).toMatchObject({ kind: 'Unsupported', message: expect.stringMatching(/1-notes\.txt/) });
    const second = await started.value.scanSheet();
    expect(second.ok ? second.value.front.sourceName : second.error).toBe('2-page.png');
    expect(second.ok ? second.value.index : -1).toBe(0);
  });

  it('pairs duplex pages within a file, or across one-page files', async () => {
    await writeFile(join(folder, 'job.pdf'), await makePdf(4));
    const within = await make().startBatch(options({ source: 'duplex' }));
    if (!within.ok) throw new Error(JSON.stringify(within.error));
    const pdfSheets = (await drain(within.value)).sheets;
    expect(pdfSheets).toHaveLength(2);
    expect(pdfSheets.every((s) => s.back !== undefined)).toBe(true);

    await rm(join(folder, 'job.pdf'));
    for (const i of [0, 1, 2]) await writeFile(join(folder, `side-${i}.png`), await makePng(i));
    const across = await make({ duplexPairing: 'across-files' }).startBatch(options({ source: 'duplex' }));
    if (!across.ok) throw new Error(JSON.stringify(across.error));
    const sides = (await drain(across.value)).sheets;
    expect(sides.map((s) => [s.front.sourceName, s.back?.sourceName])).toEqual([
      ['side-0.png', 'side-1.png'],
      ['side-2.png', undefined],
    ]);
  });

  it('gives files not handed out back when the batch ends early', async () => {
    const clock = manualClock();
    const driver = make({ clock });
    for (const i of [0, 1, 2]) await writeFile(join(folder, `p${i}.png`), await makePng(i));
    const first = await driver.startBatch(options());
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    await clock.tick(0); // the batch's first check sees them
    await clock.tick(FAST.stableForMs); // the next takes all three into the queue
    for (const i of [0, 1, 2]) expect(driver.ledger.has(takenKey(`p${i}.png`, await stat(join(folder, `p${i}.png`))))).toBe(true);
    const one = await first.value.scanSheet();
    expect(one.ok).toBe(true);
    await first.value.endBatch();
    const second = await driver.startBatch(options());
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    const { sheets } = await clock.runUntil(drain(second.value), FAST.pollIntervalMs);
    expect(sheets.map((s) => s.front.sourceName)).toEqual(['p1.png', 'p2.png']);
  });

  it('can leave files that were there before the batch, and works by polling alone', async () => {
    await writeFile(join(folder, 'old.png'), await makePng(0));
    const started = await make({ takeExisting: false, useFsWatch: false }).startBatch(options());
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await writeFile(join(folder, 'new.png'), await makePng(1));
    expect((await drain(started.value)).sheets.map((s) => s.front.sourceName)).toEqual(['new.png']);
  });

  it('is Disconnected when the folder is missing', async () => {
    const driver = createHotFolderDriver({ folders: [{ name: 'share', path: join(folder, 'not-mounted') }] });
    expect(await driver.listDevices()).toEqual([]);
    const started = await driver.startBatch({ ...options(), deviceId: 'hot-folder:share' });
    expect(started.ok ? undefined : started.error.kind).toBe('Disconnected');
  });
});
