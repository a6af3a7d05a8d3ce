/**
 * The prerequisite gate check's evidence per class and subject: one row per answer slot (a printed
 * page's item) with what the station saw when it first counted the answer — the model's prediction
 * before it, whether the student was ready for its skill (the fringe's flag and the model's
 * P(every prerequisite known)) and had practised it on an earlier day —
 * and the answer's current outcome. Keeping the slot as the key makes the evidence idempotent: a
 * replay changes nothing, and a re-scan, re-grade or override corrects the outcome in place.
 */
import { writeTransaction } from './busy';
import type { Db } from './database';

export type GateObservationRow = {
  pageId: string;
  itemId: string;
  seq: number;
  ready: boolean;
  /** The model's P(every prerequisite known); absent on rows counted before migration 11. */
  readyP?: number;
  practisedBefore: boolean;
  outcome: number;
  predicted: number;
};

/**
 * Brings a class's evidence in line with its effective answers: a new slot is added as given, a
 * known slot only takes the new outcome, and a slot no longer among them (its answer went back to
 * review, its page was voided) is removed.
 */
export function syncGateObservations(db: Db, classId: string, subject: string, rows: readonly GateObservationRow[]): { added: number; updated: number; removed: number } {
  const upsert = db.prepare(
    `INSERT INTO gate_observations (class_id, subject, page_id, item_id, seq, ready, ready_p, practised_before, outcome, predicted)
     VALUES (@classId, @subject, @pageId, @itemId, @seq, @ready, @readyP, @practisedBefore, @outcome, @predicted)
     ON CONFLICT (class_id, subject, page_id, item_id) DO UPDATE SET outcome = excluded.outcome WHERE outcome <> excluded.outcome`,
  );
  const known = db.prepare(`SELECT page_id AS pageId, item_id AS itemId FROM gate_observations WHERE class_id = ? AND subject = ?`);
  const remove = db.prepare(`DELETE FROM gate_observations WHERE class_id = ? AND subject = ? AND page_id = ? AND item_id = ?`);
  return writeTransaction(db, () => {
    const slot = (r: { pageId: string; itemId: string }) => `${r.pageId}\u0000${r.itemId}`;
    const before = new Set((known.all(classId, subject) as { pageId: string; itemId: string }[]).map(slot));
    let added = 0;
    let updated = 0;
    for (const r of rows) {
      const changed = upsert.run({ classId, subject, ...r, readyP: r.readyP ?? null, ready: r.ready ? 1 : 0, practisedBefore: r.practisedBefore ? 1 : 0 }).changes > 0;
      if (!before.delete(slot(r))) added++;
      else if (changed) updated++;
    }
    for (const s of before) {
      const [pageId, itemId] = s.split('\u0000');
      remove.run(classId, subject, pageId, itemId);
    }
    return { added, updated, removed: before.size };
  });
}

/** A class's evidence in the order the answers were first counted. */
export function gateObservationsOf(db: Db, classId: string, subject: string): GateObservationRow[] {
  const rows = db
    .prepare(
      `SELECT page_id AS pageId, item_id AS itemId, seq, ready, ready_p AS readyP, practised_before AS practisedBefore, outcome, predicted
       FROM gate_observations WHERE class_id = ? AND subject = ? ORDER BY seq, page_id, item_id`,
    )
    .all(classId, subject) as (Omit<GateObservationRow, 'ready' | 'readyP' | 'practisedBefore'> & { ready: number; readyP: number | null; practisedBefore: number })[];
  return rows.map(({ readyP, ...r }) => ({ ...r, ...(readyP === null ? {} : { readyP }), ready: r.ready === 1, practisedBefore: r.practisedBefore === 1 }));
}
