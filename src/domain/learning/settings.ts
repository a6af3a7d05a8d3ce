import { z } from 'zod';
import { err, ok, type Result } from '../result';

/**
 * Every threshold of the learning loop, in one zod object with its defaults. Each default lives here
 * and nowhere else; code reads `settings.<group>.<name>`. Parse partial input with `learningSettings()`.
 * docs/mastery.md explains each value.
 */
const probability = z.number().min(0).max(1);

export const ModuleSwitches = z.strictObject({
  /** false → uniform workbooks: the same items for every student, from the unit skills. */
  personalisation: z.boolean().default(true),
  /** false → no FSRS review of mistakes in the workbook. */
  review: z.boolean().default(true),
  /** false → any unmastered unit skill may be practised, prerequisites or not. */
  prerequisites: z.boolean().default(true),
  /** false → repeated failures do not send a student back to the prerequisites. */
  remediation: z.boolean().default(true),
  /** false → every student works at the core tier. */
  tiering: z.boolean().default(true),
  /** false → no red-flower progress data, even for young grades. */
  flowers: z.boolean().default(true),
});

/** The online Elo model (4PL likelihood with guess and slip, learning from practice). `version` names this parameter set; stored states record it. */
export const ModelParams = z.strictObject({
  version: z.string().min(1).default('elo-4pl/2'),
  /** Prior mean of a student's ability on a skill never seen (logits). */
  priorTheta: z.number().min(-4).max(4).default(0),
  /** Share of a student's estimated offset from the class (on observed skills) carried into the prior of a new skill (0–1). */
  transferFromOtherSkills: z.number().min(0).max(1).default(1),
  /** Prior variance of a student's general offset from the class (logits²). */
  studentOffsetVariance: z.number().positive().max(10).default(0.8),
  /** Variance of a student's ability on one skill around class start + student offset (logits²). */
  skillDeviationVariance: z.number().positive().max(10).default(0.4),
  /** The class start of a skill is shrunk toward priorTheta as if this many students had started there. */
  skillMeanPseudoCount: z.number().min(0.1).max(1000).default(2),
  /** Prior variance of a student's ability (logits²). The first update's K factor is about this. */
  priorThetaVariance: z.number().positive().max(10).default(1.5),
  /** The variance never shrinks below this, so K never falls below it: students keep learning. */
  minThetaVariance: z.number().positive().max(10).default(0.05),
  /** Variance added per calendar day between two observations of a skill (forgetting drift). */
  thetaDriftPerDay: z.number().min(0).max(1).default(0.02),
  /** Variance added before each observation (students learn while they practise: keeps K up). */
  thetaDriftPerObservation: z.number().min(0).max(2).default(0.1),
  /** Prior variance of a bank difficulty (how much we trust the author's `difficulty`). */
  itemPriorVariance: z.number().positive().max(10).default(0.1),
  /** Floor of an item's difficulty variance (its smallest K). */
  minItemVariance: z.number().positive().max(10).default(0.01),
  /** false → item difficulties stay as the bank or district calibration gave them. */
  updateItems: z.boolean().default(true),
  /** Bank `difficulty` (−4..4) × this = prior b in logits. */
  bankDifficultyScale: z.number().positive().max(4).default(1),
  /** Lower asymptote: P(correct) of a student far below the item (a lucky guess). */
  guess: z.number().min(0).max(0.5).default(0.1),
  /** 1 − upper asymptote: P(wrong) of a student far above the item (a careless slip). */
  slip: z.number().min(0).max(0.5).default(0.05),
  /** Expected ability gain (logits) per minute of practice on a skill, added after each answer. */
  learnPerMinute: z.number().min(0).max(1).default(0.05),
  /** Share of the learning gain credited for a wrong answer (PFA-style: failures teach less). */
  learnOnWrongShare: z.number().min(0).max(1).default(0),
  /** Minutes of an item whose bank entry gives none (for the learning gain). */
  defaultItemMinutes: z.number().positive().max(60).default(3),
  /**
   * Per-student learning rate: prior variance of a student's log multiplier on the credited gain
   * (gain × exp(logRate), prior mean 0 = the class's rate), estimated online from the student's own
   * answers (docs/mastery.md, section 1). 0 = every student is credited learnPerMinute (off).
   */
  learnRateVariance: z.number().min(0).max(2).default(0),
  /** Floor of that variance (never above `learnRateVariance`: evidence never widens it): a student's rate differs a little from skill to skill, so it never becomes certain. */
  learnRateMinVariance: z.number().positive().max(2).default(0.02),
  /** The multiplier stays within [1 / this, this]. */
  learnRateMaxFactor: z.number().min(1).max(10).default(3),
  /** With the rate on: the credited gain's uncertainty (from the rate's) widens θ's variance, so unverified credit counts less toward a pass. */
  learnRateWidensVariance: z.boolean().default(true),
});

