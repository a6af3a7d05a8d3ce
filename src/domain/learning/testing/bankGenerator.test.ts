import { describe, expect, it } from 'vitest';
import { ItemInput } from '../../item';
import { generateBank } from './bankGenerator';
import { G7_MATH_SKILLS } from './g7MathGraph';

describe('seeded item-bank generator', () => {
  it('makes valid items, spread over skills and tiers, the same for the same seed', () => {
    const bank = generateBank({ seed: 1, n: 450, skills: G7_MATH_SKILLS });
    expect(bank).toHaveLength(450);
    for (const item of bank) expect(ItemInput.safeParse(item).success).toBe(true);
    expect(new Set(bank.map((i) => i.id)).size).toBe(450);
    for (const s of G7_MATH_SKILLS) {
      const mine = bank.filter((i) => i.skills[0] === s.id);
      expect(mine).toHaveLength(30);
      expect(new Set(mine.map((i) => i.tier))).toEqual(new Set(['basic', 'core', 'stretch']));
    }
    const mean = (t: string) => bank.filter((i) => i.tier === t).reduce((a, i) => a + i.difficulty, 0) / 150;
    expect(mean('basic')).toBeLessThan(mean('core'));
    expect(mean('core')).toBeLessThan(mean('stretch'));
    expect(generateBank({ seed: 1, n: 450, skills: G7_MATH_SKILLS })).toEqual(bank);
    expect(generateBank({ seed: 2, n: 450, skills: G7_MATH_SKILLS })).not.toEqual(bank);
  });
});
