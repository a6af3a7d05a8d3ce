import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplayDriver } from '../../native-bridge/replay/replayDriver';
import { createSaneDriver } from '../../native-bridge/sane/saneDriver';
import { createSaneTestConfig, scanimageInstalled, type SaneTestConfig } from '../../native-bridge/sane/saneTestBackend';
import { makePng } from '../../native-bridge/testFixtures';
import { batchAsPages, stopFeeding } from './driverSource';

let stack: string;
beforeAll(async () => {
  stack = mkdtempSync(join(tmpdir(), 'pl-feed-'));
  for (const n of [1, 2, 3]) writeFileSync(join(stack, `p${n}.png`), await makePng(n));
});
afterAll(() => rmSync(stack, { recursive: true, force: true }));

const feedOfStack = () =>
  batchAsPages(createReplayDriver({ devices: [{ name: 'stack', folder: stack }] }), { deviceId: 'replay:stack', source: 'feeder', dpi: 100, mode: 'gray' });

/** The terminal's SIGINT to scanimage alone: the processes whose command line names `workDir`. Returns how many. */
function interruptScanimage(workDir: string): number {
  let sent = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (!commandLine.includes('scanimage') || !commandLine.includes(workDir)) continue;
    process.kill(Number(pid), 'SIGINT');
    sent++;
  }
  return sent;
}

async function drain(pages: AsyncIterable<unknown>, afterFirst?: () => void): Promise<number> {
  let n = 0;
  for await (const _page of pages) if (++n === 1) afterFirst?.();
  return n;
}

describe('how a feed ended', () => {
  it('a stack fed to the end, with no stop asked, is done; a stop asked after it ended changes nothing', async () => {
    const feed = feedOfStack();
    expect(await drain(feed.pages)).toBe(3);
    await stopFeeding();
    expect(feed.end()).toEqual({ kind: 'done', fed: 3 });
  });

  it('a stop while the feeder runs: the sheets already scanned, then stopped', async () => {
    const feed = batchAsPages(createReplayDriver({ devices: [{ name: 'stack', folder: stack, msPerSheet: 200 }] }), { deviceId: 'replay:stack', source: 'feeder', dpi: 100, mode: 'gray' });
    const fed = await drain(feed.pages, () => void stopFeeding());
    expect(fed).toBeLessThan(3);
    expect(feed.end()).toEqual({ kind: 'stopped', fed });
  });

  describe.skipIf(!scanimageInstalled())('SANE', () => {
    let conf: SaneTestConfig;
    let workDir: string;
    beforeAll(async () => {
      conf = await createSaneTestConfig();
      workDir = mkdtempSync(join(tmpdir(), 'pl-feed-sane-'));
    });
    afterAll(async () => {
      await conf.remove();
      rmSync(workDir, { recursive: true, force: true });
    });

    it("Ctrl+C that reaches scanimage before the station sees its own signal: stopped, not 'feeder empty'", async () => {
      const driver = createSaneDriver({ saneConfigDir: conf.dir, workDir, extraArgs: ['--read-delay=yes', '--read-delay-duration', '50000'] });
      const feed = batchAsPages(driver, { deviceId: conf.deviceId, source: 'feeder', dpi: 50, mode: 'gray', pageSizeMm: { width: 210, height: 297 } });
      let interrupted = 0;
      const fed = await drain(feed.pages, () => (interrupted = interruptScanimage(workDir)));
      expect(interrupted).toBe(1);
      expect(fed).toBeGreaterThanOrEqual(1);
      expect(fed).toBeLessThan(10);
      expect(feed.end()).toEqual({ kind: 'stopped', fed });
    }, 30_000);
  });
});