export const MasterySettings = z.strictObject({
  /** Mastery p is P(correct) on a reference item of this difficulty (a typical core item). */
  referenceDifficulty: z.number().min(-4).max(4).default(0),
  /** "Mastered": P(correct on the reference item) of at least masteredP … */
  masteredP: probability.default(0.8),
  /** … held with this confidence: P(theta > the ability where p = masteredP) ≥ masteredConfidence … */
  masteredConfidence: z.number().min(0.5).max(0.999).default(0.75),
  /** … after at least this many observations of the skill. */
  masteredMinObservations: z.number().int().min(0).max(100).default(3),
  /**
   * Share of the gain credited on a skill's last answer date that counts toward reaching mastery:
   * practice no later day's answer has checked yet (1 = all of it, as θ has it; losing mastery always reads θ).
   */
  passCreditShare: probability.default(1),
  /** A mastered skill stays mastered until p falls below this (hysteresis against slips). */
  masteryLostBelowP: probability.default(0.65),
});

export const FringeSettings = z.strictObject({
  /** After this many wrong answers in a row on a skill, re-practise its prerequisites. */
  remediateAfterWrongInARow: z.number().int().min(1).max(20).default(3),
  /** A prerequisite outside the unit with no observations counts as mastered (earlier grades). */
  assumeOutsideUnitMastered: z.boolean().default(true),
  /** A mastered unit skill also counts its unit prerequisites (transitively) as mastered for the fringe. */
  creditPrerequisitesOfMastered: z.boolean().default(true),
});

export const ReviewSettings = z.strictObject({
  /** FSRS target retention. */
  requestRetention: z.number().min(0.7).max(0.99).default(0.9),
  /** FSRS longest interval, in days. */
  maximumIntervalDays: z.number().int().min(1).max(3650).default(120),
  /** Review a due mistake with a sibling item (same skill and tier) when one is available. */
  preferSibling: z.boolean().default(true),
  /** Due reviews take at most this share of a student's daily budget; the rest stay due. */
  maxShareOfBudget: probability.default(0.25),
  /** Do not serve a due review of a skill the student practises today anyway (the practice reviews it). */
  skipWhilePractising: z.boolean().default(true),
  /** A mistake is cleared (no longer reviewed) after this many correct reviews in a row; 0 = never. */
  retireAfterCorrectInARow: z.number().int().min(0).max(20).default(2),
  /**
   * While the student still has unmastered unit skills, due reviews take at most this share of the budget (the
   * smaller of this and maxShareOfBudget); once the unit is mastered, maxShareOfBudget. 1 (default) = no difference.
   * 0 with `selection.focusSkills` is the oracle's habit: no reviews of old mistakes while the unit is being learned.
   */
  maxShareWhileUnitOpen: probability.default(1),
});

