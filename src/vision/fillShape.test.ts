import { describe, expect, it } from 'vitest';
import type { BubbleField, DigitGridField } from '../layout/printedPage';
import { FillShapeCells } from './fillShape';
import { classifyFills } from './interpret';
import { VisionSettings } from './settings';
import type { PageInk } from './testing/drawPage';
import { drawnPageReader, grey } from './testing/readDrawn';

/** Samples of a disc of radius 10 px on a 1 px grid, inked where `ink(dx, dy)` says (0..1). */
function shapeOf(ink: (dx: number, dy: number) => number) {
  const cells = new FillShapeCells(10);
  for (let y = -10; y <= 10; y++) for (let x = -10; x <= 10; x++) if (x * x + y * y <= 100) cells.add(x, y, ink(x, y));
  return cells.result();
}

describe('the shape of a fill (fillShape.ts)', () => {
  it('an even fill: every cell as dark as the whole, the centre as dark as the ring, little spread', () => {
    const s = shapeOf(() => 0.25);
    expect(s.evenness).toBeCloseTo(1, 5);
    expect(s.centre).toBeCloseTo(1, 5);
    expect(s.grain).toBeCloseTo(0, 5);
  });

  it('residue left on one side: the clean side is the palest cell, far below the mean', () => {
    const s = shapeOf((_, dy) => (dy < 4 ? 0.25 : 0));
    expect(s.evenness).toBeLessThan(0.2);
    expect(s.grain).toBeGreaterThan(0.3);
    expect(s.grain).toBeLessThan(0.8);
  });

  it('a thin stroke across the target: patchy too, but its ink spreads far more than a patch of residue', () => {
    const s = shapeOf((dx, dy) => (Math.abs(dx - dy) < 1.5 ? 0.6 : 0));
    expect(s.evenness).toBeLessThan(0.2);
    expect(s.grain).toBeGreaterThan(1);
  });

  it('nothing inked: all zero', () => {
    expect(shapeOf(() => 0)).toEqual({ evenness: 0, centre: 0, grain: 0, outside: 0, outsidePeak: 0 });
  });
});

describe('graphite dragged past the target (FillShape.outside)', () => {
  /** An even inside at 0.25 and two rings just outside it (radius 12 and 14 px) inked where `ring(angle)` says. */
  function withRing(ring: (angle: number) => { darkness: number; dark?: boolean }) {
    const cells = new FillShapeCells(10);
    for (let y = -10; y <= 10; y++) for (let x = -10; x <= 10; x++) if (x * x + y * y <= 100) cells.add(x, y, 0.25);
    for (const r of [12, 14])
      for (let i = 0; i < 32; i++) {
        const a = (2 * Math.PI * i) / 32;
        const { darkness, dark } = ring(a);
        cells.addOutside(r * Math.cos(a), r * Math.sin(a), darkness, dark ?? false);
      }
    return cells.result().outside!;
  }
  const within = (a: number, centre: number, half: number) => Math.abs(Math.atan2(Math.sin(a - centre), Math.cos(a - centre))) <= half;

  it('a lighter band leaving the target on one side reads as its share of the inside', () => {
    expect(withRing((a) => ({ darkness: within(a, 2, 0.6) ? 0.1 : 0.02 }))).toBeCloseTo(0.32, 1);
  });
  it('a ring as dark all round (the outline blurred outward, a grey scan) is no band', () => {
    expect(withRing(() => ({ darkness: 0.06 }))).toBeCloseTo(0, 5);
  });
  it("outsidePeak: the band's darkest sample over the inside — about half for a lighter smear, near 1 at the fill's own grey", () => {
    const peak = (darkness: number) => {
      const cells = new FillShapeCells(10);
      for (let y = -10; y <= 10; y++) for (let x = -10; x <= 10; x++) if (x * x + y * y <= 100) cells.add(x, y, 0.25);
      for (const r of [12, 14]) for (let i = 0; i < 32; i++) {
        const a = (2 * Math.PI * i) / 32;
        cells.addOutside(r * Math.cos(a), r * Math.sin(a), within(a, 2, 0.6) ? darkness : 0.02, false);
      }
      return cells.result().outsidePeak!;
    };
    expect(peak(0.12)).toBeCloseTo(0.4, 2);
    expect(peak(0.25)).toBeCloseTo(0.92, 2);
  });
  it('dark ink crossing the ring (a stray stroke, a neighbour) is left out', () => {
    expect(withRing((a) => (within(a, 2, 0.4) ? { darkness: 0.7, dark: true } : { darkness: 0.02 }))).toBeLessThan(0.05);
  });
});

