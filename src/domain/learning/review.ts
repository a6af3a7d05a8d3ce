import { createEmptyCard, fsrs, generatorParameters, Rating, type Card, type FSRS, type Grade } from 'ts-fsrs';
import { z } from 'zod';
import { Tier } from '../item';
import type { GradedResponse } from '../response';
import { err, ok, type Result } from '../result';
import { dayNumber, utcMidnight } from './dates';
import type { LearningSettings } from './settings';

/**
 * Review of mistakes with FSRS (ts-fsrs, `enable_short_term: false`, so every interval is whole days).
 * Every wrong item gets a card rated Again; a correct answer on re-practice rates it Good. A due card
 * is reviewed with the same item or a sibling (same skill and tier). A correct answer on another
 * item of the same skill (same tier or harder) on a later day also counts as a review: the student
 * re-practised the skill. Dates are ISO strings passed in, never read from a clock.
 */
export type ReviewCard = {
  readonly studentId: string;
  readonly itemId: string;
  /** Skill and tier a sibling must share. */
  readonly skillId: string;
  readonly tier: Tier;
  /** ISO date of the first miss, and of the latest one (printed in the reason). */
  readonly firstMissedOn: string;
  readonly lastMissedOn: string;
  /** ISO date from which the card is due. */
  readonly due: string;
  readonly stability: number;
  readonly difficulty: number;
  readonly scheduledDays: number;
  readonly reps: number;
  readonly lapses: number;
  /** ts-fsrs State (0 New, 1 Learning, 2 Review, 3 Relearning). */
  readonly state: number;
  readonly lastReview: string | null;
  /** Item the last review was answered with (the card's own item or a sibling). */
  readonly lastReviewedWith: string | null;
  /** Correct reviews since the last miss. */
  readonly correctInARow: number;
  /** Cleared after `review.retireAfterCorrectInARow` correct reviews; a new miss revives it. */
  readonly retired: boolean;
};

export type ReviewState = {
  readonly appliedThroughSeq: number;
  /** student → item → card */
  readonly students: ReadonlyMap<string, ReadonlyMap<string, ReviewCard>>;
};

/** What reviews need to know about an item. */
export type ReviewItemSource = ReadonlyMap<string, { readonly tier: Tier; readonly skills: readonly string[] }>;

export function emptyReviewState(): ReviewState {
  return { appliedThroughSeq: -Infinity, students: new Map() };
}

export function reviewScheduler(settings: LearningSettings): FSRS {
  return fsrs(
    generatorParameters({
      enable_short_term: false,
      enable_fuzz: false,
      request_retention: settings.review.requestRetention,
      maximum_interval: settings.review.maximumIntervalDays,
    }),
  );
}

function toFsrs(c: ReviewCard): Card {
  const card: Card = {
    due: utcMidnight(c.due),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: 0,
    scheduled_days: c.scheduledDays,
    learning_steps: 0,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
  };
  if (c.lastReview) card.last_review = utcMidnight(c.lastReview);
  return card;
}

function rate(f: FSRS, card: ReviewCard, date: string, grade: Grade, withItem: string, settings: LearningSettings): ReviewCard {
  const next = f.next(toFsrs(card), utcMidnight(date), grade).card;
  const correctInARow = grade === Rating.Again ? 0 : card.correctInARow + 1;
  const retireAt = settings.review.retireAfterCorrectInARow;
  return {
    ...card,
    due: next.due.toISOString().slice(0, 10),
    stability: next.stability,
    difficulty: next.difficulty,
    scheduledDays: next.scheduled_days,
    reps: next.reps,
    lapses: next.lapses,
    state: next.state,
    lastReview: date,
    lastReviewedWith: withItem,
    correctInARow,
    retired: retireAt > 0 && correctInARow >= retireAt,
    ...(grade === Rating.Again ? { lastMissedOn: date } : {}),
  };
}

function newCard(r: GradedResponse, skillId: string, tier: Tier): ReviewCard {
  const empty = createEmptyCard(utcMidnight(r.date));
  return {
    studentId: r.studentId,
    itemId: r.itemId,
    skillId,
    tier,
    firstMissedOn: r.date,
    lastMissedOn: r.date,
    due: r.date,
    stability: empty.stability,
    difficulty: empty.difficulty,
    scheduledDays: empty.scheduled_days,
    reps: empty.reps,
    lapses: empty.lapses,
    state: empty.state,
    lastReview: null,
    lastReviewedWith: null,
    correctInARow: 0,
    retired: false,
  };
}

const TIER_RANK: Readonly<Record<Tier, number>> = { basic: 0, core: 1, stretch: 2 };

const compareDue = (a: ReviewCard, b: ReviewCard) =>
  a.due < b.due ? -1 : a.due > b.due ? 1 : a.lastMissedOn < b.lastMissedOn ? -1 : a.lastMissedOn > b.lastMissedOn ? 1 : a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0;

