import { describe, expect, it } from 'vitest';
import type { BubbleField, ScoreField } from '../layout/printedPage';
import { calibratePage, measureTargets, type PageCalibration } from './bubbles';
import type { Homography } from './homography';
import { downsample } from './image';
import { classifyFills } from './interpret';
import { findMarks, IMAGE_CORNERS } from './marks';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';
import { drawPage, type PageInk } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const DPI = 300;
const k = DPI / 25.4;
const page = samplePage({ extraRows: 4 });
const field = (id: string) => page.fields.find((f) => f.id === id) as BubbleField;
const ink: PageInk[] = [
  { kind: 'target', fieldId: 'q1', value: 'A', style: 'full' },
  { kind: 'target', fieldId: 'q1', value: 'B', style: 'pencil' },
  { kind: 'target', fieldId: 'q1', value: 'C', style: 'dot' },
  { kind: 'target', fieldId: 'q3', value: 'A', style: 'erasure' },
  { kind: 'target', fieldId: 'q3', value: 'B', style: 'tick' },
  { kind: 'target', fieldId: 'q3', value: 'C', style: 'cross' },
  { kind: 'target', fieldId: 'q3', value: 'D', style: 'partial' },
  { kind: 'target', fieldId: 'q6', value: '2', style: 'tick' },
];
const img = drawPage(page, { dpi: DPI, ink, clutter: true });
const scaleH = (dx = 0, dy = 0): Homography => [k, 0, dx * k, 0, k, dy * k, 0, 0, 1];
const marks = findMarks(downsample(img, 2), 2, DPI, S);
if (!marks.ok) throw new Error('marks');
const calR = calibratePage(downsample(img, 2), IMAGE_CORNERS.map((c) => marks.value.marks[c]), S);
if (!calR.ok) throw new Error('calibration');
const cal: PageCalibration = calR.value;
const fillsOf = (id: string, h = scaleH(), settings = S) => Object.fromEntries(measureTargets(img, h, field(id).targets, cal, settings).fills.map((f) => [f.value, f]));

describe('calibratePage', () => {
  it('takes paper from the bright percentile and ink from the marks', () => {
    expect(cal.paper).toBeGreaterThan(235);
    expect(cal.ink).toBeLessThan(40);
  });

  it('refuses a page without contrast', () => {
    const grey = { data: new Uint8Array(100).fill(128), width: 10, height: 10 };
    const r = calibratePage(grey, [{ ...marks.value.marks.tl, grey: 120 }], S);
    expect(r.ok).toBe(false);
  });
});

