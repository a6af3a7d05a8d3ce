import { indexBank, type BankIndex, type BankItem } from '../domain/learning/bank';
import { addDays, weekday } from '../domain/learning/dates';
import { skillGraph, type SkillGraph } from '../domain/learning/fringe';
import { emptyGateEvidence, gateReferenceSettings, type GateEvidence, type GateVerdict } from '../domain/learning/gateCheck';
import { LogisticKt } from '../domain/learning/logisticKt';
import { SHIPPED_LOGISTIC_PARAMS } from '../domain/learning/logisticKtShipped';
import { emptyMasteryState, type MasteryState } from '../domain/learning/mastery';
import { emptyReviewState, type ReviewState } from '../domain/learning/review';
import { DEFAULT_LEARNING_SETTINGS, type LearningSettings } from '../domain/learning/settings';
import { generateBank, normal } from '../domain/learning/testing/bankGenerator';
import { G7_MATH_SKILLS, G7_RATIONAL_UNIT } from '../domain/learning/testing/g7MathGraph';
import { seededRng, type Rng } from '../domain/random';
import type { GradedResponse } from '../domain/response';
import type { Skill } from '../domain/skills';
import { DEFAULT_WORKLOAD_CAPS, type WorkloadCaps } from '../domain/workload';
import { FactoredObserver } from './factoredObserver';
import { IdealObserver } from './idealObserver';
import { DEFAULT_OBSERVER_OPTIONS, type ObserverOptions } from './observerParts';
import { DEFAULT_LEARNER, makeStudents, masteryTheta, type LearnerParams, type Student } from './learner';

/** A seeded synthetic cohort for comparing uniform class worksheets with personalised workbooks (see learner.ts). */
export type Arm = 'uniform' | 'personalised';