export const SelectionSettings = z.strictObject({
  /** This subject's share of the day: minutes wanted, before the cap cuts it down. */
  subjectMinutes: z.number().min(0).max(240).default(30),
  /** Practice items aim at a predicted success in [low, high]. */
  targetSuccessLow: probability.default(0.6),
  targetSuccessHigh: probability.default(0.8),
  /** Practise at most this many skills per day (remediation counts). */
  maxSkillsPerDay: z.number().int().min(1).max(20).default(4),
  /** Which fringe skills come first: the lowest mastery p (what the student most likely lacks) or the topological order. */
  fringeOrder: z.enum(['lowest_p', 'topological']).default('lowest_p'),
  /** A practice item is not repeated within this many days (reviews may repeat). */
  noRepeatDays: z.number().int().min(0).max(365).default(14),
  /** Tier of a skill's practice from its mastery p: basic when p < this … */
  tierBasicBelowP: probability.default(0.4),
  /** … stretch when p ≥ this, otherwise core. */
  tierStretchFromP: probability.default(0.75),
  /** Grades up to this one get red-flower progress data. */
  youngGradeMax: z.number().int().min(0).max(12).default(4),
  /** Minutes of upkeep practice for a student who has mastered the whole unit (0 = none). */
  maintenanceMinutes: z.number().min(0).max(240).default(10),
  /** Skills on one day of the uniform class sheet (apart from the personalised maxSkillsPerDay). */
  uniformSkillsPerDay: z.number().int().min(1).max(20).default(2),
  /** Uniform mode moves the class on once this share of students has mastered a skill. */
  uniformClassMasteredShare: probability.default(0.8),
  /**
   * The class sheet (personalisation off), with each student's mastered skills left out: a skill the model counts
   * mastered (or likely known: p ≥ `checkFromP`, when below 1), with the last answer on it right, keeps only
   * `checkItems` items (a spot check; a wrong one brings its practice back), and its
   * other minutes go to the rest of the class list, which is cut at the subject's minutes for the whole class, so a
   * student who knows the day's skills does less. false (default) = the same sheet for all (docs/mastery.md,
   * section 6, round 12).
   */
  uniformSkipsMastered: z.boolean().default(false),
  /**
   * With `uniformSkipsMastered` (or a 'class_sheet' lesson day): the minutes the skipping left (the sheet stays within
   * what the whole class sheet would give the student) go to the
   * student's own unit skills not flagged mastered and not on today's class list, the lowest p first, at most
   * `uniformSkillsPerDay` of them
   * (docs/mastery.md, section 6, round 12). false (default) = they stay unused. A day run as the class sheet because the
   * gate does not hold (`whenGateDoesNotHold` 'class_sheet') always fills them, after due reviews.
   */
  uniformFillsOwn: z.boolean().default(false),
  /**
   * Personalised mode, a day with `lessonSkills` (the class is taught them): 'personal' (default) = the usual
   * selection (the lessons first, then reviews and the fringe); 'class_sheet' = the class sheet of the day's lessons
   * with the student's mastered skills left out as in `uniformSkipsMastered`, and nothing else: at most
   * `uniformSkillsPerDay` lessons, which do not wait for prerequisites even when `lessonsGated`; no reviews and no
   * fringe, so a lesson without usable items leaves the sheet empty. Days without lessons are personal either way,
   * unless the gate does not hold (`whenGateDoesNotHold`, which then applies to every day; docs/mastery.md, section 6,
   * round 12).
   */
  lessonDays: z.enum(['personal', 'class_sheet']).default('personal'),
  /**
   * Personalised mode, once the gate check finds the prerequisite gate does not hold (`gateDoesNotHold`):
   * 'class_sheet' (default) = the day is the class sheet (the class's `uniformSkills`, else the day's lessons, else
   * the class paced by its mastery) in its tier (core) with each student's mastered skills left out as in
   * `uniformSkipsMastered`, and the minutes that frees on due reviews (within the review share) and the student's own
   * gaps as in `uniformFillsOwn` (the whole budget when the class list is only upkeep or runs out of items): where practice teaches
   * whatever the order, the class sheet's pace is the one to keep; 'ungated' = round 7's safety net (nothing waits for a
   * prerequisite, the lowest p first; full-budget spaced re-checks once the unit is mastered). docs/mastery.md,
   * section 6, round 13.
   */
  whenGateDoesNotHold: z.enum(['ungated', 'class_sheet']).default('class_sheet'),
  /**
   * A fringe skill the student likely knows already (mastery p ≥ this, not yet confirmed) gets only a check of
   * `checkItems` items a day, and the minutes left are not filled with more of what the student knows: a student
   * with nothing new to learn does less homework. 1 (default) = off: every candidate gets up to maxItemsPerSkillPerDay.
   * At 0.7 it saves minutes at 20–60 school days but costs minutes to unit mastery (docs/mastery.md, section 6, round 8).
   */
  checkFromP: probability.default(1),
  checkItems: z.number().int().min(1).max(100).default(2),
  /**
   * While lessons are gated (the gate holds), a lesson skill waits only for a prerequisite the student likely lacks
   * (mastery p below this), not for one that is merely not yet confirmed. 1 (default) = wait for every unconfirmed
   * prerequisite; 0.7 was measured in round 8 (docs/mastery.md, section 6).
   */
  lessonWaitsBelowP: probability.default(1),
  /**
   * Focus (round 11; 0 = off, the default): practice goes to at most this many not-mastered candidate skills a day
   * (the fringe and the day's lessons alike), nearest the mastery line first (highest p), one after the other, each up
   * to the whole budget (not maxItemsPerSkillPerDay). A candidate with p ≥ checkFromP (when below 1) gets only its
   * check and does not count. Not on a day the gate does not hold when `whenGateDoesNotHold` is 'class_sheet' (the
   * default): that day is the class sheet. docs/mastery.md, section 4 and section 6, round 11.
   */
  focusSkills: z.number().int().min(0).max(20).default(0),
  /**
   * With focus: a skill gets only (mastery line θ* − its θ) / model.learnPerMinute minutes plus checkItems items, then
   * the next skill; after focusSkills skills the sheet ends. A lower estimate of what it needs: a wrong answer earns less
   * credit than a right one, the student's own rate may be lower, and mastery needs θ above θ* with confidence
   * mastery.masteredConfidence, not θ = θ*.
   */
  focusEndsSheet: z.boolean().default(false),
  /** With focus: 'always', or 'gate_holds': not on a lesson day until the gate check says the gate holds, never once it says it does not. */
  focusWhen: z.enum(['always', 'gate_holds']).default('always'),
  /** Practice items per skill per day (spaced, not massed, practice); the sheet may end short. */
  maxItemsPerSkillPerDay: z.number().int().min(1).max(100).default(5),
  /** Hard limit on items per student per day. */
  maxItems: z.number().int().min(1).max(200).default(30),
});

