import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrate } from './database';
import { ScanRepository, type PageOutcome, type ResponseToStore } from './scanRepository';

const SEED = Number(process.env.FC_SEED ?? 15);

/** A fresh migrated database (real SQLite, in memory) with its repository and a sequence counter. */
function freshStore() {
  const db = new Database(':memory:');
  const migrated = migrate(db, ':memory:');
  if (!migrated.ok) throw new Error(JSON.stringify(migrated.error));
  let seq = 0;
  const scans = new ScanRepository(db, () => ++seq, '/data');
  scans.startSession('S1', 'test');
  return { db, scans };
}
/** Everything recording an outcome may touch, in a stable order. */
const snapshot = (db: Database.Database) =>
  ['scanned_images', 'responses', 'review_queue', 'audit_log'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all());

const responseArb = (i: number): fc.Arbitrary<ResponseToStore> =>
  fc.record({
    answer: fc.option(fc.constantFrom('A', 'B', 'A,C', '-12.5', 'x=7'), { nil: null }),
    correct: fc.boolean(),
    needsReview: fc.boolean(),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  }).map((r) => ({ ...r, fieldId: `f${i}`, studentId: 'S01', itemId: `it${i}`, itemVersion: 1, score: r.correct ? 1 : 0, maxScore: 1, reasons: r.needsReview ? ['marginal_mark:A'] : [], evidence: { fills: [] }, date: '2026-11-25' }));
const outcomeArb: fc.Arbitrary<PageOutcome> = fc.oneof(
  fc.constant({ kind: 'refused' as const, reason: 'missing_marks', detail: 'missing tl', readJson: '{}' }),
  fc.constantFrom('P1', 'P2').map((pageId) => ({ kind: 'duplicate' as const, pageId, detail: 'already read', readJson: '{}' })),
  fc.constantFrom('P1', 'P2').map((pageId) => ({ kind: 'blank_back' as const, pageId, readJson: '{}' })),
  fc
    .tuple(fc.constantFrom('P1', 'P2'), fc.boolean(), fc.integer({ min: 0, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => responseArb(i)))))
    .map(([pageId, replaceEarlier, responses]) => ({ kind: 'graded' as const, pageId, replaceEarlier, responses, readJson: '{"ok":true}' })),
);
/** A stack: each image's outcome, then the order in which recordings are replayed (a crash and a resume). */
const stackArb = fc.array(outcomeArb, { minLength: 1, maxLength: 6 }).chain((outcomes) =>
  fc.tuple(fc.constant(outcomes), fc.array(fc.integer({ min: 0, max: outcomes.length - 1 }), { maxLength: 10 })),
);

describe('recording a page outcome is idempotent (property, fast-check seed from FC_SEED, default 15)', () => {
  it('recording an outcome again, in any order and any number of times, changes nothing and applies nothing', () => {
    fc.assert(
      fc.property(stackArb, ([outcomes, replays]) => {
        const once = freshStore();
        const twice = freshStore();
        const ids = outcomes.map((_, i) => {
          const row = { sessionId: 'S1', sha256: `sha${i}`, path: `/data/images/${i}.jpg`, mediaType: 'image/jpeg', bytes: 100 };
          twice.scans.insertImage(row);
          return once.scans.insertImage(row).row.id;
        });
        outcomes.forEach((o, i) => {
          expect(once.scans.recordOutcome(ids[i]!, o, 'station', '2026-11-25T10:00:00Z').applied).toBe(true);
          expect(twice.scans.recordOutcome(ids[i]!, o, 'station', '2026-11-25T10:00:00Z').applied).toBe(true);
        });
        for (const i of replays) {
          const again = twice.scans.recordOutcome(ids[i]!, outcomes[i]!, 'station', '2026-11-25T10:05:00Z');
          expect(again).toEqual({ applied: false, responses: 0, reviews: 0 });
        }
        expect(snapshot(twice.db)).toEqual(snapshot(once.db));
        once.db.close();
        twice.db.close();
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
