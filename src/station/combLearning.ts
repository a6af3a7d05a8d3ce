/**
 * The station learns from the teacher: a resolved comb review's written boxes, labelled with the
 * teacher's answer, are kept as the class's confirmed crops (station database only, never synced);
 * an undone decision takes them back. The readers pick them up on their next page of that class.
 */
import { removeCombCropsOfField, replaceCombCropsOfField, reviewedCombOf } from '../store';
import { labelledBoxes } from '../vision/handwriting/adapt';
import type { StationContext } from './context';

/** Keeps the boxes of a comb review the teacher answered; returns how many were kept (0 for anything but such a comb). */
export function keepConfirmedComb(ctx: Pick<StationContext, 'db' | 'actor' | 'clock'>, responseId: number, answer: string | null): number {
  const comb = reviewedCombOf(ctx.db, responseId);
  if (!comb) return 0;
  const boxes = labelledBoxes(comb.evidence, answer);
  if (boxes.length === 0) return 0;
  const at = ctx.clock().toISOString();
  replaceCombCropsOfField(ctx.db, comb.pageId, comb.fieldId, boxes.map((b) => ({ ...b, classId: comb.classId, itemId: comb.itemId, pageId: comb.pageId, fieldId: comb.fieldId, confirmedAt: at, actor: ctx.actor })));
  return boxes.length;
}

/** The decision on a response was undone: its field's crops are no longer confirmed. */
export function forgetConfirmedComb(ctx: Pick<StationContext, 'db'>, responseId: number): number {
  const comb = reviewedCombOf(ctx.db, responseId);
  return comb ? removeCombCropsOfField(ctx.db, comb.pageId, comb.fieldId) : 0;
}
