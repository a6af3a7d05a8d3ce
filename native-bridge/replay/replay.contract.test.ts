import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDriverContract } from '../contract.suite';
import { makeJpeg, makePdf, makePng } from '../testFixtures';
import { createReplayDriver } from './replayDriver';

runDriverContract('replay scanner', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'paperloop-replay-'));
  // 2 PNGs + a JPEG + a 3-page PDF = 6 pages = 3 duplex sheets
  await writeFile(join(folder, 'a.png'), await makePng(0));
  await writeFile(join(folder, 'b.png'), await makePng(1));
  await writeFile(join(folder, 'c.jpg'), await makeJpeg(2));
  await writeFile(join(folder, 'd.pdf'), await makePdf(3));
  await writeFile(join(folder, '.hidden.png'), await makePng(9));
  return {
    driver: createReplayDriver({ devices: [{ name: 'stack', folder, duplex: true }] }),
    deviceId: 'replay:stack',
    batch: { source: 'duplex', dpi: 50, mode: 'gray' },
    expectedSheets: 3,
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});
