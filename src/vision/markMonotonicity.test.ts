import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyFills, interpretBubbles, type PageFillStats } from './interpret';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';

const SEED = Number(process.env.FC_SEED ?? 15);
type Decision = 'unmarked' | 'marginal' | 'marked';
const decide = (fill: number, dark: number, spread: number, band = S.bubbles, page?: PageFillStats): Decision => {
  const d = classifyFills([{ value: 'A', fill, dark, spread }], band, page);
  return d.marked.length ? 'marked' : d.marginal.length ? 'marginal' : 'unmarked';
};
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const more = fc.double({ min: 0, max: 0.6, noNaN: true });
/** Any band the settings accept (marginal ≤ lightFill ≤ definite, strokeFill ≤ definite). */
const bandArb = fc
  .record({ definite: fc.double({ min: 0.2, max: 0.9, noNaN: true }), a: unit, b: unit, c: unit, strokeDark: fc.double({ min: 0.05, max: 0.9, noNaN: true }), strokeMinSpread: fc.double({ min: 0, max: 0.8, noNaN: true }) })
  .map(({ definite, a, b, c, strokeDark, strokeMinSpread }) => {
    const lightFill = definite * a;
    return VisionSettings.parse({ bubbles: { definite, lightFill, marginal: lightFill * b, strokeFill: definite * c, strokeDark, strokeMinSpread, residueMin: lightFill * b * 0.5 } }).bubbles;
  });
const pageArb = fc.option(
  fc.record({ level: fc.double({ min: 0, max: 0.1, noNaN: true }), noise: fc.double({ min: 0, max: 0.02, noNaN: true }), targets: fc.integer({ min: 0, max: 200 }), writerLevel: unit, writerMarks: fc.integer({ min: 0, max: 12 }) }),
  { nil: undefined },
);

describe('mark decisions are monotone in ink (property, fast-check seed from FC_SEED, default 15)', () => {
  it('more ink (a higher fill and at least as much dark ink, reaching as far) never turns a marked target unmarked', () => {
    fc.assert(
      fc.property(bandArb, pageArb, unit, unit, fc.double({ min: 0, max: 1.2, noNaN: true }), more, more, fc.double({ min: 0, max: 0.5, noNaN: true }), (band, page, fill, dark, spread, df, dd, ds) => {
        const before = decide(fill, dark, spread, band, page);
        const after = decide(Math.min(1, fill + df), Math.min(1, dark + dd), spread + ds, band, page);
        if (before === 'marked') expect(after, JSON.stringify({ fill, dark, spread, df, dd, ds })).not.toBe('unmarked');
        // ...and nothing a person was asked about becomes a silent blank with more ink.
        if (before === 'marginal') expect(after).not.toBe('unmarked');
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it('with the default band, a higher even fill never decides lower (unmarked < marginal < marked)', () => {
    const rank = { unmarked: 0, marginal: 1, marked: 2 } as const;
    fc.assert(
      fc.property(unit, more, fc.double({ min: 0, max: 1.2, noNaN: true }), (fill, df, spread) => {
        // No dark ink: a pencil-like even fill.
        expect(rank[decide(Math.min(1, fill + df), 0, spread)]).toBeGreaterThanOrEqual(rank[decide(fill, 0, spread)]);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("a darker writer never makes a faint fill a mark: the writer's level only lowers the bar for a writer who marks lightly", () => {
    const rank = { unmarked: 0, marginal: 1, marked: 2 } as const;
    fc.assert(
      fc.property(bandArb, unit, unit, more, fc.integer({ min: 0, max: 12 }), (band, fill, writerLevel, dw, writerMarks) => {
        const page = { level: 0, noise: 0, targets: 100, writerMarks };
        const lighter = decide(fill, 0, 0, band, { ...page, writerLevel });
        const darker = decide(fill, 0, 0, band, { ...page, writerLevel: writerLevel + dw });
        expect(rank[darker], JSON.stringify({ fill, writerLevel, dw, writerMarks })).toBeLessThanOrEqual(rank[lighter]);
        // ...and it never turns a target a person would see into a silent blank.
        if (lighter !== 'unmarked') expect(darker).not.toBe('unmarked');
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('a field read stays read when one of its bubbles gets darker: the value keeps the darker bubble', () => {
    const field = { kind: 'bubbles' as const, id: 'q', itemId: 'q', multi: false, targets: ['A', 'B', 'C', 'D'].map((value, i) => ({ value, x: 10 + 8 * i, y: 10, r: 2, shape: 'circle' as const })) };
    const measure = (fills: number[]) => ({
      fills: fills.map((fill, i) => ({ value: 'ABCD'[i]!, fill, dark: fill > 0.5 ? fill : 0, spread: 0.7, expected: { x: 0, y: 0 }, found: { x: 0, y: 0 }, radiusPx: 10, paper: 230 })),
      offset: { x: 0, y: 0 },
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(fc.double({ min: 0, max: 0.05, noNaN: true }), { minLength: 4, maxLength: 4 }), fc.double({ min: S.bubbles.definite, max: 1, noNaN: true }), more, (chosen, empty, fill, df) => {
        const fills = empty.map((e, i) => (i === chosen ? fill : e));
        const darker = fills.map((f, i) => (i === chosen ? Math.min(1, f + df) : f));
        const a = interpretBubbles(field, measure(fills) as never, S);
        const b = interpretBubbles(field, measure(darker) as never, S);
        expect(a).toMatchObject({ status: 'ok', value: 'ABCD'[chosen] });
        expect(b).toMatchObject({ status: 'ok', value: 'ABCD'[chosen] });
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
