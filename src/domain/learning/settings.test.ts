import { describe, expect, it } from 'vitest';
import { DEFAULT_LEARNING_SETTINGS, learningSettings } from './settings';

describe('learning settings', () => {
  it('has a default for every value, and partial input fills the rest', () => {
    expect(DEFAULT_LEARNING_SETTINGS.mastery.masteredP).toBe(0.8);
    expect(DEFAULT_LEARNING_SETTINGS.selection.targetSuccessLow).toBe(0.6);
    const r = learningSettings({ selection: { subjectMinutes: 20 }, modules: { review: false } });
    expect(r.ok && r.value.selection.subjectMinutes).toBe(20);
    expect(r.ok && r.value.selection.targetSuccessHigh).toBe(0.8);
    expect(r.ok && r.value.modules).toMatchObject({ review: false, personalisation: true });
  });

  it('refuses inconsistent thresholds as data', () => {
    const r = learningSettings({ selection: { targetSuccessLow: 0.9, targetSuccessHigh: 0.7 }, mastery: { masteryLostBelowP: 0.9 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues.map((i) => i.path).sort()).toEqual(['mastery.masteryLostBelowP', 'selection.targetSuccessLow']);
    expect(learningSettings({ mastery: { masteredP: 2 } }).ok).toBe(false);
  });

  it('refuses focus options without focus, and focusEndsSheet without a learning rate, naming the fix', () => {
    const pathsOf = (input: Parameters<typeof learningSettings>[0]) => {
      const r = learningSettings(input);
      return r.ok ? [] : r.error.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(pathsOf({ selection: { focusEndsSheet: true } })).toEqual([expect.stringMatching(/^selection\.focusSkills: .*Fix: /)]);
    expect(pathsOf({ selection: { focusWhen: 'gate_holds' } })).toEqual([expect.stringMatching(/^selection\.focusSkills: .*Fix: /)]);
    expect(pathsOf({ selection: { focusSkills: 1, focusEndsSheet: true }, model: { learnPerMinute: 0 } })).toEqual([expect.stringMatching(/^selection\.focusEndsSheet: .*Fix: /)]);
    expect(pathsOf({ selection: { focusSkills: 1, focusEndsSheet: true, focusWhen: 'gate_holds' } })).toEqual([]);
    expect(pathsOf({ model: { learnPerMinute: 0 } })).toEqual([]);
  });
});
