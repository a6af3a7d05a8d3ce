import { DEFAULT_LEARNING_SETTINGS as S, emptyMasteryState, exportCalibration, replaceCalibration, replayWithPredictions } from '../../src/domain/learning';
import type { Calibration } from '../../src/domain/learning/mastery';
import type { GradedResponse } from '../../src/domain/response';
import { FactoredObserver } from '../../src/sim/factoredObserver';
import { IdealObserver } from '../../src/sim/idealObserver';
import { DEFAULT_LEARNER, masteryTheta, type LearnerParams } from '../../src/sim/learner';
import { DEFAULT_OBSERVER_OPTIONS, type ObserverOptions } from '../../src/sim/observerParts';

/**
 * The observer's beliefs on the Spanish KT sample: the simulator's learner with no order along the skills (the data has
 * no prerequisites), no forgetting (no dates) and a gain per answer (no minutes: every item counts one minute).
 */
export function ktBeliefs(chosen: Partial<LearnerParams>): LearnerParams {
  return { ...DEFAULT_LEARNER, startLevel: 0, dropPerRank: 0, forgetPerDay: 0, prerequisitePenalty: 1, ...chosen };
}

/** The beliefs tools/observerKt.ts chose on fold 0 by log-loss (docs/mastery.md, round 16), read by kt.bench.ts. */
export const KT_OBSERVER_BELIEFS: Partial<LearnerParams> = { learnPerMinute: 0.15, guess: 0.1, slip: 0.05, abilitySd: 0.6, skillSd: 1 };

/**
 * The factored filter as kt.bench.ts runs it: 200 particles; the resampling jitter chosen on fold 0 by log-loss from
 * 0, 0.1, 0.3, 0.6, 1.0 and 1.5 (a random walk of the general level and rate at each resampling, which real students'
 * answers favour: docs/mastery.md, round 16).
 */
export const KT_OBSERVER_OPTIONS = { filter: 'factored', particles: 200, jitterSd: 0.6 } as const;

/**
 * Fold `k`'s answers predicted by an observer, each before it is applied, after it read the other fold's answers (so the
 * class's start per skill, `skillPrior` 'class', comes from them). Item difficulties are `calibration`'s (the Elo model's,
 * calibrated on the other fold).
 */
export function observerFoldPredictions(
  responses: readonly GradedResponse[],
  fold: ReadonlyMap<string, number>,
  k: number,
  calibration: Calibration,
  beliefs: LearnerParams,
  options: Pick<ObserverOptions, 'filter' | 'particles' | 'jitterSd'>,
): number[] {
  const students = [...new Set(responses.map((r) => r.studentId))];
  const skills = [...new Set(responses.flatMap((r) => r.skills))].sort();
  const b = new Map(calibration.items.map((i) => [i.itemId, i.b]));
  const items = new Map(responses.map((r) => [r.itemId, { skills: r.skills, minutes: 1, difficulty: b.get(r.itemId) ?? 0 }]));
  const world = { lp: beliefs, theta: masteryTheta(beliefs), order: skills, prerequisites: new Map<string, string[]>(), items, trueDifficulty: new Map<string, number>() };
  const all = { ...DEFAULT_OBSERVER_OPTIONS, ...options, difficulty: 'bank', skillPrior: 'class', seed: `kt|${k}` } as const;
  const observer = all.filter === 'factored' ? new FactoredObserver(world, students, all) : new IdealObserver(world, students, all);
  const read = (rs: readonly GradedResponse[], record: (p: number) => void) => {
    let previous: string | null = null;
    for (const r of rs) {
      if (previous !== null && previous !== r.studentId) observer.updateClassPriors();
      previous = r.studentId;
      record(observer.predict(r.studentId, r.itemId));
      observer.observe(r.studentId, r.itemId, r.correct);
    }
    observer.updateClassPriors();
  };
  read(
    responses.filter((r) => fold.get(r.studentId) !== k),
    () => {},
  );
  const predictions: number[] = [];
  read(
    responses.filter((r) => fold.get(r.studentId) === k),
    (p) => predictions.push(p),
  );
  return predictions;
}

/**
 * The calibrated 2-fold protocol's Elo half (kt_elo_calibrated_auc): item difficulties calibrated on the students
 * outside fold `k`, then fold `k` predicted from them, each answer before it is applied.
 */
export function eloCalibratedFold(
  responses: readonly GradedResponse[],
  fold: ReadonlyMap<string, number>,
  k: number,
): { calibration: Calibration; predictions: number[]; applied: readonly GradedResponse[] } {
  const noBank = new Map<string, { difficulty?: number }>();
  const train = responses.filter((r) => fold.get(r.studentId) !== k);
  const calibration = exportCalibration(replayWithPredictions(emptyMasteryState(S), train, noBank, S).state, `fold${k}`);
  const start = replaceCalibration(emptyMasteryState(S), { ...calibration, source: 'district' }, S);
  const r = replayWithPredictions(start, responses.filter((x) => fold.get(x.studentId) === k), noBank, S);
  return { calibration, predictions: [...r.predictions], applied: r.applied };
}
