/** Mastery update after a 40-student scan (40 × 20 responses), review update, and class analytics. */
import { addDays, classAnalytics, DEFAULT_LEARNING_SETTINGS as S, emptyMasteryState, emptyReviewState, G7_MATH_SKILLS, indexBank, updateMastery, updateReviews } from '../src/domain/learning';
import { generateBank } from './lib/bankGenerator';
import { emit, medianMs } from './lib/emit';
import { syntheticScan } from './lib/synthetic';

const bench = 'mastery';
const bank = generateBank({ seed: 'mastery-bench', n: 5000, skills: G7_MATH_SKILLS });
const index = indexBank(bank);
// Ten earlier school days of history, so the state holds realistic numbers of students, skills and items.
let mastery = emptyMasteryState(S);
let reviews = emptyReviewState();
let seq = 0;
for (let d = 0; d < 10; d++) {
  const day = syntheticScan({ bank, students: 40, perStudent: 20, date: addDays('2025-11-03', d), seed: `hist${d}`, firstSeq: seq });
  seq += day.length;
  mastery = updateMastery(mastery, day, index.byId, S);
  reviews = updateReviews(reviews, day, index.byId, S);
}
const scan = syntheticScan({ bank, students: 40, perStudent: 20, date: '2025-11-17', seed: 'scan', firstSeq: seq });

emit({ bench, figure: 'mastery_update_40x20_ms', value: medianMs(() => updateMastery(mastery, scan, index.byId, S), 21, 3), goal: '<50', unit: 'ms' });
emit({ bench, figure: 'reviews_update_40x20_ms', value: medianMs(() => updateReviews(reviews, scan, index.byId, S), 21, 3), unit: 'ms' });
const after = updateMastery(mastery, scan, index.byId, S);
emit({
  bench,
  figure: 'analytics_class_40x20_ms',
  value: medianMs(() => classAnalytics({ responses: scan, items: bank, mastery: after, skills: G7_MATH_SKILLS.map((k) => k.id) }), 11, 2),
  goal: '<2000',
  unit: 'ms',
});
const tenDays = [...Array(10).keys()].flatMap((d) => syntheticScan({ bank, students: 40, perStudent: 20, date: addDays('2025-11-03', d), seed: `hist${d}`, firstSeq: d * 800 }));
emit({
  bench,
  figure: 'analytics_class_10days_40x20_ms',
  value: medianMs(() => classAnalytics({ responses: tenDays, items: bank }), 5, 1),
  goal: '<2000',
  unit: 'ms',
  note: '8,000 responses, mastery estimated inside',
});
