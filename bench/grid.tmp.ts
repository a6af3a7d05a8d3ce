import { simulateArm } from '../src/domain/learning/cohortSim';
import { LearningSettings } from '../src/domain/learning/settings';
const seeds = [101, 102, 103];
const variants: Record<string, any> = JSON.parse(process.argv[2] ?? '{}');
const extra = JSON.parse(process.argv[3] ?? '{}');
const uni = seeds.map(seed => simulateArm({ seed, ...extra }, 'uniform'));
const f = (r: any) => `${r.meanMinutesToMastery.toFixed(0)}/${r.medianMinutesToMastery.toFixed(0)}/${r.reachedMastery}/${r.reachedMasteryInWindow}/d${r.meanDaysToMastery.toFixed(1)}`;
console.log('U'.padEnd(14), uni.map(f).join(' '), 'op', uni.map(r => r.overPracticeShare.toFixed(2)).join(' '));
for (const [name, v] of Object.entries(variants)) {
  const s = LearningSettings.parse(v.settings ?? v);
  const per = seeds.map(seed => simulateArm({ seed, settings: s, ...extra, ...(v.oracle ? { oracleMastery: true } : {}) }, 'personalised'));
  const saved = per.map((r, i) => 1 - r.meanMinutesToMastery / uni[i]!.meanMinutesToMastery);
  const tot = (r: any) => Object.values(r.minutesByReason as Record<string, number>).reduce((a, b) => a + b, 0);
  const rev = per.map(r => ((r.minutesByReason.review_sibling ?? 0) + (r.minutesByReason.review ?? 0)) / tot(r));
  console.log(name.padEnd(14), per.map(f).join(' '), 'saved', saved.map(x => x.toFixed(2)).join(' '), 'op', per.map(r => r.overPracticeShare.toFixed(2)).join(' '), 'rev', rev.map(x => x.toFixed(2)).join(' '), 'viol', per.map(r => r.capViolations).join(','));
}
