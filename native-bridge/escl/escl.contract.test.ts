import { runDriverContract } from '../contract.suite';
import { createEsclDriver } from './esclDriver';
import { startFakeEsclServer } from './fakeEsclServer';

runDriverContract('eSCL (fake server over real HTTP)', async () => {
  const server = await startFakeEsclServer({ sheets: 3, busyBeforePage: { 1: 1 } });
  const driver = createEsclDriver({
    scanners: [{ url: server.url }],
    nextDocumentDelayMs: 5,
    busyRetryDelayMs: 10,
    jamRecheckDelayMs: 10,
  });
  return {
    driver,
    deviceId: `escl:${server.url}`,
    batch: { source: 'duplex', dpi: 75, mode: 'gray' },
    expectedSheets: 3,
    sheetsScanned: () => Math.ceil(server.log.pagesServed / 2),
    cleanup: () => server.close(),
  };
});
