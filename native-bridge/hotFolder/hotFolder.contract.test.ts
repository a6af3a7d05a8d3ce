import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDriverContract } from '../contract.suite';
import { makeJpeg, makeMultiPageTiff, makePdf, makePng } from '../testFixtures';
import { createHotFolderDriver } from './hotFolderDriver';

runDriverContract('hot folder (real files, fs.watch + polling)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'paperloop-hot-'));
  // 1 + 1 + 2 (PDF) + 2 (TIFF) = 6 sheets; the .part and dotfile are ignored
  await writeFile(join(folder, 'scan-001.png'), await makePng(0));
  await writeFile(join(folder, 'scan-002.jpg'), await makeJpeg(1));
  await writeFile(join(folder, 'scan-003.pdf'), await makePdf(2));
  await writeFile(join(folder, 'scan-004.tif'), await makeMultiPageTiff(2));
  await writeFile(join(folder, 'scan-005.pdf.part'), 'still arriving');
  await writeFile(join(folder, '.DS_Store'), 'x');
  return {
    driver: createHotFolderDriver({
      folders: [{ name: 'copier', path: folder }],
      pollIntervalMs: 40,
      stableForMs: 80,
      idleTimeoutMs: 300,
    }),
    deviceId: 'hot-folder:copier',
    batch: { source: 'feeder', dpi: 50, mode: 'gray' },
    expectedSheets: 6,
    // every file is already in the folder: all of it was scanned before the batch started
    sheetsScanned: () => 6,
    cleanup: () => rm(folder, { recursive: true, force: true }),
  };
});
