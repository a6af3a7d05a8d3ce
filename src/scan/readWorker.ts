/**
 * One vision worker of the pool (readWorker.mjs loads it under tsx; the bundle has it as an entry). It sets its reader
 * up as it loads, from the pool's `workerData`, so the set-up overlaps the station opening in the main thread.
 */
import { setFlagsFromString } from 'node:v8';
import { workerData } from 'node:worker_threads';
import { createPageReader, type ReaderSetup, type ReadJob } from './pageReader';
import type { ReadOutcome } from './session';

const isReaderSetup = (d: unknown): d is ReaderSetup => typeof d === 'object' && d !== null && typeof (d as ReaderSetup).dbPath === 'string';

/**
 * A page leaves ~16 MB of short-lived pixel buffers (sharp's 9.4 MB decode of a 300 dpi page among them), which V8
 * counts toward its next full collection: with its default heap growth a worker ran a mark-compact about every page,
 * most of its garbage-collection time. Letting the heap grow by 400 % before the next one runs it every few pages:
 * 106 → 66 ms of CPU a grey page over the whole process (bench:read throughput, loaded), peak RSS 867 → 883 MB.
 * V8's flags are the process's: the main thread's heap (small and steady) grows the same way.
 */
setFlagsFromString('--heap-growing-percent=400');

const reader = isReaderSetup(workerData) ? createPageReader(workerData) : null;

export default function readStoredImage(job: ReadJob): Promise<ReadOutcome> {
  if (!reader) return Promise.reject(new Error('readWorker: started without its ReaderSetup (workerData); start it through createReaderPool'));
  return reader(job);
}
