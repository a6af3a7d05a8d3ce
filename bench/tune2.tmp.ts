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
  const r = replayWithPredictions(emptyMasteryState(s), rs, bank, s);
  const pa: number[] = [], ya: number[] = [], pb: number[] = [], yb: number[] = [];
  r.applied.forEach((x, i) => { (A.has(x.studentId) ? pa : pb).push(r.predictions[i]!); (A.has(x.studentId) ? ya : yb).push(x.correct ? 1 : 0); });
  return { A: [auc(pa, ya)!.toFixed(4), logLoss(pa, ya).toFixed(4)], B: [auc(pb, yb)!.toFixed(4), logLoss(pb, yb).toFixed(4)] };
}
// item mean baseline
{ const m = new Map<string,[number,number]>(); const p: number[] = [], y: number[] = [];
  for (const r of rs) { const [s,n] = m.get(r.itemId) ?? [0,0]; p.push((s+0.75*2)/(n+2)); y.push(r.correct?1:0); m.set(r.itemId,[s+(r.correct?1:0),n+1]); }
  console.log('itemmean', auc(p,y), logLoss(p,y)); }
for (const q of [0.2, 0.3, 0.5, 0.8]) for (const pv of [1.5, 2, 3]) for (const iv of [0.05, 0.1, 0.2]) for (const mv of [0.05, 0.2])
  console.log(JSON.stringify({q, pv, iv, mv}), JSON.stringify(run({ thetaDriftPerObservation: q, priorThetaVariance: pv, itemPriorVariance: iv, minThetaVariance: mv, minItemVariance: 0.01 })));
