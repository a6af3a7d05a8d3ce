import type { BankItem } from '../domain/learning/bank';
import { daysBetween } from '../domain/learning/dates';
import { outcomeOf, replayWithPredictions, type MasteryState } from '../domain/learning/mastery';
import { addGateEvidence, gateReferenceSettings, gateVerdict, readinessOf, type GateObservation } from '../domain/learning/gateCheck';
import { chooseModel, withLogisticMastery } from '../domain/learning/modelChoice';
import { selectNextDay, type ChosenItem, type StudentPlan } from '../domain/learning/nextDay';
import { updateReviews } from '../domain/learning/review';
import { throwIllegalValue } from '../domain/result';
import type { GradedResponse } from '../domain/response';
import type { LearningSettings } from '../domain/learning/settings';
import { checkCap, type DayLedger } from '../domain/workload';
import { answerFor } from './answers';
import { armReport, masterySnapshot, type ArmReport } from './armReport';
import { setUpArm, startRun, type Arm, type ArmRun, type ArmSetup, type CohortConfig, type DayTrace, type SheetLine } from './armSetup';
import { otherSubjectBookings } from './bookings';
import { calendarSkills, classSheetSkills, lessonSkills } from './calendar';
import { forget, pCorrect, practise, type Student } from './learner';

/**
 * The cohort simulator: a seeded synthetic class, day by day through a unit, under uniform class
 * worksheets or personalised workbooks, inside the daily cap across subjects. Only the benches use
 * it (bench/cohort.bench.ts); it is not part of the product.
 */

/** Runs one arm of the simulation. The same seed gives the same students, bank and bookings in both arms. */
export function simulateArm(config: CohortConfig, arm: Arm): ArmReport {
  const setup = setUpArm(config, arm);
  const run = startRun(setup);
  for (const [dayIndex, date] of setup.days.entries()) {
    if (dayIndex === setup.windowDays) run.windowSnapshot = masterySnapshot(setup, run);
    if (dayIndex === setup.restrictedDays) run.spentAtRestriction = new Map(run.spent);
    if (config.checkpointDays?.includes(dayIndex)) run.spentAtCheckpoint.set(dayIndex, new Map(run.spent));
    if (dayIndex >= setup.windowDays && run.toMastery.size === run.dayOfMastery.size) break;
    simulateDay(setup, run, dayIndex, date);
  }
  return armReport(setup, run);
}

