import { describe, expect, it } from 'vitest';
import { seededRng } from '../random';
import { skillGraph } from './fringe';
import { addGateEvidence, emptyGateEvidence, gateLabel, gateReferenceSettings, gateVerdict, readinessOf, type GateObservation } from './gateCheck';
import { masteryOf } from './mastery';
import { DEFAULT_LEARNING_SETTINGS as S } from './settings';
import { MASTERED, LEARNING, record, stateWith, TINY_GRAPH } from './testing/fixtures';

/** The check with the posterior readiness label (round 9). */
const P = { ...S, gateCheck: { ...S.gateCheck, readiness: 'posterior' as const } };

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

  it('a skill is ready when its prerequisites are mastered, as the fringe sees it, and P(ready) is the product of their mastery confidences', () => {
    const graph = skillGraph(TINY_GRAPH);
    const state = stateWith(S, { s1: { a: MASTERED, b: LEARNING } });
    const of = readinessOf(state, 's1', ['a', 'b', 'c', 'd', 'e'], graph, S);
    const confidence = (id: string) => masteryOf(state, 's1', id, S).confidence;
    expect(of('b')).toEqual({ ready: true, readyP: confidence('a'), practisedBefore: true });
    expect(of('d')).toEqual({ ready: true, readyP: confidence('a'), practisedBefore: false });
    expect(of('c')).toEqual({ ready: false, readyP: confidence('b'), practisedBefore: false });
    expect(of('a')).toMatchObject({ ready: true, readyP: 1 });
    // x is an earlier grade's skill never observed: known, as the fringe assumes.
    expect(of('e')).toMatchObject({ ready: true, readyP: 1 });
    expect([gateLabel(of('b'), P), gateLabel(of('c'), P)]).toEqual(['ready', 'not_ready']);
  });

  it('counts a prerequisite the model is sure of as ready before its mastery flag is set, and a merely unconfirmed one not at all', () => {
    const graph = skillGraph(TINY_GRAPH);
    // Two answers on a, both strong: too few for the flag (masteredMinObservations 3), not for the posterior.
    const sure = stateWith(S, { s1: { a: record({ theta: 2.6, variance: 0.3, n: 2, lastDate: '2025-11-01', lastSeq: 2 }) } });
    const unsure = stateWith(S, { s1: { a: record({ theta: 1.5, variance: 0.5, n: 2, lastDate: '2025-11-01', lastSeq: 2 }) } });
    const b = (state: typeof sure) => readinessOf(state, 's1', ['a', 'b'], graph, S)('b');
    expect(gateLabel(b(sure), S)).toBe('not_ready');
    expect(gateLabel(b(sure), P)).toBe('ready');
    expect(gateLabel(b(unsure), S)).toBe('not_ready');
    expect(gateLabel(b(unsure), P)).toBe('uncertain');
  });

  it('with the posterior label, stays undecided where the model cannot tell ready from not ready, however short those answers fall', () => {
    const ready = answers(400, true, 0, 'r').map((o) => ({ ...o, readyP: 0.95 }));
    const unsure = answers(600, false, -0.3, 'u').map((o) => ({ ...o, readyP: 0.5 }));
    expect(gateVerdict(addGateEvidence(emptyGateEvidence, [...ready, ...unsure], P), P)).toMatchObject({ kind: 'undecided', readyAnswers: 400, notReadyAnswers: 0 });
    // Counted by the mastery flags (the default), the same answers give a verdict.
    expect(gateVerdict(addGateEvidence(emptyGateEvidence, [...ready, ...unsure], S), S).kind).toBe('holds');
  });

  it('with the posterior label, decides against its own threshold', () => {
    // Half right at P 0.5 when ready, at P 0.545 when not: a gap of exactly −0.045.
    const at = (n: number, predicted: number, ready: boolean): GateObservation[] =>
      Array.from({ length: n }, (_, i) => ({ outcome: i % 2, predicted, ready, readyP: ready ? 0.95 : 0.05, practisedBefore: true }));
    const between = addGateEvidence(emptyGateEvidence, [...at(400, 0.5, true), ...at(400, 0.545, false)], P);
    expect(gateVerdict(between, P).gap).toBeCloseTo(-0.045, 9);
    expect(gateVerdict(between, P).kind).toBe('does_not_hold');
    expect(gateVerdict(between, S).kind).toBe('holds');
  });

  it("reads a reference model with the drift its thresholds were measured with, no per-student rate and full credit; none when the school's model is that model", () => {
    expect(gateReferenceSettings(S)).toBeNull();
    const school = { ...S, model: { ...S.model, thetaDriftPerObservation: 0.03, learnRateVariance: 0.3 } };
    const reference = gateReferenceSettings(school);
    expect(reference?.model.thetaDriftPerObservation).toBe(S.gateCheck.referenceDriftPerObservation);
    expect(reference?.model.learnRateVariance).toBe(0);
    expect(reference?.model.learnPerMinute).toBe(school.model.learnPerMinute);
    expect(gateReferenceSettings({ ...S, model: { ...S.model, thetaDriftPerObservation: 0.03 } })?.model.thetaDriftPerObservation).toBe(0.1);
  });
});