describe('deciding a faint fill by its shape (classifyFills, many answers allowed)', () => {
  const band = VisionSettings.parse({}).bubbles;
  const faint = (evenness: number, grain: number) => [
    { value: 'A', fill: 0.8, dark: 1, spread: 0.71 },
    { value: 'B', fill: 0.22, dark: 0, spread: 0, shape: { evenness, centre: 1, grain } },
  ];
  it('ink on part of the target, in patches: residue, erased', () => {
    expect(classifyFills(faint(0.3, 0.55), band)).toMatchObject({ marked: ['A'], marginal: [], erased: ['B'] });
  });
  it('a faint tick or scribble (patchy, but in thin strokes) is not erased: a person looks', () => {
    expect(classifyFills(faint(0.1, 1.2), band)).toMatchObject({ marked: ['A'], marginal: ['B'], erased: [] });
  });
  it('an even faint fill is not erased: a person looks', () => {
    expect(classifyFills(faint(0.97, 0.05), band)).toMatchObject({ marked: ['A'], marginal: ['B'], erased: [] });
  });
});

/**
 * Drawn pages read end to end (the same scan as writerLevel.test.ts: 200 dpi, turned 1.5°, blurred, noisy). Greys are
 * shares of the paper's brightness; a 74 % grey even fill reads about 0.29 (faint: between marginal and lightFill).
 */
const { page, read } = drawnPageReader();
const solid = (fieldId: string, value: string, column?: number): PageInk => ({ kind: 'target', fieldId, value, style: 'full', ...(column === undefined ? {} : { column }) });
const even = (fieldId: string, value: string, share: number, column?: number): PageInk => ({ kind: 'target', fieldId, value, style: 'erasure', grey: grey(share), ...(column === undefined ? {} : { column }) });
/** A writer of solid marks answers five other questions (their level puts no faint fill above the writer's bar). */
const darkWriter = [solid('x1', 'A'), solid('x2', 'C'), solid('x3', 'B'), solid('x4', 'D'), solid('x5', 'A')];

/**
 * Residue an eraser left on the upper three quarters of a bubble at `share` grey (a broad band of graphite, rounded
 * ends), the lower part rubbed clean: the shape the synthetic `dark_erasure` leaves when partial.
 */
function patchy(fieldId: string, value: string, share: number): PageInk {
  const f = page.fields.find((x) => x.id === fieldId) as BubbleField;
  const t = f.targets.find((x) => x.value === value)!;
  return { kind: 'stroke', x1: t.x - 0.9 * t.r, y1: t.y - 0.35 * t.r, x2: t.x + 0.9 * t.r, y2: t.y - 0.35 * t.r, widthMm: 1.25 * t.r, grey: grey(share) };
}

/** A handwritten character stand-in in a digit grid's box: two pen strokes. */
function writtenBox(column: number): PageInk[] {
  const b = (page.fields.find((x) => x.id === 'q4') as DigitGridField).boxes[column]!;
  return [
    { kind: 'stroke', x1: b.x + b.w * 0.3, y1: b.y + b.h * 0.2, x2: b.x + b.w * 0.7, y2: b.y + b.h * 0.2, widthMm: 0.4, grey: 40 },
    { kind: 'stroke', x1: b.x + b.w * 0.7, y1: b.y + b.h * 0.2, x2: b.x + b.w * 0.4, y2: b.y + b.h * 0.8, widthMm: 0.4, grey: 40 },
  ];
}

const NO_SHAPE_RULE = VisionSettings.parse({ bubbles: { patchyEvenness: 0, smearMin: 0 } });

describe('patchy residue is erased, never a mark (bubbles.patchyEvenness, patchyMaxGrain)', () => {
  it('patchy dark residue (75 % grey) beside a solid mark in a multi-answer question: the solid mark, the residue erased', async () => {
    const fields = await read([...darkWriter, solid('q3', 'B'), patchy('q3', 'D', 0.75)]);
    const q3 = fields.get('q3')!;
    expect(q3, JSON.stringify(q3.evidence.fills)).toMatchObject({ status: 'ok', value: 'B', reasons: ['erased:D'] });
    const d = q3.evidence.fills.find((f) => f.value === 'D')!;
    expect(d.fill).toBeGreaterThan(VisionSettings.parse({}).bubbles.marginal);
    expect(d.shape!.evenness).toBeLessThan(0.5);
  });

  it('without the shape rule the same residue goes to a person', async () => {
    const fields = await read([...darkWriter, solid('q3', 'B'), patchy('q3', 'D', 0.75)], NO_SHAPE_RULE);
    expect(fields.get('q3')).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
  });

  it('patchy residue alone in a question goes to a person: it may be a light partial fill, the only answer given', async () => {
    const fields = await read([...darkWriter, patchy('q1', 'C', 0.75)]);
    expect(fields.get('q1')).toMatchObject({ status: 'review', reasons: ['marginal_mark:C'] });
  });

  it('an even faint fill is not taken for patchy residue: in a multi-answer question it still goes to a person', async () => {
    const fields = await read([...darkWriter, solid('q3', 'B'), even('q3', 'D', 0.74)]);
    const q3 = fields.get('q3')!;
    expect(q3, JSON.stringify(q3.evidence.fills)).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
    expect(q3.evidence.fills.find((f) => f.value === 'D')!.shape!.evenness).toBeGreaterThan(0.9);
  });
});

