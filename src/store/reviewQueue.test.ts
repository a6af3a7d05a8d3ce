import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './database';
import { ScanRepository, type ResponseToStore } from './scanRepository';

/** A migrated database (real SQLite, in memory) with one graded page of three reads, two of them sent to review. */
function storeWithReviews() {
  const db = new Database(':memory:');
  const migrated = migrate(db, ':memory:');
  if (!migrated.ok) throw new Error(JSON.stringify(migrated.error));
  let seq = 0;
  const scans = new ScanRepository(db, () => ++seq, '/data');
  const read = (i: number, answer: string, needsReview: boolean): ResponseToStore => ({
    fieldId: `f${i}`, studentId: 'S01', itemId: `it${i}`, itemVersion: 1, answer, score: needsReview ? 0 : 1, maxScore: 1, correct: !needsReview,
    confidence: needsReview ? 0.3 : 0.99, needsReview, reasons: needsReview ? ['marginal_mark:A'] : [], evidence: { crop: { x: i, y: 0, w: 10, h: 10 } }, date: '2026-11-25',
  });
  const { row } = scans.insertImage({ sessionId: null, sha256: 'sha1', path: 'images/1.jpg', mediaType: 'image/jpeg', bytes: 100 });
  scans.recordOutcome(row.id, { kind: 'graded', pageId: 'P1', replaceEarlier: false, readJson: '{}', responses: [read(1, 'A', true), read(2, 'B', false), read(3, 'C', true)] }, 'station', '2026-11-25T10:00:00Z');
  const [first, second] = scans.openReviews().map((r) => r.responseId) as [number, number];
  const confident = (db.prepare(`SELECT id FROM responses WHERE status != 'needs_review'`).get() as { id: number }).id;
  return { db, scans, first, second, confident };
}

describe('one open review by its response id', () => {
  it('finds the open review of that response only, with its evidence and absolute image path', () => {
    const { scans, first, second, confident } = storeWithReviews();
    expect(scans.openReview(second)).toEqual(scans.openReviews().find((r) => r.responseId === second));
    expect(scans.openReview(second)).toMatchObject({ responseId: second, answer: 'C', evidence: { crop: { x: 3 } }, imagePath: '/data/images/1.jpg' });
    expect(scans.openReview(first)?.answer).toBe('A');
    expect(scans.openReview(confident)).toBeNull();
    expect(scans.openReview(9999)).toBeNull();
  });

  it('is gone once the teacher decides it', () => {
    const { scans, first, second } = storeWithReviews();
    scans.override(first, 'ms.li', '2026-11-25T11:00:00Z', 'B', 1, true);
    expect(scans.openReview(first)).toBeNull();
    expect(scans.openReview(second)).not.toBeNull();
  });
});

describe('reopening decided reviews (the undo)', () => {
  it('keeps the decision and adds the undo as an override with the original reading; score withheld; the same queue entry open again', () => {
    const { db, scans, first, second } = storeWithReviews();
    const reviewIdOf = (id: number) => scans.openReview(id)!.reviewId;
    const queued = [reviewIdOf(first), reviewIdOf(second)];
    scans.override(first, 'ms.li', '2026-11-25T11:00:00Z', 'B', 1, true);
    scans.override(second, 'ms.li', '2026-11-25T11:00:01Z', 'D', 1, true);
    expect(scans.openReviews()).toEqual([]);

    scans.reopen([first, second], 'mr.wang', '2026-11-25T11:05:00Z', 'undo');
    expect(scans.openReviews().map((r) => [r.reviewId, r.responseId, r.answer])).toEqual([[queued[0], first, 'A'], [queued[1], second, 'C']]);
    expect(scans.overridesOf(first)).toEqual([
      { teacher: 'ms.li', at: '2026-11-25T11:00:00Z', answer: 'B', score: 1, note: null },
      { teacher: 'mr.wang', at: '2026-11-25T11:05:00Z', answer: 'A', score: 0, note: 'undo' },
    ]);
    expect(db.prepare('SELECT score, correct, status FROM responses WHERE id IN (?, ?) ORDER BY id').all(first, second)).toEqual([
      { score: 0, correct: 0, status: 'needs_review' },
      { score: 0, correct: 0, status: 'needs_review' },
    ]);
    // The overrides' sequence numbers follow the log: the undo comes after the decisions.
    const seqs = (db.prepare('SELECT seq FROM overrides WHERE response_id = ? ORDER BY seq').all(first) as { seq: number }[]).map((r) => r.seq);
    expect(seqs[1]!).toBeGreaterThan(seqs[0]!);
    // Decided again after the undo: the reopened entry closes, and the history holds all three.
    scans.override(first, 'mr.wang', '2026-11-25T11:06:00Z', 'A', 0, false);
    expect(scans.openReview(first)).toBeNull();
    expect(scans.overridesOf(first).map((o) => o.note)).toEqual([null, 'undo', null]);
  });

  it('is all or nothing: a response that does not exist rolls back the whole undo', () => {
    const { db, scans, first } = storeWithReviews();
    scans.override(first, 'ms.li', '2026-11-25T11:00:00Z', 'B', 1, true);
    const before = ['overrides', 'responses', 'review_queue'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all());
    expect(() => scans.reopen([first, 9999], 'mr.wang', '2026-11-25T11:05:00Z', 'undo')).toThrow();
    expect(['overrides', 'responses', 'review_queue'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all())).toEqual(before);
  });
});
