import type { Tier } from '../item';
import { seededRng, type Rng } from '../random';
import { err, ok, type Result } from '../result';
import type { Skill } from '../skills';
import { capForGrade, DEFAULT_WORKLOAD_CAPS, type DayLedger, type WorkloadCaps } from '../workload';
import { indexBank, itemsFor, type BankIndex, type BankItem } from './bank';
import { daysBetween, isIsoDate, monthDay } from './dates';
import { fringeFor, skillGraph, skillName, type Candidate, type SkillGraph } from './fringe';
import { masteryOf, masteryThreshold, predictCorrect, skillRecord, type MasteryState } from './mastery';
import { dueReviews, type ReviewCard, type ReviewState } from './review';
import { DEFAULT_LEARNING_SETTINGS, type LearningSettings } from './settings';

/** Teacher overrides, passed in as data. An exclusion wins over a pin of the same item. */
export type TeacherOverrides = {
  /** Items to put in the workbook first; without studentId, for every student. */
  readonly pins?: readonly { readonly itemId: string; readonly studentId?: string }[];
  /** Items never to give; without studentId, to nobody. */
  readonly excludes?: readonly { readonly itemId: string; readonly studentId?: string }[];
  /** Forced tier per student id. */
  readonly tiers?: Readonly<Record<string, Tier>>;
};

export type NextDayInput = {
  /** ISO date of the workbook. */
  readonly date: string;
  readonly subject: string;
  /** The class grade; a student's own grade wins when given. */
  readonly grade: number;
  readonly students: readonly { readonly id: string; readonly grade?: number }[];
  /** Skill ids of the current unit. */
  readonly unitSkills: readonly string[];
  /** The skill graph (the unit's skills and their prerequisites). */
  readonly skills: readonly Skill[] | SkillGraph;
  /** The item bank, or an index built once with `indexBank` (faster across calls). */
  readonly bank: readonly BankItem[] | BankIndex;
  readonly mastery: MasteryState;
  readonly reviews: ReviewState;
  /** Minutes already booked on `date` (all subjects). Missing ledger = nothing booked. */
  readonly ledgers?: readonly DayLedger[];
  /** Ledger entries of this workbook set are being replaced, so they are not counted as booked. */
  readonly workbookSetId?: string;
  readonly overrides?: TeacherOverrides;
  /**
   * Uniform mode, or a personalised day run as the class sheet (`selection.whenGateDoesNotHold`): the skills of
   * today's class sheet (the teacher's lesson plan), in order.
   * Without it the class moves through the unit in topological order, on to the next skill once
   * `selection.uniformClassMasteredShare` of the class has mastered it.
   */
  readonly uniformSkills?: readonly string[];
  /**
   * Personalised mode: the skills the class is taught today (the teacher's plan). A student who has
   * not mastered them practises them before anything else, as much as the class sheet would
   * (look-ahead: never less new material than the class sheet); then due reviews, then the fringe.
   * While `lessonsGated`, a lesson skill whose prerequisites are not mastered waits like any other.
   */
  readonly lessonSkills?: readonly string[];
  /** The prerequisite gate holds for lesson skills (the station's gate check found it does; see gateCheck.ts). */
  readonly lessonsGated?: boolean;
  /**
   * The station's gate check found that the prerequisite gate does not hold in this class: practice
   * on a skill whose prerequisites are not mastered teaches as the model predicts. By default
   * (`selection.whenGateDoesNotHold` 'class_sheet') the day is then the class sheet minus what each student
   * has mastered. With 'ungated', nothing waits for a prerequisite (every unmastered unit skill is a
   * candidate, the lowest p first), and a student whose unit is mastered gets the whole budget of upkeep,
   * on the skills seen least recently: spaced re-checks, so that a skill passed too early comes back
   * instead of waiting for its p to be the lowest.
   */
  readonly gateDoesNotHold?: boolean;
  readonly seed: number | string;
  readonly settings?: LearningSettings;
  readonly caps?: WorkloadCaps;
};

export type ReasonKey = 'pinned' | 'review' | 'review_sibling' | 'remediate' | 'next_step' | 'practice' | 'class' | 'maintain';
export type Reason = { readonly zh: string; readonly en: string };

export type ChosenItem = {
  readonly itemId: string;
  readonly itemVersion?: number;
  readonly skillId: string;
  readonly tier: Tier;
  readonly minutes: number;
  /** Predicted P(correct) when chosen. */
  readonly predicted: number;
  readonly reasonKey: ReasonKey;
  readonly reason: Reason;
  /** For reviews: the item that was missed. */
  readonly reviewOf?: string;
};

export type DroppedItem = { readonly itemId: string; readonly reason: 'over_cap' | 'no_written_homework' | 'excluded' | 'unknown_item' };