/** One school day: forgetting since the last, the day's selection, every student's sheet, then the model's update. */
function simulateDay(setup: ArmSetup, run: ArmRun, dayIndex: number, date: string): void {
  run.daysRun++;
  if (run.previousDate) {
    const gap = Math.max(1, daysBetween(run.previousDate, date));
    forget(setup.students, gap, setup.lp);
    run.observer?.forget(gap);
  }
  run.previousDate = date;
  const ledgers = otherSubjectBookings(setup, date);
  const lessons = lessonSkills(setup, dayIndex);
  const verdict = setup.config.forceGateVerdict ?? gateVerdict(run.gate, setup.settings).kind;
  // modelAfterVerdict: until the verdict the selection reads the gate's reference model, so the evidence cannot move with the arm's model.
  const reference = gateReferenceSettings(setup.settings);
  const beforeVerdict = setup.config.modelAfterVerdict === true && verdict === 'undecided' && run.gateMastery !== null && reference !== null;
  const selectionMastery = beforeVerdict ? (run.gateMastery as MasteryState) : run.mastery;
  const selectionSettings = beforeVerdict ? (reference as LearningSettings) : setup.settings;
  const lessonsGated = verdict === 'holds';
  const gateDoesNotHold = setup.arm === 'personalised' && (setup.config.safetyNet ?? true) && verdict === 'does_not_hold';
  // The class's list goes with the verdict; the selection decides (selection.whenGateDoesNotHold) whether it runs it.
  const uniformSkills = gateDoesNotHold ? classSheetSkills(setup, selectionMastery, dayIndex) : calendarSkills(setup, selectionMastery, dayIndex);
  if (lessons && lessonsGated) run.gatedDays++;
  const plans = selectNextDay({
    date,
    subject: setup.subject,
    grade: setup.grade,
    students: setup.students.map((s) => ({ id: s.id })),
    unitSkills: setup.unit,
    skills: setup.graph,
    bank: setup.bank,
    mastery: selectionMastery,
    reviews: run.reviews,
    ledgers,
    seed: `${setup.config.seed}|${setup.arm}`,
    settings: selectionSettings,
    caps: setup.caps,
    ...(uniformSkills ? { uniformSkills } : {}),
    ...(lessons ? { lessonSkills: lessons, lessonsGated } : {}),
    ...(gateDoesNotHold ? { gateDoesNotHold } : {}),
  });
  if (!plans.ok) throw new Error(`selection failed: ${JSON.stringify(plans.error)}`);
  const today: GradedResponse[] = [];
  const sheets = new Map<string, { lines: SheetLine[]; budgetMinutes: number }>();
  plans.value.forEach((plan, i) => {
    const st = setup.students[i] as Student;
    const sheet = workThroughSheet(setup, run, st, ledgers[i] as DayLedger, plan, date, today);
    if (setup.config.onDay) sheets.set(st.id, { lines: sheet, budgetMinutes: plan.budgetMinutes });
    if (run.toMastery.get(st.id) === null && setup.unitMastered(st)) {
      run.toMastery.set(st.id, run.spent.get(st.id) ?? 0);
      run.dayOfMastery.set(st.id, dayIndex + 1);
    }
  });
  const before = run.mastery;
  const labelled = run.gateMastery && (setup.config.gateLabels === 'elo' || (setup.config.gateReadinessFrom ?? 'reference') === 'reference') ? run.gateMastery : run.mastery;
  const readiness = new Map(setup.students.map((st) => [st.id, readinessOf(labelled, st.id, setup.unit, setup.graph, setup.settings)]));
  const elo = replayWithPredictions(run.mastery, today, setup.bank.byId, setup.settings);
  const gateModel = run.gateMastery ? replayWithPredictions(run.gateMastery, today, setup.bank.byId, reference ?? setup.settings) : elo;
  run.gateMastery = run.gateMastery ? gateModel.state : null;
  const gateAnswers = gateModel.applied;
  if (gateAnswers.length !== elo.applied.length || gateAnswers.some((r, i) => r.seq !== elo.applied[i]?.seq))
    throw new Error(`gate check on ${date}: the reference model applied ${gateAnswers.length} answers, the arm's model ${elo.applied.length}, not the same seqs in the same order`);
  run.gate = addGateEvidence(
    run.gate,
    gateAnswers.map((r, i): GateObservation => ({ outcome: outcomeOf(r), predicted: gateModel.predictions[i] as number, ...readiness.get(r.studentId)?.(r.skills[0] ?? '') ?? { ready: true, practisedBefore: false } })),
    setup.settings,
  );
  run.mastery = elo.state;
  elo.applied.forEach((r, i) => {
    run.predictions.elo.push(elo.predictions[i] as number);
    run.predictions.logistic.push(run.logistic.observe(r.studentId, r.itemId, r.skills, outcomeOf(r)));
    run.predictions.outcomes.push(outcomeOf(r));
  });
  if (logisticDrives(setup, run)) {
    run.mastery = withLogisticMastery(run.mastery, run.logistic, setup.settings);
    run.logisticDays++;
  }
  if (run.observer) {
    const observer = run.observer;
    for (const r of elo.applied) {
      run.predictions.observer.push(observer.predict(r.studentId, r.itemId));
      observer.observe(r.studentId, r.itemId, r.correct);
    }
    observer.updateClassPriors();
    const { masteredConfidence, masteryLostBelowP } = setup.settings.mastery;
    const answered = (st: Student, k: string) => run.mastery.students.get(st.id)?.get(k)?.n ?? 0;
    run.mastery = withMasteryFlags(run.mastery, setup, (st, k) => answered(st, k) >= observer.options.minObservations && observer.mastered(st.id, k, masteredConfidence, masteryLostBelowP));
  }
  if (setup.config.oracleMastery) run.mastery = withMasteryFlags(run.mastery, setup, setup.known);
  countPasses(setup, run, before);
  run.reviews = updateReviews(run.reviews, today, setup.bank.byId, setup.settings);
  setup.config.onDay?.(dayTrace(setup, run, dayIndex, date, sheets, today));
}

/** Counts the unit skills whose mastery flag the day turned on, and those of them latently short (a false pass). */
function countPasses(setup: ArmSetup, run: ArmRun, before: MasteryState): void {
  const flag = (state: MasteryState, id: string, k: string) => state.students.get(id)?.get(k)?.mastered ?? false;
  for (const st of setup.students)
    for (const k of setup.unit) {
      const level = st.level.get(k);
      if (level === undefined) throw new Error(`cohortSim: student ${st.id} has no latent level for unit skill ${k}; every unit skill needs one (see the cohort's set-up)`);
      if (flag(before, st.id, k) || !flag(run.mastery, st.id, k)) continue;
      run.passes++;
      if (setup.known(st, k)) continue;
      run.falsePasses++;
      run.falsePassShortfall += setup.theta - level;
    }
}