export const AnalyticsSettings = z.strictObject({
  /** A student needs help when the correct rate is below this … */
  helpCorrectRateBelow: probability.default(0.5),
  /** … or when at least `helpWeakSkillsAtLeast` skills have p below `weakSkillP`. */
  weakSkillP: probability.default(0.4),
  helpWeakSkillsAtLeast: z.number().int().min(1).max(100).default(2),
  /** A skill counts as weak only with at least this many observations. */
  weakSkillMinObservations: z.number().int().min(0).max(100).default(2),
  /** Upper and lower groups for the discrimination index (classic 27 %). */
  discriminationGroupShare: z.number().min(0.05).max(0.5).default(0.27),
  /** A wrong option is a "common misconception" when chosen at least this many times … */
  misconceptionMinCount: z.number().int().min(1).max(1000).default(2),
  /** … and by at least this share of those who answered the item. */
  misconceptionMinShare: probability.default(0.2),
  /** Results flags an item answered by at least `flagMinAnswers` students as too easy when its correct rate is at least this … */
  flagTooEasyFrom: probability.default(0.9),
  /** … as too hard when its correct rate is below this … */
  flagTooHardBelow: probability.default(0.3),
  /** … and as not discriminating when its discrimination index is below this (classic rule: under 0.2 is poor). */
  flagDiscriminationBelow: z.number().min(-1).max(1).default(0.2),
  flagMinAnswers: z.number().int().min(1).max(1000).default(5),
});

/** Which predictor drives mastery, selection and review (see modelChoice.ts). */
export const ModelChoiceSettings = z.strictObject({
  /** Compare the predictors on the station's most recent answers, this many of them … */
  recentAnswers: z.number().int().min(50).max(100000).default(2000),
  /** … once at least this many were predicted by both; before that the Elo model drives. */
  minAnswers: z.number().int().min(10).max(100000).default(300),
  /** The logistic model takes over when its mean log-loss is lower than Elo's by at least this. */
  margin: z.number().min(0).max(1).default(0.02),
});

