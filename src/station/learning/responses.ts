import type { Item } from '../../domain/item';
import type { GradedResponse } from '../../domain/response';
import type { StationContext } from '../context';

/** A graded response with the printed page it was answered on (page and item name the answer's slot). */
export type StationResponse = GradedResponse & { pageId: string };

/** The effective graded responses (overrides applied, re-scans superseded), as the learning loop consumes them. */
export function gradedResponses(ctx: StationContext, filter: { classId?: string; studentId?: string; date?: string } = {}): { responses: StationResponse[]; items: Item[] } {
  const rows = ctx.store.scans.responses(filter).filter((r) => r.status !== 'needs_review');
  const items = new Map<string, Item>();
  const itemOf = (id: string, version: number) => {
    const key = `${id}@${version}`;
    if (!items.has(key)) {
      const item = ctx.store.item(id, version);
      if (item) items.set(key, item);
    }
    return items.get(key);
  };
  const responses: StationResponse[] = [];
  for (const r of rows) {
    const item = itemOf(r.itemId, r.itemVersion);
    if (!item) continue;
    responses.push({
      studentId: r.studentId, itemId: r.itemId, itemVersion: r.itemVersion, skills: item.skills, answer: r.answer,
      score: r.score, maxScore: r.maxScore, correct: r.correct, date: r.date, seq: r.seq, pageId: r.pageId,
    });
  }
  return { responses, items: [...items.values()] };
}
