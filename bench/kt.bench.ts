/**
 * Next-response prediction on real student data: the Spanish KT sample (Lindsey et al. 2014, 37
 * students, 103,561 responses; fixtures/external/kt). Each response is predicted before it is applied.
 *  - prequential: one pass in file order (student after student); item difficulties learn as they go.
 *  - calibrated (2-fold by student): item difficulties are first calibrated on the other half of the
 *    students and passed in as a district calibration, then the held-out half is predicted.
 *  - logistic (Best-LR + recency): 5-fold CV by student, and prequential with start weights fitted on
 *    the other folds (see the end of this file).
 * Baselines: per-item running mean (Laplace-smoothed toward the global rate), global running mean.
 */
import {
  auc,
  DEFAULT_LEARNING_SETTINGS as S,
  emptyMasteryState,
  logLoss,
  replayWithPredictions,
} from '../src/domain/learning';
import { fitLogistic, LogisticKt, replayLogistic, untrainedLogisticParams } from '../src/domain/learning/logisticKt';
import { LOGISTIC_FIT, studentFolds } from '../src/domain/learning/logisticKtFit';
import { chooseModel } from '../src/domain/learning/modelChoice';
import type { GradedResponse } from '../src/domain/response';
import { loadSpanishKt } from './lib/data';
import { eloCalibratedFold, KT_OBSERVER_BELIEFS, KT_OBSERVER_OPTIONS, ktBeliefs, observerFoldPredictions } from './lib/observerKt';
import { emit } from './lib/emit';

const bench = 'kt';
const { responses } = loadSpanishKt();
const noBank = new Map<string, { difficulty?: number }>();
const students = [...new Set(responses.map((r) => r.studentId))];
emit({ bench, figure: 'kt_responses', value: responses.length, unit: 'rows' });
emit({ bench, figure: 'kt_students', value: students.length, unit: 'students' });
const y = (rs: readonly GradedResponse[]) => rs.map((r) => (r.correct ? 1 : 0));

// Model, prequential.
const t = performance.now();
const run = replayWithPredictions(emptyMasteryState(S), responses, noBank, S);
emit({ bench, figure: 'kt_replay_ms', value: performance.now() - t, unit: 'ms', note: `${responses.length} responses through updateMastery` });
emit({ bench, figure: 'kt_elo_auc', value: auc(run.predictions, y(run.applied)) ?? NaN, goal: '>item_mean_auc', note: 'prequential, default settings' });
emit({ bench, figure: 'kt_elo_logloss', value: logLoss(run.predictions, y(run.applied)), goal: '<item_mean_logloss' });
// The same with a per-student learning rate (docs/mastery.md, section 1; off by default).
const withRate = { ...S, model: { ...S.model, learnRateVariance: 0.3 } };
const rateRun = replayWithPredictions(emptyMasteryState(withRate), responses, noBank, withRate);
emit({ bench, figure: 'kt_elo_rate_auc', value: auc(rateRun.predictions, y(rateRun.applied)) ?? NaN, note: `prequential, per-student learning rate on (learnRateVariance 0.3); log-loss ${logLoss(rateRun.predictions, y(rateRun.applied)).toFixed(3)}` });

// Baselines, prequential.
function itemMean(rs: readonly GradedResponse[], prior?: ReadonlyMap<string, [number, number]>): number[] {
  const seen = new Map<string, [number, number]>(prior ?? []);
  let gs = 0;
  let gn = 0;
  return rs.map((r) => {
    const global = gn ? gs / gn : 0.5;
    const [s, n] = seen.get(r.itemId) ?? [0, 0];
    const p = (s + 2 * global) / (n + 2);
    seen.set(r.itemId, [s + (r.correct ? 1 : 0), n + 1]);
    gs += r.correct ? 1 : 0;
    gn++;
    return p;
  });
}
const im = itemMean(responses);
emit({ bench, figure: 'kt_item_mean_auc', value: auc(im, y(responses)) ?? NaN, note: 'per-item running mean' });
emit({ bench, figure: 'kt_item_mean_logloss', value: logLoss(im, y(responses)) });
let gs = 0;
const gm = responses.map((r, i) => {
  const p = i ? gs / i : 0.5;
  gs += r.correct ? 1 : 0;
  return p;
});
emit({ bench, figure: 'kt_global_mean_logloss', value: logLoss(gm, y(responses)) });

