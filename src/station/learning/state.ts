import type { Item } from '../../domain/item';
import { SHIPPED_LOGISTIC_PARAMS } from '../../domain/learning/logisticKtShipped';
import { emptyMasteryState, masteryOf, type MasteryState } from '../../domain/learning/mastery';
import { masteryByRule, type ModelChoice } from '../../domain/learning/modelChoice';
import { emptyReviewState, updateReviews, type ReviewState } from '../../domain/learning/review';
import type { StationContext } from '../context';
import { gradedResponses, type StationResponse } from './responses';

/** `modelChoice`: which predictor's "mastered" flags the state carries, by the log-loss rule (docs/mastery.md, 1b). */
export type LearningState = { mastery: MasteryState; reviews: ReviewState; responses: StationResponse[]; items: Item[]; modelChoice: ModelChoice };

/**
 * Mastery and review state, rebuilt from the effective graded responses (overrides and re-grades
 * included), in station sequence order. Replaying is deterministic, so the state always agrees
 * with the stored results.
 */
export function learningState(ctx: StationContext, filter: { classId?: string } = {}): LearningState {
  const { responses, items } = gradedResponses(ctx, filter);
  const settings = ctx.settings.learning;
  const bank = replayBank(ctx, items);
  const { mastery, choice } = masteryByRule(emptyMasteryState(settings), responses, bank, settings, SHIPPED_LOGISTIC_PARAMS);
  const reviews = updateReviews(emptyReviewState(), responses, bank, settings);
  return { mastery, reviews, responses, items, modelChoice: choice };
}

/** The items a replay looks up by id: the versions answered, then the bank's current ones. */
export function replayBank(ctx: StationContext, answered: readonly Item[]): Map<string, Item> {
  return new Map<string, Item>([...answered, ...ctx.store.currentItems()].map((i) => [i.id, i]));
}

/** Skills mastered by a student among the given ones. */
export function masteredSkills(ctx: StationContext, state: MasteryState, studentId: string, skills: readonly string[]): string[] {
  return skills.filter((s) => masteryOf(state, studentId, s, ctx.settings.learning).mastered);
}