describe('measureTargets', () => {
  it('orders the kinds of marks by how much ink they put down', () => {
    const q1 = fillsOf('q1');
    const q3 = fillsOf('q3');
    expect(q1.A!.fill).toBeGreaterThan(0.85);
    expect(q1.B!.fill).toBeGreaterThan(0.35); // pencil
    expect(q1.B!.fill).toBeLessThan(0.7);
    expect(q1.C!.fill).toBeGreaterThan(0.08); // a dot
    expect(q1.C!.fill).toBeLessThan(0.3);
    expect(q1.D!.fill).toBeLessThan(0.05); // empty: the printed outline stays out
    expect(q3.A!.fill).toBeGreaterThan(0.04); // erasure residue: light all over
    expect(q3.A!.dark).toBeLessThan(0.05);
    expect(q3.B!.dark).toBeGreaterThan(0.15); // a tick is dark where it is
    expect(q3.B!.spread).toBeGreaterThan(S.bubbles.strokeMinSpread); // ...and reaches across the bubble
    expect(q1.C!.spread).toBeLessThan(S.bubbles.strokeMinSpread); // a dot stays in the middle
    expect(q3.C!.fill).toBeGreaterThan(q3.B!.fill);
    expect(q3.D!.fill).toBeGreaterThan(0.45);
    expect(q3.E!.fill).toBeLessThan(0.05);
  });

  it('measures square score boxes', () => {
    const score = page.fields.find((f) => f.id === 'q6') as ScoreField;
    const m = measureTargets(img, scaleH(), score.targets, cal, S);
    const by = Object.fromEntries(m.fills.map((f) => [f.value, f.fill]));
    expect(by['2']).toBeGreaterThan(0.12);
    expect(by['0']).toBeLessThan(0.04);
    expect(by['3']).toBeLessThan(0.04);
  });

  it('finds the printed outlines when the mapping is off by under a millimetre', () => {
    const off = scaleH(0.7, -0.5); // H believes the page sits 0.7 mm right and 0.5 mm up
    const m = measureTargets(img, off, field('q1').targets, cal, S);
    expect(m.offset.x / k).toBeCloseTo(-0.7, 0);
    expect(m.offset.y / k).toBeCloseTo(0.5, 0);
    expect(Math.abs(m.offset.x / k + 0.7)).toBeLessThan(0.15);
    expect(Math.abs(m.offset.y / k - 0.5)).toBeLessThan(0.15);
    expect(m.alignment).toBeGreaterThan(0.2);
    const by = Object.fromEntries(m.fills.map((f) => [f.value, f]));
    expect(by.D!.fill).toBeLessThan(0.05);
    expect(by.A!.fill).toBeGreaterThan(0.85);
    expect(by.A!.found.x - by.A!.expected.x).toBeCloseTo(m.offset.x);
  });

  it('without the search, an offset outline leaks into an empty bubble', () => {
    const noSearch = VisionSettings.parse({ fill: { searchMm: 0 } });
    const shifted = fillsOf('q1', scaleH(0.8, 0), noSearch);
    expect(shifted.D!.fill).toBeGreaterThan(0.05);
    const aligned = fillsOf('q1', scaleH(0.8, 0));
    expect(aligned.D!.fill).toBeLessThan(0.05);
  });

  it('keeps the mapped position when there are no outlines to align on', () => {
    const bare = drawPage({ ...page, fields: [] }, { dpi: DPI });
    const m = measureTargets(bare, scaleH(), field('q1').targets, cal, S);
    expect(m.offset).toEqual({ x: 0, y: 0 });
    expect(m.fills.every((f) => f.fill < 0.02)).toBe(true);
  });

  it('crosses the decision thresholds as the ink gets lighter (measure → classify)', () => {
    const greys = { A: 60, B: 170, C: 208, D: 232 };
    const sweep = drawPage(page, { dpi: DPI, ink: Object.entries(greys).map(([value, grey]) => ({ kind: 'target' as const, fieldId: 'q1', value, style: 'full' as const, grey })) });
    const m = measureTargets(sweep, scaleH(), field('q1').targets, cal, S);
    const fills = m.fills.map((f) => f.fill);
    expect([...fills].sort((a, b) => b - a)).toEqual(fills);
    // Light pencil (67 % grey) is darker than any erasure residue: a mark. A faint fill (85 % grey) is for a person
    // to look at, unless it sits beside the one answer of its group: then it is an erasure.
    expect(classifyFills(m.fills, S.bubbles)).toMatchObject({ marked: ['A', 'B'], marginal: ['C'] });
    expect(classifyFills([m.fills[0]!, m.fills[2]!], S.bubbles, undefined, true)).toMatchObject({ marked: ['A'], marginal: [], erased: ['C'] });
    expect(m.fills[3]!.fill).toBeLessThan(S.bubbles.marginal); // residue: unmarked
  });

  it('a wide field placed a little turned (an affine placement from three anchors) is never read as marks off-centre', () => {
    // Two columns of options 85 mm apart, as a workbook lays out long answers: nothing marked.
    const wide: BubbleField = { kind: 'bubbles', id: 'w1', itemId: 'iw1', multi: false, targets: [['A', 25, 150], ['B', 110, 150], ['C', 25, 156], ['D', 110, 156]].map(([value, x, y]) => ({ value: value as string, x: x as number, y: y as number, r: 2, shape: 'circle' as const })) };
    const blank = drawPage({ ...page, fields: [...page.fields, wide] }, { dpi: DPI });
    // The placement is turned 0.7° about the right column: the left one sits 1 mm off, beyond one shared shift.
    const a = (0.7 * Math.PI) / 180;
    const [c, sn] = [Math.cos(a) * k, Math.sin(a) * k];
    const turned: Homography = [c, -sn, 110 * k - (c * 110 - sn * 153), sn, c, 153 * k - (sn * 110 + c * 153), 0, 0, 1];
    const read = (settings: VisionSettings) => {
      const m = measureTargets(blank, turned, wide.targets, cal, settings);
      return { fills: m.fills, decided: classifyFills(m.fills, settings.bubbles, undefined, true) };
    };
    const anchored = { fill: { searchMm: S.geometry.anchorSearchMm } };
    const { fills, decided } = read(VisionSettings.parse(anchored));
    // Each target's own outline is found: all four read as empty paper.
    expect(decided, JSON.stringify(fills.map(({ value, fill, dark, spread }) => ({ value, fill, dark, spread })))).toMatchObject({ marked: [], marginal: [] });
    expect(Math.max(...fills.map((f) => f.fill))).toBeLessThan(0.05);
    // With one shift for the field (the reader before), one column was sampled off-centre and its outlines read as strokes.
    expect(read(VisionSettings.parse({ fill: { ...anchored.fill, targetSearchMm: 0 }, bubbles: { strokeMaxSpread: 2 } })).decided.marked).not.toEqual([]);
  });

  it('returns nothing for no targets', () => {
    expect(measureTargets(img, scaleH(), [], cal, S).fills).toEqual([]);
  });
});
