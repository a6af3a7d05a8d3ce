/** Next-day selection for 50 students from a 5,000-item bank, with history, due reviews and ledgers. */
import type { DayLedger } from '../src/domain/workload';
import {
  addDays,
  DEFAULT_LEARNING_SETTINGS as S,
  emptyMasteryState,
  emptyReviewState,
  G7_MATH_SKILLS,
  G7_RATIONAL_UNIT,
  indexBank,
  selectNextDay,
  skillGraph,
  updateMastery,
  updateReviews,
  type NextDayInput,
} from '../src/domain/learning';
import { generateBank } from './lib/bankGenerator';
import { emit, medianMs } from './lib/emit';
import { syntheticScan } from './lib/synthetic';

const bench = 'select';
const bank = generateBank({ seed: 'select-bench', n: 5000, skills: G7_MATH_SKILLS });
const index = indexBank(bank);
let mastery = emptyMasteryState(S);
let reviews = emptyReviewState();
let seq = 0;
for (let d = 0; d < 10; d++) {
  const day = syntheticScan({ bank, students: 50, perStudent: 12, date: addDays('2025-11-03', d), seed: `hist${d}`, firstSeq: seq });
  seq += day.length;
  mastery = updateMastery(mastery, day, index.byId, S);
  reviews = updateReviews(reviews, day, index.byId, S);
}
const date = '2025-11-17';
const students = Array.from({ length: 50 }, (_, i) => ({ id: `s${String(i + 1).padStart(2, '0')}` }));
const ledgers: DayLedger[] = students.map((s, i) => ({ date, studentId: s.id, entries: [{ subject: 'chinese', minutes: 20 + (i % 7) * 8, workbookSetId: 'zh-1' }] }));
const base: Omit<NextDayInput, 'bank' | 'skills'> = { date, subject: 'math', grade: 7, students, unitSkills: G7_RATIONAL_UNIT, mastery, reviews, ledgers, seed: 42, settings: S };
const graph = skillGraph(G7_MATH_SKILLS);

const check = selectNextDay({ ...base, bank, skills: G7_MATH_SKILLS });
if (!check.ok) throw new Error(JSON.stringify(check.error));
emit({ bench, figure: 'select_50_students_5000_items_ms', value: medianMs(() => selectNextDay({ ...base, bank, skills: G7_MATH_SKILLS }), 9, 2), goal: '<200', unit: 'ms', note: 'raw bank array: indexing included' });
emit({ bench, figure: 'select_50_students_5000_items_indexed_ms', value: medianMs(() => selectNextDay({ ...base, bank: index, skills: graph }), 9, 2), goal: '<200', unit: 'ms', note: 'bank index and graph built once' });
emit({ bench, figure: 'select_lessons_50_students_5000_items_ms', value: medianMs(() => selectNextDay({ ...base, bank: index, skills: graph, lessonSkills: G7_RATIONAL_UNIT.slice(2, 4) }), 9, 2), goal: '<200', unit: 'ms', note: 'with the look-ahead: two class lesson skills, not gated' });
emit({ bench, figure: 'select_gate_fails_50_students_5000_items_ms', value: medianMs(() => selectNextDay({ ...base, bank: index, skills: graph, lessonSkills: G7_RATIONAL_UNIT.slice(2, 4), gateDoesNotHold: true }), 9, 2), goal: '<200', unit: 'ms', note: 'the class sheet minus what each student has mastered, then due reviews and own gaps (selection.whenGateDoesNotHold)' });
emit({ bench, figure: 'select_uniform_50_students_5000_items_ms', value: medianMs(() => selectNextDay({ ...base, bank: index, skills: graph, settings: { ...S, modules: { ...S.modules, personalisation: false } } }), 9, 2), goal: '<200', unit: 'ms' });
const plans = check.value;
emit({ bench, figure: 'select_mean_items_per_student', value: plans.reduce((a, p) => a + p.items.length, 0) / plans.length, unit: 'items' });
emit({ bench, figure: 'select_review_items_share', value: plans.reduce((a, p) => a + p.items.filter((i) => i.reasonKey.startsWith('review')).length, 0) / Math.max(1, plans.reduce((a, p) => a + p.items.length, 0)), unit: 'share' });
emit({ bench, figure: 'select_cap_violations', value: plans.filter((p) => p.totalMinutes + p.bookedMinutes > p.capMinutes + 1e-9).length, goal: '0', unit: 'students' });
