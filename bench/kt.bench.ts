/**
 * Next-response prediction on real student data: the Spanish KT sample (Lindsey et al. 2014, 37
 * students, 103,561 responses; fixtures/external/kt). Each response is predicted before it is applied.
 *  - prequential: one pass in file order (student after student); item difficulties learn as they go.
 *  - calibrated (2-fold by student): item difficulties are first calibrated on the other half of the
 *    students and passed in as a district calibration, then the held-out half is predicted.
 * Baselines: per-item running mean (Laplace-smoothed toward the global rate), global running mean.
 */
import {
  auc,
  DEFAULT_LEARNING_SETTINGS as S,
  emptyMasteryState,
  exportCalibration,
  logLoss,
  replaceCalibration,
  replayWithPredictions,
} from '../src/domain/learning';
import type { GradedResponse } from '../src/domain/response';
import { loadSpanishKt } from './lib/data';
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
for (const k of [0, 1]) {
  const train = responses.filter((r) => fold.get(r.studentId) !== k);
  const test = responses.filter((r) => fold.get(r.studentId) === k);
  const calibrated = replayWithPredictions(emptyMasteryState(S), train, noBank, S).state;
  const start = replaceCalibration(emptyMasteryState(S), { ...exportCalibration(calibrated, `fold${k}`), source: 'district' }, S);
  const r = replayWithPredictions(start, test, noBank, S);
  predsModel.push(...r.predictions);
  outcomes.push(...y(r.applied));
  const counts = new Map<string, [number, number]>();
  for (const x of train) {
    const [s, n] = counts.get(x.itemId) ?? [0, 0];
    counts.set(x.itemId, [s + (x.correct ? 1 : 0), n + 1]);
  }
  predsItem.push(...itemMean(test, counts));
}
emit({ bench, figure: 'kt_elo_calibrated_auc', value: auc(predsModel, outcomes) ?? NaN, goal: '>item_mean_calibrated_auc', note: '2-fold by student, item b from the other half' });
emit({ bench, figure: 'kt_elo_calibrated_logloss', value: logLoss(predsModel, outcomes) });
emit({ bench, figure: 'kt_item_mean_calibrated_auc', value: auc(predsItem, outcomes) ?? NaN, note: 'per-item mean from the other half, then running' });
emit({ bench, figure: 'kt_item_mean_calibrated_logloss', value: logLoss(predsItem, outcomes) });
