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
});
