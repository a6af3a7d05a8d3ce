import { seededRng, type Rng } from '../random';
import type { GradedResponse } from '../response';
import type { Skill } from '../skills';
import { checkCap, DEFAULT_WORKLOAD_CAPS, type DayLedger, type WorkloadCaps } from '../workload';
import { indexBank, type BankItem } from './bank';
import { addDays, daysBetween, weekday } from './dates';
import { skillGraph } from './fringe';
import { emptyMasteryState, masteryOf, sigmoid, updateMastery, type MasteryState } from './mastery';
import { selectNextDay } from './nextDay';
import { emptyReviewState, updateReviews, type ReviewState } from './review';
import { DEFAULT_LEARNING_SETTINGS, type LearningSettings } from './settings';
import { generateBank, normal } from './testing/bankGenerator';
import { G7_MATH_SKILLS, G7_RATIONAL_UNIT } from './testing/g7MathGraph';

/**
 * A seeded synthetic cohort for comparing uniform class worksheets with personalised workbooks.
 *
 * Latent truth: each student has an ability a[skill] (logits). P(correct) on an item of true
 * difficulty b is guess + (1 − guess − slip) · sigmoid(a − b). Practice raises a by `learnPerMinute`
 * per minute spent on the skill (so the tier of an item gives no free learning), scaled down when a
 * prerequisite is not yet known latently. Gains above the starting level are forgotten a little each
 * calendar day, less after more practice. A skill is latently mastered when a ≥ masteryTheta; the
 * unit is mastered when all its skills are at once. The station only sees graded answers.
 */
export type LearnerParams = {
  /** SD of a student's general ability. */
  abilitySd: number;
  /** Starting level of the first skill in topological order, and the drop per later skill. */
  startLevel: number;
  dropPerRank: number;
  /** SD of the per-skill deviation from the student's profile. */
  skillSd: number;
  /** Mean logit gain per minute of practice, and the SD of its log across students. */
  learnPerMinute: number;
  learnLogSd: number;
  /** Gain multiplier while a prerequisite is not latently mastered. */
  prerequisitePenalty: number;
  /** Share of the gain above the start level lost per calendar day, and how practice slows it. */
  forgetPerDay: number;
  spacingFactor: number;
  slip: number;
  guess: number;
  /** True difficulty = bank difficulty + N(0, this). */
  itemNoiseSd: number;
  /**
   * Latent mastery: P(correct) on a reference item (b = 0), slip and guess included, of at least
   * this. The same definition as the model's mastery p, so both arms are judged on the product's terms.
   */
  masteryP: number;
};

export const DEFAULT_LEARNER: LearnerParams = {
  abilitySd: 0.9,
  startLevel: 1.6,
  dropPerRank: 0.25,
  skillSd: 0.6,
  learnPerMinute: 0.07,
  learnLogSd: 0.3,
  prerequisitePenalty: 0.3,
  forgetPerDay: 0.02,
  spacingFactor: 0.15,
  slip: 0.08,
  guess: 0.15,
  itemNoiseSd: 0.3,
  masteryP: 0.8,
};

/** The latent ability at which P(correct on a b = 0 item) reaches `masteryP`. */
export function masteryTheta(lp: LearnerParams): number {
  const q = (lp.masteryP - lp.guess) / (1 - lp.guess - lp.slip);
  return Math.log(q / (1 - q));
}

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
  /** Diagnostic: the selection sees latent mastery instead of the model's (a perfect estimator). */
  readonly oracleMastery?: boolean;
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
  /** Diagnostic: called after each simulated day with the latent students and the model's state. */
  readonly onDay?: (day: DayTrace) => void;
};

/** What `onDay` sees: per student, latent levels and practice counts per skill, and the day's sheet. */
export type DayTrace = {
  readonly dayIndex: number;
  readonly date: string;
  readonly masteryTheta: number;
  readonly mastery: MasteryState;
  readonly students: readonly {
    readonly id: string;
    readonly start: ReadonlyMap<string, number>;
    readonly level: ReadonlyMap<string, number>;
    readonly practice: ReadonlyMap<string, number>;
    readonly sheet: readonly { readonly skillId: string; readonly reasonKey: string; readonly minutes: number; readonly correct: boolean }[];
    readonly masteredOnDay: number | null;
  }[];
};