/** A lighter band of graphite (`share` grey) dragged from a target's edge 2.5 mm to its left, as an eraser leaves it. */
function dragged(fieldId: string, value: string, share: number, widthShare = 0.55): PageInk {
  const f = page.fields.find((x) => x.id === fieldId) as BubbleField;
  const t = f.targets.find((x) => x.value === value)!;
  return { kind: 'stroke', x1: t.x - t.r - 0.1, y1: t.y, x2: t.x - t.r - 2.6, y2: t.y, widthMm: widthShare * t.r, grey: grey(share) };
}

describe('residue with graphite dragged past its target is erased beside a mark (bubbles.smearMin)', () => {
  const residue = [solid('q3', 'B'), even('q3', 'D', 0.75), dragged('q3', 'D', 0.88)];

  it('even dark residue (75 % grey) with a lighter band leaving it, beside a solid mark: the solid mark, the residue erased', async () => {
    const fields = await read([...darkWriter, ...residue]);
    const q3 = fields.get('q3')!;
    const d = q3.evidence.fills.find((f) => f.value === 'D')!;
    expect(q3, JSON.stringify(d)).toMatchObject({ status: 'ok', value: 'B', reasons: ['erased:D'] });
    expect(d.shape!.evenness).toBeGreaterThan(0.9);
    expect(d.shape!.outside).toBeGreaterThan(VisionSettings.parse({}).bubbles.smearMin);
    expect(d.shape!.outsidePeak).toBeLessThan(VisionSettings.parse({}).bubbles.smearMaxPeak);
  });

  it('without the band, or with the rule off, the same residue goes to a person', async () => {
    expect((await read([...darkWriter, solid('q3', 'B'), even('q3', 'D', 0.75)])).get('q3')).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
    const off = VisionSettings.parse({ bubbles: { smearMin: 0 } });
    expect((await read([...darkWriter, ...residue], off)).get('q3')).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
  });

  it('alone in a question it still goes to a person (shape never turns a question blank)', async () => {
    const fields = await read([...darkWriter, even('q3', 'D', 0.75), dragged('q3', 'D', 0.88)]);
    expect(fields.get('q3')).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
  });

  it('a light fill with a dark stray stroke just outside it is no residue: a person looks', async () => {
    const stray = dragged('q3', 'D', 40 / 245, 0.2);
    const fields = await read([...darkWriter, solid('q3', 'B'), even('q3', 'D', 0.72), stray]);
    expect(fields.get('q3')).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
  });
});

/**
 * A light fill whose pencil went `mm` past the outline at the fill's own grey (`share`): the even fill and a stroke
 * (`widthMm` wide, round end) from the centre out at `angle`, as a hurried pencil leaves it.
 */
function overshooting(fieldId: string, value: string, share: number, mm: number, angle: number, widthMm: number): PageInk[] {
  const t = (page.fields.find((x) => x.id === fieldId) as BubbleField).targets.find((x) => x.value === value)!;
  const reach = t.r + mm - widthMm / 2;
  const stroke: PageInk = { kind: 'stroke', x1: t.x, y1: t.y, x2: t.x + reach * Math.cos(angle), y2: t.y + reach * Math.sin(angle), widthMm, grey: grey(share) };
  return [even(fieldId, value, share), stroke];
}

