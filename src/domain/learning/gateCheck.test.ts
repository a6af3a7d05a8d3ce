import { describe, expect, it } from 'vitest';
import { seededRng } from '../random';
import { skillGraph } from './fringe';
import { addGateEvidence, emptyGateEvidence, gateVerdict, readinessOf, type GateObservation } from './gateCheck';
import { DEFAULT_LEARNING_SETTINGS as S } from './settings';
import { MASTERED, LEARNING, stateWith, TINY_GRAPH } from './testing/fixtures';

/** Answers drawn at P(correct) = predicted + shortfall, seeded. */
function answers(n: number, ready: boolean, shortfall: number, seed: string): GateObservation[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => {
    const predicted = 0.3 + 0.5 * rng();
    return { outcome: rng() < predicted + shortfall ? 1 : 0, predicted, ready, practisedBefore: true };
  });
}

describe('prerequisite gate check', () => {
  it('holds when not-ready practice falls short of the model, not when it learns like ready practice', () => {
    const ready = answers(400, true, 0, 'r');
    const short = addGateEvidence(emptyGateEvidence, [...ready, ...answers(400, false, -0.12, 'n')], S);
    const alike = addGateEvidence(emptyGateEvidence, [...ready, ...answers(400, false, 0, 'n')], S);
    expect(gateVerdict(short, S).kind).toBe('holds');
    expect(gateVerdict(alike, S).kind).toBe('does_not_hold');
    expect(gateVerdict(short, S).gap).toBeLessThan(gateVerdict(alike, S).gap);
  });

  it('stays undecided on too few answers, ignores first-day answers and keeps its verdict once both kinds reached minAnswers', () => {
    const few = addGateEvidence(emptyGateEvidence, [...answers(400, true, 0, 'r'), ...answers(S.gateCheck.minAnswers - 1, false, -0.3, 'n')], S);
    expect(gateVerdict(few, S).kind).toBe('undecided');
    const firstDay = answers(400, false, -0.3, 'f').map((o) => ({ ...o, practisedBefore: false }));
    expect(addGateEvidence(few, firstDay, S)).toEqual(few);
    const decided = addGateEvidence(few, answers(1, false, -0.3, 'm'), S);
    expect(gateVerdict(decided, S).notReadyAnswers).toBe(S.gateCheck.minAnswers);
    expect(addGateEvidence(decided, answers(500, false, 0.5, 'later'), S)).toEqual(decided);
  });

  it('a skill is ready when its prerequisites are mastered, as the fringe sees it', () => {
    const graph = skillGraph(TINY_GRAPH);
    const state = stateWith(S, { s1: { a: MASTERED, b: LEARNING } });
    const of = readinessOf(state, 's1', ['a', 'b', 'c', 'd'], graph, S);
    expect(of('b')).toEqual({ ready: true, practisedBefore: true });
    expect(of('d')).toEqual({ ready: true, practisedBefore: false });
    expect(of('c')).toEqual({ ready: false, practisedBefore: false });
  });
});
