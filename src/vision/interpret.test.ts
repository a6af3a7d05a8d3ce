import { describe, expect, it } from 'vitest';
import type { BubbleField, DigitGridField, ScoreField } from '../layout/printedPage';
import type { TargetsMeasure } from './bubbles';
import type { FillShape } from './fillShape';
import type { BoxInk } from './handwriting';
import { canonicalNumber, classifyFills, interpretBubbles, interpretDigitGrid, interpretScore, pageFillStats } from './interpret';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';

const band = S.bubbles;
const { definite: D, marginal: M, lightFill: L, strokeFill: SF } = band;

/** Measurements as the bubble stage would return them: fill, or [fill, dark, spread]. */
function measure(fills: Record<string, number | [number, number] | [number, number, number]>): TargetsMeasure {
  return {
    offset: { x: 0, y: 0 },
    alignment: 0.5,
    fills: Object.entries(fills).map(([value, f], i) => {
      const [fill, dark, spread] = Array.isArray(f) ? [f[0], f[1], f[2] ?? (f[1] > 0 ? 0.6 : 0)] : [f, f > 0.5 ? f : 0, f > 0.5 ? 0.7 : 0];
      return { value, fill, dark, spread, expected: { x: 100 + 50 * i, y: 100 }, found: { x: 100 + 50 * i, y: 100 }, radiusPx: 24, paper: 240 };
    }),
  };
}
const single: BubbleField = { kind: 'bubbles', id: 'q1', itemId: 'i1', multi: false, targets: [] };
const multi: BubbleField = { ...single, id: 'q2', multi: true };

