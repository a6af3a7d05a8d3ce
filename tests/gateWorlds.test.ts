import { describe, expect, it } from 'vitest';
import type { GateVerdict } from '../src/domain/learning/gateCheck';
import { DEFAULT_LEARNING_SETTINGS } from '../src/domain/learning/settings';
import { simulateArm } from '../src/sim/cohortSim';
import type { LearnerParams } from '../src/sim/learner';
import { loadG7Graph } from '../bench/lib/data';

/**
 * The prerequisite gate check with the posterior readiness label (`gateCheck.readiness`
 * 'posterior') on simulated classes (30 students, the demo graph, the personalised arm), run until
 * its verdict. The seeds are tuning seeds on which the check reads the world wrong with the mastery
 * flags (the default label): the central world (practice before the prerequisites teaches ×0.3) as
 * "does not hold", and a world where prerequisites do not gate learning (×1) as "holds". See
 * docs/mastery.md, section 2b, round 9.
 */
const settings = { ...DEFAULT_LEARNING_SETTINGS, gateCheck: { ...DEFAULT_LEARNING_SETTINGS.gateCheck, readiness: 'posterior' as const } };

function verdictIn(learner: Partial<LearnerParams>, seed: number): GateVerdict {
  const graph = loadG7Graph();
  let verdict: GateVerdict | null = null;
  try {
    simulateArm(
      { seed, students: 30, days: 20, horizonDays: 20, restrictedDays: 20, skills: graph.skills, unitSkills: graph.unit, learner, settings,
        onDay: (trace) => {
          verdict = trace.gate;
          if (trace.gate.kind !== 'undecided') throw trace.gate;
        } },
      'personalised',
    );
  } catch (e) {
    if (e !== verdict) throw e;
  }
  return verdict!;
}

describe('the gate check on simulated classes', () => {
  it('holds where not-ready practice teaches ×0.3 (seed 7004)', () => {
    const v = verdictIn({}, 7004);
    expect(v).toMatchObject({ kind: 'holds', notReadyAnswers: settings.gateCheck.minAnswers });
  }, 120_000);

  it('does not hold where prerequisites do not gate learning (seed 7003)', () => {
    const v = verdictIn({ prerequisitePenalty: 1 }, 7003);
    expect(v).toMatchObject({ kind: 'does_not_hold', notReadyAnswers: settings.gateCheck.minAnswers });
  }, 120_000);
});