export type ArmReport = {
  readonly arm: Arm;
  readonly students: number;
  /** The reporting window (school days) and the days actually simulated (up to the horizon). */
  readonly days: number;
  readonly daysRun: number;
  /** Per student: minutes of this subject until unit mastery; null = not reached within the horizon. */
  readonly minutesToMastery: readonly (number | null)[];
  /** Mean and median minutes to unit mastery (a student who never got there counts all minutes run). */
  readonly meanMinutesToMastery: number;
  readonly medianMinutesToMastery: number;
  /** Mean school days to unit mastery (never = days run). */
  readonly meanDaysToMastery: number;
  /** Students who mastered the unit within the horizon, and within the window. */
  readonly reachedMastery: number;
  /** Students still short of unit mastery when the run ended (their minutes are a lower bound). */
  readonly censored: number;
  /**
   * The same figures had the run stopped after `days` school days: students not there yet count
   * with their minutes so far (the restricted mean). Kept to compare with shorter runs.
   */
  readonly restricted: { readonly days: number; readonly meanMinutesToMastery: number; readonly reachedMastery: number };
  readonly reachedMasteryInWindow: number;
  /** Minutes per student over the window, and per school day. */
  readonly meanWindowMinutes: number;
  readonly meanDailyMinutes: number;
  /** Student-days (whole run) where this subject plus the other booking exceeded the grade's cap. */
  readonly capViolations: number;
  /** End of the window, latent truth: histogram of unit skills mastered per student (index = count). */
  readonly finalLatentMastered: readonly number[];
  /** End of the window, model estimate: histogram of unit skills the model says are mastered. */
  readonly finalEstimatedMastered: readonly number[];
  /** End of the window: agreement of model "mastered" with latent mastery over student × unit skill pairs. */
  readonly estimateAgreement: number;
  readonly responses: number;
  /** Minutes by selection reason, summed over students and days. */
  readonly minutesByReason: Readonly<Record<string, number>>;
  /** Share of minutes spent on skills already latently mastered (over-practice). */
  readonly overPracticeShare: number;
  /** Share of minutes spent on skills whose prerequisites were not yet latently mastered. */
  readonly notReadyShare: number;
};

type Student = {
  id: string;
  learn: number;
  start: Map<string, number>;
  level: Map<string, number>;
  practice: Map<string, number>;
};

function makeLearner(p: Partial<LearnerParams> | undefined): LearnerParams {
  return { ...DEFAULT_LEARNER, ...p };
}

function makeStudents(n: number, order: readonly string[], seed: number | string, lp: LearnerParams): Student[] {
  const rng = seededRng(`${seed}|students`);
  return Array.from({ length: n }, (_, i) => {
    const g = lp.abilitySd * normal(rng);
    const learn = lp.learnPerMinute * Math.exp(lp.learnLogSd * normal(rng) + 0.25 * g);
    const start = new Map<string, number>();
    order.forEach((skill, rank) => start.set(skill, lp.startLevel - lp.dropPerRank * rank + g + lp.skillSd * normal(rng)));
    return { id: `s${String(i + 1).padStart(2, '0')}`, learn, start, level: new Map(start), practice: new Map() };
  });
}

function schoolDays(start: string, n: number): string[] {
  const out: string[] = [];
  let d = start;
  while (out.length < n) {
    const w = weekday(d);
    if (w !== 0 && w !== 6) out.push(d);
    d = addDays(d, 1);
  }
  return out;
}

function answerFor(item: BankItem, correct: boolean, rng: Rng): { answer: string | null; score: number; maxScore: number } {
  switch (item.type) {
    case 'single_choice': {
      if (correct) return { answer: item.answer, score: item.points, maxScore: item.points };
      const wrong = item.options.map((o) => o.key).filter((k) => k !== item.answer);
      // The first wrong option is an attractive distractor.
      const pick = rng() < 0.5 ? wrong[0] : wrong[Math.floor(rng() * wrong.length)];
      return { answer: pick ?? null, score: 0, maxScore: item.points };
    }
    case 'multiple_choice':
      return { answer: correct ? [...item.answer].sort().join(',') : 'A', score: correct ? item.points : 0, maxScore: item.points };
    case 'true_false':
      return { answer: String(correct ? item.answer : !item.answer), score: correct ? item.points : 0, maxScore: item.points };
    case 'numeric':
      return { answer: String(correct ? item.answer : item.answer + 1 + Math.floor(rng() * 9)), score: correct ? item.points : 0, maxScore: item.points };
    case 'short_text':
      return { answer: correct ? (item.answer[0] ?? 'x') : 'x', score: correct ? item.points : 0, maxScore: item.points };
    case 'open': {
      const score = correct ? item.maxScore : Math.floor(rng() * item.maxScore);
      return { answer: String(score), score, maxScore: item.maxScore };
    }
  }
}