describe('a light fill whose pencil goes past its outline is never dropped as a smear (bubbles.smearMaxPeak)', () => {
  /** A light-pencil writer: five answers at 68–70 % grey. */
  const lightWriter = [even('x1', 'A', 0.68), even('x2', 'C', 0.7), even('x3', 'B', 0.69), even('x4', 'D', 0.68), even('x5', 'A', 0.7)];
  const variants = [0.4, 0.7, 1.0].flatMap((mm) => [0, 2, 4].flatMap((angle) => [0.8, 1.6].map((widthMm) => ({ mm, angle, widthMm }))));

  it('light writer, B 69 % and D 72–74 % overshooting in a multi-answer question: B,D (or a person), never erased:D', async () => {
    for (const share of [0.72, 0.74])
      for (const v of variants) {
        const q3 = (await read([...lightWriter, even('q3', 'B', 0.69), ...overshooting('q3', 'D', share, v.mm, v.angle, v.widthMm)])).get('q3')!;
        const d = q3.evidence.fills.find((f) => f.value === 'D')!;
        expect(q3.reasons, `${share} ${JSON.stringify(v)}: ${q3.status} ${q3.value} ${JSON.stringify(d)}`).not.toContain('erased:D');
        expect(q3.status === 'review' || q3.value === 'B,D', `${share} ${JSON.stringify(v)}: ${q3.status} ${q3.value}`).toBe(true);
      }
  });

  it('dark writer, solid B and D 72 % overshooting: a person decides D, never erased:D', async () => {
    for (const v of variants) {
      const q3 = (await read([...darkWriter, solid('q3', 'B'), ...overshooting('q3', 'D', 0.72, v.mm, v.angle, v.widthMm)])).get('q3')!;
      const d = q3.evidence.fills.find((f) => f.value === 'D')!;
      expect(q3, `${JSON.stringify(v)}: ${JSON.stringify(d)}`).toMatchObject({ status: 'review', reasons: ['marginal_mark:D'] });
    }
  });

  it('the band there is as dark as the fill: outsidePeak above smearMaxPeak where outside passes smearMin', async () => {
    const q3 = (await read([...darkWriter, solid('q3', 'B'), ...overshooting('q3', 'D', 0.72, 1.0, 0, 1.6)])).get('q3')!;
    const shape = q3.evidence.fills.find((f) => f.value === 'D')!.shape!;
    const band = VisionSettings.parse({}).bubbles;
    expect(shape.outside).toBeGreaterThan(band.smearMin);
    expect(shape.outsidePeak).toBeGreaterThan(band.smearMaxPeak);
  });
});

describe('digit grids: the boxes the student wrote in say which columns hold a character', () => {
  // q4: sign, digit, digit, point, digit. The number 37: a solid 3, a light 7 (74 % grey), both boxes written.
  const number = [solid('q4', '3', 1), even('q4', '7', 0.74, 2)];

  it('the written box says the column holds a character: 37', async () => {
    const fields = await read([...darkWriter, ...number, ...writtenBox(1), ...writtenBox(2)]);
    const q4 = fields.get('q4')!;
    expect(q4, JSON.stringify(q4.evidence.fills.filter((f) => f.fill > 0.1))).toMatchObject({ status: 'ok', value: '37', reasons: ['faint_digit:2:7'] });
  });

  it('without the written box the faint last digit goes to a person (it may be residue)', async () => {
    const fields = await read([...darkWriter, ...number]);
    expect(fields.get('q4')).toMatchObject({ status: 'review', reasons: ['marginal_mark:2:7'] });
  });

  it('even residue (75 % grey) under an empty box beside the written number is erased: 37.', async () => {
    const fields = await read([...darkWriter, solid('q4', '3', 1), solid('q4', '7', 2), even('q4', '.', 0.75, 3), ...writtenBox(1), ...writtenBox(2)]);
    const q4 = fields.get('q4')!;
    expect(q4, JSON.stringify(q4.evidence.fills.filter((f) => f.fill > 0.1))).toMatchObject({ status: 'ok', value: '37', reasons: ['erased:3:.'] });
  });

  it('a light `-` under its empty box beside the written 37 is not dropped: the student may have bubbled -37 and not written the sign', async () => {
    for (const share of [0.72, 0.75]) {
      const fields = await read([...darkWriter, solid('q4', '3', 1), solid('q4', '7', 2), even('q4', '-', share, 0), ...writtenBox(1), ...writtenBox(2)]);
      const q4 = fields.get('q4')!;
      expect(q4, `${share}: ${JSON.stringify(q4.evidence.fills.filter((f) => f.fill > 0.1))}`).toMatchObject({ status: 'review', value: '-37', reasons: ['marginal_mark:0:-'] });
    }
  });

  it('without the written boxes the same residue goes to a person', async () => {
    const fields = await read([...darkWriter, solid('q4', '3', 1), solid('q4', '7', 2), even('q4', '-', 0.75, 0)]);
    expect(fields.get('q4')).toMatchObject({ status: 'review', reasons: ['marginal_mark:0:-'] });
  });

  it('patchy residue under a written box is still no digit: the number is the solid one, and a gap goes to a person', async () => {
    const grid = page.fields.find((x) => x.id === 'q4') as DigitGridField;
    const t = grid.columns[2]!.targets.find((x) => x.value === '7')!;
    const residue: PageInk = { kind: 'stroke', x1: t.x - 0.9 * t.r, y1: t.y - 0.35 * t.r, x2: t.x + 0.9 * t.r, y2: t.y - 0.35 * t.r, widthMm: 1.25 * t.r, grey: grey(0.75) };
    const fields = await read([...darkWriter, solid('q4', '3', 1), residue, ...writtenBox(1), ...writtenBox(2)]);
    const q4 = fields.get('q4')!;
    expect(q4.status === 'review' || q4.value === '3', `${q4.value} ${q4.status} ${q4.reasons.join(' ')}`).toBe(true);
    expect(q4.value === '37' && q4.status === 'ok').toBe(false);
  });
});
