import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { GradingSettings } from '../domain/grading';
import { err, ok, type Result } from '../domain/result';
import type { GroupCommit, ScannedImageRow, StationWriter } from '../store';
import { gradePage, type FieldReading } from './gradePage';
import { describeStoreError, makeStoredImageDurable, removeUnfinishedWrites, sha256OffThread, storageErrorOf, storeImageOffThread, type StoreImageError } from './imageStore';

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
  /** Images in flight at once, from storing to recording their read (about two per worker keeps the pool busy). */
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
/** SessionOptions.maxInFlight when not given. */
export const DEFAULT_MAX_IN_FLIGHT = 4;

/** What a write inside a transaction leaves to do once it has committed: count it and tell about it. */
type AfterCommit = () => void;
const NOTHING_TO_TELL: AfterCommit = () => undefined;

/**
 * A scan session: every image is stored durably and gets a committed row before it is read; readers run
 * in the pool; this (single) writer grades. Rows are the unit of work, so a crash resumes from them.
 * The disk work runs off the event loop and the writes of pages in flight commit together (GroupCommit),
 * so this thread keeps the readers fed while the disk flushes.
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
  /** Images being stored, by hash: the same bytes again wait for the first to be stored. */
  private readonly storing = new Map<string, Promise<unknown>>();
  private readonly writes: GroupCommit;

  constructor(private readonly o: SessionOptions, source = 'scanner', id?: string) {
    this.id = id ?? `SS-${randomUUID().slice(0, 8)}`;
    this.summary = { sessionId: this.id, stored: 0, graded: 0, needsReview: 0, refused: 0, duplicates: 0, identical: 0, failed: 0, blankBacks: 0, notRead: [] };
    this.writes = o.store.groupCommit();
    if (!id) {
      o.store.scans.startSession(this.id, source);
      removeUnfinishedWrites(join(o.dataDir, 'images'));
    }
  }

  /** Transactions this session committed, the writes they held (a group commit holds several), and the WAL's fsyncs. */
  get commits(): GroupCommit['stats'] {
    return { ...this.writes.stats };
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
    // A killed run may have left these rows and their images in the page cache only: flush both before reading.
    const imagesDir = join(this.o.dataDir, 'images');
    // A missing image is left to the read, which reports it for its row.
    const missingIsTheReadsToReport = (e: unknown) => ((e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : Promise.reject(e));
    try {
      await Promise.all(rows.map((row) => makeStoredImageDurable(imagesDir, row.path).catch(missingIsTheReadsToReport)));
      if (rows.length > 0) await this.writes.flushed();
    } catch (e) {
      return err(describeStoreError(storageErrorOf(e, imagesDir) ?? { kind: 'io', path: imagesDir, detail: (e as Error).message }));
    }
    for (const row of rows) {
      await this.admit();
      if (this.storageFailure || this.readerStopped) break;
      this.track(this.process(row, undefined));
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
        await this.admit();
        if (this.cancelled || this.storageFailure || this.readerStopped) break;
        this.track(this.take(image));
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
    const ended = await this.write(() => this.o.store.scans.endSession(this.id, this.cancelled ? 'cancelled' : 'finished'));
    if (!ended.ok) return this.stopOnStorageFailure(ended.error);
    try {
      this.o.store.checkpoint();
    } catch (e) {
      return this.stopOnStorageFailure(this.storageFailureOf(e));
    }
    return ok({ ...this.summary, notRead: [...this.summary.notRead] });
  }

  /** A storage failure (full disk, read-only folder) of the database; anything else is thrown again. */
  private storageFailureOf(e: unknown): StoreImageError {
    const failure = storageErrorOf(e, this.databasePath());
    if (!failure) throw e;
    return failure;
  }

  /** Runs a database write in the next group commit; a storage failure is returned, anything else thrown. */
  private async write<T>(write: () => T): Promise<Result<T, StoreImageError>> {
    try {
      return ok(await this.writes.run(write));
    } catch (e) {
      return err(this.storageFailureOf(e));
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
    // When the database cannot take even this, the session row is closed on the next start.
    await this.writes.run(() => this.o.store.scans.endSession(this.id, 'failed', message)).catch(() => undefined);
    return err(message);
  }

  private readerStoppedMessage(): string {
    return `the page reader stopped (${this.readerStopped}). Pages not yet read stay queued and are read on the next scan.`;
  }

  /**
   * Stores one image durably and inserts its row. Returns the row to read, or null when these bytes
   * were already handled (or came a moment ago in this session) or the image is a refused file.
   */
  async store(image: IncomingImage): Promise<Result<ScannedImageRow | null, StoreImageError>> {
    const hash = await sha256OffThread(image.bytes);
    const earlier = this.storing.get(hash);
    const storing = (async () => {
      await earlier;
      return this.storeOnce(image, hash);
    })();
    this.storing.set(hash, storing);
    try {
      return await storing;
    } finally {
      if (this.storing.get(hash) === storing) this.storing.delete(hash);
    }
  }

  private async storeOnce(image: IncomingImage, hash: string): Promise<Result<ScannedImageRow | null, StoreImageError>> {
    const saved = await storeImageOffThread(join(this.o.dataDir, 'images'), image.bytes, image.mediaType, hash);
    if (!saved.ok) return saved;
    const inserted = await this.write(() =>
      this.o.store.scans.insertImage({
        sessionId: this.id, sha256: saved.value.sha256, path: saved.value.path, mediaType: image.mediaType, bytes: saved.value.bytes,
        ...(image.sheetIndex !== undefined ? { sheetIndex: image.sheetIndex } : {}), ...(image.side ? { side: image.side } : {}),
      }),
    );
    if (!inserted.ok) return inserted;
    const { row, isNew } = inserted.value;
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
      const recorded = isNew ? await this.write(() => this.record(row, { ok: false, reason, detail, ms: 0 }, image.source)) : ok(NOTHING_TO_TELL);
      if (!recorded.ok) return recorded;
      recorded.value();
      return ok(null);
    }
    if (!isNew && row.status !== 'queued') {
      this.summary.duplicates++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'duplicate', detail: 'the same image was already stored and processed' });
      return ok(null);
    }
    return ok(row);
  }

  /** Waits until fewer than maxInFlight images are in flight. */
  private async admit(): Promise<void> {
    const limit = this.o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Stores an image, then reads and grades it; a storage failure stops the session. */
  private async take(image: IncomingImage): Promise<void> {
    const stored = await this.store(image);
    if (!stored.ok) this.storageFailure ??= stored.error;
    else if (stored.value) await this.process(stored.value, image.source);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.race(this.inFlight);
  }

  /** `source`: the file the image came from, named if it is refused (passed along, so nothing is kept per page). */
  private async process(row: ScannedImageRow, source: string | undefined): Promise<void> {
    let outcome: ReadOutcome;
    try {
      outcome = await this.o.reader.read({ path: row.path, sha256: row.sha256, mediaType: row.mediaType });
    } catch (e) {
      if (e instanceof ReaderStoppedError) {
        this.readerStopped ??= e.message;
        return;
      }
      const marked = await this.write(() => this.o.store.scans.markFailed(row.id, (e as Error).message));
      if (!marked.ok) this.storageFailure ??= marked.error;
      this.summary.failed++;
      this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'failed', detail: (e as Error).message });
      return;
    }
    this.o.onEvent?.({ type: 'read', imageId: row.id, pageId: outcome.ok ? outcome.pageId : null, ms: outcome.ms });
    // On a storage failure the row stays queued (each outcome is its own savepoint): the next scan reads it again.
    const recorded = await this.write(() => this.record(row, outcome, source));
    if (!recorded.ok) this.storageFailure ??= recorded.error;
    else recorded.value();
  }

  private databasePath(): string {
    return join(this.o.dataDir, 'station.db');
  }

  /** Records a refusal once, naming the file it came from when known; lists it in the summary once committed. */
  private refuse(row: ScannedImageRow, reason: string, why: string, readJson: string, at: string, source: string | undefined): AfterCommit {
    const detail = source && !why.includes(source) ? `${why} (${source})` : why;
    if (!this.o.store.scans.recordOutcome(row.id, { kind: 'refused', reason, detail, readJson }, this.o.actor, at).applied) return NOTHING_TO_TELL;
    return () => this.noteRefusal(row, reason, detail);
  }

  private noteRefusal(row: ScannedImageRow, reason: string, detail: string): void {
    this.summary.refused++;
    if (this.summary.notRead.length < NOT_READ_LISTED) this.summary.notRead.push(`#${row.id} ${reason}: ${detail}`);
    this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'refused', detail: `${reason}: ${detail}` });
  }

  /**
   * The single writer's step, inside a transaction: decide the outcome of a read and store it exactly once.
   * Returns what to count and tell once it has committed.
   */
  private record(row: ScannedImageRow, outcome: ReadOutcome, source?: string): AfterCommit {
    const { store } = this.o;
    const at = this.o.clock().toISOString();
    const readJson = JSON.stringify(outcome);
    if (!outcome.ok) return this.refuse(row, outcome.reason, outcome.detail, readJson, at, source);
    const page = store.printedPage(outcome.pageId);
    if (!page) return this.refuse(row, 'unknown_page', `page ${outcome.pageId} is not known here`, readJson, at, source);
    if (page.kind === 'blank_back') {
      if (!store.scans.recordOutcome(row.id, { kind: 'blank_back', pageId: page.pageId, readJson }, this.o.actor, at).applied) return NOTHING_TO_TELL;
      return () => {
        this.summary.blankBacks++;
        this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'blank_back', detail: `blank back of ${page.studentId} page ${page.pageNumber}` });
      };
    }
    const earlier = store.scans.gradedImageOfPage(page.pageId);
    if (earlier && earlier.sha256 !== row.sha256 && !this.o.rescan) {
      const detail = `page ${page.pageId} was already read from image #${earlier.id}; use --rescan to replace it`;
      if (!store.scans.recordOutcome(row.id, { kind: 'duplicate', pageId: page.pageId, detail, readJson }, this.o.actor, at).applied) return NOTHING_TO_TELL;
      return () => {
        this.summary.duplicates++;
        this.o.onEvent?.({ type: 'problem', imageId: row.id, kind: 'duplicate', detail: `page ${page.pageId} already read` });
      };
    }
    const workbook = store.workbook(page.workbookId);
    const versions = new Map<string, number>(workbook ? (JSON.parse(workbook.itemsJson) as { itemId: string; itemVersion: number }[]).map((e) => [e.itemId, e.itemVersion]) : []);
    const date = workbook ? (store.workbookSet(workbook.setId)?.date ?? at.slice(0, 10)) : at.slice(0, 10);
    const graded = gradePage(page, outcome.fields, (id) => store.item(id, versions.get(id)), this.o.grading, date);
    const applied = store.scans.recordOutcome(row.id, { kind: 'graded', pageId: page.pageId, replaceEarlier: !!earlier && !!this.o.rescan, responses: graded.responses, readJson }, this.o.actor, at);
    if (!applied.applied) return NOTHING_TO_TELL;
    return () => {
      if (applied.reviews > 0) this.summary.needsReview++;
      else this.summary.graded++;
      this.o.onEvent?.({ type: 'graded', imageId: row.id, pageId: page.pageId, responses: applied.responses, reviews: applied.reviews });
    };
  }
}
