import { describe, expect, it } from 'vitest';
import { G7_RATIONAL_UNIT } from '../domain/learning/testing/g7MathGraph';
import { simulateArm } from './cohortSim';
import { DEFAULT_LEARNER } from './learner';
import { ASSUMPTIONS, sweepWorlds } from './worlds';

describe('simulator worlds and checkpoints', () => {
  it('every checkpoint gives the figures of the restricted cut at that day', () => {
    const unitSkills = G7_RATIONAL_UNIT.slice(0, 3);
    const seed = 5;
    for (const arm of ['uniform', 'personalised'] as const) {
      const withCheckpoints = simulateArm({ seed, students: 10, days: 3, horizonDays: 30, restrictedDays: 30, checkpointDays: [4, 8, 30], unitSkills }, arm);
      for (const cp of withCheckpoints.checkpoints) {
        const cut = simulateArm({ seed, students: 10, days: 3, horizonDays: 30, restrictedDays: cp.days, unitSkills }, arm);
        expect(cp, `${arm} day ${cp.days} (seed ${seed})`).toEqual(cut.restricted);
      }
    }
  });

  it('the sweep moves each named assumption away from its central value', () => {
    const worlds = sweepWorlds();
    expect(worlds[0]?.label).toBe('central');
    expect(ASSUMPTIONS.map((a) => a.name)).toEqual(expect.arrayContaining(['prerequisitePenalty', 'learnLogSd', 'skillSd', 'itemNoiseSd', 'guess/slip', 'classCalendarDays', 'classReview']));
    for (const a of ASSUMPTIONS) {
      expect(a.source.length).toBeGreaterThan(0);
      for (const v of a.values) expect(v.label, a.name).not.toBe(a.central);
    }
    expect(ASSUMPTIONS.find((a) => a.name === 'prerequisitePenalty')?.central).toBe(String(DEFAULT_LEARNER.prerequisitePenalty));
  });
});
