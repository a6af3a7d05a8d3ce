/**
 * Can the ideal observer's form predict real answers? (docs/mastery.md, section 6, round 15, and section 7.) The Spanish KT sample
 * (fixtures/external/kt) read by the observer's particle filter: a general level per student, a start per skill, a gain
 * per answer (the data has no minutes: every item counts one minute), guess and slip; no forgetting (no dates) and no
 * prerequisites (the data has none). Protocol of `kt_elo_calibrated_auc`: 2 folds by student; item difficulties are
 * the Elo model's, calibrated on the other fold; the other fold's answers are read first, so the class's start per skill
 * (`skillPrior` 'class') comes from them; then the fold's students are predicted answer by answer, each before it is
 * applied. The beliefs are chosen on fold 0 by log-loss from a small grid and then read fold 1 unchanged (fold 1 is the
 * held-out figure). Beside it, on the same held-out fold: the Elo model, and the logistic model fitted on the other fold
 * (kt_cv_auc's recipe, weights fixed). `PARTICLES` (default 200), `JITTER` (the resampling jitter, default the observer's 0.1), `FILTER`
 * ('particles', the default, or 'factored': factoredObserver.ts), `GRID`
 * ('small': the first four beliefs only; 'chosen': kt.bench's beliefs only), `LEARN` (the gains per answer tried, default 0.02,0.06,0.15). `node --import tsx tools/observerKt.ts` (a few minutes).
 */
import { loadSpanishKt } from '../bench/lib/data';
import { eloCalibratedFold, KT_OBSERVER_BELIEFS, ktBeliefs, observerFoldPredictions } from '../bench/lib/observerKt';
import { auc, logLoss } from '../src/domain/learning';
import { fitLogistic, untrainedLogisticParams } from '../src/domain/learning/logisticKt';
import { LOGISTIC_FIT } from '../src/domain/learning/logisticKtFit';
import type { LearnerParams } from '../src/sim/learner';
import { DEFAULT_OBSERVER_OPTIONS } from '../src/sim/observerParts';

const { responses } = loadSpanishKt();
const students = [...new Set(responses.map((r) => r.studentId))];
const fold = new Map(students.map((s, i) => [s, i % 2]));
const particles = Number(process.env.PARTICLES ?? 200);
const jitterSd = Number(process.env.JITTER ?? DEFAULT_OBSERVER_OPTIONS.jitterSd);
const filter = (process.env.FILTER ?? 'particles') as 'particles' | 'factored';
if (filter !== 'particles' && filter !== 'factored') throw new Error(`FILTER=${filter}: it is particles or factored`);

/** The fold's answers predicted by an observer with `beliefs`, after it read the other fold; and the Elo model's on fold 1. */
function predictFold(k: number, beliefs: LearnerParams): { predictions: number[]; outcomes: number[]; elo: number[] } {
  const predictions = observerFoldPredictions(responses, fold, k, eloFold(k).calibration, beliefs, { filter, particles, jitterSd });
  const outcomes = responses.filter((r) => fold.get(r.studentId) === k).map((r) => (r.correct ? 1 : 0));
  return { predictions, outcomes, elo: k === 1 ? eloFold(k).predictions : [] };
}

const eloFolds = new Map<number, ReturnType<typeof eloCalibratedFold>>();
/** The Elo half of the calibrated protocol for fold `k` (item difficulties from the other fold, and its predictions of fold `k`), once per fold. */
function eloFold(k: number): ReturnType<typeof eloCalibratedFold> {
  let e = eloFolds.get(k);
  if (!e) eloFolds.set(k, (e = eloCalibratedFold(responses, fold, k)));
  return e;
}

/** The logistic model (kt_cv_auc's recipe) fitted on the students outside fold `k`, its weights fixed, predicting the fold as they answer. */
function logisticHeldOut(k: number): number[] {
  const train = responses.filter((r) => fold.get(r.studentId) !== k);
  const { fitted } = fitLogistic({ ...untrainedLogisticParams(), ...LOGISTIC_FIT }, train, { epochs: LOGISTIC_FIT.epochs, version: `fold${k}`, fittedOn: `fold ≠ ${k}` });
  return responses.filter((r) => fold.get(r.studentId) === k).map((r) => fitted.observe(r.studentId, r.itemId, r.skills, r.correct ? 1 : 0, false));
}

const grid: Partial<LearnerParams>[] = [];
for (const learnPerMinute of (process.env.LEARN ?? '0.02,0.06,0.15').split(',').map(Number))
  for (const [guess, slip] of [[0.02, 0.02], [0.1, 0.05]] as const)
    for (const abilitySd of [0.6, 1.0]) for (const skillSd of [0.5, 1.0]) grid.push({ learnPerMinute, guess, slip, abilitySd, skillSd });

let best: { g: Partial<LearnerParams>; loss: number } | null = null;
const gridChosen = process.env.GRID === 'small' ? grid.slice(0, 4) : process.env.GRID === 'chosen' ? [KT_OBSERVER_BELIEFS] : grid;
for (const g of gridChosen) {
  const t = performance.now();
  const r = predictFold(0, ktBeliefs(g));
  const loss = logLoss(r.predictions, r.outcomes);
  console.log(JSON.stringify({ fold: 0, beliefs: g, auc: auc(r.predictions, r.outcomes), logLoss: loss, s: Math.round((performance.now() - t) / 100) / 10 }));
  if (!best || loss < best.loss) best = { g, loss };
}
if (!best) throw new Error('empty grid');
const held = predictFold(1, ktBeliefs(best.g));
const logistic = logisticHeldOut(1);
console.log(
  JSON.stringify({
    heldOut: 'fold 1',
    filter,
    beliefs: best.g,
    observerAuc: auc(held.predictions, held.outcomes),
    observerLogLoss: logLoss(held.predictions, held.outcomes),
    eloAuc: auc(held.elo, held.outcomes),
    eloLogLoss: logLoss(held.elo, held.outcomes),
    logisticAuc: auc(logistic, held.outcomes),
    logisticLogLoss: logLoss(logistic, held.outcomes),
  }),
);
