import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ReadJob, ReaderSetup } from './pageReader';
import { ReaderStoppedError, type PageReader, type ReadOutcome } from './session';

function startPool(threads: number, setup: ReaderSetup): Piscina {
  return new Piscina({
    filename: fileURLToPath(new URL('./readWorker.mjs', import.meta.url)),
    // Each worker sets itself up from this as it loads, before its first job.
    workerData: setup,
    // One worker starts at once; more start only when reads queue, so reading one page (the CLI's
    // `read`) does not load the wasm and the OCR engine on every core first.
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
}

/** A pool started ahead of its reader (prestartReaderPool), for the first createReaderPool with the same set-up. */
let prestarted: { setup: ReaderSetup; threads: number; pool: Piscina } | null = null;

/**
 * Starts the pool's first worker now, while the caller does other start-up work (the CLI opens the station and loads
 * its handlers meanwhile): the next createReaderPool for this database and thread count takes this pool. A pool
 * nobody takes holds nothing: its idle worker does not keep the process alive.
 */
export function prestartReaderPool(dbPath: string, threads = availableParallelism()): void {
  const setup = { dbPath, ocr: true };
  prestarted ??= { setup, threads, pool: startPool(threads, setup) };
}

/**
 * The vision worker pool: one worker per core, wasm loaded once per worker. Closing waits for the
 * reads in flight; a read the pool could not finish because it was closing rejects with
 * ReaderStoppedError, so its row stays queued instead of failing.
 */
export function createReaderPool(options: { dbPath: string; threads?: number; ocr?: boolean; reading?: ReadJob['reading'] }): PageReader {
  const threads = options.threads ?? availableParallelism();
  const setup: ReaderSetup = { dbPath: options.dbPath, ocr: options.ocr ?? true };
  let pool: Piscina;
  if (prestarted && prestarted.setup.dbPath === setup.dbPath && prestarted.setup.ocr === setup.ocr && prestarted.threads === threads) {
    pool = prestarted.pool;
    prestarted = null;
  } else pool = startPool(threads, setup);
  let closing = false;
  return {
    read: async (job) => {
      if (closing) throw new ReaderStoppedError('the reader was closed');
      try {
        return (await pool.run({ ...job, ...(options.reading ? { reading: options.reading } : {}) } satisfies ReadJob)) as ReadOutcome;
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
