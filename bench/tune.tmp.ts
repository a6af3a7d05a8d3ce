import { readFileSync } from 'node:fs';
import { parseKtTsv, ktResponses } from '../src/domain/learning/testing/ktSpanish';
import { emptyMasteryState, replayWithPredictions } from '../src/domain/learning/mastery';
import { LearningSettings } from '../src/domain/learning/settings';
import { auc, logLoss } from '../src/domain/learning/metrics';
const rows = parseKtTsv(readFileSync('fixtures/external/kt/lpp_spanish_preprocessed_data_test.csv', 'utf8'));
if (!rows.ok) throw 1;
const rs = ktResponses(rows.value);
const users = [...new Set(rs.map(r => r.studentId))];
const A = new Set(users.filter((_, i) => i % 2 === 0));
const bank = new Map();
function run(model: any) {
  const s = LearningSettings.parse({ model });
  const t = performance.now();
  const r = replayWithPredictions(emptyMasteryState(s), rs, bank, s);
  const ms = performance.now() - t;
  const pa: number[] = [], ya: number[] = [], pb: number[] = [], yb: number[] = [];
  r.applied.forEach((x, i) => { (A.has(x.studentId) ? pa : pb).push(r.predictions[i]!); (A.has(x.studentId) ? ya : yb).push(x.correct ? 1 : 0); });
  return { A: [auc(pa, ya)!.toFixed(4), logLoss(pa, ya).toFixed(4)], B: [auc(pb, yb)!.toFixed(4), logLoss(pb, yb).toFixed(4)], ms: ms.toFixed(0) };
}
console.log('default', run({}));
for (const q of [0, 0.02, 0.05, 0.1, 0.2]) for (const pv of [0.5, 1.5, 3]) for (const iv of [0.1, 0.5, 1.5]) for (const mv of [0.05])
  console.log(JSON.stringify({q, pv, iv, mv}), JSON.stringify(run({ thetaDriftPerObservation: q, priorThetaVariance: pv, itemPriorVariance: iv, minThetaVariance: mv, minItemVariance: 0.01 })));