export type CohortConfig = {
  readonly seed: number | string;
  readonly students?: number;
  /** School days of the reporting window (weekends are skipped); default 20. */
  readonly days?: number;
  /**
   * Keep going after the window until every student has mastered the unit or this many school
   * days have passed (default 400, about two school years), so that minutes to mastery are
   * observed, not cut off. A student still short of mastery at the horizon is censored: counted
   * with the minutes spent so far, which flatters the arm with more such students.
   */
  readonly horizonDays?: number;
  /** Also report minutes to mastery as if the run had stopped after this many school days (default 60). */
  readonly restrictedDays?: number;
  /** Also report restricted minutes to mastery and students at mastery after each of these school days. */
  readonly checkpointDays?: readonly number[];
  /** Diagnostic: the selection sees latent mastery instead of the model's (a perfect estimator). */
  readonly oracleMastery?: boolean;
  /**
   * Diagnostic: the selection's mastery flags come from the ideal observer (idealObserver.ts: the best estimate the
   * answers allow, P(latent level ≥ the line) ≥ `mastery.masteredConfidence`) instead of the model's.
   */
  readonly observerMastery?: boolean | Partial<ObserverOptions>;
  /** ISO date of the first school day. */
  readonly startDate?: string;
  readonly grade?: number;
  readonly skills?: readonly Skill[];
  readonly unitSkills?: readonly string[];
  readonly bank?: readonly BankItem[];
  /** Items to generate when no bank is given. */
  readonly bankSize?: number;
  readonly settings?: LearningSettings;
  readonly caps?: WorkloadCaps;
  /** Minutes another subject books per student per day: uniform in [min, max]. */
  readonly otherSubjectMinutes?: readonly [number, number];
  readonly learner?: Partial<LearnerParams>;
  /**
   * How the uniform arm paces the unit. 'calendar' (default): a teacher's plan, each unit skill in
   * topological order gets an equal share of the first `calendarShare` of the days (today's skill
   * plus yesterday's), then the class reviews the skills it is weakest on. 'class_mastery': the class
   * moves on when `selection.uniformClassMasteredShare` of it has mastered a skill (model estimate).
   */
  readonly uniformPacing?: 'calendar' | 'class_mastery';
  readonly calendarShare?: number;
  /**
   * What the calendar-paced class does after its calendar: review the skills the class is weakest
   * on by the model's estimate ('model', default: what the class report shows a teacher), the skills
   * most students truly lack ('latent': a teacher who knows, a diagnostic), or every skill in turn
   * ('round_robin').
   */
  readonly uniformReview?: 'model' | 'latent' | 'round_robin';
  /**
   * Which predictor decides "mastered" for the selection: whichever the log-loss rule picks each day
   * (`chooseModel`, default: what the station does), the Elo model, or the logistic model
   * (`withLogisticMastery`).
   */
  readonly masteryDriver?: 'elo' | 'logistic' | 'rule';
  /**
   * Personalised arm: the class calendar's skills of the day are given to the selection as
   * `lessonSkills` (look-ahead: never less new material than the class sheet). Default true.
   */
  readonly lookAhead?: boolean;
  /**
   * Personalised arm: once the gate check says the prerequisite gate does not hold, the selection is
   * told so (`gateDoesNotHold`: by default the class sheet minus what each student has mastered, with the
   * class calendar's skills of the day; with `selection.whenGateDoesNotHold` 'ungated', no prerequisite
   * waits and full-budget upkeep on the skills seen least recently). Default true.
   */
  readonly safetyNet?: boolean;
  /**
   * Diagnostic: the selection gets this gate verdict from day 1 instead of the gate check's (to
   * measure a change apart from the verdicts it flips).
   */
  readonly forceGateVerdict?: 'holds' | 'does_not_hold';
  /**
   * When the arm's model differs from the gate check's reference (`gateReferenceSettings`): whose
   * mastery flags say which answers were practised ready, the reference model's (default) or the
   * arm's (which the fringe saw). The predictions are the reference model's either way.
   */
  readonly gateReadinessFrom?: 'reference' | 'model';
  /**
   * Diagnostic: which state the gate check replays the day's answers through, for its predictions and its ready labels,
   * when no reference model is set apart (`gateReferenceSettings` null; with one, that model already does both, and
   * 'elo' changes nothing). 'arm' (default): the arm's own state, with the flags whichever model, observer or oracle
   * put there (and the records `withMasteryFlags` adds for flagged skills never answered). 'elo': an Elo model of the
   * arm's settings that no other flag source touches, as the station's gate check replays them
   * (src/station/learning/gate.ts: the Elo model and its own flags, whichever model drives). 'elo' takes precedence
   * over `gateReadinessFrom`.
   */
  readonly gateLabels?: 'arm' | 'elo';
  /**
   * Diagnostic: while the gate check is undecided the selection reads the gate's reference model (and its settings);
   * the arm's own model only once the verdict is made, so a sharper model cannot move the evidence the verdict rests on.
   * Needs an arm model that differs from the reference (`gateReferenceSettings`).
   */
  readonly modelAfterVerdict?: boolean;
  /** Diagnostic: called after each simulated day with the latent students and the model's state. */
  readonly onDay?: (day: DayTrace) => void;
};

/** What `onDay` sees: per student, latent levels and practice counts per skill, and the day's sheet. */
export type DayTrace = {
  readonly dayIndex: number;
  readonly date: string;
  readonly masteryTheta: number;
  readonly mastery: MasteryState;
  /** The gate check after the day's answers. */
  readonly gate: GateVerdict;
  /** The day's graded answers, in the order the model applied them. */
  readonly answers: readonly GradedResponse[];
  readonly students: readonly {
    readonly id: string;
    readonly start: ReadonlyMap<string, number>;
    readonly level: ReadonlyMap<string, number>;
    readonly practice: ReadonlyMap<string, number>;
    readonly sheet: readonly SheetLine[];
    /** The day's minutes for this subject the selection had (`StudentPlan.budgetMinutes`). */
    readonly budgetMinutes: number;
    readonly masteredOnDay: number | null;
  }[];
};
export type SheetLine = { readonly skillId: string; readonly reasonKey: string; readonly minutes: number; readonly correct: boolean };

