import { daysBetween } from '../domain/learning/dates';
import { reachedMasteryBy, restrictedMinutes } from './armReport';
import { setUpArm, type ArmSetup, type CohortConfig, type SheetLine } from './armSetup';
import { otherSubjectBookings, subjectBudget } from './bookings';
import { simulateArm } from './cohortSim';
import { forget, practise, type Student } from './learner';

/**
 * A run of the cohort simulator's latent students without the station's model: a policy that reads
 * the latent state writes each student's sheet, and the students learn from it by the same learner
 * functions (learner.ts) as in `simulateArm`. For bounds (oraclePolicy.ts), never for the product.
 * The figures follow armReport.ts: minutes to unit mastery counted after the day's sheet, students
 * still short at the horizon counted at their minutes so far, and the restricted figure at each
 * checkpoint (students not there yet at their minutes so far).
 */

/** One practice line of a sheet: what the learner model needs of an item. */
export type Practice = { readonly skills: readonly string[]; readonly minutes: number };

export type PolicyDay = {
  readonly setup: ArmSetup;
  readonly dayIndex: number;
  /** Every student, in the setup's order, with their latent state as it stands after today's forgetting. */
  readonly students: readonly Student[];
  /** Students whose unit mastery has been recorded (their minutes no longer count). */
  readonly mastered: ReadonlySet<string>;
  /** Per student: today's minutes for this subject (the cap minus the other subject's booking, at most `subjectMinutes`). */
  readonly budgets: ReadonlyMap<string, number>;
};

/** Today's sheet per student id (a student missing from the map gets nothing). Must not change `day.students`. */
export type SheetPolicy = (day: PolicyDay) => ReadonlyMap<string, readonly Practice[]>;

export type LatentReport = {
  readonly students: number;
  readonly daysRun: number;
  /** Mean minutes to unit mastery; a student short of it at the horizon counts all minutes run. */
  readonly meanMinutesToMastery: number;
  readonly censored: number;
  /** At each of `config.checkpointDays`: the restricted mean and the students at unit mastery by then. */
  readonly checkpoints: readonly { readonly days: number; readonly meanMinutesToMastery: number; readonly reachedMastery: number }[];
  /** Student-days whose sheet ran over the day's budget (0 for a sound policy; not checked for replays). */
  readonly overBudget: number;
};

/** The minutes each student has for this subject on a date: the same seeded bookings as `simulateArm`'s other subject. */
export function dayBudgets(setup: ArmSetup, date: string): Map<string, number> {
  return new Map(otherSubjectBookings(setup, date).map((ledger) => [ledger.studentId, subjectBudget(setup, ledger)]));
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Runs a policy on the config's cohort (the uniform arm's setup: same students, bank, days and bookings). */
export function runLatent(config: CohortConfig, policy: SheetPolicy, checkBudget = true): LatentReport {
  const setup = setUpArm(config, 'uniform');
  const spent = new Map(setup.students.map((st) => [st.id, 0]));
  const toMastery = new Map<string, number>();
  const dayOfMastery = new Map<string, number>();
  const spentAt = new Map<number, Map<string, number>>();
  let daysRun = 0;
  let overBudget = 0;
  let previousDate: string | null = null;
  for (const st of setup.students)
    if (setup.unitMastered(st)) {
      toMastery.set(st.id, 0);
      dayOfMastery.set(st.id, 0);
    }
  for (const [dayIndex, date] of setup.days.entries()) {
    if (config.checkpointDays?.includes(dayIndex)) spentAt.set(dayIndex, new Map(spent));
    if (dayIndex >= setup.windowDays && toMastery.size === setup.students.length) break;
    daysRun++;
    if (previousDate) forget(setup.students, Math.max(1, daysBetween(previousDate, date)), setup.lp);
    previousDate = date;
    const budgets = dayBudgets(setup, date);
    const sheets = policy({ setup, dayIndex, students: setup.students, mastered: new Set(toMastery.keys()), budgets });
    for (const st of setup.students) {
      const sheet = sheets.get(st.id) ?? [];
      if (checkBudget && sheet.reduce((a, p) => a + p.minutes, 0) > (budgets.get(st.id) ?? 0) + 1e-9) overBudget++;
      for (const p of sheet) {
        spent.set(st.id, (spent.get(st.id) ?? 0) + p.minutes);
        practise(st, p.skills.filter((k) => st.level.has(k)), p.minutes, setup.lp, setup.prerequisitesKnown);
      }
      if (!toMastery.has(st.id) && setup.unitMastered(st)) {
        toMastery.set(st.id, spent.get(st.id) ?? 0);
        dayOfMastery.set(st.id, dayIndex + 1);
      }
    }
  }
  const progress = { toMastery, dayOfMastery };
  return {
    students: setup.students.length,
    daysRun,
    meanMinutesToMastery: mean(setup.students.map((st) => toMastery.get(st.id) ?? spent.get(st.id) ?? 0)),
    censored: setup.students.length - toMastery.size,
    checkpoints: (config.checkpointDays ?? []).map((days) => ({
      days,
      meanMinutesToMastery: mean(restrictedMinutes(setup.students, progress, days, spentAt.get(days) ?? spent)),
      reachedMastery: reachedMasteryBy(setup.students, progress, days),
    })),
    overBudget,
  };
}

/**
 * The sheets an arm of `simulateArm` gave, day by day, as a policy that gives them again: replaying
 * them through `runLatent` must give that arm's figures (the check that this runner steps the
 * learner as `simulateArm` does).
 */
export function recordedSheets(config: CohortConfig, arm: 'uniform' | 'personalised'): SheetPolicy {
  const days: Map<string, readonly SheetLine[]>[] = [];
  simulateArm({ ...config, onDay: (d) => (days[d.dayIndex] = new Map(d.students.map((s) => [s.id, s.sheet]))) }, arm);
  return ({ dayIndex }) => new Map([...(days[dayIndex] ?? new Map<string, readonly SheetLine[]>())].map(([id, lines]) => [id, lines.map((l) => ({ skills: [l.skillId], minutes: l.minutes }))]));
}
