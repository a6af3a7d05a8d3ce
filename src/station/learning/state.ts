import type { Item } from '../../domain/item';
import { emptyMasteryState, masteryOf, updateMastery, type MasteryState } from '../../domain/learning/mastery';
import { emptyReviewState, updateReviews, type ReviewState } from '../../domain/learning/review';
import type { GradedResponse } from '../../domain/response';
import type { StationContext } from '../context';
import { gradedResponses } from './responses';

export type LearningState = { mastery: MasteryState; reviews: ReviewState; responses: GradedResponse[]; items: Item[] };

/**
 * Mastery and review state, rebuilt from the effective graded responses (overrides and re-grades
 * included), in station sequence order. Replaying is deterministic, so the state always agrees
 * with the stored results.
 */
export function learningState(ctx: StationContext, filter: { classId?: string } = {}): LearningState {
  const { responses, items } = gradedResponses(ctx, filter);
  const settings = ctx.settings.learning;
  const bank = new Map<string, Item>([...items, ...ctx.store.currentItems()].map((i) => [i.id, i]));
  const mastery = updateMastery(emptyMasteryState(settings), responses, bank, settings);
  const reviews = updateReviews(emptyReviewState(), responses, bank, settings);
  return { mastery, reviews, responses, items };
}

/** Skills mastered by a student among the given ones. */
export function masteredSkills(ctx: StationContext, state: MasteryState, studentId: string, skills: readonly string[]): string[] {
  return skills.filter((s) => masteryOf(state, studentId, s, ctx.settings.learning).mastered);
}