/** Runs one arm of the simulation. The same seed gives the same students, bank and bookings in both arms. */
export function simulateArm(config: CohortConfig, arm: Arm): ArmReport {
  const lp = makeLearner(config.learner);
  const theta = masteryTheta(lp);
  const skills = config.skills ?? G7_MATH_SKILLS;
  const graph = skillGraph(skills);
  const unit = [...(config.unitSkills ?? (config.skills ? graph.order.filter((id) => graph.byId.get(id)?.grade === (config.grade ?? 7)) : G7_RATIONAL_UNIT))].sort(
    (a, b) => (graph.rank.get(a) ?? 0) - (graph.rank.get(b) ?? 0),
  );
  const grade = config.grade ?? 7;
  const subject = skills[0]?.subject ?? 'math';
  const caps = config.caps ?? DEFAULT_WORKLOAD_CAPS;
  const base = config.settings ?? DEFAULT_LEARNING_SETTINGS;
  const settings: LearningSettings = { ...base, modules: { ...base.modules, personalisation: arm === 'personalised' } };
  const bankItems = config.bank ?? generateBank({ seed: `${config.seed}|bank`, n: config.bankSize ?? 1500, skills, subject, grade });
  const bank = indexBank(bankItems, subject);
  const itemRng = seededRng(`${config.seed}|true-difficulty`);
  const trueB = new Map(bankItems.map((i) => [i.id, i.difficulty + lp.itemNoiseSd * normal(itemRng)]));
  const students = makeStudents(config.students ?? 40, graph.order, config.seed, lp);
  const windowDays = config.days ?? 20;
  const days = schoolDays(config.startDate ?? '2025-09-01', Math.max(windowDays, config.horizonDays ?? 400));
  const [otherMin, otherMax] = config.otherSubjectMinutes ?? [20, 80];

  let mastery: MasteryState = emptyMasteryState(settings);
  let reviews: ReviewState = emptyReviewState();
  let seq = 0;
  let responses = 0;
  let capViolations = 0;
  const minutesByReason: Record<string, number> = {};
  let overPractice = 0;
  let notReady = 0;
  let allMinutes = 0;
  const spent = new Map<string, number>(students.map((s) => [s.id, 0]));
  const restrictedDays = config.restrictedDays ?? 60;
  let spentAtRestriction: Map<string, number> | null = null;
  const toMastery = new Map<string, number | null>(students.map((s) => [s.id, null]));
  const dayOfMastery = new Map<string, number>();
  const rng = seededRng(`${config.seed}|${arm}|answers`);
  let snapshot: { latent: number[]; estimated: number[]; agreement: number; minutes: number[] } | null = null;

  const known = (st: Student, k: string) => (st.level.get(k) ?? -Infinity) >= theta;
  const prerequisitesKnown = (st: Student, skill: string) => (graph.byId.get(skill)?.prerequisites ?? []).every((p) => !graph.byId.has(p) || known(st, p));
  const unitMastered = (st: Student) => unit.every((k) => known(st, k));
  for (const st of students)
    if (unitMastered(st)) {
      toMastery.set(st.id, 0);
      dayOfMastery.set(st.id, 0);
    }

  const takeSnapshot = () => {
    const latent = new Array<number>(unit.length + 1).fill(0);
    const estimated = new Array<number>(unit.length + 1).fill(0);
    let agree = 0;
    for (const st of students) {
      let l = 0;
      let e = 0;
      for (const k of unit) {
        const lk = known(st, k);
        const ek = masteryOf(mastery, st.id, k, settings).mastered;
        if (lk) l++;
        if (ek) e++;
        if (lk === ek) agree++;
      }
      latent[l] = (latent[l] ?? 0) + 1;
      estimated[e] = (estimated[e] ?? 0) + 1;
    }
    return { latent, estimated, agreement: agree / Math.max(1, students.length * unit.length), minutes: students.map((s) => spent.get(s.id) ?? 0) };
  };

  // The uniform arm's teacher calendar: the unit's skills in order over the first calendarShare of
  // the window (today's skill and yesterday's), then review of the class's weakest skills.
  const calendarDays = Math.max(1, Math.round(windowDays * (config.calendarShare ?? 0.75)));
  const classSkills = (d: number): string[] | undefined => {
    if (arm !== 'uniform' || (config.uniformPacing ?? 'calendar') !== 'calendar') return undefined;
    if (d >= calendarDays) {
      const perDay = settings.selection.uniformSkillsPerDay;
      const review = config.uniformReview ?? 'model';
      if (review === 'round_robin') return Array.from({ length: Math.min(perDay, unit.length) }, (_, i) => unit[((d - calendarDays) * perDay + i) % unit.length] as string);
      const weakness = (k: string) =>
        review === 'latent'
          ? students.filter((st) => !known(st, k)).length
          : -students.reduce((sum, st) => sum + masteryOf(mastery, st.id, k, settings).p, 0) / students.length;
      return [...unit].sort((a, b) => weakness(b) - weakness(a)).slice(0, perDay);
    }
    const i = Math.min(unit.length - 1, Math.floor((d * unit.length) / calendarDays));
    return i > 0 ? [unit[i] as string, unit[i - 1] as string] : [unit[0] as string];
  };

  let prevDate: string | null = null;
  let daysRun = 0;
  for (const [dayIndex, date] of days.entries()) {
    if (dayIndex === windowDays) snapshot = takeSnapshot();
    if (dayIndex === restrictedDays) spentAtRestriction = new Map(spent);
    if (dayIndex >= windowDays && toMastery.size === dayOfMastery.size) break;
    daysRun++;
    // Forgetting over the calendar days since the last school day.
    if (prevDate) {
      const gap = Math.max(1, daysBetween(prevDate, date));
      for (const st of students)
        for (const [k, a] of st.level) {
          const start = st.start.get(k) ?? a;
          if (a <= start) continue;
          const rate = lp.forgetPerDay / (1 + lp.spacingFactor * (st.practice.get(k) ?? 0));
          st.level.set(k, start + (a - start) * Math.pow(1 - rate, gap));
        }
    }
    prevDate = date;
    const bookRng = seededRng(`${config.seed}|book|${date}`);
    const ledgers: DayLedger[] = students.map((st) => ({
      date,
      studentId: st.id,
      entries: [{ subject: 'chinese', minutes: Math.round(otherMin + (otherMax - otherMin) * bookRng()), workbookSetId: `chinese-${date}` }],
    }));
    const uniformSkills = classSkills(dayIndex);
    const plans = selectNextDay({
      date,
      subject,
      grade,
      students: students.map((s) => ({ id: s.id })),
      unitSkills: unit,
      skills: graph,
      bank,
      mastery,
      reviews,
      ledgers,
      seed: `${config.seed}|${arm}`,
      settings,
      caps,
      ...(uniformSkills ? { uniformSkills } : {}),
    });
    if (!plans.ok) throw new Error(`selection failed: ${JSON.stringify(plans.error)}`);
    const today: GradedResponse[] = [];
    const sheets = new Map<string, { skillId: string; reasonKey: string; minutes: number; correct: boolean }[]>();
    plans.value.forEach((plan, i) => {
      const st = students[i] as Student;
      const ledger = ledgers[i] as DayLedger;
      // Across subjects: the other subject's booking plus this workbook must stay within the cap.
      if (plan.totalMinutes > 0 && !checkCap(ledger, grade, subject, plan.totalMinutes, caps).ok) capViolations++;
      for (const chosen of plan.items) {
        const item = bank.byId.get(chosen.itemId) as BankItem;
        const itemSkills = item.skills.filter((k) => st.level.has(k));
        const a = itemSkills.reduce((sum, k) => sum + (st.level.get(k) ?? 0), 0) / Math.max(1, itemSkills.length);
        const pCorrect = lp.guess + (1 - lp.guess - lp.slip) * sigmoid(a - (trueB.get(item.id) ?? item.difficulty));
        const correct = rng() < pCorrect;
        minutesByReason[chosen.reasonKey] = (minutesByReason[chosen.reasonKey] ?? 0) + item.minutes;
        allMinutes += item.minutes;
        if (itemSkills.every((k) => known(st, k))) overPractice += item.minutes;
        if (itemSkills.some((k) => !prerequisitesKnown(st, k))) notReady += item.minutes;
        const ans = answerFor(item, correct, rng);
        today.push({
          studentId: st.id,
          itemId: item.id,
          itemVersion: item.version ?? 1,
          skills: [...item.skills],
          answer: ans.answer,
          score: ans.score,
          maxScore: ans.maxScore,
          correct: ans.score === ans.maxScore,
          date,
          seq: seq++,
        });
        if (config.onDay) {
          const list = sheets.get(st.id) ?? [];
          list.push({ skillId: chosen.skillId, reasonKey: chosen.reasonKey, minutes: item.minutes, correct });
          sheets.set(st.id, list);
        }
        responses++;
        spent.set(st.id, (spent.get(st.id) ?? 0) + item.minutes);
        for (const k of itemSkills) {
          const gain = st.learn * item.minutes * (prerequisitesKnown(st, k) ? 1 : lp.prerequisitePenalty);
          st.level.set(k, Math.min(4, (st.level.get(k) ?? 0) + gain));
          st.practice.set(k, (st.practice.get(k) ?? 0) + 1);
        }
      }
      if (toMastery.get(st.id) === null && unitMastered(st)) {
        toMastery.set(st.id, spent.get(st.id) ?? 0);
        dayOfMastery.set(st.id, dayIndex + 1);
      }
    });
    mastery = updateMastery(mastery, today, bank.byId, settings);
    if (config.oracleMastery) mastery = withLatentMastery(mastery, students, unit, known);
    reviews = updateReviews(reviews, today, bank.byId, settings);
    config.onDay?.({
      dayIndex,
      date,
      masteryTheta: theta,
      mastery,
      students: students.map((st) => ({
        id: st.id,
        start: new Map(st.start),
        level: new Map(st.level),
        practice: new Map(st.practice),
        sheet: sheets.get(st.id) ?? [],
        masteredOnDay: dayOfMastery.get(st.id) ?? null,
      })),
    });
  }
  const window = snapshot ?? takeSnapshot();
  const minutesToMastery = students.map((s) => toMastery.get(s.id) ?? null);
  const total = students.map((s) => spent.get(s.id) ?? 0);
  const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const censored = minutesToMastery.map((m, i) => m ?? (total[i] as number));
  const cut = spentAtRestriction ?? new Map(spent);
  const restrictedMinutes = students.map((s) => {
    const m = toMastery.get(s.id) ?? null;
    const day = dayOfMastery.get(s.id);
    return m !== null && day !== undefined && day <= restrictedDays ? m : (cut.get(s.id) ?? 0);
  });
  return {
    arm,
    students: students.length,
    days: windowDays,
    daysRun,
    minutesToMastery,
    meanMinutesToMastery: mean(censored),
    medianMinutesToMastery: median(censored),
    meanDaysToMastery: mean(students.map((s) => dayOfMastery.get(s.id) ?? daysRun)),
    reachedMastery: minutesToMastery.filter((m) => m !== null).length,
    censored: minutesToMastery.filter((m) => m === null).length,
    restricted: {
      days: restrictedDays,
      meanMinutesToMastery: mean(restrictedMinutes),
      reachedMastery: students.filter((s) => (dayOfMastery.get(s.id) ?? Infinity) <= restrictedDays).length,
    },
    reachedMasteryInWindow: students.filter((s) => (dayOfMastery.get(s.id) ?? Infinity) <= windowDays).length,
    meanWindowMinutes: mean(window.minutes),
    meanDailyMinutes: mean(window.minutes) / windowDays,
    capViolations,
    finalLatentMastered: window.latent,
    finalEstimatedMastered: window.estimated,
    estimateAgreement: window.agreement,
    responses,
    minutesByReason,
    overPracticeShare: allMinutes ? overPractice / allMinutes : 0,
    notReadyShare: allMinutes ? notReady / allMinutes : 0,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

/** Diagnostic: replaces the model's mastery flags by the latent truth (a perfect estimator). */
function withLatentMastery(state: MasteryState, students: readonly Student[], unit: readonly string[], known: (st: Student, k: string) => boolean): MasteryState {
  const map = new Map(state.students);
  for (const st of students) {
    const recs = new Map(map.get(st.id) ?? []);
    for (const k of unit) {
      const r = recs.get(k);
      if (r) recs.set(k, { ...r, mastered: known(st, k) });
      else if (known(st, k)) recs.set(k, { theta: 2, variance: 0.5, n: 0, lastDate: null, lastSeq: -1, wrongStreak: 0, lastWrongSeq: -1, mastered: true });
    }
    map.set(st.id, recs);
  }
  return { ...state, students: map };
}

export type CohortComparison = {
  readonly seed: number | string;
  readonly uniform: ArmReport;
  readonly personalised: ArmReport;
  /** 1 − personalised / uniform mean minutes to unit mastery. */
  readonly minutesSaved: number;
};

/** Both arms on the same cohort. */
export function compareArms(config: CohortConfig): CohortComparison {
  const uniform = simulateArm(config, 'uniform');
  const personalised = simulateArm(config, 'personalised');
  return {
    seed: config.seed,
    uniform,
    personalised,
    minutesSaved: uniform.meanMinutesToMastery > 0 ? 1 - personalised.meanMinutesToMastery / uniform.meanMinutesToMastery : 0,
  };
}