export type StudentPlan = {
  readonly studentId: string;
  readonly items: readonly ChosenItem[];
  readonly totalMinutes: number;
  readonly tier: Tier;
  /** The grade's daily cap, the minutes booked by other workbooks, and this subject's budget. */
  readonly capMinutes: number;
  readonly bookedMinutes: number;
  readonly budgetMinutes: number;
  /** Red-flower progress (young grades): unit skills mastered / unit skills. */
  readonly flowers?: { readonly mastered: number; readonly total: number };
  /** Pinned items that could not be given, with why. */
  readonly dropped: readonly DroppedItem[];
};

export type SelectionError =
  | { kind: 'invalid_date'; date: string }
  | { kind: 'unknown_unit_skill'; skillId: string }
  | { kind: 'empty_unit' };

const EPS = 1e-9;
const TIER_ORDER: readonly Tier[] = ['basic', 'core', 'stretch'];
const tierDistance = (a: Tier, b: Tier) => Math.abs(TIER_ORDER.indexOf(a) - TIER_ORDER.indexOf(b));

/** Reasons, in Chinese and English. Skill names come from the graph. */
export const reasons = {
  pinned: (): Reason => ({ zh: '老师指定', en: 'chosen by your teacher' }),
  review: (missedOn: string): Reason => ({ zh: `复习：${monthDay(missedOn)} 做错的题`, en: `review: you missed this on ${monthDay(missedOn)}` }),
  reviewSibling: (missedOn: string): Reason => ({
    zh: `复习：与 ${monthDay(missedOn)} 做错的题同类`,
    en: `review: like the one you missed on ${monthDay(missedOn)}`,
  }),
  remediate: (prereq: Reason, forSkill: Reason): Reason => ({
    zh: `回到基础：${prereq.zh}（为了学好${forSkill.zh}）`,
    en: `back to basics: ${prereq.en} (for ${forSkill.en})`,
  }),
  nextStep: (after: Reason): Reason => ({ zh: `学完「${after.zh}」后的下一步`, en: `next step after ${after.en}` }),
  practice: (skill: Reason): Reason => ({ zh: `练习：${skill.zh}`, en: `practice: ${skill.en}` }),
  classPractice: (skill: Reason): Reason => ({ zh: `全班练习：${skill.zh}`, en: `class practice: ${skill.en}` }),
  maintain: (skill: Reason): Reason => ({ zh: `巩固：${skill.zh}`, en: `keep sharp: ${skill.en}` }),
};

const names = (graph: SkillGraph, ids: readonly string[]): Reason => ({
  zh: ids.map((id) => skillName(graph, id, 'zh')).join('、'),
  en: ids.map((id) => skillName(graph, id, 'en')).join(', '),
});

/** Tier for a mastery p: basic below `tierBasicBelowP`, stretch from `tierStretchFromP`, else core. */
export function tierForP(p: number, settings: LearningSettings): Tier {
  if (p < settings.selection.tierBasicBelowP) return 'basic';
  if (p >= settings.selection.tierStretchFromP) return 'stretch';
  return 'core';
}

/** The tier a student practises a skill at: from the skill's mastery p (core when tiering is off). */
export function skillTier(state: MasteryState, studentId: string, skillId: string, settings: LearningSettings): Tier {
  if (!settings.modules.tiering) return 'core';
  return tierForP(masteryOf(state, studentId, skillId, settings).p, settings);
}

/** A student's overall tier: from the mean p over the unit skills observed so far (core when none). */
export function tierFromMastery(state: MasteryState, studentId: string, unitSkills: readonly string[], settings: LearningSettings): Tier {
  let sum = 0;
  let n = 0;
  for (const skill of unitSkills) {
    const m = masteryOf(state, studentId, skill, settings);
    if (m.n === 0) continue;
    sum += m.p;
    n++;
  }
  return n === 0 ? 'core' : tierForP(sum / n, settings);
}

/** A subject's minutes for one student's day: the grade's cap minus what other workbooks booked, at most `subjectMinutes`. */
export function subjectBudgetMinutes(subjectMinutes: number, capMinutes: number, bookedMinutes: number): number {
  return Math.max(0, Math.min(subjectMinutes, capMinutes - bookedMinutes));
}

/** One student's workbook under construction: never lets the total pass the budget. */
class Sheet {
  readonly items: ChosenItem[] = [];
  readonly chosen = new Set<string>();
  readonly dropped: DroppedItem[] = [];
  total = 0;
  constructor(
    readonly budget: number,
    readonly maxItems: number,
  ) {}
  fits(minutes: number, limit = this.budget): boolean {
    return this.items.length < this.maxItems && this.total + minutes <= Math.min(limit, this.budget) + EPS;
  }
  add(c: ChosenItem): void {
    this.items.push(c);
    this.chosen.add(c.itemId);
    this.total += c.minutes;
  }
}

type Ctx = {
  input: NextDayInput;
  settings: LearningSettings;
  graph: SkillGraph;
  bank: BankIndex;
  classExcluded: ReadonlySet<string>;
  excludedFor: ReadonlyMap<string, ReadonlySet<string>>;
};

function isExcluded(ctx: Ctx, studentId: string, itemId: string): boolean {
  return ctx.classExcluded.has(itemId) || (ctx.excludedFor.get(studentId)?.has(itemId) ?? false);
}

