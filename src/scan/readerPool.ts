import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ReadJob } from './readWorker';
import { ReaderStoppedError, type PageReader, type ReadOutcome } from './session';

/**
 * The vision worker pool: one worker per core, wasm loaded once per worker. Closing waits for the
 * reads in flight; a read the pool could not finish because it was closing rejects with
 * ReaderStoppedError, so its row stays queued instead of failing.
 */
export function createReaderPool(options: { dbPath: string; threads?: number; ocr?: boolean; reading?: ReadJob['reading'] }): PageReader {
  const threads = options.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: fileURLToPath(new URL('./readWorker.mjs', import.meta.url)),
    // One worker starts at once; more start only when reads queue, so reading one page (the CLI's
    // `read`) does not load the wasm and the OCR engine on every core first.
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  let closing = false;
  return {
    read: async (job) => {
      if (closing) throw new ReaderStoppedError('the reader was closed');
      try {
        return (await pool.run({ ...job, dbPath: options.dbPath, ocr: options.ocr ?? true, ...(options.reading ? { reading: options.reading } : {}) } satisfies ReadJob)) as ReadOutcome;
      } catch (e) {
        if (closing) throw new ReaderStoppedError(`the reader was closed during the read: ${(e as Error).message}`);
        throw e;
      }
    },
    close: async () => {
      closing = true;
      await pool.close();
    },
  };
}