/** Everything fixed for one arm's run: the cohort, the bank, the unit and the school days. */
export type ArmSetup = {
  readonly config: CohortConfig;
  readonly arm: Arm;
  readonly lp: LearnerParams;
  /** Latent ability of mastery. */
  readonly theta: number;
  readonly graph: SkillGraph;
  /** The unit's skills in topological order. */
  readonly unit: readonly string[];
  readonly grade: number;
  readonly subject: string;
  readonly caps: WorkloadCaps;
  readonly settings: LearningSettings;
  readonly bank: BankIndex;
  readonly trueDifficulty: ReadonlyMap<string, number>;
  readonly students: readonly Student[];
  readonly windowDays: number;
  readonly restrictedDays: number;
  readonly days: readonly string[];
  readonly otherSubjectMinutes: readonly [number, number];
  /** Latent knowledge: a skill, the prerequisites of a skill, the whole unit. */
  readonly known: (st: Student, skill: string) => boolean;
  readonly prerequisitesKnown: (st: Student, skill: string) => boolean;
  readonly unitMastered: (st: Student) => boolean;
};

/** What changes from day to day of a run. */
export type ArmRun = {
  mastery: MasteryState;
  reviews: ReviewState;
  seq: number;
  responses: number;
  capViolations: number;
  minutesByReason: Record<string, number>;
  overPracticeMinutes: number;
  notReadyMinutes: number;
  allMinutes: number;
  /** Minutes spent per student so far, and as they stood after `restrictedDays`. */
  spent: Map<string, number>;
  spentAtRestriction: Map<string, number> | null;
  /** Minutes spent per student as they stood after each checkpoint day. */
  spentAtCheckpoint: Map<number, Map<string, number>>;
  /** Per student: minutes to unit mastery (null: not yet), and the school day it was reached. */
  toMastery: Map<string, number | null>;
  dayOfMastery: Map<string, number>;
  /** Latent and estimated mastery at the end of the window. */
  windowSnapshot: MasterySnapshot | null;
  daysRun: number;
  previousDate: string | null;
  answerRng: Rng;
  /** The logistic model, fed the same answers; both models' (and with `observerMastery` the observer's) predictions of every answer before it was applied. */
  logistic: LogisticKt;
  predictions: { elo: number[]; logistic: number[]; outcomes: number[]; observer: number[] };
  /** School days on which the logistic model decided mastery. */
  logisticDays: number;
  /** Evidence on whether the prerequisite gate holds (gateCheck.ts), and the school days lessons were gated. */
  gate: GateEvidence;
  gatedDays: number;
  /**
   * With the per-student learning rate, part credit toward a pass or another drift per answer: the same answers
   * through the reference model without them (`gateReferenceSettings`), whose predictions the gate check reads (its
   * premise is a model that credits every student the same gain per minute; a per-student rate would
   * learn part of the prerequisite penalty as a slow rate), and, by default, its mastery flags too.
   */
  gateMastery: MasteryState | null;
  /** Unit skills the model passed (its flag turned on), and those of them latently short at the time, with their summed shortfall (logits). */
  passes: number;
  falsePasses: number;
  falsePassShortfall: number;
  /** With `observerMastery`: the ideal observer fed the same answers. */
  observer: IdealObserver | FactoredObserver | null;
};
export type MasterySnapshot = { latent: number[]; estimated: number[]; agreement: number; minutes: number[] };

export function schoolDays(start: string, n: number): string[] {
  const out: string[] = [];
  let d = start;
  while (out.length < n) {
    const w = weekday(d);
    if (w !== 0 && w !== 6) out.push(d);
    d = addDays(d, 1);
  }
  return out;
}