/** The skill has an item, of any tier, this student may be given. */
function hasUsableItems(ctx: Ctx, studentId: string, skillId: string): boolean {
  return TIER_ORDER.some((t) => itemsFor(ctx.bank, skillId, t).some((i) => !isExcluded(ctx, studentId, i.id)));
}

function chosenItem(item: BankItem, skillId: string, predicted: number, reasonKey: ReasonKey, reason: Reason, reviewOf?: string): ChosenItem {
  return {
    itemId: item.id,
    ...(item.version !== undefined ? { itemVersion: item.version } : {}),
    skillId,
    tier: item.tier,
    minutes: item.minutes,
    predicted,
    reasonKey,
    reason,
    ...(reviewOf !== undefined ? { reviewOf } : {}),
  };
}

function recentlyAttempted(ctx: Ctx, studentId: string, itemId: string): boolean {
  const last = ctx.input.mastery.attempts.get(studentId)?.get(itemId);
  return last !== undefined && daysBetween(last, ctx.input.date) < ctx.settings.selection.noRepeatDays;
}

function addPins(ctx: Ctx, studentId: string, sheet: Sheet, noHomework: boolean): void {
  for (const pin of ctx.input.overrides?.pins ?? []) {
    if (pin.studentId !== undefined && pin.studentId !== studentId) continue;
    if (sheet.chosen.has(pin.itemId)) continue;
    const item = ctx.bank.byId.get(pin.itemId);
    if (!item) sheet.dropped.push({ itemId: pin.itemId, reason: 'unknown_item' });
    else if (isExcluded(ctx, studentId, pin.itemId)) sheet.dropped.push({ itemId: pin.itemId, reason: 'excluded' });
    else if (noHomework) sheet.dropped.push({ itemId: pin.itemId, reason: 'no_written_homework' });
    else if (!sheet.fits(item.minutes)) sheet.dropped.push({ itemId: pin.itemId, reason: 'over_cap' });
    else {
      const predicted = predictCorrect(ctx.input.mastery, studentId, item, ctx.bank.byId, ctx.settings, ctx.input.date);
      sheet.add(chosenItem(item, item.skills[0] ?? '', predicted, 'pinned', reasons.pinned()));
    }
  }
}

/** Due reviews, up to the review share of the budget on top of what the sheet holds, and never past `cap` minutes in all. */
function addReviews(ctx: Ctx, studentId: string, sheet: Sheet, rng: Rng, practising: ReadonlySet<string>, unitOpen: boolean, cap = Infinity): void {
  const { settings, input } = ctx;
  const share = unitOpen ? Math.min(settings.review.maxShareOfBudget, settings.review.maxShareWhileUnitOpen) : settings.review.maxShareOfBudget;
  const limit = Math.min(cap, sheet.total + sheet.budget * share);
  for (const card of dueReviews(input.reviews, studentId, input.date)) {
    // A skill practised today anyway reviews its own cards (see updateReviews).
    if (settings.review.skipWhilePractising && practising.has(card.skillId)) continue;
    const pick = reviewItemFor(ctx, studentId, card, sheet, rng, limit);
    if (!pick) continue;
    const sibling = pick.id !== card.itemId;
    const predicted = predictCorrect(input.mastery, studentId, pick, ctx.bank.byId, settings, input.date);
    sheet.add(
      chosenItem(
        pick,
        card.skillId,
        predicted,
        sibling ? 'review_sibling' : 'review',
        sibling ? reasons.reviewSibling(card.lastMissedOn) : reasons.review(card.lastMissedOn),
        card.itemId,
      ),
    );
  }
}

function reviewItemFor(ctx: Ctx, studentId: string, card: ReviewCard, sheet: Sheet, rng: Rng, limit: number): BankItem | undefined {
  const usable = (item: BankItem | undefined): item is BankItem =>
    !!item && !sheet.chosen.has(item.id) && !isExcluded(ctx, studentId, item.id) && sheet.fits(item.minutes, limit);
  const same = ctx.bank.byId.get(card.itemId);
  const siblings = itemsFor(ctx.bank, card.skillId, card.tier).filter((i) => i.id !== card.itemId && usable(i));
  const fresh = siblings.filter((i) => !recentlyAttempted(ctx, studentId, i.id));
  const pool = fresh.length ? fresh : siblings;
  const sibling = pool.length ? pool[Math.floor(rng() * pool.length)] : undefined;
  if (ctx.settings.review.preferSibling) return sibling ?? (usable(same) ? same : undefined);
  return usable(same) ? same : sibling;
}

