import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ReadJob } from './readWorker';
import { ReaderStoppedError, type PageReader, type ReadOutcome } from './session';

function startPool(threads: number): Piscina {
  return new Piscina({
    filename: fileURLToPath(new URL('./readWorker.mjs', import.meta.url)),
    // One worker starts at once; more start only when reads queue, so reading one page (the CLI's
    // `read`) does not load the wasm and the OCR engine on every core first.
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
}

/** A pool started ahead of its reader (prestartReaderPool), for the first createReaderPool with the same database. */
let prestarted: { dbPath: string; threads: number; pool: Piscina } | null = null;

/**
 * Starts the pool's first worker now, while the caller does other start-up work (the CLI opens the station and loads
 * its handlers meanwhile): the next createReaderPool for this database and thread count takes this pool. A pool
 * nobody takes holds nothing: its idle worker does not keep the process alive.
 */
export function prestartReaderPool(dbPath: string, threads = availableParallelism()): void {
  prestarted ??= { dbPath, threads, pool: startPool(threads) };
}

/**
 * The vision worker pool: one worker per core, wasm loaded once per worker. Closing waits for the
 * reads in flight; a read the pool could not finish because it was closing rejects with
 * ReaderStoppedError, so its row stays queued instead of failing.
 */
export function createReaderPool(options: { dbPath: string; threads?: number; ocr?: boolean; reading?: ReadJob['reading'] }): PageReader {
  const threads = options.threads ?? availableParallelism();
  let pool: Piscina;
  if (prestarted && prestarted.dbPath === options.dbPath && prestarted.threads === threads) {
    pool = prestarted.pool;
    prestarted = null;
  } else pool = startPool(threads);
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
