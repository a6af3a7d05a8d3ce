import { simulateArm } from '../src/domain/learning/cohortSim';
import { LearningSettings } from '../src/domain/learning/settings';
const seeds = [101, 102, 103];
const variants: Record<string, any> = JSON.parse(process.argv[2] ?? '{}');
const uni = seeds.map(seed => simulateArm({ seed }, 'uniform'));
console.log('U', uni.map(r => `${r.meanMinutesToMastery.toFixed(0)}/${r.reachedMastery}/${r.overPracticeShare.toFixed(2)}`).join(' '));
for (const [name, v] of Object.entries(variants)) {
  const s = LearningSettings.parse(v);
  const per = seeds.map(seed => simulateArm({ seed, settings: s }, 'personalised'));
  const saved = per.map((r, i) => 1 - r.meanMinutesToMastery / uni[i]!.meanMinutesToMastery);
  const rev = per.map(r => ((r.minutesByReason.review_sibling ?? 0) + (r.minutesByReason.review ?? 0)) / Object.values(r.minutesByReason).reduce((a, b) => a + b, 0));
  console.log(name.padEnd(14), 'saved', saved.map(x => x.toFixed(2)).join(' '), '|', per.map(r => `${r.meanMinutesToMastery.toFixed(0)}/${r.reachedMastery}/${r.overPracticeShare.toFixed(2)}/${r.estimateAgreement.toFixed(2)}`).join(' '), 'rev', rev.map(x => x.toFixed(2)).join(' '));
}
