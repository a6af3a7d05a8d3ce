import { describe, expect, it } from 'vitest';
import type { Corner } from '../layout/printedPage';
import { downsample } from './image';
import { findMarks } from './marks';
import { orientMarks } from './orientation';
import { DEFAULT_VISION_SETTINGS as S } from './settings';
import { drawPage, scanPage, scanPoint, type ScanOptions } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const DPI = 200;
const page = samplePage();
const upright = drawPage(page, { dpi: DPI, clutter: true });
const k = DPI / 25.4;

function locate(opts: ScanOptions, img = scanPage(upright, opts)) {
  return { img, r: findMarks(downsample(img, 2), 2, DPI, S) };
}

describe('findMarks', () => {
  it.each([
    [{ rotateDeg: 0 }],
    [{ rotateDeg: 10 }],
    [{ rotateDeg: -10 }],
    [{ rotateDeg: 4, perspective: 0.02 }],
    [{ rotateDeg: 180 }],
    [{ rotateDeg: 90 }],
    [{ rotateDeg: -7, blurPx: 2, noise: 12, specks: 80 }],
    [{ rotateDeg: 3, background: 15 }],
  ] as ScanOptions[][])('finds all four marks where they are (%o)', (opts) => {
    const { r } = locate(opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const o = orientMarks(r.value.marks, S.marks.minLargeToSmallRatio);
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.value.orientation).toBe((((Math.round((opts.rotateDeg ?? 0) / 90) * 90) % 360) + 360) % 360);
    for (const m of page.marks) {
      const want = scanPoint(upright, opts, m.x * k, m.y * k);
      const got = o.value.byPageCorner[m.corner];
      expect(Math.hypot(got.x - want.x, got.y - want.y)).toBeLessThan(1.5); // px at 200 dpi
      expect(got.sidePx / (m.size * k)).toBeGreaterThan(0.85);
      expect(got.sidePx / (m.size * k)).toBeLessThan(1.15);
      expect(got.grey).toBeLessThan(80);
    }
    expect(r.value.confidence).toBeGreaterThan(0.3);
  });

  it('names the missing corner', () => {
    const img = scanPage(drawPage(page, { dpi: DPI, marks: ['tl', 'tr', 'br'] }), { rotateDeg: 2 });
    const r = findMarks(downsample(img, 2), 2, DPI, S);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('missing_marks');
      expect(r.error.corners).toEqual(['bl'] satisfies Corner[]);
    }
  });

  it('does not take a round blob (a punch hole, a filled bubble) for a mark', () => {
    const withDisc = drawPage(page, { dpi: DPI, marks: ['tl', 'tr', 'bl'], ink: [{ kind: 'stroke', x1: 198, y1: 285, x2: 198, y2: 285, widthMm: 5.6 }] });
    const r = findMarks(downsample(withDisc, 2), 2, DPI, S);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.corners).toEqual(['br']);
  });

  it('fails closed on an empty or tiny image', () => {
    const blank = drawPage(page, { dpi: 50, marks: [], qrText: null });
    const r = findMarks(blank, 1, 50, S);
    expect(r.ok).toBe(false);
    const tiny = findMarks({ data: new Uint8Array(9).fill(255), width: 3, height: 3 }, 1, 300, S);
    expect(tiny.ok).toBe(false);
  });
});

describe('a scanner streak through a mark', () => {
  it('is removed on a second look, and the mark is found where it is', () => {
    const img = scanPage(upright, { rotateDeg: 3 });
    const tl = page.marks.find((m) => m.corner === 'tl')!;
    const at = scanPoint(upright, { rotateDeg: 3 }, tl.x * k, tl.y * k);
    // A 4 px (0.5 mm) dark vertical line down the whole image, through the top-left mark.
    const x0 = Math.round(at.x);
    for (let y = 0; y < img.height; y++) for (let x = x0 - 2; x < x0 + 2; x++) img.data[y * img.width + x] = 30;
    const r = findMarks(downsample(img, 2), 2, DPI, S);
    expect(r.ok).toBe(true);
    const off = findMarks(downsample(img, 2), 2, DPI, { ...S, marks: { ...S.marks, streakMaxWidthMm: 0 } });
    expect(off.ok).toBe(false);
    if (!r.ok) return;
    const got = Object.values(r.value.marks).find((m) => Math.hypot(m.x - at.x, m.y - at.y) < 3);
    expect(got).toBeDefined();
  });
});