/** The same seed gives the same students, bank and bookings in both arms. */
export function setUpArm(config: CohortConfig, arm: Arm): ArmSetup {
  const lp: LearnerParams = { ...DEFAULT_LEARNER, ...config.learner };
  const theta = masteryTheta(lp);
  const skills = config.skills ?? G7_MATH_SKILLS;
  const graph = skillGraph(skills);
  const grade = config.grade ?? 7;
  const unit = [...(config.unitSkills ?? (config.skills ? graph.order.filter((id) => graph.byId.get(id)?.grade === grade) : G7_RATIONAL_UNIT))].sort(
    (a, b) => (graph.rank.get(a) ?? 0) - (graph.rank.get(b) ?? 0),
  );
  const subject = skills[0]?.subject ?? 'math';
  const base = config.settings ?? DEFAULT_LEARNING_SETTINGS;
  const bankItems = config.bank ?? generateBank({ seed: `${config.seed}|bank`, n: config.bankSize ?? 1500, skills, subject, grade });
  const itemRng = seededRng(`${config.seed}|true-difficulty`);
  const windowDays = config.days ?? 20;
  const known = (st: Student, k: string) => (st.level.get(k) ?? -Infinity) >= theta;
  const prerequisitesKnown = (st: Student, skill: string) => (graph.byId.get(skill)?.prerequisites ?? []).every((p) => !graph.byId.has(p) || known(st, p));
  return {
    config,
    arm,
    lp,
    theta,
    graph,
    unit,
    grade,
    subject,
    caps: config.caps ?? DEFAULT_WORKLOAD_CAPS,
    settings: { ...base, modules: { ...base.modules, personalisation: arm === 'personalised' && base.modules.personalisation } },
    bank: indexBank(bankItems, subject),
    trueDifficulty: new Map(bankItems.map((i) => [i.id, i.difficulty + lp.itemNoiseSd * normal(itemRng)])),
    students: makeStudents(config.students ?? 40, graph.order, config.seed, lp),
    windowDays,
    restrictedDays: config.restrictedDays ?? 60,
    days: schoolDays(config.startDate ?? '2025-09-01', Math.max(windowDays, config.horizonDays ?? 400)),
    otherSubjectMinutes: config.otherSubjectMinutes ?? [20, 80],
    known,
    prerequisitesKnown,
    unitMastered: (st) => unit.every((k) => known(st, k)),
  };
}

/** Day 0 of a run: students who know the whole unit already reached mastery with 0 minutes. */
export function startRun(setup: ArmSetup): ArmRun {
  const run: ArmRun = {
    mastery: emptyMasteryState(setup.settings),
    reviews: emptyReviewState(),
    seq: 0,
    responses: 0,
    capViolations: 0,
    minutesByReason: {},
    overPracticeMinutes: 0,
    notReadyMinutes: 0,
    allMinutes: 0,
    spent: new Map(setup.students.map((s) => [s.id, 0])),
    spentAtRestriction: null,
    spentAtCheckpoint: new Map(),
    toMastery: new Map(setup.students.map((s) => [s.id, null])),
    dayOfMastery: new Map(),
    windowSnapshot: null,
    daysRun: 0,
    previousDate: null,
    answerRng: seededRng(`${setup.config.seed}|${setup.arm}|answers`),
    logistic: new LogisticKt(SHIPPED_LOGISTIC_PARAMS, setup.bank.byId),
    predictions: { elo: [], logistic: [], outcomes: [], observer: [] },
    logisticDays: 0,
    gate: emptyGateEvidence,
    gatedDays: 0,
    gateMastery: gateReferenceSettings(setup.settings) || setup.config.gateLabels === 'elo' ? emptyMasteryState(setup.settings) : null,
    passes: 0,
    falsePasses: 0,
    falsePassShortfall: 0,
    observer: setup.config.observerMastery ? idealObserverFor(setup) : null,
  };
  for (const st of setup.students)
    if (setup.unitMastered(st)) {
      run.toMastery.set(st.id, 0);
      run.dayOfMastery.set(st.id, 0);
    }
  return run;
}

/** The ideal observer of this arm's students (`observerMastery`), from the arm's own world. */
export function idealObserverFor(setup: ArmSetup): IdealObserver | FactoredObserver {
  const asked = setup.config.observerMastery;
  const options = { ...DEFAULT_OBSERVER_OPTIONS, seed: `${setup.config.seed}|${setup.arm}|observer`, ...(typeof asked === 'object' ? asked : {}) };
  const order = setup.graph.order;
  const prerequisites = new Map(order.map((k) => [k, (setup.graph.byId.get(k)?.prerequisites ?? []).filter((p) => setup.graph.byId.has(p))]));
  const items = new Map([...setup.bank.byId].map(([id, item]) => [id, { skills: item.skills, minutes: item.minutes, difficulty: item.difficulty }]));
  const lp = { ...setup.lp, ...options.assume };
  const world = { lp, theta: masteryTheta(lp), order, prerequisites, items, trueDifficulty: setup.trueDifficulty };
  const ids = setup.students.map((s) => s.id);
  if (options.filter === 'factored') return new FactoredObserver(world, ids, options);
  if (options.filter !== 'particles') throw new Error(`observer: filter ${String(options.filter)} is not one of particles, factored`);
  return new IdealObserver(world, ids, options);
}
