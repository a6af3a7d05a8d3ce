/**
 * Labelled comb crops: every comb box a teacher resolved in review, kept in the station database
 * (never synced) so the reader can adapt to a class's handwriting; reset removes them.
 */
import { writeTransaction } from './busy';
import type { Db } from './database';

export type CombCrop = {
  classId: string;
  itemId: string;
  pageId?: string;
  fieldId?: string;
  box: number;
  /** The character the teacher confirmed. */
  char: string;
  /** The network's input for the box: 28 × 28 darkness, then the ink-shape features. */
  input: Float32Array;
  confirmedAt: string;
  actor: string;
};

export function addCombCrops(db: Db, crops: readonly CombCrop[]): void {
  const insert = db.prepare(
    `INSERT INTO comb_crops (class_id, item_id, page_id, field_id, box, char, input, confirmed_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  writeTransaction(db, () => {
    for (const c of crops)
      insert.run(c.classId, c.itemId, c.pageId ?? null, c.fieldId ?? null, c.box, c.char, Buffer.from(c.input.buffer, c.input.byteOffset, c.input.byteLength), c.confirmedAt, c.actor);
  });
}

/** A class's crops in the order they were kept; with `afterId`, only those kept after that crop. */
export function combCropsOfClass(db: Db, classId: string, afterId = 0): { id: number; char: string; input: Float32Array }[] {
  const rows = db.prepare(`SELECT id, char, input FROM comb_crops WHERE class_id = ? AND id > ? ORDER BY id`).all(classId, afterId) as { id: number; char: string; input: Buffer }[];
  return rows.map((r) => ({ id: r.id, char: r.char, input: new Float32Array(r.input.buffer.slice(r.input.byteOffset, r.input.byteOffset + r.input.byteLength)) }));
}

/**
 * What a reader's cache of a class must match: its crops (how many, the last one) and the teacher's
 * last decision anywhere (which may change the class's common wrong answers).
 */
export function combClassVersion(db: Db, classId: string): string {
  const c = db.prepare(`SELECT count(*) AS n, coalesce(max(id), 0) AS last FROM comb_crops WHERE class_id = ?`).get(classId) as { n: number; last: number };
  const o = db.prepare(`SELECT coalesce(max(id), 0) AS seq FROM overrides`).get() as { seq: number };
  return `${c.n}/${c.last}/${o.seq}`;
}

/**
 * How often each wrong answer was given by the class's students, per item: machine-graded answers
 * and the teacher's decisions (the last override's answer), live reads only.
 */
export function wrongAnswersOfClass(db: Db, classId: string): { itemId: string; answer: string; n: number }[] {
  return db
    .prepare(
      // The last override per response in one pass (SQLite takes a bare column from the max(seq) row).
      `SELECT item_id AS itemId, answer, count(*) AS n FROM (
         SELECT r.item_id, CASE WHEN last.response_id IS NULL THEN r.answer ELSE last.answer END AS answer
         FROM responses r
         LEFT JOIN (SELECT response_id, answer, max(seq) FROM overrides GROUP BY response_id) last ON last.response_id = r.id
         WHERE r.student_id IN (SELECT student_id FROM enrollments WHERE class_id = ?)
           AND r.superseded = 0 AND r.status IN ('graded', 'resolved') AND r.correct = 0
       ) WHERE answer IS NOT NULL GROUP BY item_id, answer`,
    )
    .all(classId) as { itemId: string; answer: string; n: number }[];
}

/** The comb field a response answers and its class, with the evidence of its latest review; null when it has none. */
export function reviewedCombOf(db: Db, responseId: number): { classId: string; itemId: string; pageId: string; fieldId: string; evidence: unknown } | null {
  const row = db
    .prepare(
      `SELECT p.class_id AS classId, r.item_id AS itemId, r.page_id AS pageId, r.field_id AS fieldId,
              (SELECT q.evidence_json FROM review_queue q WHERE q.response_id = r.id ORDER BY q.id DESC LIMIT 1) AS evidence
       FROM responses r JOIN printed_pages p ON p.page_id = r.page_id WHERE r.id = ?`,
    )
    .get(responseId) as { classId: string; itemId: string; pageId: string; fieldId: string; evidence: string | null } | undefined;
  return row && row.evidence !== null ? { ...row, evidence: JSON.parse(row.evidence) as unknown } : null;
}

/** The crops of one field, replaced (a decision made again after an undo keeps only its own). */
export function replaceCombCropsOfField(db: Db, pageId: string, fieldId: string, crops: readonly CombCrop[]): void {
  writeTransaction(db, () => {
    removeCombCropsOfField(db, pageId, fieldId);
    addCombCrops(db, crops);
  });
}

/** Forget one field's crops (its decision was undone). Returns how many were removed. */
export function removeCombCropsOfField(db: Db, pageId: string, fieldId: string): number {
  return writeTransaction(db, () => db.prepare(`DELETE FROM comb_crops WHERE page_id = ? AND field_id = ?`).run(pageId, fieldId).changes);
}

/** Forget what the reader learned: one class's crops, or every class's. Returns how many were removed. */
export function resetCombAdaptation(db: Db, classId?: string): number {
  return writeTransaction(db, () =>
    (classId === undefined ? db.prepare(`DELETE FROM comb_crops`).run() : db.prepare(`DELETE FROM comb_crops WHERE class_id = ?`).run(classId)).changes,
  );
}
