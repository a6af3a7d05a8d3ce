import { describe, expect, it } from 'vitest';
import { seededRng } from '../../domain/random';
import { createImage } from '../image';
import { addDust } from './scan';

describe('addDust', () => {
  it('lays the asked number of small grey-60 specks, the same for the same seed', () => {
    const seed = 5;
    console.log(`seed ${seed}`);
    const a = addDust(createImage(200, 200, 240), 10, seededRng(seed));
    const b = addDust(createImage(200, 200, 240), 10, seededRng(seed));
    expect(a.data).toEqual(b.data);
    const dark = a.data.filter((v) => v !== 240);
    expect(dark.every((v) => v === 60)).toBe(true);
    // Ten discs of radius 0.5–2.5 px: at least one pixel each, at most ten full 5 px discs.
    expect(dark.length).toBeGreaterThanOrEqual(1);
    expect(dark.length).toBeLessThanOrEqual(10 * 25);
    expect(addDust(createImage(200, 200, 240), 0, seededRng(seed)).data.every((v) => v === 240)).toBe(true);
  });
});