/** Applies graded responses (seq order; seq ≤ appliedThroughSeq is skipped) to the review cards. */
export function updateReviews(
  state: ReviewState,
  responses: readonly GradedResponse[],
  items: ReviewItemSource,
  settings: LearningSettings,
): ReviewState {
  const todo = responses.filter((r) => r.seq > state.appliedThroughSeq).sort((a, b) => a.seq - b.seq);
  if (todo.length === 0) return state;
  const f = reviewScheduler(settings);
  const students = new Map(state.students);
  const own = new Set<string>();
  const cardsOf = (id: string) => {
    if (!own.has(id)) {
      students.set(id, new Map(students.get(id) ?? []));
      own.add(id);
    }
    return students.get(id) as Map<string, ReviewCard>;
  };
  for (const r of todo) {
    const cards = cardsOf(r.studentId);
    const existing = cards.get(r.itemId);
    if (!r.correct) {
      const item = items.get(r.itemId);
      const card = existing ?? newCard(r, r.skills[0] ?? item?.skills[0] ?? '', item?.tier ?? 'core');
      cards.set(r.itemId, rate(f, card, r.date, Rating.Again, r.itemId, settings));
      continue;
    }
    if (existing) {
      if (!existing.retired) cards.set(r.itemId, rate(f, existing, r.date, Rating.Good, r.itemId, settings));
      continue;
    }
    // Re-practice of the skill: a correct answer on another item of the same skill, at the card's
    // tier or above, on a later day than the card was last rated, counts as a review of the most
    // overdue such card.
    const item = items.get(r.itemId);
    if (!item) continue;
    const skill = r.skills[0] ?? item.skills[0];
    let best: ReviewCard | undefined;
    for (const c of cards.values())
      if (
        !c.retired &&
        c.skillId === skill &&
        TIER_RANK[c.tier] <= TIER_RANK[item.tier] &&
        (c.lastReview ?? c.lastMissedOn) < r.date &&
        (!best || compareDue(c, best) < 0)
      )
        best = c;
    if (best) cards.set(best.itemId, rate(f, best, r.date, Rating.Good, r.itemId, settings));
  }
  return { appliedThroughSeq: Math.max(state.appliedThroughSeq, (todo[todo.length - 1] as GradedResponse).seq), students };
}

/** Cards due on `date` (ISO) for a student, most overdue first. */
export function dueReviews(state: ReviewState, studentId: string, date: string): ReviewCard[] {
  const cards = state.students.get(studentId);
  if (!cards) return [];
  const out: ReviewCard[] = [];
  for (const c of cards.values()) if (!c.retired && c.due <= date) out.push(c);
  return out.sort(compareDue);
}

/** Days until the card is due (negative = overdue). */
export function daysUntilDue(card: ReviewCard, date: string): number {
  return dayNumber(card.due) - dayNumber(date);
}

// ---- persistence -------------------------------------------------------------------------------

const ReviewCardJson = z.object({
  studentId: z.string(),
  itemId: z.string(),
  skillId: z.string(),
  tier: Tier,
  firstMissedOn: z.string(),
  lastMissedOn: z.string(),
  due: z.string(),
  stability: z.number(),
  difficulty: z.number(),
  scheduledDays: z.number(),
  reps: z.number().int(),
  lapses: z.number().int(),
  state: z.number().int().min(0).max(3),
  lastReview: z.string().nullable(),
  lastReviewedWith: z.string().nullable(),
  correctInARow: z.number().int().min(0),
  retired: z.boolean(),
});
export const ReviewStateJson = z.object({
  format: z.literal('paperloop.reviews/1'),
  appliedThroughSeq: z.number().nullable(),
  cards: z.array(ReviewCardJson),
});
export type ReviewStateJson = z.infer<typeof ReviewStateJson>;

export function reviewsToJson(state: ReviewState): ReviewStateJson {
  const cards: ReviewCard[] = [];
  for (const m of state.students.values()) cards.push(...m.values());
  return { format: 'paperloop.reviews/1', appliedThroughSeq: Number.isFinite(state.appliedThroughSeq) ? state.appliedThroughSeq : null, cards };
}

export function reviewsFromJson(json: unknown): Result<ReviewState, { kind: 'invalid_reviews_json'; message: string }> {
  const r = ReviewStateJson.safeParse(json);
  if (!r.success) return err({ kind: 'invalid_reviews_json', message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const students = new Map<string, Map<string, ReviewCard>>();
  for (const c of r.data.cards) {
    let m = students.get(c.studentId);
    if (!m) students.set(c.studentId, (m = new Map()));
    m.set(c.itemId, c);
  }
  return ok({ appliedThroughSeq: r.data.appliedThroughSeq ?? -Infinity, students });
}
