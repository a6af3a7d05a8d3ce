import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import type { MarkTarget } from '../layout/printedPage';
import { applyH, type Homography } from '../vision/homography';
import type { DegradationProfile } from './degrade';
import { decodeToGrey } from './encode';
import { generateStackArray } from './generate';
import { buildTestPdf } from './testSupport';
import { MARKINGS } from './truth';
import { createImage, type GreyImage } from '../vision/image';
import { meanDarknessInCircle, meanDarknessInRect, pxPerMm } from './image';
import { samePixels as same } from './image';
import { LIGHT_INK_LEVEL, markTarget, PEN_STYLES, type LightInkLevel, type PenStyle } from './pen';

const DPI = 300;
const S = pxPerMm(DPI);
const target: MarkTarget = { value: 'A', x: 10, y: 10, r: 2, shape: 'circle' };

function marked(style: PenStyle, seed = 1, t: MarkTarget = target, avoid: MarkTarget[] = [], lightInkLevel?: LightInkLevel): { img: GreyImage; drawn: boolean } {
  const img = createImage(Math.round(20 * S), Math.round(20 * S));
  const drawn = markTarget(img, t, style, { dpi: DPI, rng: seededRng(seed), avoid, lightInkLevel });
  return { img, drawn };
}
const inside = (img: GreyImage, k = 1, t = target) => meanDarknessInCircle(img, t.x * S, t.y * S, t.r * S * k);
function fractionDark(img: GreyImage, below: number, t = target): number {
  let n = 0;
  let dark = 0;
  const cx = t.x * S, cy = t.y * S, r = t.r * S;
  for (let y = Math.floor(cy - r); y <= cy + r; y++)
    for (let x = Math.floor(cx - r); x <= cx + r; x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) continue;
      n++;
      if (img.data[y * img.width + x]! < below) dark++;
    }
  return dark / n;
}
function meanGrey(img: GreyImage, k: number): number {
  return 255 * (1 - inside(img, k));
}

describe('pen styles', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`full: dark, ~90-100% covered (seed ${seed})`, () => {
      const { img } = marked('full', seed);
      expect(fractionDark(img, 128)).toBeGreaterThan(0.85);
      expect(inside(img, 0.8)).toBeGreaterThan(0.6);
    });
    it(`partial: 35-80% of the bubble (seed ${seed})`, () => {
      const { img } = marked('partial', seed);
      const f = fractionDark(img, 160);
      expect(f).toBeGreaterThan(0.35);
      expect(f).toBeLessThan(0.85);
    });
    it(`tick and cross: a stroke through the bubble, far from filled (seed ${seed})`, () => {
      for (const style of ['tick', 'cross'] as const) {
        const { img } = marked(style, seed);
        const d = inside(img);
        expect(d).toBeGreaterThan(0.06);
        expect(d).toBeLessThan(0.5);
        expect(fractionDark(img, 128)).toBeGreaterThan(0.05);
      }
    });
    it(`light: fully covered, grey 140-190 (seed ${seed})`, () => {
      const { img } = marked('light', seed);
      const g = meanGrey(img, 0.8);
      expect(g).toBeGreaterThan(140);
      expect(g).toBeLessThan(190);
      expect(fractionDark(img, 200)).toBeGreaterThan(0.85);
    });
    it(`erasure: faint residue 215-240 (seed ${seed})`, () => {
      const { img } = marked('erasure', seed);
      const g = meanGrey(img, 0.8);
      expect(g).toBeGreaterThan(215);
      expect(g).toBeLessThan(240);
    });
    it(`stray: ink near the target, none inside it (seed ${seed})`, () => {
      const neighbour: MarkTarget = { value: 'B', x: 10, y: 15, r: 2, shape: 'circle' };
      const { img, drawn } = marked('stray', seed, target, [neighbour]);
      expect(drawn).toBe(true);
      expect(inside(img, 1.05)).toBe(0);
      expect(inside(img, 1.05, neighbour)).toBe(0);
      // Something was drawn within 5 mm of the centre.
      expect(meanDarknessInRect(img, 5 * S, 5 * S, 15 * S, 15 * S)).toBeGreaterThan(0);
    });
  }

  it('square score boxes take a tick or a cross inside the box', () => {
    const box: MarkTarget = { value: '3', x: 10, y: 10, r: 2.5, shape: 'square' };
    for (const style of ['tick', 'cross'] as const) {
      const img = createImage(Math.round(20 * S), Math.round(20 * S));
      markTarget(img, box, style, { dpi: DPI, rng: seededRng(9), tool: 'red_pen' });
      const d = meanDarknessInRect(img, 7.5 * S, 7.5 * S, 12.5 * S, 12.5 * S);
      expect(d).toBeGreaterThan(0.04);
      // The red pen reads as mid grey: no pixel near black.
      expect(Math.min(...img.data)).toBeGreaterThan(50);
    }
  });

  it('is deterministic per seed', () => {
    for (const style of PEN_STYLES) expect(same(marked(style, 42).img.data, marked(style, 42).img.data)).toBe(true);
    expect(same(marked('full', 1).img.data, marked('full', 2).img.data)).toBe(false);
  });
});

