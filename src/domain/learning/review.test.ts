import { describe, expect, it } from 'vitest';
import type { Tier } from '../item';
import type { GradedResponse } from '../response';
import { daysUntilDue, dueReviews, emptyReviewState, reviewsFromJson, reviewsToJson, updateReviews } from './review';
import { DEFAULT_LEARNING_SETTINGS as S, LearningSettings } from './settings';

const items = new Map<string, { tier: Tier; skills: string[] }>([
  ['q1', { tier: 'core', skills: ['k'] }],
  ['q2', { tier: 'core', skills: ['k'] }],
  ['q3', { tier: 'basic', skills: ['k'] }],
  ['z1', { tier: 'core', skills: ['other'] }],
]);
const r = (itemId: string, correct: boolean, date: string, seq: number, studentId = 's1'): GradedResponse => ({
  studentId,
  itemId,
  itemVersion: 1,
  skills: [...(items.get(itemId)?.skills ?? ['k'])],
  answer: correct ? 'A' : 'B',
  score: correct ? 1 : 0,
  maxScore: 1,
  correct,
  date,
  seq,
});

describe('review of mistakes (FSRS, whole days)', () => {
  it('a wrong item gets a card that comes back as due later, not the same day', () => {
    const state = updateReviews(emptyReviewState(), [r('q1', false, '2025-11-20', 1)], items, S);
    expect(dueReviews(state, 's1', '2025-11-20')).toEqual([]);
    const due = dueReviews(state, 's1', '2025-11-21');
    expect(due.map((c) => c.itemId)).toEqual(['q1']);
    expect(due[0]).toMatchObject({ skillId: 'k', tier: 'core', firstMissedOn: '2025-11-20', lastMissedOn: '2025-11-20' });
    // nothing for correct answers on items without a card, nothing for other students
    expect(dueReviews(updateReviews(emptyReviewState(), [r('q1', true, '2025-11-20', 1)], items, S), 's1', '2025-12-30')).toEqual([]);
    expect(dueReviews(state, 's2', '2025-12-30')).toEqual([]);
  });

  it('a correct re-practice pushes the card out; another miss brings it back sooner', () => {
    let state = updateReviews(emptyReviewState(), [r('q1', false, '2025-11-20', 1)], items, S);
    const firstDue = dueReviews(state, 's1', '2025-11-21')[0]?.due as string;
    state = updateReviews(state, [r('q1', true, '2025-11-21', 2)], items, S);
    const card = state.students.get('s1')?.get('q1');
    expect(card && card.due > firstDue).toBe(true);
    expect(card && daysUntilDue(card, '2025-11-21')).toBeGreaterThan(1);
    expect(dueReviews(state, 's1', '2025-11-22')).toEqual([]);
    const goodInterval = card ? daysUntilDue(card, '2025-11-21') : 0;
    const missed = updateReviews(state, [r('q1', false, '2025-11-21', 3)], items, S).students.get('s1')?.get('q1');
    expect(missed && daysUntilDue(missed, '2025-11-21')).toBeLessThan(goodInterval);
    // The first miss made the card (not a lapse); forgetting it after a successful review is one lapse.
    expect(missed?.lapses).toBe(1);
    expect(card?.lapses).toBe(0);
  });

  it('a correct answer on a sibling (same skill, same or harder tier, a later day) counts as the review', () => {
    let state = updateReviews(emptyReviewState(), [r('q1', false, '2025-11-20', 1)], items, S);
    // same day: not a re-practice (no feedback yet)
    state = updateReviews(state, [r('q2', true, '2025-11-20', 2)], items, S);
    expect(state.students.get('s1')?.get('q1')?.reps).toBe(1);
    // an easier tier does not count, another skill does not count
    state = updateReviews(state, [r('q3', true, '2025-11-22', 3), r('z1', true, '2025-11-22', 4)], items, S);
    expect(state.students.get('s1')?.get('q1')?.reps).toBe(1);
    state = updateReviews(state, [r('q2', true, '2025-11-22', 5)], items, S);
    const card = state.students.get('s1')?.get('q1');
    expect(card?.reps).toBe(2);
    expect(card?.lastReviewedWith).toBe('q2');
    expect(dueReviews(state, 's1', '2025-11-23')).toEqual([]);
  });

  it('a mistake is cleared after two correct reviews in a row (setting) and revived by a new miss', () => {
    let state = updateReviews(emptyReviewState(), [r('q1', false, '2025-11-20', 1)], items, S);
    state = updateReviews(state, [r('q1', true, '2025-11-21', 2), r('q1', true, '2025-11-25', 3)], items, S);
    expect(state.students.get('s1')?.get('q1')?.retired).toBe(true);
    expect(dueReviews(state, 's1', '2026-06-01')).toEqual([]);
    state = updateReviews(state, [r('q1', false, '2025-11-26', 4)], items, S);
    expect(state.students.get('s1')?.get('q1')?.retired).toBe(false);
    expect(dueReviews(state, 's1', '2025-11-27').map((c) => c.itemId)).toEqual(['q1']);
    const never = LearningSettings.parse({ review: { retireAfterCorrectInARow: 0 } });
    let kept = updateReviews(emptyReviewState(), [r('q1', false, '2025-11-20', 1)], items, never);
    kept = updateReviews(kept, [r('q1', true, '2025-11-21', 2), r('q1', true, '2025-11-25', 3), r('q1', true, '2025-12-20', 4)], items, never);
    expect(kept.students.get('s1')?.get('q1')?.retired).toBe(false);
  });

  it('lists the most overdue first, skips applied sequence numbers, and round-trips through JSON', () => {
    const batch = [r('q2', false, '2025-11-18', 1), r('q1', false, '2025-11-20', 2)];
    const state = updateReviews(emptyReviewState(), batch, items, S);
    expect(dueReviews(state, 's1', '2025-11-30').map((c) => c.itemId)).toEqual(['q2', 'q1']);
    expect(updateReviews(state, batch, items, S)).toBe(state);
    const back = reviewsFromJson(JSON.parse(JSON.stringify(reviewsToJson(state))));
    expect(back.ok && dueReviews(back.value, 's1', '2025-11-30')).toEqual(dueReviews(state, 's1', '2025-11-30'));
    expect(reviewsFromJson({ format: 'x' }).ok).toBe(false);
  });
});
