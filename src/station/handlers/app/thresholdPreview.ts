/**
 * What a changed mark threshold would do to the last stack: every bubble field of the last scan session is
 * decided again, in memory, from the fills the reader stored with it, once with the station's thresholds and
 * once with the proposed ones. Nothing is written; the teacher sees the counts before confirming.
 */
import type { BubbleField, PrintedPage } from '../../../layout/printedPage';
import type { TargetsMeasure } from '../../../vision/bubbles';
import { interpretBubbles, pageFillStats, type FieldRead } from '../../../vision/interpret';
import type { VisionSettings } from '../../../vision/settings';

/** A stored page read (scanned_images.read_json) as far as this needs it. */
export type StoredPageRead = { pageId: string; fields: { fieldId: string; evidence: unknown }[] };
type StoredFill = { value: string; fill: number; dark?: number; spread?: number; paper?: number };
type Decision = Pick<FieldRead, 'value' | 'status'>;

export type ThresholdEffect = {
  /** Bubble fields decided again. */
  reads: number;
  /** Reads whose value or status would change. */
  changed: number;
  /** Reads that would go to review, and reads that would leave it. */
  toReview: number;
  leaveReview: number;
};

const fillsOf = (evidence: unknown): StoredFill[] | null => {
  const fills = (evidence as { fills?: unknown } | null)?.fills;
  return Array.isArray(fills) && fills.every((f) => typeof f?.value === 'string' && typeof f?.fill === 'number') ? (fills as StoredFill[]) : null;
};

/** The stored fills as the measurement the reader decided from (positions and the paper level are not needed to decide). */
const measureOf = (fills: StoredFill[]): TargetsMeasure => ({
  offset: { x: 0, y: 0 },
  alignment: 0,
  fills: fills.map((f) => ({ value: f.value, fill: f.fill, dark: f.dark ?? 0, spread: f.spread ?? 0, expected: { x: 0, y: 0 }, found: { x: 0, y: 0 }, radiusPx: 0, paper: f.paper ?? 0 })),
});

function decidePage(page: PrintedPage, read: StoredPageRead, settings: VisionSettings): Map<string, Decision> {
  const fillsByField = new Map(read.fields.flatMap((f) => (fillsOf(f.evidence) ? [[f.fieldId, fillsOf(f.evidence)!] as const] : [])));
  // The page's empty level comes from every bubble and digit-grid target on it, as the reader takes it.
  const bubbleLike = page.fields.filter((f) => f.kind === 'bubbles' || f.kind === 'digit_grid');
  const stats = pageFillStats(bubbleLike.flatMap((f) => (fillsByField.get(f.id) ?? []).map((x) => x.fill)), settings.bubbles);
  const decisions = new Map<string, Decision>();
  for (const field of page.fields) {
    const fills = fillsByField.get(field.id);
    if (field.kind !== 'bubbles' || !fills) continue;
    const d = interpretBubbles(field as BubbleField, measureOf(fills), settings, stats);
    decisions.set(field.id, { value: d.value, status: d.status });
  }
  return decisions;
}

/** Counts what deciding the stored reads with `proposed` instead of `current` would change. */
export function thresholdEffect(reads: readonly { page: PrintedPage; read: StoredPageRead }[], current: VisionSettings, proposed: VisionSettings): ThresholdEffect {
  const effect: ThresholdEffect = { reads: 0, changed: 0, toReview: 0, leaveReview: 0 };
  for (const { page, read } of reads) {
    const before = decidePage(page, read, current);
    const after = decidePage(page, read, proposed);
    for (const [fieldId, was] of before) {
      const now = after.get(fieldId)!;
      effect.reads++;
      if (was.value !== now.value || was.status !== now.status) effect.changed++;
      if (was.status !== 'review' && now.status === 'review') effect.toReview++;
      if (was.status === 'review' && now.status !== 'review') effect.leaveReview++;
    }
  }
  return effect;
}
