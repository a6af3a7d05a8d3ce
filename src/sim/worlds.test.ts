import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_SETTINGS } from '../domain/learning/settings';
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

describe('mastery driver', () => {
  const small = { seed: 11, students: 8, days: 4, horizonDays: 4, unitSkills: G7_RATIONAL_UNIT.slice(0, 4) };
  it('the logistic driver decides mastery every day and changes the decisions; the Elo driver never hands over', () => {
    const elo = simulateArm({ ...small, masteryDriver: 'elo' }, 'personalised');
    const logistic = simulateArm({ ...small, masteryDriver: 'logistic' }, 'personalised');
    expect(elo.logisticDays).toBe(0);
    expect(logistic.logisticDays).toBe(logistic.daysRun);
    expect(logistic.finalEstimatedMastered).not.toEqual(elo.finalEstimatedMastered);
    expect(Number.isFinite(elo.predictionLogLoss.logistic)).toBe(true);
  });
  it('the rule keeps Elo driving until both models predicted modelChoice.minAnswers answers', () => {
    const tiny = { ...small, students: 4, days: 2, horizonDays: 2 };
    const rule = simulateArm({ ...tiny, masteryDriver: 'rule' }, 'personalised');
    expect(rule.responses).toBeLessThan(DEFAULT_LEARNING_SETTINGS.modelChoice.minAnswers);
    expect(rule.logisticDays).toBe(0);
    expect(rule).toEqual(simulateArm({ ...tiny, masteryDriver: 'elo' }, 'personalised'));
  });
});
