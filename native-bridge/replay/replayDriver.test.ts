import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '../contract.suite';
import type { BatchOptions } from '../contract';
import { barHeight, makePdf, makePng } from '../testFixtures';
import { createReplayDriver, type ReplayDeviceConfig } from './replayDriver';

describe('replay scanner', () => {
  let folder: string;
  let files: string[];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'paperloop-replay-test-'));
    files = [];
    // written out of order: playback follows the sorted names
    for (const i of [2, 0, 1, 3, 4]) {
      const path = join(folder, `page-${i}.png`);
      await writeFile(path, await makePng(i));
      files[i] = path;
    }
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const run = async (device: Omit<ReplayDeviceConfig, 'name'>, over: Partial<BatchOptions> = {}) => {
    const driver = createReplayDriver({ devices: [{ name: 'd', ...device }] });
    const started = await driver.startBatch({ deviceId: 'replay:d', source: 'feeder', dpi: 100, mode: 'gray', ...over });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    return drain(started.value);
  };

  it('plays a folder in sorted name order', async () => {
    const { sheets } = await run({ folder });
    expect(sheets.map((s) => s.front.sourceName)).toEqual(['page-0.png', 'page-1.png', 'page-2.png', 'page-3.png', 'page-4.png']);
    expect(await Promise.all(sheets.map((s) => barHeight(s.front)))).toEqual([5, 10, 15, 20, 25]);
  });

  it('plays a list of files, PDFs page by page, in the given order', async () => {
    const pdf = join(folder, '..', `${folder.split('/').pop()}-two.pdf`);
    await writeFile(pdf, await makePdf(2));
    try {
      const { sheets } = await run({ files: [files[4]!, pdf, files[0]!] });
      expect(sheets.map((s) => s.front.sourceName)).toEqual(['page-4.png', pdf.split('/').pop(), pdf.split('/').pop(), 'page-0.png']);
    } finally {
      await rm(pdf, { force: true });
    }
  });

  it('paces sheets at msPerSheet', async () => {
    const t0 = Date.now();
    const { sheets } = await run({ files: files.slice(0, 3), msPerSheet: 60 });
    expect(sheets).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2 * 60 - 5);
  });

  it('pairs consecutive images as front and back for duplex', async () => {
    const { sheets } = await run({ folder, duplex: true }, { source: 'duplex' });
    expect(sheets.map((s) => [s.front.sourceName, s.back?.sourceName])).toEqual([
      ['page-0.png', 'page-1.png'],
      ['page-2.png', 'page-3.png'],
      ['page-4.png', undefined],
    ]);
  });

  it('refuses duplex unless configured', async () => {
    const driver = createReplayDriver({ devices: [{ name: 'd', folder }] });
    const started = await driver.startBatch({ deviceId: 'replay:d', source: 'duplex', dpi: 100, mode: 'gray' });
    expect(started.ok ? undefined : started.error.kind).toBe('NoDuplex');
  });

  it.each(['Jammed', 'CoverOpen', 'Disconnected'] as const)('injects %s at the given sheet', async (kind) => {
    const { sheets, end } = await run({ folder, failAt: { atSheet: 2, kind } });
    expect(sheets).toHaveLength(2);
    expect(end.kind).toBe(kind);
  });

  it('an empty folder is an empty feeder', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'paperloop-replay-empty-'));
    try {
      const { sheets, end } = await run({ folder: empty });
      expect(sheets).toHaveLength(0);
      expect(end.kind).toBe('FeederEmpty');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('endBatch interrupts a slow replay', async () => {
    const driver = createReplayDriver({ devices: [{ name: 'd', folder, msPerSheet: 10_000 }] });
    const started = await driver.startBatch({ deviceId: 'replay:d', source: 'feeder', dpi: 100, mode: 'gray' });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    expect((await started.value.scanSheet()).ok).toBe(true);
    const waiting = started.value.scanSheet();
    await started.value.endBatch();
    const r = await waiting;
    expect(r.ok ? undefined : r.error.kind).toBe('FeederEmpty');
  });
});
