import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from './settings';

describe('VisionSettings', () => {
  it('has a default for every setting, and the defaults keep the decision bands in order', () => {
    // Every leaf of the parsed empty object holds a value: a setting without a default would be undefined here.
    const undefinedLeaves: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (v === undefined) undefinedLeaves.push(path);
      else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(VisionSettings.parse({}), 'settings');
    expect(undefinedLeaves).toEqual([]);
    // Every group and every key the schema accepts (its JSON Schema, an independent listing) has a value in the defaults.
    const schema = z.toJSONSchema(VisionSettings, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    const defaults = DEFAULT_VISION_SETTINGS as unknown as Record<string, Record<string, unknown>>;
    const missing = Object.entries(schema.properties).flatMap(([group, g]) => Object.keys(g.properties ?? {}).filter((k) => defaults[group]?.[k] === undefined).map((k) => `${group}.${k}`));
    expect(missing).toEqual([]);
    expect(Object.keys(schema.properties).length).toBeGreaterThan(5);
    for (const b of [DEFAULT_VISION_SETTINGS.bubbles, DEFAULT_VISION_SETTINGS.score]) {
      expect(b.residueMin).toBeLessThan(b.marginal);
      expect(b.marginal).toBeLessThanOrEqual(b.lightFill);
      expect(b.lightFill).toBeLessThanOrEqual(b.definite);
      expect(b.strokeFill).toBeLessThanOrEqual(b.definite);
    }
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
