import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { GradingSettings } from '../domain/grading';
import { err, ok, type Result } from '../domain/result';
import type { ScannedImageRow, StationWriter } from '../store';
import { gradePage, type FieldReading } from './gradePage';
import { describeStoreError, removeUnfinishedWrites, storageErrorOf, storeImageDurably, type StoreImageError } from './imageStore';

/** What a reader (a worker in the pool) returns for one stored image. Serialisable. */
export type ReadOutcome =
  | { ok: true; pageId: string; layoutVersion: string; orientation: number; fields: FieldReading[]; ms: number }
  | { ok: false; reason: string; detail: string; pageId?: string; ms: number };

export type PageReader = {
  read(job: { path: string; sha256: string; mediaType: string }): Promise<ReadOutcome>;
  close(): Promise<void>;
};

export type IncomingImage = {
  bytes: Uint8Array;
  mediaType: string;
  sheetIndex?: number;
  side?: 'front' | 'back';
  /** Where it came from (a file name), named in what the teacher is told about it. */
  source?: string;
  /** A file that gave no image: its row is refused with this typed reason, and `bytes` is the evidence kept. */
  refused?: { reason: string; detail: string };
};

/** A page reader that can no longer read (closed, its workers gone): the row stays queued for the next scan. */
export class ReaderStoppedError extends Error {}

export type ScanEvent =
  | { type: 'scanned'; imageId: number; sheetIndex?: number; side?: string }
  | { type: 'read'; imageId: number; pageId: string | null; ms: number }
  | { type: 'graded'; imageId: number; pageId: string; responses: number; reviews: number }
  | { type: 'problem'; imageId: number; kind: 'refused' | 'duplicate' | 'identical' | 'failed' | 'blank_back'; detail: string }
  | { type: 'stopped'; reason: string };

export type SessionOptions = {
  store: StationWriter;
  dataDir: string;
  reader: PageReader;
  grading: GradingSettings;
  actor: string;
  clock: () => Date;
  /** Reads in flight at once (about two per worker keeps the pool busy). */
  maxInFlight?: number;
  /** A re-scan of a page already read replaces the earlier read (kept in the audit log); otherwise it is reported as a duplicate. */
  rescan?: boolean;
  onEvent?: (e: ScanEvent) => void;
};

/** Each image counts once. `identical`: the same bytes came again in this session (a scanner repeating a page) and were not read again. */
export type SessionSummary = {
  sessionId: string; stored: number; graded: number; needsReview: number; refused: number; duplicates: number; identical: number; failed: number; blankBacks: number;
  /** What was refused and why, naming the file when it came from one (the first NOT_READ_LISTED). */
  notRead: string[];
};

const NOT_READ_LISTED = 100;

/**
 * A scan session: every image is stored durably and gets a row before it is queued; readers run in
 * the pool; this (single) writer grades. Rows are the unit of work, so a crash resumes from them.
 */
export class ScanSession {
  readonly id: string;
  private inFlight = new Set<Promise<void>>();
  private paused = false;
  private cancelled = false;
  private readonly summary: SessionSummary;
  private resumeWaiters: (() => void)[] = [];
  /** The first storage failure (full disk, read-only folder) while recording a read: the session stops. */
  private storageFailure: StoreImageError | null = null;
  /** The reader stopped with reads unfinished: those rows stay queued, and the session stops. */
  private readerStopped: string | null = null;
  /** Images stored by this session, so the same bytes again are counted once. */
  private readonly seen = new Set<string>();