/** Items of a skill ranked for one student: own tier, fresh, predicted success in the target band. */
function rankItems(ctx: Ctx, studentId: string, skillId: string, tier: Tier, rng: Rng): { item: BankItem; predicted: number }[] {
  const { settings, input } = ctx;
  const lo = settings.selection.targetSuccessLow;
  const hi = settings.selection.targetSuccessHigh;
  const mid = (lo + hi) / 2;
  const scored: { item: BankItem; predicted: number; score: number }[] = [];
  for (const t of TIER_ORDER)
    for (const item of itemsFor(ctx.bank, skillId, t)) {
      if (isExcluded(ctx, studentId, item.id)) continue;
      const predicted = predictCorrect(input.mastery, studentId, item, ctx.bank.byId, settings, input.date);
      const d = tierDistance(t, tier);
      const outside = predicted < lo ? lo - predicted : predicted > hi ? predicted - hi : 0;
      const score =
        (d === 0 ? 0 : 5 + 5 * d) +
        (recentlyAttempted(ctx, studentId, item.id) ? 20 : input.mastery.attempts.get(studentId)?.has(item.id) ? 0.05 : 0) +
        outside +
        0.1 * Math.abs(predicted - mid) +
        0.01 * rng();
      scored.push({ item, predicted, score });
    }
  return scored.sort((a, b) => a.score - b.score);
}

/** Round-robin over the skills, best-ranked item first, until nothing more fits. */
function fillRoundRobin(
  sheet: Sheet,
  lists: { skillId: string; ranked: { item: BankItem; predicted: number }[]; reasonKey: ReasonKey; reason: Reason; maxItems?: number; maxMinutes?: number }[],
  limit: number,
  perSkill: number,
): void {
  const cursor = lists.map(() => 0);
  const taken = lists.map(() => 0);
  const minutes = lists.map(() => 0);
  let progress = true;
  while (progress) {
    progress = false;
    lists.forEach((l, i) => {
      if ((taken[i] as number) >= Math.min(perSkill, l.maxItems ?? perSkill) || (minutes[i] as number) >= (l.maxMinutes ?? Infinity)) return;
      let c = cursor[i] as number;
      while (c < l.ranked.length) {
        const r = l.ranked[c] as { item: BankItem; predicted: number };
        c++;
        if (sheet.chosen.has(r.item.id) || !sheet.fits(r.item.minutes, limit)) continue;
        sheet.add(chosenItem(r.item, l.skillId, r.predicted, l.reasonKey, l.reason));
        taken[i] = (taken[i] as number) + 1;
        minutes[i] = (minutes[i] as number) + r.item.minutes;
        progress = true;
        break;
      }
      cursor[i] = c;
    });
  }
}

function candidateReason(ctx: Ctx, studentId: string, c: Candidate): { reasonKey: ReasonKey; reason: Reason } {
  const g = ctx.graph;
  if (c.kind === 'remediate') return { reasonKey: 'remediate', reason: reasons.remediate(names(g, [c.skillId]), names(g, [c.forSkill])) };
  const started = masteryOf(ctx.input.mastery, studentId, c.skillId, ctx.settings).n > 0;
  if (!started && c.after.length) return { reasonKey: 'next_step', reason: reasons.nextStep(names(g, c.after)) };
  return { reasonKey: 'practice', reason: reasons.practice(names(g, [c.skillId])) };
}

type PracticeList = Parameters<typeof fillRoundRobin>[1][number];
/** `lessons` are filled before reviews and the rest of `lists`; with `focus`, `lists` are filled one after the other. */
type PracticePlan = { lessons: PracticeList[]; lists: PracticeList[]; maintenance: boolean; focus?: boolean };

