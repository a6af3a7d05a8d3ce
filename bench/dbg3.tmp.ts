import { emptyMasteryState, updateMastery, masteryOf, skillRecord } from '../src/domain/learning/mastery';
import { DEFAULT_LEARNING_SETTINGS as S } from '../src/domain/learning/settings';
let st = emptyMasteryState(S);
const bank = new Map([['a', { difficulty: 0 }], ['b', { difficulty: 1 }], ['c', { difficulty: -1 }]]);
let seq = 0;
const outcomes = [1,0,1,1,1,1,1,1,0,1,1,1,1,1,1];
for (const y of outcomes) {
  const id = ['a','b','c'][seq % 3]!;
  st = updateMastery(st, [{ studentId: 's', itemId: id, itemVersion: 1, skills: ['k'], answer: null, score: y, maxScore: 1, correct: y === 1, date: '2025-01-01', seq: seq++ }], bank, S);
  const r = skillRecord(st, 's', 'k', S); const m = masteryOf(st, 's', 'k', S);
  console.log(y, id, r.theta.toFixed(2), r.variance.toFixed(2), m.p.toFixed(2), st.items.get(id)?.b.toFixed(2));
}