// 2-fold by student: calibrate item difficulty on one half, predict the other.
const fold = new Map(students.map((s, i) => [s, i % 2]));
const predsModel: number[] = [];
const predsItem: number[] = [];
const outcomes: number[] = [];
const observerFolds: { predictions: number[]; outcomes: number[]; elo: number[] }[] = [];
let observerMs = 0;
for (const k of [0, 1]) {
  const train = responses.filter((r) => fold.get(r.studentId) !== k);
  const test = responses.filter((r) => fold.get(r.studentId) === k);
  const r = eloCalibratedFold(responses, fold, k);
  predsModel.push(...r.predictions);
  outcomes.push(...y(r.applied));
  const to = performance.now();
  observerFolds.push({ predictions: observerFoldPredictions(responses, fold, k, r.calibration, ktBeliefs(KT_OBSERVER_BELIEFS), KT_OBSERVER_OPTIONS), outcomes: y(test), elo: r.predictions });
  observerMs += performance.now() - to;
  const counts = new Map<string, [number, number]>();
  for (const x of train) {
    const [s, n] = counts.get(x.itemId) ?? [0, 0];
    counts.set(x.itemId, [s + (x.correct ? 1 : 0), n + 1]);
  }
  predsItem.push(...itemMean(test, counts));
}
emit({ bench, figure: 'kt_elo_calibrated_auc', value: auc(predsModel, outcomes) ?? NaN, goal: '>item_mean_calibrated_auc', note: '2-fold by student, item b from the other half' });
emit({ bench, figure: 'kt_elo_calibrated_logloss', value: logLoss(predsModel, outcomes) });
// The factored observer (src/sim/factoredObserver.ts; docs/mastery.md, round 16) on the same protocol: it reads the other
// half first, then predicts. Its five beliefs and its jitter were chosen on fold 0 (tools/observerKt.ts), so the figure is fold 1 alone;
// the pooled folds (as kt_elo_calibrated_auc) are in its note.
{
  const held = observerFolds[1];
  if (!held) throw new Error('kt.bench: fold 1 missing');
  const pooled = observerFolds.flatMap((f) => f.predictions);
  const note = `fold 1, item b and the class's skill starts from fold 0; Elo on the same answers ${auc(held.elo, held.outcomes)?.toFixed(3)} / ${logLoss(held.elo, held.outcomes).toFixed(3)}; both folds pooled ${auc(pooled, outcomes)?.toFixed(3)} / ${logLoss(pooled, outcomes).toFixed(3)} (fold 0 in-sample for the beliefs); ${Math.round(observerMs)} ms for both folds`;
  emit({ bench, figure: 'kt_observer_heldout_auc', value: auc(held.predictions, held.outcomes) ?? NaN, note });
  emit({ bench, figure: 'kt_observer_heldout_logloss', value: logLoss(held.predictions, held.outcomes) });
}
emit({ bench, figure: 'kt_item_mean_calibrated_auc', value: auc(predsItem, outcomes) ?? NaN, note: 'per-item mean from the other half, then running' });
emit({ bench, figure: 'kt_item_mean_calibrated_logloss', value: logLoss(predsItem, outcomes) });

// Logistic (Best-LR + recency) model, src/domain/learning/logisticKt.ts. Every parameter set used to
// predict a student was fitted without that student: 5 folds by student, each fitted on the other four
// with the shipped recipe (tools/fitLogisticKt.ts).
const K = 5;
const folds = studentFolds(responses, K);
const foldFits = Array.from({ length: K }, (_, k) => {
  const train = responses.filter((r) => folds.get(r.studentId) !== k);
  return fitLogistic({ ...untrainedLogisticParams(), ...LOGISTIC_FIT }, train, { epochs: LOGISTIC_FIT.epochs, version: `fold${k}`, fittedOn: `folds ≠ ${k}` });
});
// 5-fold CV: item, skill and count weights of the other folds, fixed; the held-out student's features update as they answer.
const cvPred: number[] = [];
const cvY: number[] = [];
for (let k = 0; k < K; k++) {
  const fitted = (foldFits[k] as (typeof foldFits)[number]).fitted;
  for (const r of responses)
    if (folds.get(r.studentId) === k) {
      cvPred.push(fitted.observe(r.studentId, r.itemId, r.skills, r.correct ? 1 : 0, false));
      cvY.push(r.correct ? 1 : 0);
    }
}
emit({ bench, figure: 'kt_cv_auc', value: auc(cvPred, cvY) ?? NaN, note: '5-fold CV by student, logistic model fitted on the other folds, weights fixed' });
emit({ bench, figure: 'kt_cv_logloss', value: logLoss(cvPred, cvY) });
// Prequential: one pass in file order; a student's fold's global weights (fitted on the other folds)
// to start, item and skill terms from 0, everything learning online from the answers before.
const tl = performance.now();
const online = new Float64Array(responses.length);
for (let k = 0; k < K; k++) {
  const model = new LogisticKt({ ...(foldFits[k] as (typeof foldFits)[number]).params });
  responses.forEach((r, i) => {
    const p = model.observe(r.studentId, r.itemId, r.skills, r.correct ? 1 : 0);
    if (folds.get(r.studentId) === k) online[i] = p;
  });
}
const yAll = y(responses);
emit({ bench, figure: 'kt_online_auc', value: auc(online, yAll) ?? NaN, goal: '>=0.85', note: 'prequential, file order; start weights fitted on the other folds of students, then online' });
emit({ bench, figure: 'kt_online_logloss', value: logLoss(online, yAll) });
emit({ bench, figure: 'kt_online_ms', value: (performance.now() - tl) / K, unit: 'ms', note: `${responses.length} answers predicted and learned` });
// The same pass from no fitted weights at all: everything learnt from the students before each one.
const fresh = replayLogistic({ ...untrainedLogisticParams(), ...LOGISTIC_FIT }, responses);
emit({ bench, figure: 'kt_online_untrained_auc', value: auc(fresh.predictions, yAll) ?? NaN, note: 'prequential, no parameter set: only the students before and the answers before' });
emit({ bench, figure: 'kt_online_untrained_logloss', value: logLoss(fresh.predictions, yAll) });
// The documented rule (modelChoice.ts) at the end of the pass: which predictor would drive now.
const choice = chooseModel({ elo: run.predictions, logistic: online, outcomes: yAll }, S);
emit({ bench, figure: 'kt_choice_logistic_drives', value: choice.driver === 'logistic' ? 1 : 0, note: `last ${choice.answers} answers: log-loss Elo ${choice.eloLogLoss?.toFixed(3)}, logistic ${choice.logisticLogLoss?.toFixed(3)}` });