/** Which skills to practise today, each with its items ranked; maintenance when the unit is mastered. */
function planPractice(ctx: Ctx, studentId: string, forced: Tier | undefined, rng: Rng): PracticePlan {
  const tierOf = (skillId: string) => forced ?? skillTier(ctx.input.mastery, studentId, skillId, ctx.settings);
  const { settings, input } = ctx;
  const ungated = input.gateDoesNotHold === true;
  const fringeSettings = ungated ? { ...settings, modules: { ...settings.modules, prerequisites: false } } : settings;
  const fringe = fringeFor(input.mastery, studentId, input.unitSkills, ctx.graph, fringeSettings);
  const hasItems = (skillId: string) => hasUsableItems(ctx, studentId, skillId);
  const pOf = (skillId: string) => masteryOf(input.mastery, studentId, skillId, settings, input.date).p;
  const lists: PracticeList[] = [];
  if (fringe.mastered.length === input.unitSkills.length) {
    // The whole unit is mastered: upkeep on the weakest skills, or (gate does not hold) on the ones seen least recently.
    const lastSeen = (skillId: string) => (ungated ? skillRecord(input.mastery, studentId, skillId, settings).lastSeq : 0);
    const weakest = [...input.unitSkills]
      .filter(hasItems)
      .map((id) => ({ id, p: pOf(id), last: lastSeen(id) }))
      .sort((a, b) => a.last - b.last || a.p - b.p || (a.id < b.id ? -1 : 1))
      .slice(0, settings.selection.maxSkillsPerDay);
    for (const { id } of weakest)
      lists.push({ skillId: id, ranked: rankItems(ctx, studentId, id, tierOf(id), rng), reasonKey: 'maintain', reason: reasons.maintain(names(ctx.graph, [id])) });
    return { lessons: [], lists, maintenance: true };
  }
  const known = new Set(fringe.mastered);
  const ready = new Set(fringe.candidates.map((c) => c.skillId));
  const missing = new Map(fringe.blocked.map((b) => [b.skillId, b.missing]));
  // A gated lesson waits only for a prerequisite the student likely lacks, not for one merely unconfirmed.
  const lessonReady = (id: string) => ready.has(id) || (settings.selection.lessonWaitsBelowP < 1 && (missing.get(id)?.every((m) => pOf(m) >= settings.selection.lessonWaitsBelowP) ?? false));
  const lessonIds = (input.lessonSkills ?? []).filter((id) => !known.has(id) && hasItems(id) && (!input.lessonsGated || lessonReady(id)));
  const focusToday = settings.selection.focusWhen === 'always' || (!ungated && (input.lessonSkills === undefined || input.lessonsGated === true));
  if (settings.selection.focusSkills > 0 && focusToday) return planFocus(ctx, studentId, lessonIds, fringe.candidates, { pOf, tierOf, hasItems, known }, rng);
  const lessons: PracticeList[] = lessonIds
    .slice(0, settings.selection.maxSkillsPerDay)
    .map((id) => lessonList(ctx, studentId, id, tierOf(id), rng));
  const taken = new Set(lessons.map((l) => l.skillId));
  for (const c of orderCandidates(fringe.candidates, pOf, settings)) {
    if (lessons.length + lists.length >= settings.selection.maxSkillsPerDay) break;
    if (taken.has(c.skillId) || !hasItems(c.skillId)) continue;
    // A skill the student likely knows already only needs confirming: a short check, and the rest of the budget stays unused.
    const check = settings.selection.checkFromP < 1 && pOf(c.skillId) >= settings.selection.checkFromP ? { maxItems: settings.selection.checkItems } : {};
    lists.push({ skillId: c.skillId, ranked: rankItems(ctx, studentId, c.skillId, tierOf(c.skillId), rng), ...candidateReason(ctx, studentId, c), ...check });
  }
  return { lessons, lists, maintenance: false };
}

function lessonList(ctx: Ctx, studentId: string, skillId: string, tier: Tier, rng: Rng): PracticeList {
  return { skillId, ranked: rankItems(ctx, studentId, skillId, tier, rng), reasonKey: 'class', reason: reasons.classPractice(names(ctx.graph, [skillId])) };
}

type SkillLookups = { pOf: (skillId: string) => number; tierOf: (skillId: string) => Tier; hasItems: (skillId: string) => boolean; known: ReadonlySet<string> };

/**
 * Focus (`selection.focusSkills`): the day's lessons and the fringe in one pool; likely-known skills (p ≥ checkFromP)
 * and mastered prerequisites up for remediation get their short check first, then the not-mastered skills nearest the
 * mastery line, one after the other, each up to the whole budget, or (focusEndsSheet) up to a lower estimate of the
 * minutes it needs to reach the line (settings.ts, focusEndsSheet).
 */
function planFocus(ctx: Ctx, studentId: string, lessonIds: readonly string[], candidates: readonly Candidate[], skill: SkillLookups, rng: Rng): PracticePlan {
  const { settings, input } = ctx;
  const s = settings.selection;
  const lessonSet = new Set(lessonIds);
  const pool = [...lessonIds.map((id) => ({ id, candidate: undefined as Candidate | undefined })), ...candidates.filter((c) => !lessonSet.has(c.skillId)).map((c) => ({ id: c.skillId, candidate: c }))]
    .filter((e) => skill.hasItems(e.id))
    .map((e) => ({ ...e, p: skill.pOf(e.id) }))
    .sort((a, b) => b.p - a.p);
  const isCheck = (e: (typeof pool)[number]) => skill.known.has(e.id) || (s.checkFromP < 1 && e.p >= s.checkFromP);
  const listFor = (e: (typeof pool)[number]): PracticeList =>
    e.candidate
      ? { skillId: e.id, ranked: rankItems(ctx, studentId, e.id, skill.tierOf(e.id), rng), ...candidateReason(ctx, studentId, e.candidate) }
      : lessonList(ctx, studentId, e.id, skill.tierOf(e.id), rng);
  const checks = pool.filter(isCheck).slice(0, s.maxSkillsPerDay).map((e) => ({ ...listFor(e), maxItems: s.checkItems }));
  const needed = (id: string) => {
    const gap = masteryThreshold(settings) - skillRecord(input.mastery, studentId, id, settings).theta;
    const rate = settings.model.learnPerMinute;
    return (rate > 0 ? Math.max(0, gap) / rate : Infinity) + s.checkItems * settings.model.defaultItemMinutes;
  };
  const focus = pool
    .filter((e) => !isCheck(e))
    .slice(0, s.focusSkills)
    .map((e) => ({ ...listFor(e), ...(s.focusEndsSheet ? { maxMinutes: needed(e.id) } : {}) }));
  return { lessons: [], lists: [...checks, ...focus], maintenance: false, focus: true };
}

