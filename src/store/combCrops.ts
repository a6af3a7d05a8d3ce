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

export function combCropsOfClass(db: Db, classId: string): { char: string; input: Float32Array }[] {
  const rows = db.prepare(`SELECT char, input FROM comb_crops WHERE class_id = ? ORDER BY id`).all(classId) as { char: string; input: Buffer }[];
  return rows.map((r) => ({ char: r.char, input: new Float32Array(r.input.buffer.slice(r.input.byteOffset, r.input.byteOffset + r.input.byteLength)) }));
}

/** Forget what the reader learned: one class's crops, or every class's. Returns how many were removed. */
export function resetCombAdaptation(db: Db, classId?: string): number {
  return writeTransaction(db, () =>
    (classId === undefined ? db.prepare(`DELETE FROM comb_crops`).run() : db.prepare(`DELETE FROM comb_crops WHERE class_id = ?`).run(classId)).changes,
  );
}
