import { describe, expect, it } from 'vitest';
import { fringeFor, skillGraph } from './fringe';
import { DEFAULT_LEARNING_SETTINGS as S, LearningSettings } from './settings';
import { LEARNING, MASTERED, record, stateWith, TINY_GRAPH } from './testing/fixtures';

const graph = skillGraph(TINY_GRAPH);
const unit = ['a', 'b', 'c', 'd', 'e'];

describe('prerequisites: the outer fringe', () => {
  it('a new student starts at the roots; a prerequisite outside the unit never seen counts as known', () => {
    const f = fringeFor(stateWith(S, {}), 's1', unit, graph, S);
    expect(f.candidates.map((c) => c.skillId)).toEqual(['a', 'e']);
    expect(f.blocked.map((b) => b.skillId).sort()).toEqual(['b', 'c', 'd']);
    expect(f.mastered).toEqual([]);
  });

  it('candidates are the unmastered skills whose prerequisites are all mastered', () => {
    const f = fringeFor(stateWith(S, { s1: { a: MASTERED, b: LEARNING } }), 's1', unit, graph, S);
    expect(f.mastered).toEqual(['a']);
    expect(f.candidates).toEqual([
      { kind: 'fringe', skillId: 'b', after: ['a'] },
      { kind: 'fringe', skillId: 'd', after: ['a'] },
      { kind: 'fringe', skillId: 'e', after: [] },
    ]);
    expect(f.blocked).toEqual([{ skillId: 'c', missing: ['b'] }]);
  });

  it('a mastered skill credits the unit skills it builds on (transitively); the switch turns it off', () => {
    const state = stateWith(S, { s1: { c: MASTERED } });
    const f = fringeFor(state, 's1', unit, graph, S);
    expect(f.implied).toEqual(['a', 'b']);
    expect(f.mastered).toEqual(['a', 'b', 'c']);
    expect(f.candidates.map((c) => c.skillId)).toEqual(['d', 'e']);
    expect(f.candidates[0]).toEqual({ kind: 'fringe', skillId: 'd', after: ['a'] });
    const off = LearningSettings.parse({ fringe: { creditPrerequisitesOfMastered: false } });
    const g = fringeFor(state, 's1', unit, graph, off);
    expect(g.implied).toEqual([]);
    expect(g.mastered).toEqual(['c']);
    expect(g.candidates.map((c) => c.skillId)).toEqual(['a', 'e']);
  });

  it('an earlier-grade prerequisite shown not mastered is practised directly', () => {
    const f = fringeFor(stateWith(S, { s1: { x: LEARNING } }), 's1', unit, graph, S);
    expect(f.candidates).toContainEqual({ kind: 'remediate', skillId: 'x', forSkill: 'e' });
    expect(f.candidates.find((c) => c.skillId === 'e')).toBeUndefined();
  });

  it('after 3 wrong in a row, the skill pauses and its prerequisites come back', () => {
    const failing = record({ theta: -1, variance: 0.5, n: 4, wrongStreak: 3, lastSeq: 20, lastWrongSeq: 20 });
    const state = stateWith(S, { s1: { a: { ...MASTERED, lastSeq: 10 }, b: failing } });
    const f = fringeFor(state, 's1', unit, graph, S);
    expect(f.candidates[0]).toEqual({ kind: 'remediate', skillId: 'a', forSkill: 'b' });
    expect(f.candidates.some((c) => c.skillId === 'b')).toBe(false);
    expect(f.paused).toEqual([{ skillId: 'b', prerequisites: ['a'] }]);
    // once the prerequisite was practised again after the failures, the skill returns
    const after = stateWith(S, { s1: { a: { ...MASTERED, lastSeq: 25 }, b: failing } });
    expect(fringeFor(after, 's1', unit, graph, S).candidates.some((c) => c.kind === 'fringe' && c.skillId === 'b')).toBe(true);
    // two wrong in a row is not enough
    const two = stateWith(S, { s1: { a: MASTERED, b: { ...failing, wrongStreak: 2 } } });
    expect(fringeFor(two, 's1', unit, graph, S).candidates[0]).toEqual({ kind: 'fringe', skillId: 'b', after: ['a'] });
  });

  it('modules can be switched off', () => {
    const off = LearningSettings.parse({ modules: { prerequisites: false, remediation: false } });
    const failing = record({ theta: -1, n: 4, wrongStreak: 5, lastSeq: 20, lastWrongSeq: 20 });
    const f = fringeFor(stateWith(off, { s1: { b: failing } }), 's1', unit, graph, off);
    expect(f.candidates.map((c) => c.skillId)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(f.candidates.every((c) => c.kind === 'fringe')).toBe(true);
  });
});
