import { describe, expect, it } from 'vitest';
import type { BubbleField, DigitGridField, ScoreField } from '../layout/printedPage';
import type { TargetsMeasure } from './bubbles';
import type { BoxInk } from './handwriting';
import { canonicalNumber, classifyFills, interpretBubbles, interpretDigitGrid, interpretScore } from './interpret';
import { DEFAULT_VISION_SETTINGS as S } from './settings';

const band = S.bubbles;
const { definite: D, marginal: M } = band;

/** Measurements as the bubble stage would return them. */
function measure(fills: Record<string, number | [number, number]>): TargetsMeasure {
  return {
    offset: { x: 0, y: 0 },
    alignment: 0.5,
    fills: Object.entries(fills).map(([value, f], i) => {
      const [fill, dark] = Array.isArray(f) ? f : [f, f > 0.5 ? f : 0];
      return { value, fill, dark, expected: { x: 100 + 50 * i, y: 100 }, found: { x: 100 + 50 * i, y: 100 }, radiusPx: 24, paper: 240 };
    }),
  };
}
const single: BubbleField = { kind: 'bubbles', id: 'q1', itemId: 'i1', multi: false, targets: [] };
const multi: BubbleField = { ...single, id: 'q2', multi: true };

describe('classifyFills at the thresholds', () => {
  it('definite is marked, just below is marginal, below marginal is empty', () => {
    const d = classifyFills([{ value: 'A', fill: D }, { value: 'B', fill: D - 0.001 }, { value: 'C', fill: M - 0.001 }], band);
    expect(d.marked).toEqual(['A']);
    expect(d.marginal).toEqual(['B']);
    expect(d.erased).toEqual([]);
  });

  it('confidence is high far from the band and zero inside it', () => {
    expect(classifyFills([{ value: 'A', fill: 0.95 }, { value: 'B', fill: 0.01 }], band).confidence).toBeGreaterThan(0.85);
    expect(classifyFills([{ value: 'A', fill: (D + M) / 2 }], band).confidence).toBe(0);
    expect(classifyFills([{ value: 'A', fill: D + 0.01 }], band).confidence).toBeLessThan(0.1);
  });
});

describe('interpretBubbles', () => {
  it('reads one clear mark', () => {
    const r = interpretBubbles(single, measure({ A: 0.01, B: 0.93, C: 0.02, D: 0.01 }), S);
    expect(r).toMatchObject({ fieldId: 'q1', itemId: 'i1', value: 'B', status: 'ok', reasons: [] });
    expect(r.confidence).toBeGreaterThan(0.8);
    expect(r.evidence.fills.map((f) => f.value)).toEqual(['A', 'B', 'C', 'D']);
    expect(r.evidence.crop).toBeDefined();
  });

  it('is blank with no ink', () => {
    const r = interpretBubbles(single, measure({ A: 0.01, B: 0.02 }), S);
    expect(r.status).toBe('blank');
    expect(r.value).toBeNull();
  });

  it('sends a marginal mark to review with a suggestion', () => {
    const r = interpretBubbles(single, measure({ A: 0.01, B: (D + M) / 2 }), S);
    expect(r.status).toBe('review');
    expect(r.value).toBe('B');
    expect(r.reasons).toEqual(['marginal_mark:B']);
    expect(r.confidence).toBeLessThanOrEqual(0.5);
  });

  it('detects multiple marks in a single-answer field', () => {
    const r = interpretBubbles(single, measure({ A: 0.9, B: 0.02, C: 0.85 }), S);
    expect(r.status).toBe('review');
    expect(r.value).toBeNull();
    expect(r.reasons).toContain('multiple_marks');
    expect(r.confidence).toBe(0);
  });

  it('treats light residue next to a clear mark as erased', () => {
    const r = interpretBubbles(single, measure({ A: [0.22, 0.0], B: 0.94 }), S);
    expect(r.status).toBe('ok');
    expect(r.value).toBe('B');
    expect(r.reasons).toEqual(['erased:A']);
  });

  it('but not a dark tick next to a clear mark', () => {
    const r = interpretBubbles(multi, measure({ A: 0.95, B: [0.3, 0.3] }), S);
    expect(r.status).toBe('review');
    expect(r.reasons).toEqual(['marginal_mark:B']);
  });

  it('and not residue on its own (no clear mark to explain it)', () => {
    const r = interpretBubbles(single, measure({ A: [0.22, 0], B: 0.01 }), S);
    expect(r.status).toBe('review');
  });

  it('joins several marks of a multi-answer field in target order', () => {
    const r = interpretBubbles(multi, measure({ A: 0.9, B: 0.01, C: 0.6, D: 0.02, E: 0.88 }), S);
    expect(r).toMatchObject({ value: 'A,C,E', status: 'ok' });
  });
});

