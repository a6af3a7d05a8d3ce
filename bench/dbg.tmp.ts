import { compareArms } from '../src/domain/learning/cohortSim';
for (const seed of [1,2]) {
const c = compareArms({ seed });
for (const r of [c.uniform, c.personalised])
console.log(r.arm, r.meanMinutesToMastery.toFixed(0), r.reachedMastery, r.minutesByReason, r.overPracticeShare.toFixed(2), r.notReadyShare.toFixed(2), r.finalLatentMastered.join(','), r.finalEstimatedMastered.join(','), r.estimateAgreement.toFixed(2));
}
