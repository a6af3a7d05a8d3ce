/**
 * The parts every driver's batch shares: a pull queue between a producer
 * (a process, an HTTP loop, a folder watcher) and `scanSheet`, pairing pages
 * into sheets, and the `Batch` wrapper (serialised calls, sticky end,
 * idempotent `endBatch`).
 */
import {
  err,
  ok,
  scanError,
  type Batch,
  type Ok,
  type ScanError,
  type ScannedImage,
} from './contract';

/** A result whose error may say the batch goes on (one bad file in a hot folder). */
export type Outcome<T> = Ok<T> | { readonly ok: false; readonly error: ScanError; readonly batchContinues?: boolean };

export interface SheetImages {
  readonly front: ScannedImage;
  readonly back?: ScannedImage;
}

export const batchEnded = (): ScanError => scanError('FeederEmpty', 'The batch has ended');

// ---------------------------------------------------------------- queue

/** FIFO of outcomes; `take` waits for the next one, until `end` or a timeout. */
export class PullQueue<T> {
  private readonly entries: Outcome<T>[] = [];
  private readonly waiters: Array<(entry: Outcome<T>) => void> = [];
  private endError: ScanError | undefined;

  get ended(): boolean {
    return this.endError !== undefined;
  }

  get size(): number {
    return this.entries.length;
  }

  push(value: T): void {
    this.deliver(ok(value));
  }

  /** An error that does not end the queue (the batch continues after it). */
  pushError(error: ScanError): void {
    this.deliver({ ok: false, error, batchContinues: true });
  }

  /** After the queued entries, every `take` returns this error. First call wins. */
  end(error: ScanError): void {
    if (this.endError !== undefined) return;
    this.endError = error;
    for (const waiter of this.waiters.splice(0)) waiter(err(error));
  }

  /** Drop queued entries and end now (used by endBatch). */
  abort(error: ScanError): void {
    this.entries.length = 0;
    this.end(error);
  }

  take(timeoutMs?: number, onTimeout?: () => ScanError): Promise<Outcome<T>> {
    const next = this.entries.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.endError !== undefined) return Promise.resolve(err(this.endError));
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = (entry: Outcome<T>): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(entry);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timer = setTimeout(() => {
          const at = this.waiters.indexOf(waiter);
          if (at >= 0) this.waiters.splice(at, 1);
          resolve(err(onTimeout?.() ?? scanError('DeviceError', `No page within ${timeoutMs} ms`)));
        }, timeoutMs);
      }
    });
  }

  private deliver(entry: Outcome<T>): void {
    if (this.endError !== undefined) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(entry);
    else this.entries.push(entry);
  }
}

// ---------------------------------------------------------------- pairing

/**
 * Turns a stream of page images into sheets. With `duplex`, consecutive
 * pages are front and back; a lone last page is a sheet without a back.
 */
export function sheetsFromPages(
  nextPage: () => Promise<Outcome<ScannedImage>>,
  duplex: boolean,
): () => Promise<Outcome<SheetImages>> {
  return async () => {
    const front = await nextPage();
    if (!front.ok) return front;
    if (!duplex) return ok({ front: front.value });
    const back = await nextPage();
    if (back.ok) return ok({ front: front.value, back: back.value });
    if (back.error.kind === 'FeederEmpty') return ok({ front: front.value });
    return back;
  };
}

/** Pairs a finished list of pages (one file) into sheets. */
export function pairPages(pages: readonly ScannedImage[], duplex: boolean): SheetImages[] {
  const sheets: SheetImages[] = [];
  const step = duplex ? 2 : 1;
  for (let i = 0; i < pages.length; i += step) {
    const front = pages[i];
    if (front === undefined) continue;
    const back = duplex ? pages[i + 1] : undefined;
    sheets.push(back === undefined ? { front } : { front, back });
  }
  return sheets;
}

// ---------------------------------------------------------------- batch

export interface SheetProducer {
  nextSheet(): Promise<Outcome<SheetImages>>;
  /** Stop feeding; already scanned sheets stay available, then FeederEmpty. */
  pause(): Promise<void>;
  /** Release the device. Idempotent; a pending nextSheet must resolve. */
  close(): Promise<void>;
}

export function createBatch(producer: SheetProducer): Batch {
  let index = 0;
  let finalError: ScanError | undefined;
  let ended = false;
  let closing: Promise<void> | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const close = (): Promise<void> => {
    closing ??= producer.close();
    return closing;
  };

  const scanOne = async () => {
    if (finalError !== undefined) return err(finalError);
    if (ended) return err(batchEnded());
    const next = await producer.nextSheet();
    if (next.ok) {
      if (ended) return err(batchEnded());
      return ok({ index: index++, ...next.value });
    }
    if (next.batchContinues !== true) {
      finalError = ended ? batchEnded() : next.error;
      await close();
    }
    return err(next.error);
  };

  return {
    scanSheet() {
      const run = queue.then(scanOne, scanOne);
      queue = run;
      return run;
    },
    async pauseFeeding() {
      if (!ended && finalError === undefined) await producer.pause();
    },
    async endBatch() {
      ended = true;
      await close();
    },
  };
}