/** Remediation first; then the fringe, the lowest p first (`selection.fringeOrder`), or as the fringe gives it (topological). */
function orderCandidates(candidates: readonly Candidate[], pOf: (skillId: string) => number, settings: LearningSettings): readonly Candidate[] {
  if (settings.selection.fringeOrder === 'topological') return candidates;
  const p = new Map(candidates.map((c) => [c.skillId, pOf(c.skillId)]));
  const fringe = candidates.filter((c) => c.kind === 'fringe');
  // A stable sort keeps the topological order between skills of equal p.
  return [...candidates.filter((c) => c.kind === 'remediate'), ...fringe.sort((a, b) => (p.get(a.skillId) ?? 0) - (p.get(b.skillId) ?? 0))];
}

function addPractice(ctx: Ctx, plan: PracticePlan, sheet: Sheet): void {
  const s = ctx.settings.selection;
  const upkeepMinutes = ctx.input.gateDoesNotHold ? sheet.budget : s.maintenanceMinutes;
  const limit = plan.maintenance ? Math.min(sheet.budget, sheet.total + upkeepMinutes) : sheet.budget;
  if (plan.focus) for (const list of plan.lists) fillRoundRobin(sheet, [list], limit, s.maxItems);
  else fillRoundRobin(sheet, plan.lists, limit, s.maxItemsPerSkillPerDay);
}

/**
 * A skill the class sheet leaves to a spot check for this student: mastered, or likely known (p ≥ checkFromP, when
 * below 1), and the last answer on it right (a spot check answered wrong brings the skill's practice back).
 */
function knownEnough(m: { mastered: boolean; p: number }, wrongStreak: number, settings: LearningSettings): boolean {
  return wrongStreak === 0 && (m.mastered || (settings.selection.checkFromP < 1 && m.p >= settings.selection.checkFromP));
}

/**
 * The minutes this student's sheet would hold with the class list taken whole, on top of what it holds now: no skipping,
 * and none of the student's own excludes (a teacher's exclusion frees minutes as a skip does).
 */
function plainClassSheetMinutes(list: ClassList, sheet: Sheet): number {
  const plain = new Sheet(sheet.budget, sheet.maxItems);
  for (const i of sheet.items) plain.add(i);
  for (const u of list) if (!plain.chosen.has(u.item.id) && plain.fits(u.item.minutes)) plain.add(chosenItem(u.item, u.skillId, 0, u.reasonKey, u.reason));
  return plain.total;
}

/**
 * `selection.uniformFillsOwn`: the minutes the class sheet skipped (`limit`: the plain class sheet's total) go to the
 * student's own unit skills not mastered (by the flag alone) and not among the skills of today's class list, the
 * lowest p first, at most uniformSkillsPerDay of them, in the class sheet's tier. No prerequisite waits and no
 * credit by implication: a flag is what the student's own answers confirmed.
 */
function fillOwnGaps(ctx: Ctx, studentId: string, tier: Tier, onClassList: ReadonlySet<string>, sheet: Sheet, limit: number, rng: Rng): void {
  const { input, settings } = ctx;
  const own = input.unitSkills
    .filter((id) => !onClassList.has(id) && hasUsableItems(ctx, studentId, id))
    .map((id) => ({ id, m: masteryOf(input.mastery, studentId, id, settings, input.date) }))
    .filter((e) => !e.m.mastered)
    .sort((a, b) => a.m.p - b.m.p)
    .slice(0, settings.selection.uniformSkillsPerDay)
    .map((e) => ({ skillId: e.id, ranked: rankItems(ctx, studentId, e.id, tier, rng), reasonKey: 'practice' as const, reason: reasons.practice(names(ctx.graph, [e.id])) }));
  fillRoundRobin(sheet, own, limit, settings.selection.maxItemsPerSkillPerDay);
}

type ClassLine = { item: BankItem; skillId: string; reasonKey: ReasonKey; reason: Reason };
/** The class sheet's items in order; `full` when it ended for lack of minutes, not for lack of usable items. */
type ClassList = readonly ClassLine[] & { readonly full: boolean };

/**
 * The class sheet: one ordered list of items for the whole class (personalisation off, or a personalised day run as
 * the class sheet: a 'class_sheet' lesson day, or any day once the gate does not hold).
 */