  constructor(private readonly o: SessionOptions, source = 'scanner', id?: string) {
    this.id = id ?? `SS-${randomUUID().slice(0, 8)}`;
    this.summary = { sessionId: this.id, stored: 0, graded: 0, needsReview: 0, refused: 0, duplicates: 0, identical: 0, failed: 0, blankBacks: 0, notRead: [] };
    if (!id) {
      o.store.scans.startSession(this.id, source);
      removeUnfinishedWrites(join(o.dataDir, 'images'));
    }
  }

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    for (const w of this.resumeWaiters.splice(0)) w();
  }
  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  /**
   * Reads every stored image that was never read (after a crash, a power cut or a full disk), and
   * waits for them. Storage failing again stops it with the same message as a scan.
   */
  async resumeQueued(): Promise<Result<number, string>> {
    const rows = this.o.store.scans.queuedImages();
    for (const row of rows) {
      if (this.storageFailure || this.readerStopped) break;
      await this.enqueue(row);
    }
    await this.drain();
    if (this.storageFailure) return err(describeStoreError(this.storageFailure));
    if (this.readerStopped) return err(this.readerStoppedMessage());
    return ok(rows.length);
  }

  /** Pulls images from a source until it ends, the session is cancelled, or storing fails. */
  async ingest(source: AsyncIterable<IncomingImage>): Promise<Result<SessionSummary, string>> {
    let sourceError: Error | null = null;
    async function* guarded(): AsyncGenerator<IncomingImage> {
      try {
        yield* source;
      } catch (e) {
        sourceError = e as Error;
      }
    }
    try {
      for await (const image of guarded()) {
        if (this.paused) await new Promise<void>((r) => this.resumeWaiters.push(r));
        if (this.cancelled || this.storageFailure || this.readerStopped) break;
        const stored = this.store(image);
        if (!stored.ok) return await this.stopOnStorageFailure(stored.error);
        if (stored.value) await this.enqueue(stored.value, image.source);
      }
    } catch (e) {
      await this.stop(`unexpected error: ${(e as Error).message}`);
      throw e;
    }
    // The page source broke (a driver bug, a device gone): what is stored stays, reads in flight finish.
    if (sourceError) return this.stop(`the page source stopped: ${(sourceError as Error).message}. Pages already stored are safe; scan the rest again.`);
    await this.drain();
    if (this.storageFailure) return this.stopOnStorageFailure(this.storageFailure);
    if (this.readerStopped) return this.stop(this.readerStoppedMessage());
    const ended = this.guardStorage(() => {
      this.o.store.scans.endSession(this.id, this.cancelled ? 'cancelled' : 'finished');
      this.o.store.checkpoint();
    });
    if (ended) return this.stopOnStorageFailure(ended);
    return ok({ ...this.summary, notRead: [...this.summary.notRead] });
  }

  /** Runs a database write; a storage failure (full disk, read-only folder) is returned, anything else thrown. */
  private guardStorage(write: () => void): StoreImageError | null {
    try {
      write();
      return null;
    } catch (e) {
      const failure = storageErrorOf(e, this.databasePath());
      if (!failure) throw e;
      return failure;
    }
  }

  /**
   * Storage failed: stop taking pages. What is stored stays: a stored image without its row is
   * found again by its hash, and a row still queued is read on the next scan.
   */
  private stopOnStorageFailure(failure: StoreImageError): Promise<Result<SessionSummary, string>> {
    return this.stop(describeStoreError(failure));
  }

  /** Ends the session as failed once every read in flight has finished (or been left queued). */
  private async stop(message: string): Promise<Result<SessionSummary, string>> {
    this.o.onEvent?.({ type: 'stopped', reason: message });
    await this.drain();
    try {
      this.o.store.scans.endSession(this.id, 'failed', message);
    } catch {
      // The database cannot take even this; the session row is closed on the next start.
    }
    return err(message);
  }

  private readerStoppedMessage(): string {
    return `the page reader stopped (${this.readerStopped}). Pages not yet read stay queued and are read on the next scan.`;
  }

  /**
   * Stores one image durably and inserts its row. Returns the row to read, or null when these bytes
   * were already handled (or came a moment ago in this session) or the image is a refused file.
   */
  store(image: IncomingImage): Result<ScannedImageRow | null, StoreImageError> {
    const saved = storeImageDurably(join(this.o.dataDir, 'images'), image.bytes, image.mediaType);
    if (!saved.ok) return saved;
    let inserted: ReturnType<StationWriter['scans']['insertImage']>;
    try {
      inserted = this.o.store.scans.insertImage({
        sessionId: this.id, sha256: saved.value.sha256, path: saved.value.path, mediaType: image.mediaType, bytes: saved.value.bytes,
        ...(image.sheetIndex !== undefined ? { sheetIndex: image.sheetIndex } : {}), ...(image.side ? { side: image.side } : {}),
      });
    } catch (e) {
      const failure = storageErrorOf(e, this.databasePath());
      if (failure) return err(failure);
      throw e;
    }
    const { row, isNew } = inserted;
    this.summary.stored += isNew && !image.refused ? 1 : 0;
    this.o.onEvent?.({ type: 'scanned', imageId: row.id, ...(image.sheetIndex !== undefined ? { sheetIndex: image.sheetIndex } : {}), ...(image.side ? { side: image.side } : {}) });
    if (this.seen.has(row.sha256)) {
      this.summary.identical++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'identical', detail: `the same image as #${row.id} came again in this scan; counted once` });
      return ok(null);
    }
    this.seen.add(row.sha256);
    if (image.refused) {
      // A file that gave no image is refused again each time it is fed, never read.
      const { reason, detail } = image.refused;
      if (!isNew) this.noteRefusal(row, reason, detail);
      const failure = isNew ? this.guardStorage(() => this.record(row, { ok: false, reason, detail, ms: 0 }, image.source)) : null;
      return failure ? err(failure) : ok(null);
    }
    if (!isNew && row.status !== 'queued') {
      this.summary.duplicates++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'duplicate', detail: 'the same image was already stored and processed' });
      return ok(null);
    }
    return ok(row);
  }

  /** `source`: the file the image came from, named if it is refused (passed along, so nothing is kept per page). */
  private async enqueue(row: ScannedImageRow, source?: string): Promise<void> {
    const limit = this.o.maxInFlight ?? 4;
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
    const task = this.process(row, source).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.race(this.inFlight);
  }

  private async process(row: ScannedImageRow, source: string | undefined): Promise<void> {
    let outcome: ReadOutcome;
    try {
      outcome = await this.o.reader.read({ path: row.path, sha256: row.sha256, mediaType: row.mediaType });
    } catch (e) {
      if (e instanceof ReaderStoppedError) {
        this.readerStopped ??= e.message;
        return;
      }
      const failure = this.guardStorage(() => this.o.store.scans.markFailed(row.id, (e as Error).message));
      if (failure) this.storageFailure ??= failure;
      this.summary.failed++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'failed', detail: (e as Error).message });
      return;
    }
    this.o.onEvent?.({ type: 'read', imageId: row.id, pageId: outcome.ok ? outcome.pageId : null, ms: outcome.ms });
    // On a storage failure the row stays queued (each outcome is one transaction): the next scan reads it again.
    const failure = this.guardStorage(() => this.record(row, outcome, source));
    if (failure) this.storageFailure ??= failure;
  }

  private databasePath(): string {
    return join(this.o.dataDir, 'station.db');
  }

  /** Records a refusal once, naming the file it came from when known, and lists it in the summary. */
  private refuse(row: ScannedImageRow, reason: string, why: string, readJson: string, at: string, source: string | undefined): void {
    const detail = source && !why.includes(source) ? `${why} (${source})` : why;
    if (!this.o.store.scans.recordOutcome(row.id, { kind: 'refused', reason, detail, readJson }, this.o.actor, at).applied) return;
    this.noteRefusal(row, reason, detail);
  }

  private noteRefusal(row: ScannedImageRow, reason: string, detail: string): void {
    this.summary.refused++;
    if (this.summary.notRead.length < NOT_READ_LISTED) this.summary.notRead.push(`#${row.id} ${reason}: ${detail}`);
    this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'refused', detail: `${reason}: ${detail}` });
  }

  /** The single writer's step: decide the outcome of a read and store it exactly once. */
  private record(row: ScannedImageRow, outcome: ReadOutcome, source?: string): void {
    const { store } = this.o;
    const at = this.o.clock().toISOString();
    const readJson = JSON.stringify(outcome);
    if (!outcome.ok) return this.refuse(row, outcome.reason, outcome.detail, readJson, at, source);
    const page = store.printedPage(outcome.pageId);
    if (!page) return this.refuse(row, 'unknown_page', `page ${outcome.pageId} is not known here`, readJson, at, source);
    if (page.kind === 'blank_back') {
      if (!store.scans.recordOutcome(row.id, { kind: 'blank_back', pageId: page.pageId, readJson }, this.o.actor, at).applied) return;
      this.summary.blankBacks++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'blank_back', detail: `blank back of ${page.studentId} page ${page.pageNumber}` });
      return;
    }
    const earlier = store.scans.gradedImageOfPage(page.pageId);
    if (earlier && earlier.sha256 !== row.sha256 && !this.o.rescan) {
      const detail = `page ${page.pageId} was already read from image #${earlier.id}; use --rescan to replace it`;
      if (!store.scans.recordOutcome(row.id, { kind: 'duplicate', pageId: page.pageId, detail, readJson }, this.o.actor, at).applied) return;
      this.summary.duplicates++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'duplicate', detail: `page ${page.pageId} already read` });
      return;
    }
    const workbook = store.workbook(page.workbookId);
    const versions = new Map<string, number>(workbook ? (JSON.parse(workbook.itemsJson) as { itemId: string; itemVersion: number }[]).map((e) => [e.itemId, e.itemVersion]) : []);
    const date = workbook ? (store.workbookSet(workbook.setId)?.date ?? at.slice(0, 10)) : at.slice(0, 10);
    const graded = gradePage(page, outcome.fields, (id) => store.item(id, versions.get(id)), this.o.grading, date);
    const applied = store.scans.recordOutcome(row.id, { kind: 'graded', pageId: page.pageId, replaceEarlier: !!earlier && !!this.o.rescan, responses: graded.responses, readJson }, this.o.actor, at);
    if (!applied.applied) return;
    if (applied.reviews > 0) this.summary.needsReview++;
    else this.summary.graded++;
    this.o.onEvent?.({ type: 'graded', imageId: row.id, pageId: page.pageId, responses: applied.responses, reviews: applied.reviews });
  }
}
