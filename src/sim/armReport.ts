import { gateVerdict, type GateVerdict } from '../domain/learning/gateCheck';
import { masteryOf } from '../domain/learning/mastery';
import { logLoss } from '../domain/learning/metrics';
import type { Arm, ArmRun, ArmSetup, MasterySnapshot } from './armSetup';

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
  readonly restricted: Restricted;
  /** The restricted figures at each of `config.checkpointDays`. */
  readonly checkpoints: readonly Restricted[];
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
  /** Mean log-loss of each model's prediction of every answer (made before it was applied), and the days the logistic model decided mastery. */
  readonly predictionLogLoss: { readonly elo: number; readonly logistic: number; readonly observer: number | null };
  readonly logisticDays: number;
  /** The gate check at the end of the run, and the school days the lesson look-ahead was gated. */
  readonly gate: GateVerdict;
  readonly gatedDays: number;
  /**
   * Unit skills the model passed over the run (its mastery flag turned on; credit by implication is
   * not a flag), how many of them were latently short at the time (false passes), and their summed
   * and mean shortfall below the latent mastery line (logits; pool runs by the sum).
   */
  readonly passes: number;
  readonly falsePasses: number;
  readonly falsePassShortfall: number;
  readonly meanFalsePassShortfall: number;
};

/** Latent and estimated unit mastery now: histograms of skills mastered per student, and their agreement. */
export function masterySnapshot(setup: ArmSetup, run: ArmRun): MasterySnapshot {
  const { unit, students } = setup;
  const latent = new Array<number>(unit.length + 1).fill(0);
  const estimated = new Array<number>(unit.length + 1).fill(0);
  let agree = 0;
  for (const st of students) {
    let l = 0;
    let e = 0;
    for (const k of unit) {
      const lk = setup.known(st, k);
      const ek = masteryOf(run.mastery, st.id, k, setup.settings).mastered;
      if (lk) l++;
      if (ek) e++;
      if (lk === ek) agree++;
    }
    latent[l] = (latent[l] ?? 0) + 1;
    estimated[e] = (estimated[e] ?? 0) + 1;
  }
  return { latent, estimated, agreement: agree / Math.max(1, students.length * unit.length), minutes: students.map((s) => run.spent.get(s.id) ?? 0) };
}

export type Restricted = { readonly days: number; readonly meanMinutesToMastery: number; readonly reachedMastery: number };

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return 0;
  return n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
}

type Progress = {
  /** Minutes to unit mastery per student id (absent or null: not there yet). */
  readonly toMastery: ReadonlyMap<string, number | null>;
  /** The school day (1-based) each student reached unit mastery on. */
  readonly dayOfMastery: ReadonlyMap<string, number>;
};

/** Minutes to mastery had the run stopped after `days`: students not there yet count their minutes so far (`spentThen`). */
export function restrictedMinutes(students: readonly { id: string }[], progress: Progress, days: number, spentThen: ReadonlyMap<string, number>): number[] {
  return students.map((s) => {
    const m = progress.toMastery.get(s.id) ?? null;
    const day = progress.dayOfMastery.get(s.id);
    return m !== null && day !== undefined && day <= days ? m : (spentThen.get(s.id) ?? 0);
  });
}

/** Students at unit mastery by the end of school day `day`. */
export function reachedMasteryBy(students: readonly { id: string }[], progress: Progress, day: number): number {
  return students.filter((s) => (progress.dayOfMastery.get(s.id) ?? Infinity) <= day).length;
}

export function armReport(setup: ArmSetup, run: ArmRun): ArmReport {
  const { students, windowDays, restrictedDays } = setup;
  const window = run.windowSnapshot ?? masterySnapshot(setup, run);
  const minutesToMastery = students.map((s) => run.toMastery.get(s.id) ?? null);
  const total = students.map((s) => run.spent.get(s.id) ?? 0);
  const censored = minutesToMastery.map((m, i) => m ?? (total[i] as number));
  const reachedBy = (day: number) => reachedMasteryBy(students, run, day);
  return {
    arm: setup.arm,
    students: students.length,
    days: windowDays,
    daysRun: run.daysRun,
    minutesToMastery,
    meanMinutesToMastery: mean(censored),
    medianMinutesToMastery: median(censored),
    meanDaysToMastery: mean(students.map((s) => run.dayOfMastery.get(s.id) ?? run.daysRun)),
    reachedMastery: minutesToMastery.filter((m) => m !== null).length,
    censored: minutesToMastery.filter((m) => m === null).length,
    restricted: { days: restrictedDays, meanMinutesToMastery: mean(restrictedMinutes(students, run, restrictedDays, run.spentAtRestriction ?? run.spent)), reachedMastery: reachedBy(restrictedDays) },
    checkpoints: (setup.config.checkpointDays ?? []).map((days) => ({
      days,
      meanMinutesToMastery: mean(restrictedMinutes(students, run, days, run.spentAtCheckpoint.get(days) ?? run.spent)),
      reachedMastery: reachedBy(days),
    })),
    reachedMasteryInWindow: reachedBy(windowDays),
    meanWindowMinutes: mean(window.minutes),
    meanDailyMinutes: mean(window.minutes) / windowDays,
    capViolations: run.capViolations,
    finalLatentMastered: window.latent,
    finalEstimatedMastered: window.estimated,
    estimateAgreement: window.agreement,
    responses: run.responses,
    minutesByReason: run.minutesByReason,
    overPracticeShare: run.allMinutes ? run.overPracticeMinutes / run.allMinutes : 0,
    notReadyShare: run.allMinutes ? run.notReadyMinutes / run.allMinutes : 0,
    predictionLogLoss: {
      elo: logLoss(run.predictions.elo, run.predictions.outcomes),
      logistic: logLoss(run.predictions.logistic, run.predictions.outcomes),
      observer: run.observer ? logLoss(run.predictions.observer, run.predictions.outcomes) : null,
    },
    logisticDays: run.logisticDays,
    gate: gateVerdict(run.gate, setup.settings),
    gatedDays: run.gatedDays,
    passes: run.passes,
    falsePasses: run.falsePasses,
    falsePassShortfall: run.falsePassShortfall,
    meanFalsePassShortfall: run.falsePasses ? run.falsePassShortfall / run.falsePasses : 0,
  };
}