describe('interpretScore', () => {
  const score: ScoreField = { kind: 'score', id: 'q6', itemId: 'i6', targets: [] };
  it('gives the ticked score, with the score band (ticks cover little of a box)', () => {
    expect(interpretScore(score, measure({ 0: 0.01, 1: 0.02, 2: [0.22, 0.2], 3: 0.01 }), S)).toMatchObject({ value: '2', status: 'ok' });
  });
  it('sends two ticks to review and no tick to blank', () => {
    expect(interpretScore(score, measure({ 0: 0.2, 1: 0.01, 2: 0.22 }), S)).toMatchObject({ status: 'review', reasons: ['multiple_marks'] });
    expect(interpretScore(score, measure({ 0: 0.01, 1: 0.01 }), S)).toMatchObject({ status: 'blank', value: null });
  });
});

describe('interpretDigitGrid', () => {
  const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
  const col = (v: string | null | string[], extra: Record<string, number> = {}) =>
    measure(Object.fromEntries(digits.map((d) => [d, (Array.isArray(v) ? v.includes(d) : d === v) ? 0.92 : extra[d] ?? 0.01])));
  const flag = (on: boolean, value: string) => measure({ [value]: on ? 0.9 : 0.01 });
  const roles = ['sign', 'digit', 'digit', 'point', 'digit'] as const;
  const grid: DigitGridField = {
    kind: 'digit_grid',
    id: 'q4',
    itemId: 'i4',
    columns: roles.map((role) => ({ role, targets: [] })),
    boxes: [],
  };
  const noInk: BoxInk[] = [];

  it('reads sign, digits, point and decimals', () => {
    const r = interpretDigitGrid(grid, [flag(true, '-'), col('1'), col('2'), flag(true, '.'), col('5')], noInk, S);
    expect(r).toMatchObject({ value: '-12.5', status: 'ok', reasons: [] });
    expect(r.evidence.fills).toHaveLength(1 + 10 + 10 + 1 + 10);
  });

  it('allows leading blanks in the integer part and trailing blank decimals', () => {
    expect(interpretDigitGrid(grid, [flag(false, '-'), col(null), col('7'), flag(false, '.'), col(null)], noInk, S)).toMatchObject({ value: '7', status: 'ok' });
  });

  it('implies the point when decimals are filled', () => {
    const r = interpretDigitGrid(grid, [flag(false, '-'), col('0'), col('3'), flag(false, '.'), col('5')], noInk, S);
    expect(r).toMatchObject({ value: '3.5', status: 'ok', reasons: ['point_implied'] });
  });

  it('sends a gap inside the number to review', () => {
    const r = interpretDigitGrid(grid, [flag(false, '-'), col('4'), col(null), flag(true, '.'), col('5')], noInk, S);
    expect(r.status).toBe('review');
    expect(r.reasons).toContain('gap_in_digits');
  });

  it('sends two marks in one column to review', () => {
    const r = interpretDigitGrid(grid, [flag(false, '-'), col(['1', '7']), col('2'), flag(false, '.'), col(null)], noInk, S);
    expect(r.status).toBe('review');
    expect(r.reasons).toContain('multiple_marks:1');
  });

  it('is blank when nothing is filled, and review when only the boxes were written in', () => {
    const blank = [flag(false, '-'), col(null), col(null), flag(false, '.'), col(null)];
    expect(interpretDigitGrid(grid, blank, noInk, S)).toMatchObject({ status: 'blank', value: null });
    const written: BoxInk[] = [{ crop: { x: 0, y: 0, w: 10, h: 10 }, inkFraction: 0.2, inkMm2: 6 }];
    expect(interpretDigitGrid(grid, blank, written, S)).toMatchObject({ status: 'review', reasons: ['handwriting_without_bubbles'] });
  });

  it('a sign alone is not a number', () => {
    const r = interpretDigitGrid(grid, [flag(true, '-'), col(null), col(null), flag(false, '.'), col(null)], noInk, S);
    expect(r).toMatchObject({ status: 'review', value: null, reasons: ['no_digits'] });
  });

  it('integer-only grids accept blanks at either end', () => {
    const ints: DigitGridField = { ...grid, columns: [0, 1, 2].map(() => ({ role: 'digit' as const, targets: [] })) };
    expect(interpretDigitGrid(ints, [col('4'), col('2'), col(null)], noInk, S).value).toBe('42');
    expect(interpretDigitGrid(ints, [col(null), col('4'), col('2')], noInk, S).value).toBe('42');
  });
});

describe('canonicalNumber', () => {
  it.each([
    [false, '007', '50', '7.5'],
    [true, '12', '', '-12'],
    [true, '0', '0', '0'],
    [false, '', '25', '0.25'],
  ])('%s %s.%s → %s', (neg, i, d, want) => expect(canonicalNumber(neg, i, d)).toBe(want));
});
