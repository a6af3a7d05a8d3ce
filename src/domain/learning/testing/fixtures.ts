import type { Skill } from '../../skills';
import { emptyMasteryState, type MasteryState, type SkillRecord } from '../mastery';
import type { LearningSettings } from '../settings';

/** Small hand-made states and graphs for tests. */
export function record(over: Partial<SkillRecord> = {}): SkillRecord {
  return { theta: 0, variance: 1.5, n: 0, lastDate: null, lastSeq: -1, wrongStreak: 0, lastWrongSeq: -1, mastered: false, ...over };
}
export const MASTERED: SkillRecord = record({ theta: 2.5, variance: 0.3, n: 12, lastDate: '2025-11-01', lastSeq: 10, mastered: true });
export const LEARNING: SkillRecord = record({ theta: 0.3, variance: 0.6, n: 5, lastDate: '2025-11-01', lastSeq: 11 });

/** A state from `{ studentId: { skillId: record } }`. */
export function stateWith(settings: LearningSettings, students: Record<string, Record<string, SkillRecord>>): MasteryState {
  const base = emptyMasteryState(settings);
  return { ...base, students: new Map(Object.entries(students).map(([s, skills]) => [s, new Map(Object.entries(skills))])) };
}

export const skill = (id: string, prerequisites: string[] = [], grade = 7): Skill => ({
  id,
  subject: 'math',
  grade,
  name: { zh: `技能${id}`, en: `skill ${id}` },
  prerequisites,
});

/** a → b → c, a → d, and x (an earlier grade's skill) → e. */
export const TINY_GRAPH: Skill[] = [skill('a'), skill('b', ['a']), skill('c', ['b']), skill('d', ['a']), skill('x', [], 6), skill('e', ['x'])];
