import { describe, expect, it } from 'vitest';
import type { Corner } from '../layout/printedPage';
import type { MeasuredMark } from './marks';
import { orientMarks } from './orientation';

const mark = (imageCorner: Corner, sidePx: number): MeasuredMark => ({ imageCorner, x: 0, y: 0, sidePx, angleDeg: 0, fill: 1, aspect: 1, grey: 20, quality: 1 });
const withBig = (big: Corner) => ({
  tl: mark('tl', big === 'tl' ? 94 : 59),
  tr: mark('tr', big === 'tr' ? 94 : 59),
  br: mark('br', big === 'br' ? 94 : 59),
  bl: mark('bl', big === 'bl' ? 94 : 59),
});

describe('orientMarks', () => {
  it.each([
    ['tl', 0, { tl: 'tl', tr: 'tr', br: 'br', bl: 'bl' }],
    ['tr', 90, { tl: 'tr', tr: 'br', br: 'bl', bl: 'tl' }],
    ['br', 180, { tl: 'br', tr: 'bl', br: 'tl', bl: 'tr' }],
    ['bl', 270, { tl: 'bl', tr: 'tl', br: 'tr', bl: 'br' }],
  ] as const)('big mark in the image %s → turned %i°', (big, orientation, map) => {
    const r = orientMarks(withBig(big), 1.25);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.orientation).toBe(orientation);
    for (const [page, image] of Object.entries(map)) expect(r.value.byPageCorner[page as Corner].imageCorner).toBe(image);
  });

  it('refuses when no mark is clearly the largest', () => {
    const marks = withBig('tl');
    marks.tl = mark('tl', 62);
    const r = orientMarks(marks, 1.25);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('ambiguous_orientation');
  });
});