function uniformList(ctx: Ctx, tier: Tier): ClassList {
  const { settings, input } = ctx;
  const students = input.students;
  const order = [...input.unitSkills].sort((a, b) => (ctx.graph.rank.get(a) ?? 0) - (ctx.graph.rank.get(b) ?? 0));
  const share = (skill: string) =>
    students.length === 0 ? 0 : students.filter((s) => masteryOf(input.mastery, s.id, skill, settings).mastered).length / students.length;
  const planned = input.uniformSkills?.filter((s) => ctx.graph.byId.has(s));
  const open = planned?.length ? planned : order.filter((s) => share(s) < settings.selection.uniformClassMasteredShare);
  const maintain = open.length === 0;
  const skills = (maintain ? [...order].sort((a, b) => share(a) - share(b)) : open)
    .filter((s) => TIER_ORDER.some((t) => itemsFor(ctx.bank, s, t).some((i) => !ctx.classExcluded.has(i.id))))
    .slice(0, settings.selection.uniformSkillsPerDay);
  const rng = seededRng(`${input.seed}|${input.date}|class|${tier}`);
  const recentForClass = (itemId: string) => students.some((s) => recentlyAttempted(ctx, s.id, itemId));
  const lists = skills.map((skillId) => {
    const ranked = TIER_ORDER.flatMap((t) =>
      itemsFor(ctx.bank, skillId, t)
        .filter((i) => !ctx.classExcluded.has(i.id))
        .map((item) => ({ item, score: (t === tier ? 0 : 5 + 5 * tierDistance(t, tier)) + (recentForClass(item.id) ? 20 : 0) + 0.01 * rng() })),
    ).sort((a, b) => a.score - b.score);
    return { skillId, ranked };
  });
  const out: ClassLine[] = [];
  const seen = new Set<string>();
  let full = false;
  const budget = Math.max(settings.selection.subjectMinutes, 0);
  const limit = maintain ? Math.min(budget, settings.selection.maintenanceMinutes) : budget;
  let total = 0;
  const cursor = lists.map(() => 0);
  let progress = true;
  while (progress && out.length < settings.selection.maxItems) {
    progress = false;
    lists.forEach((l, i) => {
      let c = cursor[i] as number;
      while (c < l.ranked.length) {
        const r = l.ranked[c] as { item: BankItem };
        c++;
        if (seen.has(r.item.id)) continue;
        if (total + r.item.minutes > limit + EPS) {
          full = true;
          continue;
        }
        seen.add(r.item.id);
        total += r.item.minutes;
        const name = names(ctx.graph, [l.skillId]);
        out.push({ item: r.item, skillId: l.skillId, reasonKey: maintain ? 'maintain' : 'class', reason: maintain ? reasons.maintain(name) : reasons.classPractice(name) });
        progress = true;
        break;
      }
      cursor[i] = c;
    });
  }
  return Object.assign(out, { full: full || out.length >= settings.selection.maxItems });
}

/** The tier with the most practice minutes on a sheet (the badge printed on the workbook). */
function mainTier(items: readonly ChosenItem[]): Tier | undefined {
  const minutes = new Map<Tier, number>();
  for (const i of items) if (i.reasonKey !== 'pinned') minutes.set(i.tier, (minutes.get(i.tier) ?? 0) + i.minutes);
  let best: Tier | undefined;
  for (const t of TIER_ORDER) if ((minutes.get(t) ?? 0) > (best ? (minutes.get(best) ?? 0) : 0)) best = t;
  return best;
}

/**
 * Picks tomorrow's items for every student. Per student, within this subject's share of the day
 * (settings.selection.subjectMinutes, cut to the grade cap minus minutes booked by other
 * workbooks; grades with a 0 cap get nothing): pinned items, then due reviews (at most
 * review.maxShareOfBudget of the budget), then practice on the outer fringe at predicted success in
 * [targetSuccessLow, targetSuccessHigh], at the tier mastery gives. A day with `gateDoesNotHold` (default
 * `selection.whenGateDoesNotHold` 'class_sheet') is the class sheet minus the student's mastered skills instead, then
 * due reviews and the student's own gaps. Deterministic for a seed.
 */