describe('the light pencil assumption (lightInkLevel)', () => {
  it('a light fill is drawn within the level range asked for', () => {
    for (const seed of [1, 2, 3]) {
      // The grain lightens a fill by up to 7.5 % of its ink: level 120 reads at most grey 130.
      expect(meanGrey(marked('light', seed, target, [], [110, 120]).img, 0.8)).toBeLessThan(135);
      expect(meanGrey(marked('light', seed, target, [], [200, 210]).img, 0.8)).toBeGreaterThan(195);
    }
  });

  it('reaches the drawn fills of a generated page; the default is the old drawing, byte for byte', async () => {
    const { pdf, pages } = await buildTestPdf();
    // No scanner effects, PNG: the fill's grey is the pen's alone.
    const flat: DegradationProfile = { name: 'flat', angleDeg: 0, perspectiveMm: 0, marginMm: [0, 0], background: [40, 40], blurSigma300: [0, 0], noiseSigma: [0, 0], saltPepper: [0, 0], brightness: [0, 0], contrast: [1, 1], unevenness: [0, 0], jpegQuality: [95, 95], upsideDownRate: 0, streakRate: 0 };
    const allLight = { ...MARKINGS.clean, styles: { full: 0, partial: 0, tick: 0, cross: 0, light: 1 } };
    const page = (lightInkLevel?: LightInkLevel) =>
      generateStackArray({ pdf, pages, dpi: 150, seed: 'light-level', profile: flat, marking: allLight, format: 'png', pageIndices: [0], ...(lightInkLevel ? { lightInkLevel } : {}) }).then(([img]) => img!);
    const [asDefault, asNamed, darker] = await Promise.all([page(), page(LIGHT_INK_LEVEL), page([100, 110])]);
    expect(Buffer.compare(Buffer.from(asDefault.bytes), Buffer.from(asNamed.bytes))).toBe(0);
    expect(darker.truth.fields).toEqual(asDefault.truth.fields);
    const [defaultImage, darkerImage] = await Promise.all([decodeToGrey(asDefault.bytes), decodeToGrey(darker.bytes)]);
    const printed = pages[0]!;
    const lightFills = asDefault.truth.fields.flatMap((f) => ('pens' in f ? f.pens.filter((p) => p.pen === 'light').map((p) => ({ fieldId: f.fieldId, ...p })) : []));
    expect(lightFills.length).toBeGreaterThan(4);
    const centres = lightFills.map(({ fieldId, value, column }) => {
      const field = printed.fields.find((f) => f.id === fieldId)!;
      const candidates = field.kind === 'bubbles' ? field.targets : field.kind === 'digit_grid' ? field.columns[column!]!.targets : [];
      const t = candidates.find((x) => x.value === value)!;
      return { ...applyH(asDefault.truth.mmToImage as unknown as Homography, { x: t.x, y: t.y }), r: t.r * 0.8 * pxPerMm(150) };
    });
    const greys = (img: GreyImage) => centres.map((c) => 255 * (1 - meanDarknessInCircle(img, c.x, c.y, c.r)));
    const before = greys(defaultImage);
    const after = greys(darkerImage);
    for (const [i, g] of before.entries()) {
      expect(g).toBeGreaterThan(140);
      expect(after[i]!).toBeLessThan(120);
    }
  });
});
