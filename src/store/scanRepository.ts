import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { throwIllegalValue } from '../domain/result';
import { retryBusy, writeTransaction } from './busy';
import type { Db } from './database';

export type ScannedImageRow = {
  id: number;
  sessionId: string | null;
  sha256: string;
  path: string;
  mediaType: string;
  status: 'queued' | 'read' | 'graded' | 'needs_review' | 'refused' | 'duplicate' | 'failed';
  pageId: string | null;
  reason: string | null;
  sheetIndex: number | null;
  side: string | null;
};

/** One graded (or to-be-reviewed) answer, ready to store. */
export type ResponseToStore = {
  fieldId: string;
  studentId: string;
  itemId: string;
  itemVersion: number;
  answer: string | null;
  score: number;
  maxScore: number;
  correct: boolean;
  confidence: number;
  needsReview: boolean;
  reasons: string[];
  evidence: unknown;
  date: string;
};

export type PageOutcome =
  | { kind: 'refused'; reason: string; detail: string; readJson: string }
  | { kind: 'duplicate'; pageId: string; detail: string; readJson: string }
  | { kind: 'blank_back'; pageId: string; readJson: string }
  | { kind: 'graded'; pageId: string; replaceEarlier: boolean; responses: ResponseToStore[]; readJson: string };

type RawImageRow = {
  id: number; session_id: string | null; sha256: string; path: string; media_type: string; status: ScannedImageRow['status'];
  page_id: string | null; reason: string | null; sheet_index: number | null; side: string | null;
};

/**
 * Image paths are stored relative to the data folder (with "/"), so a data folder restored or moved
 * elsewhere still finds its images; a path outside the data folder stays absolute.
 */