export function selectNextDay(input: NextDayInput): Result<StudentPlan[], SelectionError> {
  const settings = input.settings ?? DEFAULT_LEARNING_SETTINGS;
  if (!isIsoDate(input.date)) return err({ kind: 'invalid_date', date: input.date });
  if (input.unitSkills.length === 0) return err({ kind: 'empty_unit' });
  const graph = 'rank' in input.skills ? input.skills : skillGraph(input.skills);
  for (const s of [...input.unitSkills, ...(input.uniformSkills ?? []), ...(input.lessonSkills ?? [])]) if (!graph.byId.has(s)) return err({ kind: 'unknown_unit_skill', skillId: s });
  const bank = 'byId' in input.bank ? input.bank : indexBank(input.bank, input.subject);
  const classExcluded = new Set<string>();
  const excludedFor = new Map<string, Set<string>>();
  for (const e of input.overrides?.excludes ?? []) {
    if (e.studentId === undefined) classExcluded.add(e.itemId);
    else {
      let set = excludedFor.get(e.studentId);
      if (!set) excludedFor.set(e.studentId, (set = new Set()));
      set.add(e.itemId);
    }
  }
  const ctx: Ctx = { input, settings, graph, bank, classExcluded, excludedFor };
  const caps = input.caps ?? DEFAULT_WORKLOAD_CAPS;
  const ledgers = new Map<string, DayLedger>();
  for (const l of input.ledgers ?? []) if (l.date === input.date) ledgers.set(l.studentId, l);
  const uniformLists = new Map<Tier, ClassList>();
  // A personalised day run as the class sheet minus each student's mastered skills: a lesson day with lessonDays
  // 'class_sheet' (the day's lessons), or any day once the gate does not hold with whenGateDoesNotHold 'class_sheet'.
  const gateClassSheet = settings.modules.personalisation && input.gateDoesNotHold === true && settings.selection.whenGateDoesNotHold === 'class_sheet';
  const lessonClassSheet = settings.modules.personalisation && settings.selection.lessonDays === 'class_sheet' && (input.lessonSkills?.length ?? 0) > 0;
  const classSheetDay = gateClassSheet || lessonClassSheet;
  const classSheetSkills = gateClassSheet && input.uniformSkills?.length ? input.uniformSkills : input.lessonSkills;

  const plans = input.students.map((student): StudentPlan => {
    const grade = student.grade ?? input.grade;
    const capMinutes = capForGrade(grade, caps);
    const booked = (ledgers.get(student.id)?.entries ?? [])
      .filter((e) => input.workbookSetId === undefined || e.workbookSetId !== input.workbookSetId)
      .reduce((sum, e) => sum + e.minutes, 0);
    const budgetMinutes = subjectBudgetMinutes(settings.selection.subjectMinutes, capMinutes, booked);
    const noHomework = capMinutes === 0;
    const personal = settings.modules.personalisation;
    const forced = input.overrides?.tiers?.[student.id];
    const uniformTier: Tier = forced ?? 'core';
    const sheet = new Sheet(noHomework ? 0 : budgetMinutes, settings.selection.maxItems);
    const rng = seededRng(`${input.seed}|${input.date}|${student.id}`);

    addPins(ctx, student.id, sheet, noHomework);
    if (!noHomework) {
      if (personal && !classSheetDay) {
        const plan = planPractice(ctx, student.id, forced, rng);
        fillRoundRobin(sheet, plan.lessons, sheet.budget, settings.selection.maxItemsPerSkillPerDay);
        if (settings.modules.review) addReviews(ctx, student.id, sheet, rng, new Set(plan.maintenance ? [] : [...plan.lessons, ...plan.lists].map((l) => l.skillId)), !plan.maintenance);
        addPractice(ctx, plan, sheet);
      } else {
        let list = uniformLists.get(uniformTier);
        if (!list) uniformLists.set(uniformTier, (list = uniformList(classSheetDay ? { ...ctx, input: { ...input, uniformSkills: classSheetSkills } } : ctx, uniformTier)));
        const checked = new Map<string, number>();
        const skipsKnown = classSheetDay || settings.selection.uniformSkipsMastered;
        const fillOwn = skipsKnown && (gateClassSheet || settings.selection.uniformFillsOwn);
        const classSheetMinutes = fillOwn ? plainClassSheetMinutes(list, sheet) : 0;
        for (const u of list) {
          if (sheet.chosen.has(u.item.id) || isExcluded(ctx, student.id, u.item.id) || !sheet.fits(u.item.minutes)) continue;
          if (skipsKnown && knownEnough(masteryOf(input.mastery, student.id, u.skillId, settings, input.date), skillRecord(input.mastery, student.id, u.skillId, settings).wrongStreak, settings)) {
            const n = checked.get(u.skillId) ?? 0;
            if (n >= settings.selection.checkItems) continue;
            checked.set(u.skillId, n + 1);
          }
          const predicted = predictCorrect(input.mastery, student.id, u.item, bank.byId, settings, input.date);
          sheet.add(chosenItem(u.item, u.skillId, predicted, u.reasonKey, u.reason));
        }
        // Once the gate does not hold this is every day's sheet: due reviews and the student's own gaps get what the skip
        // and the teacher's excludes freed, up to what the whole class sheet gives, or the whole budget when the class
        // list is only upkeep or ran out of items (a class past its lessons, a thin bank).
        const classList = new Set(list.map((u) => u.skillId));
        const classListShort = !list.full || !list.some((u) => u.reasonKey === 'class');
        const fillLimit = gateClassSheet && classListShort ? sheet.budget : Math.max(sheet.total, classSheetMinutes);
        if (gateClassSheet && settings.modules.review) {
          const unitOpen = input.unitSkills.some((k) => !masteryOf(input.mastery, student.id, k, settings, input.date).mastered);
          addReviews(ctx, student.id, sheet, rng, classList, unitOpen, fillLimit);
        }
        if (fillOwn) fillOwnGaps(ctx, student.id, uniformTier, classList, sheet, fillLimit, rng);
      }
    }
    const tier: Tier = forced ?? (personal ? (mainTier(sheet.items) ?? tierFromMastery(input.mastery, student.id, input.unitSkills, settings)) : 'core');
    const young = settings.modules.flowers && grade <= settings.selection.youngGradeMax;
    const mastered = young ? input.unitSkills.filter((s) => masteryOf(input.mastery, student.id, s, settings).mastered).length : 0;
    return {
      studentId: student.id,
      items: sheet.items,
      totalMinutes: sheet.total,
      tier,
      capMinutes,
      bookedMinutes: booked,
      budgetMinutes: noHomework ? 0 : budgetMinutes,
      ...(young ? { flowers: { mastered, total: input.unitSkills.length } } : {}),
      dropped: sheet.dropped,
    };
  });
  return ok(plans);
}
