import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from './text';

// A monospace measure: 1 mm per character at 10 pt, CJK characters twice as wide.
const measure = (t: string, pt: number) => [...t].reduce((w, c) => w + (/[\u4e00-\u9fff]/.test(c) ? 2 : 1), 0) * (pt / 10);

describe('wrapText', () => {
  it('breaks English at spaces and Chinese between characters', () => {
    expect(wrapText('the quick brown fox', 10, 10, measure)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('解方程二加三', 6, 10, measure)).toEqual(['解方程', '二加三']);
  });

  it('never returns a line wider than the width, and loses no characters (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'bb', 'ccc', ' ', '分', '数', 'x=2', '\n'), { maxLength: 40 }), fc.integer({ min: 3, max: 30 }), (parts, width) => {
        const text = parts.join('');
        const lines = wrapText(text, width, 10, measure);
        const ok = lines.every((l) => measure(l, 10) <= width);
        return ok && lines.join('').replace(/\s/g, '') === text.replace(/\s/g, '');
      }),
    );
  });
});
