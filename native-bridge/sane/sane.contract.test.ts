import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDriverContract } from '../contract.suite';
import { watchSaneBatchPages } from '../testFixtures';
import { createSaneDriver } from './saneDriver';
import { describe } from 'vitest';
import { createSaneTestConfig, scanimageInstalled, TEST_BACKEND_FEEDER_SHEETS } from './saneTestBackend';

const hasScanimage = scanimageInstalled();

// Skipped cleanly where sane-utils is not installed, like saneDriver.test.ts.
describe.skipIf(!hasScanimage)('SANE', () => runDriverContract('SANE (real scanimage, test backend)', async () => {
  // paced (~0.1 s a page), so a pause lands while the stack is still being fed
  const conf = await createSaneTestConfig(undefined, { readDelayUs: 2000, readLimitBytes: 4096 });
  const workDir = await mkdtemp(join(tmpdir(), 'paperloop-sane-work-'));
  const pages = watchSaneBatchPages(workDir);
  return {
    driver: createSaneDriver({ saneConfigDir: conf.dir, workDir }),
    deviceId: conf.deviceId,
    batch: { source: 'feeder', dpi: 50, mode: 'gray', pageSizeMm: { width: 210, height: 297 } },
    expectedSheets: TEST_BACKEND_FEEDER_SHEETS,
    sheetsScanned: pages.finished,
    cleanup: async () => {
      pages.close();
      await conf.remove();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}));