/** Whether the prerequisite gate holds in this class, from the model's own residuals (see gateCheck.ts). */
export const GateCheckSettings = z.strictObject({
  /** Decide once at least this many answers on skills practised before, ready and not ready, were seen; until then lessons are not gated. */
  minAnswers: z.number().int().min(10).max(100000).default(300),
  /** The gate holds when not-ready answers' mean residual minus ready answers' is below this (negative: they fell short). */
  holdsBelowGap: z.number().min(-1).max(1).default(-0.035),
  /**
   * How an answer is labelled. 'mastered' (default): ready when every prerequisite of its skill was mastered or credited
   * when its sheet was made, as the fringe sees it. 'posterior': by the model's P(every prerequisite known) then — ready
   * from readyFromP, not ready below notReadyBelowP, not counted in between — with posteriorHoldsBelowGap as the
   * threshold. Right more often, but decides about five school days later (docs/mastery.md, section 2b, round 9).
   */
  readiness: z.enum(['mastered', 'posterior']).default('mastered'),
  readyFromP: probability.default(0.8),
  notReadyBelowP: probability.default(0.2),
  posteriorHoldsBelowGap: z.number().min(-1).max(1).default(-0.053),
  /**
   * The drift per answer (`model.thetaDriftPerObservation`) of the model whose residuals the check reads. Its thresholds
   * were measured with 0.1; a school model with another drift (or a per-student rate, or part credit) is replayed
   * beside it as the reference (`gateReferenceSettings`), so the verdict does not move with the school's model.
   */
  referenceDriftPerObservation: z.number().min(0).max(2).default(0.1),
});

export const LearningSettings = z
  .strictObject({
    modules: ModuleSwitches.prefault({}),
    model: ModelParams.prefault({}),
    mastery: MasterySettings.prefault({}),
    fringe: FringeSettings.prefault({}),
    review: ReviewSettings.prefault({}),
    selection: SelectionSettings.prefault({}),
    analytics: AnalyticsSettings.prefault({}),
    modelChoice: ModelChoiceSettings.prefault({}),
    gateCheck: GateCheckSettings.prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.selection.targetSuccessLow > s.selection.targetSuccessHigh)
      ctx.addIssue({ code: 'custom', path: ['selection', 'targetSuccessLow'], message: 'targetSuccessLow must be ≤ targetSuccessHigh' });
    if (s.selection.tierBasicBelowP > s.selection.tierStretchFromP)
      ctx.addIssue({ code: 'custom', path: ['selection', 'tierBasicBelowP'], message: 'tierBasicBelowP must be ≤ tierStretchFromP' });
    if (s.mastery.masteryLostBelowP > s.mastery.masteredP)
      ctx.addIssue({ code: 'custom', path: ['mastery', 'masteryLostBelowP'], message: 'masteryLostBelowP must be ≤ masteredP' });
    if (s.model.minThetaVariance > s.model.priorThetaVariance)
      ctx.addIssue({ code: 'custom', path: ['model', 'minThetaVariance'], message: 'minThetaVariance must be ≤ priorThetaVariance' });
    if (s.model.guess + s.model.slip >= 0.9)
      ctx.addIssue({ code: 'custom', path: ['model', 'guess'], message: 'guess + slip must be < 0.9' });
    if (s.mastery.masteryLostBelowP <= s.model.guess || s.mastery.masteredP >= 1 - s.model.slip)
      ctx.addIssue({ code: 'custom', path: ['mastery', 'masteredP'], message: 'masteryLostBelowP must be > model.guess and masteredP < 1 − model.slip' });
    if (s.model.minItemVariance > s.model.itemPriorVariance)
      ctx.addIssue({ code: 'custom', path: ['model', 'minItemVariance'], message: 'minItemVariance must be ≤ itemPriorVariance' });
    if (s.selection.focusSkills === 0 && (s.selection.focusEndsSheet || s.selection.focusWhen !== 'always'))
      ctx.addIssue({ code: 'custom', path: ['selection', 'focusSkills'], message: 'focusEndsSheet and focusWhen act only with focus. Fix: set selection.focusSkills ≥ 1, or drop them' });
    if (s.selection.focusEndsSheet && s.model.learnPerMinute === 0)
      ctx.addIssue({ code: 'custom', path: ['selection', 'focusEndsSheet'], message: 'focusEndsSheet needs a learning rate. Fix: set model.learnPerMinute > 0, or focusEndsSheet false' });
  });
export type LearningSettings = z.infer<typeof LearningSettings>;
export type LearningSettingsInput = z.input<typeof LearningSettings>;
export type ModelParams = z.infer<typeof ModelParams>;

export const DEFAULT_LEARNING_SETTINGS: LearningSettings = LearningSettings.parse({});

export type SettingsError = { kind: 'invalid_settings'; issues: { path: string; message: string }[] };

/** Parses partial settings over the defaults; invalid values come back as data. */
export function learningSettings(input: LearningSettingsInput = {}): Result<LearningSettings, SettingsError> {
  const r = LearningSettings.safeParse(input);
  if (r.success) return ok(r.data);
  return err({ kind: 'invalid_settings', issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}
