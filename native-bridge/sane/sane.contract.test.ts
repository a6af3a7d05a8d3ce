import { runDriverContract } from '../contract.suite';
import { createSaneDriver } from './saneDriver';
import { createSaneTestConfig, TEST_BACKEND_FEEDER_SHEETS } from './saneTestBackend';

runDriverContract('SANE (real scanimage, test backend)', async () => {
  const conf = await createSaneTestConfig();
  return {
    driver: createSaneDriver({ saneConfigDir: conf.dir }),
    deviceId: conf.deviceId,
    batch: { source: 'feeder', dpi: 50, mode: 'gray', pageSizeMm: { width: 210, height: 297 } },
    expectedSheets: TEST_BACKEND_FEEDER_SHEETS,
    cleanup: () => conf.remove(),
  };
});
