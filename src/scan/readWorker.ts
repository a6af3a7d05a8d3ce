/**
 * One vision worker of the pool (readWorker.mjs loads it under tsx; the bundle has it as an entry). It sets its reader
 * up as it loads, from the pool's `workerData`, so the set-up overlaps the station opening in the main thread.
 */
import { workerData } from 'node:worker_threads';
import { createPageReader, type ReaderSetup, type ReadJob } from './pageReader';
import type { ReadOutcome } from './session';

const isReaderSetup = (d: unknown): d is ReaderSetup => typeof d === 'object' && d !== null && typeof (d as ReaderSetup).dbPath === 'string';

const reader = isReaderSetup(workerData) ? createPageReader(workerData) : null;

export default function readStoredImage(job: ReadJob): Promise<ReadOutcome> {
  if (!reader) return Promise.reject(new Error('readWorker: started without its ReaderSetup (workerData); start it through createReaderPool'));
  return reader(job);
}
