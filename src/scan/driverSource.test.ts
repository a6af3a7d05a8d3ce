import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../../native-bridge/testFixtures';
import { createReplayDriver } from '../../native-bridge/replay/replayDriver';
import { batchAsPages, stopFeeding } from './driverSource';

let stack: string;
beforeAll(async () => {
  stack = mkdtempSync(join(tmpdir(), 'pl-feed-'));
  for (const n of [1, 2, 3]) writeFileSync(join(stack, `p${n}.png`), await makePng(n));
});
afterAll(() => rmSync(stack, { recursive: true, force: true }));

const feedOfStack = () =>
  batchAsPages(createReplayDriver({ devices: [{ name: 'stack', folder: stack }] }), { deviceId: 'replay:stack', source: 'feeder', dpi: 100, mode: 'gray' });

async function drain(pages: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _page of pages) n++;
  return n;
}

describe('how a feed ended', () => {
  it('a stack fed to the end, with no stop asked, is done', async () => {
    const feed = feedOfStack();
    expect(await drain(feed.pages)).toBe(3);
    expect(feed.end()).toEqual({ kind: 'done', fed: 3 });
  });

  it('Ctrl+C that reaches the station after the scanner already ended the batch (scanimage got it first) still says stopped', async () => {
    const feed = feedOfStack();
    expect(await drain(feed.pages)).toBe(3);
    await stopFeeding();
    expect(feed.end()).toEqual({ kind: 'stopped', fed: 3 });
  });

  it('a stop asked before a feed began does not mark that feed stopped', async () => {
    await stopFeeding();
    const feed = feedOfStack();
    expect(await drain(feed.pages)).toBe(3);
    expect(feed.end().kind).toBe('done');
  });
});
