import { describe, expect, it } from 'vitest';
import type { GradedResponse } from '../response';
import { classAnalytics } from './analytics';
import type { BankItem } from './bank';
import { LearningSettings } from './settings';

const common = { subject: 'math', grade: 7, stem: { en: 'x' }, points: 1, minutes: 2, difficulty: 0, tier: 'core' as const };
const items: BankItem[] = [
  { ...common, id: 'q1', skills: ['k1'], type: 'single_choice', options: ['A', 'B', 'C', 'D'].map((key) => ({ key, text: { en: key } })), answer: 'B' },
  { ...common, id: 'q2', skills: ['k1'], type: 'true_false', answer: true },
  { ...common, id: 'q3', skills: ['k2'], type: 'open', maxScore: 4, spaceMm: 40 },
];
let seq = 0;
const r = (studentId: string, itemId: string, answer: string, score: number, maxScore = 1): GradedResponse => ({
  studentId,
  itemId,
  itemVersion: 1,
  skills: itemId === 'q3' ? ['k2'] : ['k1'],
  answer,
  score,
  maxScore,
  correct: score === maxScore,
  date: '2025-11-20',
  seq: seq++,
});
// Scores (score / max):      q1   q2   q3      total rate
//   A  B  true  4/4          1    1    1       1
//   B  B  false 2/4          1    0    0.5     0.5
//   C  C  true  1/4          0    1    0.25    0.4167
//   D  C  false 0/4          0    0    0       0
const responses = [
  r('A', 'q1', 'B', 1), r('A', 'q2', 'true', 1), r('A', 'q3', '4', 4, 4),
  r('B', 'q1', 'B', 1), r('B', 'q2', 'false', 0), r('B', 'q3', '2', 2, 4),
  r('C', 'q1', 'C', 0), r('C', 'q2', 'true', 1), r('C', 'q3', '1', 1, 4),
  r('D', 'q1', 'C', 0), r('D', 'q2', 'false', 0), r('D', 'q3', '0', 0, 4),
];
// Halves instead of 27 % so that the upper and lower groups have two students each.
const settings = LearningSettings.parse({ analytics: { discriminationGroupShare: 0.5, helpWeakSkillsAtLeast: 1 } });

describe('class analytics on a hand-computed class of four', () => {
  const a = classAnalytics({ responses, items, settings });
  const item = (id: string) => a.items.find((i) => i.itemId === id);

  it('correct rates, mean scores and answers per option', () => {
    expect(item('q1')).toMatchObject({ n: 4, correctRate: 0.5, meanScore: 0.5, blanks: 0, optionCounts: { A: 0, B: 2, C: 2, D: 0 } });
    expect(item('q2')).toMatchObject({ correctRate: 0.5, optionCounts: { true: 2, false: 2 } });
    expect(item('q3')?.correctRate).toBe(0.25);
    expect(item('q3')?.meanScore).toBeCloseTo((1 + 0.5 + 0.25 + 0) / 4, 10);
    expect(item('q3')?.optionCounts).toEqual({});
  });

  it('discrimination: upper half minus lower half (ranked by total score)', () => {
    expect(item('q1')?.discrimination).toBeCloseTo(1 - 0, 10); // A,B vs C,D
    expect(item('q2')?.discrimination).toBeCloseTo(0.5 - 0.5, 10);
    expect(item('q3')?.discrimination).toBeCloseTo((1 + 0.5) / 2 - (0.25 + 0) / 2, 10);
  });

  it('point-biserial against the rest score', () => {
    // q1: x = 1,1,0,0; rest = (2)/2, (0.5)/2, (1.25)/2, 0 = 1, 0.25, 0.625, 0 → r = 0.3125 / sqrt(0.57421875)
    expect(item('q1')?.pointBiserial).toBeCloseTo(0.3125 / Math.sqrt(0.57421875), 10);
  });

  it('common misconceptions: the most chosen wrong answer', () => {
    expect(item('q1')?.misconception).toEqual({ itemId: 'q1', answer: 'C', count: 2, share: 0.5 });
    expect(item('q2')?.misconception).toEqual({ itemId: 'q2', answer: 'false', count: 2, share: 0.5 });
    expect(item('q3')?.misconception).toBeNull();
    expect(a.misconceptions.map((m) => m.itemId)).toEqual(['q1', 'q2']);
  });

  it('students needing help, by the threshold rules', () => {
    expect(a.students.map((s) => [s.studentId, s.correctRate])).toEqual([['A', 1], ['B', 1 / 3], ['C', 1 / 3], ['D', 0]]);
    const help = new Map(a.needingHelp.map((h) => [h.studentId, h.reasons]));
    expect([...help.keys()]).toEqual(['B', 'C', 'D']);
    expect(help.get('B')).toEqual([{ kind: 'low_correct_rate', correctRate: 1 / 3, threshold: 0.5 }]);
    expect(help.get('D')).toContainEqual({ kind: 'weak_skills', skills: ['k1'], threshold: 0.4 });
  });

  it('a students × skills mastery heatmap (null where there is no evidence)', () => {
    expect(a.heatmap.students).toEqual(['A', 'B', 'C', 'D']);
    expect(a.heatmap.skills).toEqual(['k1', 'k2']);
    expect(a.heatmap.n).toEqual([[2, 1], [2, 1], [2, 1], [2, 1]]);
    const pA = a.heatmap.p[0]?.[0] as number;
    const pD = a.heatmap.p[3]?.[0] as number;
    expect(pA).toBeGreaterThan(0.5);
    expect(pD).toBeLessThan(0.4);
    const more = classAnalytics({ responses, items, settings, students: ['A', 'Z'] });
    expect(more.heatmap.p[1]).toEqual([null, null]);
  });

  it('counts the latest answer when an item was answered twice, and blanks', () => {
    const again = classAnalytics({ responses: [...responses, { ...r('D', 'q1', 'B', 1) }, { ...r('E', 'q1', '', 0), answer: null }], items, settings });
    const q1 = again.items.find((i) => i.itemId === 'q1');
    expect(q1).toMatchObject({ n: 5, blanks: 1, optionCounts: { A: 0, B: 3, C: 1, D: 0 } });
  });
});
