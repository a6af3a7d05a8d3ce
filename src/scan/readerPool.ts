import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ReadJob } from './readWorker';
import type { PageReader, ReadOutcome } from './session';

/** The vision worker pool: one worker per core, wasm loaded once per worker. */
export function createReaderPool(options: { dbPath: string; threads?: number; ocr?: boolean }): PageReader {
  const threads = options.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: fileURLToPath(new URL('./readWorker.mjs', import.meta.url)),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    read: (job) => pool.run({ ...job, dbPath: options.dbPath, ocr: options.ocr ?? true } satisfies ReadJob) as Promise<ReadOutcome>,
    close: () => pool.destroy(),
  };
}
