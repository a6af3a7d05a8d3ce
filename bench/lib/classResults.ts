import { classAnalytics as analyse } from '../../src/domain/learning/analytics';
import type { StationContext } from '../../src/station/context';
import { gradedResponses } from '../../src/station/learning/responses';

/** Class results as the teacher sees them after a scan: item analysis over the class's graded responses. */
export function classAnalytics(ctx: StationContext, classId: string, date: string): { items: number; students: number } {
  const { responses, items } = gradedResponses(ctx, { classId, date });
  const a = analyse({ responses, items, students: ctx.store.students(classId).map((s) => s.id) });
  return { items: a.items.length, students: a.students.length };
}
