import { describe, expect, it } from 'vitest';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from './settings';

describe('VisionSettings', () => {
  it('has every default in the schema', () => {
    expect(VisionSettings.parse({})).toEqual(DEFAULT_VISION_SETTINGS);
    expect(DEFAULT_VISION_SETTINGS.bubbles.marginal).toBeLessThanOrEqual(DEFAULT_VISION_SETTINGS.bubbles.definite);
    expect(DEFAULT_VISION_SETTINGS.score.marginal).toBeLessThanOrEqual(DEFAULT_VISION_SETTINGS.score.definite);
  });

  it('takes partial overrides and keeps the other defaults', () => {
    const s = VisionSettings.parse({ bubbles: { definite: 0.5 }, marks: { searchWindowMm: 60 } });
    expect(s.bubbles.definite).toBe(0.5);
    expect(s.bubbles.marginal).toBe(DEFAULT_VISION_SETTINGS.bubbles.marginal);
    expect(s.marks.searchWindowMm).toBe(60);
    expect(s.marks.minFill).toBe(DEFAULT_VISION_SETTINGS.marks.minFill);
  });

  it('refuses marginal above definite, for bubbles and for score boxes', () => {
    expect(VisionSettings.safeParse({ bubbles: { definite: 0.1 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ bubbles: { lightFill: 0.05 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ handwriting: { blankMaxInkMm2: 2 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ score: { definite: 0.3, marginal: 0.4 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ bubbles: { definite: 0.3, marginal: 0.3, lightFill: 0.3 } }).success).toBe(true);
  });

  it('refuses out-of-range values', () => {
    expect(VisionSettings.safeParse({ decode: { maxReduceFactor: 3.5 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ marks: { minFill: 1.5 } }).success).toBe(false);
    expect(VisionSettings.safeParse({ marks: { smallMarkMm: 9, largeMarkMm: 8 } }).success).toBe(false);
  });
});