export function storedImagePath(dataDir: string, path: string): string {
  const rel = relative(dataDir, resolve(dataDir, path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** The file a stored path names, for this data folder. */
export function resolveImagePath(dataDir: string, stored: string): string {
  return resolve(dataDir, stored);
}

export type ReviewRow = {
  reviewId: number;
  responseId: number;
  pageId: string;
  studentId: string;
  itemId: string;
  fieldId: string;
  answer: string | null;
  confidence: number;
  reasons: string[];
  evidence: unknown;
  imagePath: string;
};

/**
 * Scan sessions, stored images, reads, responses, the review queue and overrides. Writes are
 * immediate transactions (retried while another process writes). Image paths come out absolute,
 * resolved against the data folder.
 */
export class ScanRepository {
  private readonly dataDir: string;

  constructor(private readonly db: Db, private readonly nextSeq: () => number, dataDir?: string) {
    this.dataDir = dataDir ?? dirname(resolve(db.name));
  }

  private transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  private toImageRow(r: RawImageRow): ScannedImageRow {
    return {
      id: r.id, sessionId: r.session_id, sha256: r.sha256, path: resolveImagePath(this.dataDir, r.path), mediaType: r.media_type, status: r.status,
      pageId: r.page_id, reason: r.reason, sheetIndex: r.sheet_index, side: r.side,
    };
  }

  startSession(id: string, source: string): void {
    this.transaction(() => this.db.prepare(`INSERT INTO scan_sessions (id, source, status, started_seq) VALUES (?, ?, 'running', ?)`).run(id, source, this.nextSeq()));
  }

  endSession(id: string, status: 'finished' | 'cancelled' | 'failed', detail?: string): void {
    retryBusy(this.db, () => this.db.prepare('UPDATE scan_sessions SET status = ?, detail = ? WHERE id = ?').run(status, detail ?? null, id));
  }

  unfinishedSessions(): { id: string; source: string }[] {
    return this.db.prepare(`SELECT id, source FROM scan_sessions WHERE status = 'running' ORDER BY started_seq`).all() as { id: string; source: string }[];
  }

  /** Inserts the row for a stored image. The same bytes twice give the existing row (idempotent). */
  insertImage(img: { sessionId: string | null; sha256: string; path: string; mediaType: string; bytes: number; sheetIndex?: number; side?: string }): { row: ScannedImageRow; isNew: boolean } {
    return this.transaction(() => {
      const existing = this.db.prepare('SELECT * FROM scanned_images WHERE sha256 = ?').get(img.sha256) as RawImageRow | undefined;
      if (existing) return { row: this.toImageRow(existing), isNew: false };
      const info = this.db
        .prepare(`INSERT INTO scanned_images (session_id, sha256, path, media_type, bytes, sheet_index, side, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued')`)
        .run(img.sessionId, img.sha256, storedImagePath(this.dataDir, img.path), img.mediaType, img.bytes, img.sheetIndex ?? null, img.side ?? null);
      return { row: this.image(Number(info.lastInsertRowid))!, isNew: true };
    });
  }

  image(id: number): ScannedImageRow | null {
    const r = this.db.prepare('SELECT * FROM scanned_images WHERE id = ?').get(id) as RawImageRow | undefined;
    return r ? this.toImageRow(r) : null;
  }

  queuedImages(): ScannedImageRow[] {
    return (this.db.prepare(`SELECT * FROM scanned_images WHERE status = 'queued' ORDER BY id`).all() as RawImageRow[]).map((r) => this.toImageRow(r));
  }

  imagesOfPage(pageId: string): ScannedImageRow[] {
    return (this.db.prepare(`SELECT * FROM scanned_images WHERE page_id = ? ORDER BY id`).all(pageId) as RawImageRow[]).map((r) => this.toImageRow(r));
  }

  /** Has a page already been read from a different image (and not been replaced)? */
  gradedImageOfPage(pageId: string): ScannedImageRow | null {
    const r = this.db
      .prepare(`SELECT * FROM scanned_images WHERE page_id = ? AND status IN ('graded','needs_review','read') ORDER BY id DESC LIMIT 1`)
      .get(pageId) as RawImageRow | undefined;
    return r ? this.toImageRow(r) : null;
  }

  /**
   * Records the outcome of reading one image, exactly once: only a queued row is updated, so a
   * replay after a crash changes nothing. Responses are unique per (page, image hash, field).
   */
  recordOutcome(imageId: number, outcome: PageOutcome, actor: string, at: string): { applied: boolean; responses: number; reviews: number } {
    return this.transaction(() => {
      const row = this.image(imageId);
      if (!row || row.status !== 'queued') return { applied: false, responses: 0, reviews: 0 };
      const setStatus = this.db.prepare('UPDATE scanned_images SET status = ?, page_id = ?, reason = ?, read_json = ? WHERE id = ?');
      switch (outcome.kind) {
        case 'refused':
          setStatus.run('refused', null, `${outcome.reason}: ${outcome.detail}`, outcome.readJson, imageId);
          return { applied: true, responses: 0, reviews: 0 };
        case 'duplicate':
          setStatus.run('duplicate', outcome.pageId, outcome.detail, outcome.readJson, imageId);
          return { applied: true, responses: 0, reviews: 0 };
        case 'blank_back':
          setStatus.run('graded', outcome.pageId, 'blank back', outcome.readJson, imageId);
          return { applied: true, responses: 0, reviews: 0 };
        case 'graded': {
          if (outcome.replaceEarlier) {
            const superseded = this.db.prepare(`UPDATE responses SET superseded = 1 WHERE page_id = ? AND image_sha256 != ? AND superseded = 0`).run(outcome.pageId, row.sha256);
            this.db
              .prepare('INSERT INTO audit_log (seq, at, actor, action, detail_json) VALUES (?, ?, ?, ?, ?)')
              .run(this.nextSeq(), at, actor, 'rescan_replaces_read', JSON.stringify({ pageId: outcome.pageId, imageSha256: row.sha256, supersededResponses: superseded.changes }));
          }
          const insert = this.db.prepare(
            `INSERT OR IGNORE INTO responses (seq, page_id, image_sha256, field_id, student_id, item_id, item_version, answer, score, max_score, correct, confidence, status, date)
             VALUES (@seq, @pageId, @sha, @fieldId, @studentId, @itemId, @itemVersion, @answer, @score, @maxScore, @correct, @confidence, @status, @date)`,
          );
          const queue = this.db.prepare('INSERT INTO review_queue (response_id, reasons_json, evidence_json) VALUES (?, ?, ?)');
          let reviews = 0;
          for (const r of outcome.responses) {
            const info = insert.run({
              seq: this.nextSeq(), pageId: outcome.pageId, sha: row.sha256, fieldId: r.fieldId, studentId: r.studentId, itemId: r.itemId, itemVersion: r.itemVersion,
              answer: r.answer, score: r.needsReview ? 0 : r.score, maxScore: r.maxScore, correct: r.correct && !r.needsReview ? 1 : 0,
              confidence: r.confidence, status: r.needsReview ? 'needs_review' : 'graded', date: r.date,
            });
            if (info.changes && r.needsReview) {
              queue.run(Number(info.lastInsertRowid), JSON.stringify(r.reasons), JSON.stringify(r.evidence));
              reviews++;
            }
          }
          setStatus.run(reviews > 0 ? 'needs_review' : 'graded', outcome.pageId, null, outcome.readJson, imageId);
          return { applied: true, responses: outcome.responses.length, reviews };
        }
        default:
          return throwIllegalValue(outcome, 'page outcome');
      }
    });
  }

  markFailed(imageId: number, detail: string): void {
    retryBusy(this.db, () => this.db.prepare(`UPDATE scanned_images SET status = 'failed', reason = ? WHERE id = ? AND status = 'queued'`).run(detail, imageId));
  }

  /** Failed reads go back to the queue, to be read again (a scan with --rescan). Returns how many. */
  requeueFailed(): number {
    return retryBusy(this.db, () => this.db.prepare(`UPDATE scanned_images SET status = 'queued', reason = NULL WHERE status = 'failed'`).run()).changes;
  }

  openReviews(): ReviewRow[] {
    return this.reviewRows('');
  }

  /** The open review of one response, or null when it has none (decided, superseded or never sent to review). */
  openReview(responseId: number): ReviewRow | null {
    return this.reviewRows('AND r.id = ?', responseId)[0] ?? null;
  }

  private reviewRows(filter: string, ...params: unknown[]): ReviewRow[] {
    const rows = this.db
      .prepare(
        `SELECT q.id AS review_id, r.id AS response_id, r.page_id, r.student_id, r.item_id, r.field_id, r.answer, r.confidence,
                q.reasons_json, q.evidence_json, i.path AS image_path
         FROM review_queue q JOIN responses r ON r.id = q.response_id
         JOIN scanned_images i ON i.sha256 = r.image_sha256
         WHERE q.resolved_seq IS NULL AND r.superseded = 0 ${filter} ORDER BY q.id`,
      )
      .all(...params) as {
      review_id: number; response_id: number; page_id: string; student_id: string; item_id: string; field_id: string; answer: string | null;
      confidence: number; reasons_json: string; evidence_json: string; image_path: string;
    }[];
    return rows.map((r) => ({
      reviewId: r.review_id, responseId: r.response_id, pageId: r.page_id, studentId: r.student_id, itemId: r.item_id, fieldId: r.field_id,
      answer: r.answer, confidence: r.confidence, reasons: JSON.parse(r.reasons_json), evidence: JSON.parse(r.evidence_json), imagePath: resolveImagePath(this.dataDir, r.image_path),
    }));
  }

  response(id: number): { id: number; itemId: string; itemVersion: number; studentId: string; status: string; answer: string | null; maxScore: number } | null {
    const r = this.db.prepare('SELECT id, item_id, item_version, student_id, status, answer, max_score FROM responses WHERE id = ?').get(id) as
      | { id: number; item_id: string; item_version: number; student_id: string; status: string; answer: string | null; max_score: number }
      | undefined;
    return r ? { id: r.id, itemId: r.item_id, itemVersion: r.item_version, studentId: r.student_id, status: r.status, answer: r.answer, maxScore: r.max_score } : null;
  }

  /** A teacher's decision: kept as an override row; the original read is never updated, only its effective score. */
  override(responseId: number, teacher: string, at: string, answer: string | null, score: number, correct: boolean, note?: string): void {
    this.transaction(() => {
      const seq = this.nextSeq();
      this.db.prepare('INSERT INTO overrides (seq, response_id, teacher, at, answer, score, note) VALUES (?, ?, ?, ?, ?, ?, ?)').run(seq, responseId, teacher, at, answer, score, note ?? null);
      this.db.prepare(`UPDATE responses SET score = ?, correct = ?, status = 'resolved' WHERE id = ?`).run(score, correct ? 1 : 0, responseId);
      this.db.prepare('UPDATE review_queue SET resolved_seq = ? WHERE response_id = ? AND resolved_seq IS NULL').run(seq, responseId);
    });
  }

  /**
   * Teacher decisions undone, in one transaction: each response gets an override with its original reading and
   * `note` (so who decided what stays whole), its score withheld, and its latest queue entry open again.
   */
  reopen(responseIds: readonly number[], teacher: string, at: string, note: string): void {
    this.transaction(() => {
      for (const responseId of responseIds) {
        const original = this.db.prepare('SELECT answer FROM responses WHERE id = ?').get(responseId) as { answer: string | null } | undefined;
        if (!original) throw new Error(`response ${responseId} does not exist, so it cannot be reopened`);
        this.db.prepare('INSERT INTO overrides (seq, response_id, teacher, at, answer, score, note) VALUES (?, ?, ?, ?, ?, 0, ?)').run(this.nextSeq(), responseId, teacher, at, original.answer, note);
        this.db.prepare(`UPDATE responses SET score = 0, correct = 0, status = 'needs_review' WHERE id = ?`).run(responseId);
        this.db.prepare('UPDATE review_queue SET resolved_seq = NULL WHERE id = (SELECT max(id) FROM review_queue WHERE response_id = ?)').run(responseId);
      }
    });
  }

  overridesOf(responseId: number): { teacher: string; at: string; answer: string | null; score: number; note: string | null }[] {
    return this.db.prepare('SELECT teacher, at, answer, score, note FROM overrides WHERE response_id = ? ORDER BY seq').all(responseId) as never;
  }

  /** Effective responses (not superseded), latest override applied. */
  responses(filter: { studentId?: string; classId?: string; date?: string } = {}): {
    id: number; seq: number; pageId: string; studentId: string; itemId: string; itemVersion: number; answer: string | null;
    score: number; maxScore: number; correct: boolean; status: string; date: string; confidence: number;
  }[] {
    const rows = this.db
      .prepare(
        `SELECT r.id, r.seq, r.page_id, r.student_id, r.item_id, r.item_version,
                COALESCE((SELECT o.answer FROM overrides o WHERE o.response_id = r.id ORDER BY o.seq DESC LIMIT 1), r.answer) AS answer,
                r.score, r.max_score, r.correct, r.status, r.date, r.confidence
         FROM responses r
         WHERE r.superseded = 0
           AND (@studentId IS NULL OR r.student_id = @studentId)
           AND (@date IS NULL OR r.date = @date)
           AND (@classId IS NULL OR r.student_id IN (SELECT student_id FROM enrollments WHERE class_id = @classId))
         ORDER BY r.seq`,
      )
      .all({ studentId: filter.studentId ?? null, classId: filter.classId ?? null, date: filter.date ?? null }) as {
      id: number; seq: number; page_id: string; student_id: string; item_id: string; item_version: number; answer: string | null;
      score: number; max_score: number; correct: number; status: string; date: string; confidence: number;
    }[];
    return rows.map((r) => ({
      id: r.id, seq: r.seq, pageId: r.page_id, studentId: r.student_id, itemId: r.item_id, itemVersion: r.item_version, answer: r.answer,
      score: r.score, maxScore: r.max_score, correct: r.correct === 1, status: r.status, date: r.date, confidence: r.confidence,
    }));
  }

  /** For re-grading after an answer key correction: every effective, machine-graded response to an item. */
  responsesToItem(itemId: string): { id: number; answer: string | null; itemVersion: number; status: string }[] {
    return this.db
      .prepare(`SELECT id, answer, item_version AS itemVersion, status FROM responses WHERE item_id = ? AND superseded = 0 AND status = 'graded'`)
      .all(itemId) as { id: number; answer: string | null; itemVersion: number; status: string }[];
  }

  regrade(responseId: number, itemVersion: number, score: number, correct: boolean): void {
    retryBusy(this.db, () => this.db.prepare('UPDATE responses SET item_version = ?, score = ?, correct = ? WHERE id = ?').run(itemVersion, score, correct ? 1 : 0, responseId));
  }

  imageStatusCounts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM scanned_images GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}

export type IntegrityImage = { imageId: number; status: string; pageId: string | null; reason: string | null; sessionId: string | null };

/** Every image of the sessions that scanned at least one page of a print job, for the stack integrity report. */
export function imagesForJob(db: Db, jobId: string): { pages: { pageId: string; studentId: string; pageNumber: number; kind: string }[]; images: IntegrityImage[] } {
  const pages = db.prepare('SELECT page_id AS pageId, student_id AS studentId, page_number AS pageNumber, kind FROM printed_pages WHERE job_id = ? ORDER BY rowid').all(jobId) as {
    pageId: string; studentId: string; pageNumber: number; kind: string;
  }[];
  const images = db
    .prepare(
      `SELECT id AS imageId, status, page_id AS pageId, reason, session_id AS sessionId FROM scanned_images
       WHERE session_id IN (SELECT DISTINCT session_id FROM scanned_images WHERE page_id IN (SELECT page_id FROM printed_pages WHERE job_id = ?))
          OR page_id IN (SELECT page_id FROM printed_pages WHERE job_id = ?)
       ORDER BY id`,
    )
    .all(jobId, jobId) as IntegrityImage[];
  return { pages, images };
}
