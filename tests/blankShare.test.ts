import { describe, expect, it } from 'vitest';
import { BLANK_SHARE_START, GREY_COARSE_FIRST_FROM, nextBlankShare } from '../src/scan/pageReader';

const run = (pages: boolean[], start = BLANK_SHARE_START) => pages.reduce((share, blank) => nextBlankShare(share, blank), start);
const shrinksFirst = (share: number) => share >= GREY_COARSE_FIRST_FROM;

describe('the blank share that picks a grey JPEG’s decode order', () => {
  it('keeps shrinking first through a duplex stack of one-sided pages (every other page blank)', () => {
    let share = BLANK_SHARE_START;
    for (let i = 0; i < 200; i++) {
      share = nextBlankShare(share, i % 2 === 1);
      expect(shrinksFirst(share)).toBe(true);
    }
  });

  it('turns to the single full decode after about ten workbook pages, and back within a few blank backs', () => {
    expect(shrinksFirst(run(Array<boolean>(8).fill(false)))).toBe(true);
    const afterWorkbooks = run(Array<boolean>(20).fill(false));
    expect(shrinksFirst(afterWorkbooks)).toBe(false);
    expect(shrinksFirst(run([true], afterWorkbooks))).toBe(false);
    expect(shrinksFirst(run([true, true], afterWorkbooks))).toBe(true);
  });

  it('stays on the full decode for a stack with one blank page in twenty', () => {
    const pages = Array.from({ length: 400 }, (_, i) => i % 20 === 19);
    let share = run(pages.slice(0, 40));
    for (const blank of pages.slice(40)) {
      share = nextBlankShare(share, blank);
      expect(shrinksFirst(share)).toBe(false);
    }
  });
});