describe('classifyFills at the thresholds', () => {
  it('definite is marked, an even fill between marginal and lightFill is marginal, below marginal is empty', () => {
    const d = classifyFills([{ value: 'A', fill: D }, { value: 'B', fill: L - 0.001 }, { value: 'C', fill: M - 0.001 }], band);
    expect(d.marked).toEqual(['A']);
    expect(d.marginal).toEqual(['B']);
    expect(d.erased).toEqual(['C']);
  });

  it('an even light fill at lightFill is a mark (light pencil), residue well below it is not', () => {
    expect(classifyFills([{ value: 'A', fill: L, dark: 0 }], band).marked).toEqual(['A']);
    expect(classifyFills([{ value: 'A', fill: M - 0.02, dark: 0 }], band)).toMatchObject({ marked: [], marginal: [], erased: ['A'] });
  });

  it('a stroke across the target (tick, cross) is a mark from strokeFill; a dot in the middle is not', () => {
    expect(classifyFills([{ value: 'A', fill: SF + 0.02, dark: 0.15, spread: 0.6 }], band).marked).toEqual(['A']);
    expect(classifyFills([{ value: 'A', fill: SF + 0.02, dark: 0.15, spread: 0.25 }], band).marginal).toEqual(['A']);
    // A faint stroke below strokeFill is never silently empty.
    expect(classifyFills([{ value: 'A', fill: SF - 0.02, dark: 0.1, spread: 0.6 }], band).marginal).toEqual(['A']);
  });

  it('a faint fill (below lightFill, no dark ink) beside the one answer of its group is an erasure; elsewhere a person looks', () => {
    const strong = { value: 'A', fill: 0.9, dark: 1, spread: 0.7 };
    const faint = { value: 'B', fill: 0.25, dark: 0 };
    expect(classifyFills([strong, faint], band, undefined, true)).toMatchObject({ marked: ['A'], marginal: [], erased: ['B'] });
    // A multi-answer field: residue or a light mark, the pixels cannot tell.
    expect(classifyFills([strong, faint], band)).toMatchObject({ marked: ['A'], marginal: ['B'] });
    // Alone, with nothing to outweigh it: a person looks.
    expect(classifyFills([faint], band, undefined, true).marginal).toEqual(['B']);
    // An even fill at lightFill is darker than any residue: a mark, beside a solid one too.
    expect(classifyFills([strong, { value: 'B', fill: L, dark: 0 }], band).marked).toEqual(['A', 'B']);
    // A stroke across the target (a tick) is a mark of its own: its dark ink is evidence.
    expect(classifyFills([strong, { value: 'B', fill: SF + 0.02, dark: 0.15, spread: 0.6 }], band).marked).toEqual(['A', 'B']);
  });

  it('an answer without dark ink (a light fill) outweighs a faint fill only when far darker', () => {
    const light = { value: 'A', fill: 0.42, dark: 0 };
    expect(classifyFills([light, { value: 'B', fill: 0.42 * band.relativeMarked - 0.02, dark: 0 }], band, undefined, true).erased).toEqual(['B']);
    expect(classifyFills([light, { value: 'B', fill: 0.42 * band.relativeMarked + 0.02, dark: 0 }], band, undefined, true).marginal).toEqual(['B']);
  });

  it('dark ink only on the rim of the sampled area (the outline, sampled off-centre) is never a mark', () => {
    const rim = { value: 'A', fill: 0.15, dark: 0.13, spread: band.strokeMaxSpread + 0.05 };
    expect(classifyFills([rim], band)).toMatchObject({ marked: [], marginal: ['A'], offCentre: ['A'] });
    expect(classifyFills([{ ...rim, spread: 0.6 }], band).marked).toEqual(['A']);
    // A definite fill is a mark wherever its ink sits.
    expect(classifyFills([{ ...rim, fill: D + 0.1 }], band).marked).toEqual(['A']);
  });

  it('a mark must stand out of the page empty-target distribution', () => {
    const noisy = { level: 0.02, noise: 0.06, targets: 200 };
    const d = classifyFills([{ value: 'A', fill: L + 0.05, dark: 0 }], band, noisy);
    expect(d.marginal).toEqual(['A']);
    expect(classifyFills([{ value: 'A', fill: L + 0.05, dark: 0 }], band, { level: 0.005, noise: 0.004, targets: 200 }).marked).toEqual(['A']);
    // Too few targets on the page: no page statistics.
    expect(classifyFills([{ value: 'A', fill: L + 0.05, dark: 0 }], band, { ...noisy, targets: 3 }).marked).toEqual(['A']);
  });

  it('pageFillStats takes the median and the scaled MAD of the empty-looking targets', () => {
    const s = pageFillStats([0, 0.01, 0.01, 0.02, 0.9, 0.85, 0.7, 0.66, 0.3], band);
    expect(s.level).toBeCloseTo(0.01);
    expect(s.noise).toBeCloseTo(1.4826 * 0.005);
    expect(s.targets).toBe(4);
    // The writer's level: the median of the clear marks (lightFill or darker, above the empty level); 0.3 is not one.
    expect(s.writerMarks).toBe(4);
    expect(s.writerLevel).toBeCloseTo((0.85 + 0.7) / 2 - 0.01);
  });

  it("a faint fill as dark as this writer marks on the page (a light-pencil writer) is a mark; far below a dark writer's level, a person looks", () => {
    const empty = Array.from({ length: 40 }, (_, i) => 0.005 + (i % 3) * 0.002);
    const light = pageFillStats([...empty, 0.35, 0.36, 0.38, 0.4], band);
    const dark = pageFillStats([...empty, 0.8, 0.85, 0.9, 0.75], band);
    const floor = band.writerFraction * light.writerLevel!;
    expect(floor).toBeLessThan(L);
    const faint = { value: 'B', fill: light.level + floor + 0.01, dark: 0 };
    expect(classifyFills([faint], band, light, true)).toMatchObject({ marked: ['B'], marginal: [] });
    expect(classifyFills([faint], band, dark, true)).toMatchObject({ marked: [], marginal: ['B'], faint: ['B'] });
    // Below the writer's floor, or with fewer clear marks on the page than writerMinMarks: a person looks.
    expect(classifyFills([{ ...faint, fill: light.level + floor - 0.01 }], band, light, true).marginal).toEqual(['B']);
    expect(classifyFills([faint], band, { ...light, writerMarks: band.writerMinMarks - 1 }, true).marginal).toEqual(['B']);
    // The neighbour rule first: beside a mark with dark ink of its own the faint fill is an erasure.
    expect(classifyFills([{ value: 'A', fill: 0.9, dark: 1, spread: 0.7 }, faint], band, light, true)).toMatchObject({ marked: ['A'], erased: ['B'] });
    // Beside an answer that does not outweigh it, two marks in a question that takes one: the field goes to review.
    const r = interpretBubbles(single, measure({ A: [light.level + 0.36, 0], B: [faint.fill, 0], C: 0.005, D: 0.005 }), S, light);
    expect(r).toMatchObject({ status: 'review', reasons: ['multiple_marks'] });
    // In a multi-answer field the marks keep target order.
    expect(interpretBubbles(multi, measure({ A: [faint.fill, 0], B: 0.005, C: [0.9, 1, 0.7] }), S, light)).toMatchObject({ status: 'ok', value: 'A,C' });
  });

  it('confidence is high far from the boundaries and zero for a marginal target', () => {
    expect(classifyFills([{ value: 'A', fill: 0.95 }, { value: 'B', fill: 0.01 }], band).confidence).toBeGreaterThan(0.85);
    expect(classifyFills([{ value: 'A', fill: (M + L) / 2 }], band).confidence).toBe(0);
    expect(classifyFills([{ value: 'A', fill: M - 0.005 }], band).confidence).toBeLessThan(0.2);
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
    const r = interpretBubbles(single, measure({ A: 0.01, B: (L + M) / 2 }), S);
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

  it('a dark erasure (about 78 % grey) beside a solid mark in a single-answer field is an erasure: the solid mark is the answer', () => {
    const r = interpretBubbles(single, measure({ A: [0.25, 0], B: 0.95, C: 0.01 }), S);
    expect(r).toMatchObject({ status: 'ok', value: 'B', reasons: ['erased:A'] });
  });

  it('treats light residue next to a clear mark as erased', () => {
    const r = interpretBubbles(single, measure({ A: [0.08, 0.0], B: 0.94 }), S);
    expect(r.status).toBe('ok');
    expect(r.value).toBe('B');
    expect(r.reasons).toEqual(['erased:A']);
  });

  it('but a dark tick next to a clear mark is a mark of its own', () => {
    const r = interpretBubbles(multi, measure({ A: 0.95, B: [0.2, 0.2, 0.6] }), S);
    expect(r).toMatchObject({ status: 'ok', value: 'A,B', reasons: [] });
  });

  it('a dark erasure (about 78 % grey) beside a solid mark is never graded as a second answer (multi-answer)', () => {
    const r = interpretBubbles(multi, measure({ A: [0.25, 0], B: 0.95, C: 0.01 }), S);
    expect(r).toMatchObject({ status: 'review', value: 'B', reasons: ['marginal_mark:A'] });
    expect(r.confidence).toBeLessThanOrEqual(S.review.maxConfidence);
  });

  it('a digit grid: residue in an unused column is not a leading digit, residue beside a column\'s digit is an erasure', () => {
    const grid: DigitGridField = {
      kind: 'digit_grid', id: 'g', itemId: 'i', boxes: [],
      columns: [0, 1, 2].map(() => ({ role: 'digit' as const, targets: [] })),
    };
    const col = (fills: Record<string, number | [number, number]>) => measure(fills);
    const r = interpretDigitGrid(grid, [col({ '4': [0.25, 0], '5': 0.01 }), col({ '8': 0.9, '1': 0.01 }), col({ '0': 0.88, '2': 0.01 })], [], S);
    expect(r.status).toBe('review');
    expect(r.reasons).toContain('marginal_mark:0:4');
    const erased = interpretDigitGrid(grid, [col({ '4': 0.01, '5': 0.01 }), col({ '8': 0.9, '1': [0.25, 0] }), col({ '0': 0.88, '2': 0.01 })], [], S);
    expect(erased).toMatchObject({ status: 'ok', value: '80', reasons: ['erased:1:1'] });
  });

  it('an even fill between residue and light pencil goes to review, with or without a clear mark', () => {
    expect(interpretBubbles(single, measure({ A: [0.16, 0], B: 0.01 }), S)).toMatchObject({ status: 'review', reasons: ['marginal_mark:A'] });
    expect(interpretBubbles(multi, measure({ A: [0.16, 0], B: 0.93 }), S)).toMatchObject({ status: 'review', value: 'B', reasons: ['marginal_mark:A'] });
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

  it('a faint fill alone in a column between two digits is the digit the number needs; at its end a person decides', () => {
    const ints: DigitGridField = { ...grid, columns: [0, 1, 2, 3].map(() => ({ role: 'digit' as const, targets: [] })) };
    const faint = (d: string) => measure(Object.fromEntries(digits.map((x) => [x, x === d ? ([0.25, 0] as [number, number]) : 0.01])));
    expect(interpretDigitGrid(ints, [col(null), col('1'), faint('7'), col('3')], noInk, S)).toMatchObject({ value: '173', status: 'ok', reasons: ['faint_digit:2:7'] });
    expect(interpretDigitGrid(ints, [col(null), faint('4'), col('7'), col('3')], noInk, S)).toMatchObject({ status: 'review', reasons: ['marginal_mark:1:4'] });
    expect(interpretDigitGrid(ints, [col(null), col('1'), faint('7'), faint('3')], noInk, S).status).toBe('review');
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

describe("a teacher's reading of an even faint fill (bubbles.faintAnswerFill, off by default)", () => {
  const on = VisionSettings.parse({ bubbles: { faintAnswerFill: 0.26 } }).bubbles;
  const even = { evenness: 0.98, centre: 1, grain: 0.05, outside: 0.03, outsidePeak: 0.1 };
  const faint = (value: string, fill: number, shape: FillShape = even) => ({ value, fill, dark: 0, spread: 0, shape });
  const solid = (value: string) => ({ value, fill: 0.8, dark: 1, spread: 0.71 });

  it('alone in a single-choice question it is the answer when turned on, else a person decides', () => {
    expect(classifyFills([faint('A', 0.28), { value: 'B', fill: 0.01 }], on, undefined, true)).toMatchObject({ marked: ['A'], marginal: [] });
    expect(classifyFills([faint('A', 0.28), { value: 'B', fill: 0.01 }], band, undefined, true)).toMatchObject({ marked: [], marginal: ['A'] });
  });
  it('beside the marks of a multi-answer question it is one more answer', () => {
    expect(classifyFills([solid('A'), faint('B', 0.28)], on)).toMatchObject({ marked: ['A', 'B'], marginal: [] });
  });
  it('below the level, two faint fills in a single-choice question, alone in a multi-answer one, or in a digit-grid column: a person', () => {
    expect(classifyFills([solid('A'), faint('B', 0.25)], on)).toMatchObject({ marked: ['A'], marginal: ['B'] });
    expect(classifyFills([faint('A', 0.28), faint('B', 0.28)], on, undefined, true)).toMatchObject({ marked: [], marginal: ['A', 'B'] });
    expect(classifyFills([faint('A', 0.28), { value: 'B', fill: 0.01 }], on)).toMatchObject({ marked: [], marginal: ['A'] });
    expect(classifyFills([faint('A', 0.28), { value: 'B', fill: 0.01 }], on, undefined, true, true)).toMatchObject({ marked: [], marginal: ['A'] });
  });
  it('never a faint tick (uneven, in strokes) nor residue by its shape', () => {
    expect(classifyFills([solid('A'), faint('B', 0.28, { evenness: 0.1, centre: 1.4, grain: 1.2, outside: 0.3, outsidePeak: 0.5 })], on)).toMatchObject({ marked: ['A'], marginal: ['B'] });
    expect(classifyFills([solid('A'), faint('B', 0.28, { ...even, outside: 0.4, outsidePeak: 0.5 })], on)).toMatchObject({ marked: ['A'], erased: ['B'] });
  });
  it('a band as dark as the fill itself (its pencil past the outline) is no smear: one more answer', () => {
    expect(classifyFills([solid('A'), faint('B', 0.28, { ...even, outside: 0.4, outsidePeak: 0.95 })], on)).toMatchObject({ marked: ['A', 'B'], erased: [] });
    expect(classifyFills([solid('A'), faint('B', 0.28, { ...even, outside: 0.4, outsidePeak: 0.95 })], band)).toMatchObject({ marked: ['A'], marginal: ['B'], erased: [] });
  });
  it('a stored shape measured before the band had to be lighter (no outsidePeak) is no smear', () => {
    const { outsidePeak: _, ...stored } = { ...even, outside: 0.4 };
    expect(classifyFills([solid('A'), faint('B', 0.28, stored)], band)).toMatchObject({ marked: ['A'], marginal: ['B'], erased: [] });
  });
});