/** A student answers the day's sheet item by item, learning as they go; the graded answers go to `today`. */
function workThroughSheet(setup: ArmSetup, run: ArmRun, st: Student, ledger: DayLedger, plan: StudentPlan, date: string, today: GradedResponse[]): SheetLine[] {
  // Across subjects: the other subject's booking plus this workbook must stay within the cap.
  if (plan.totalMinutes > 0 && !checkCap(ledger, setup.grade, setup.subject, plan.totalMinutes, setup.caps).ok) run.capViolations++;
  return plan.items.map((chosen) => answerItem(setup, run, st, chosen, date, today));
}

function answerItem(setup: ArmSetup, run: ArmRun, st: Student, chosen: ChosenItem, date: string, today: GradedResponse[]): SheetLine {
  const { lp } = setup;
  const item = setup.bank.byId.get(chosen.itemId) as BankItem;
  const itemSkills = item.skills.filter((k) => st.level.has(k));
  const correct = run.answerRng() < pCorrect(st, itemSkills, setup.trueDifficulty.get(item.id) ?? item.difficulty, lp);
  run.minutesByReason[chosen.reasonKey] = (run.minutesByReason[chosen.reasonKey] ?? 0) + item.minutes;
  run.allMinutes += item.minutes;
  if (itemSkills.every((k) => setup.known(st, k))) run.overPracticeMinutes += item.minutes;
  if (itemSkills.some((k) => !setup.prerequisitesKnown(st, k))) run.notReadyMinutes += item.minutes;
  const answer = answerFor(item, correct, run.answerRng);
  today.push({
    studentId: st.id,
    itemId: item.id,
    itemVersion: item.version ?? 1,
    skills: [...item.skills],
    answer: answer.answer,
    score: answer.score,
    maxScore: answer.maxScore,
    correct: answer.score === answer.maxScore,
    date,
    seq: run.seq++,
  });
  run.responses++;
  run.spent.set(st.id, (run.spent.get(st.id) ?? 0) + item.minutes);
  practise(st, itemSkills, item.minutes, lp, setup.prerequisitesKnown);
  return { skillId: chosen.skillId, reasonKey: chosen.reasonKey, minutes: item.minutes, correct };
}

/** Copies of the latent students, the day's sheets and budgets, and its answers, for `onDay`. */
function dayTrace(setup: ArmSetup, run: ArmRun, dayIndex: number, date: string, sheets: ReadonlyMap<string, { lines: readonly SheetLine[]; budgetMinutes: number }>, answers: readonly GradedResponse[]): DayTrace {
  return {
    dayIndex,
    date,
    masteryTheta: setup.theta,
    mastery: run.mastery,
    gate: gateVerdict(run.gate, setup.settings),
    answers,
    students: setup.students.map((st) => ({
      id: st.id,
      start: new Map(st.start),
      level: new Map(st.level),
      practice: new Map(st.practice),
      sheet: sheets.get(st.id)?.lines ?? [],
      budgetMinutes: sheets.get(st.id)?.budgetMinutes ?? 0,
      masteredOnDay: run.dayOfMastery.get(st.id) ?? null,
    })),
  };
}

function logisticDrives(setup: ArmSetup, run: ArmRun): boolean {
  const driver = setup.config.masteryDriver ?? 'rule';
  switch (driver) {
    case 'elo':
      return false;
    case 'logistic':
      return true;
    case 'rule':
      return chooseModel(run.predictions, setup.settings).driver === 'logistic';
    default:
      return throwIllegalValue(driver, 'mastery driver');
  }
}

/** Diagnostic: replaces the model's mastery flags on the unit's skills by `isKnown` (the latent truth: a perfect estimator; or the ideal observer's). */
function withMasteryFlags(state: MasteryState, setup: ArmSetup, isKnown: (st: Student, skill: string) => boolean): MasteryState {
  const map = new Map(state.students);
  for (const st of setup.students) {
    const recs = new Map(map.get(st.id) ?? []);
    for (const k of setup.unit) {
      const r = recs.get(k);
      const known = isKnown(st, k);
      if (r) recs.set(k, { ...r, mastered: known });
      else if (known) recs.set(k, { theta: 2, variance: 0.5, n: 0, lastDate: null, lastSeq: -1, wrongStreak: 0, lastWrongSeq: -1, mastered: true });
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
