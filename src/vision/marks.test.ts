import { describe, expect, it } from 'vitest';
import type { Corner } from '../layout/printedPage';
import { seededRng } from '../domain/random';
import { createImage, downsample, type GreyImage, type PxRect } from './image';
import { findMarks, labelDark } from './marks';
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

/** The pixel-by-pixel two-pass labelling labelDark had: its labels and blobs are the reference. */
function labelDarkByPixel(img: GreyImage, win: PxRect, threshold: number) {
  const { w, h } = win;
  const labels = new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
    return a;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    return Math.min(ra, rb);
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (img.data[(win.y + y) * img.width + win.x + x]! > threshold) continue;
      let l = 0;
      const o = y * w + x;
      if (x > 0 && labels[o - 1]) l = labels[o - 1]!;
      if (y > 0) for (const up of [o - w, ...(x > 0 ? [o - w - 1] : []), ...(x + 1 < w ? [o - w + 1] : [])]) if (labels[up]) l = l ? union(l, labels[up]!) : labels[up]!;
      if (!l) parent.push((l = parent.length));
      labels[o] = l;
    }
  const compact = new Int32Array(parent.length);
  const blobs = [{ area: 0, x0: 0, y0: 0, x1: 0, y1: 0 }];
  for (let i = 1; i < parent.length; i++) {
    const r = find(i);
    if (compact[r] === 0) compact[r] = blobs.push({ area: 0, x0: Infinity, y0: Infinity, x1: -1, y1: -1 }) - 1;
    compact[i] = compact[r]!;
  }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const l = labels[y * w + x]!;
      if (!l) continue;
      const b = blobs[(labels[y * w + x] = compact[l]!)]!;
      b.area++;
      b.x0 = Math.min(b.x0, x);
      b.x1 = Math.max(b.x1, x);
      b.y0 = Math.min(b.y0, y);
      b.y1 = Math.max(b.y1, y);
    }
  return { labels, blobs };
}

describe('labelDark', () => {
  it('gives the labels and blobs, in the same order, as labelling pixel by pixel', () => {
    const rng = seededRng('labelDark');
    // Random specks, strokes, rings and U shapes (blobs that join below), at several densities and windows.
    for (let round = 0; round < 30; round++) {
      const img = createImage(90, 70, 240);
      const density = [0.02, 0.1, 0.3, 0.5][round % 4]!;
      for (let i = 0; i < img.data.length; i++) if (rng() < density) img.data[i] = Math.floor(rng() * 200);
      for (let k = 0; k < 6; k++) {
        const x0 = Math.floor(rng() * 80);
        const y0 = Math.floor(rng() * 60);
        for (let t = 0; t < 12; t++) img.data[Math.min(69, y0 + t) * 90 + x0] = img.data[y0 * 90 + Math.min(89, x0 + t)] = 20;
        for (let t = 0; t < 10; t++) img.data[Math.min(69, y0 + t) * 90 + Math.min(89, x0 + 9)] = 20;
      }
      const win = round % 3 === 0 ? { x: 0, y: 0, w: 90, h: 70 } : { x: Math.floor(rng() * 20), y: Math.floor(rng() * 20), w: 50 + Math.floor(rng() * 20), h: 40 + Math.floor(rng() * 10) };
      const threshold = 100 + Math.floor(rng() * 60);
      const got = labelDark(img, win, threshold);
      const want = labelDarkByPixel(img, win, threshold);
      expect(got.blobs, `round ${round}`).toEqual(want.blobs);
      expect(Array.from(got.labels), `round ${round}`).toEqual(Array.from(want.labels));
      // Into a used scratch buffer (what findMarkInWindow passes): the same.
      const reused = labelDark(img, win, threshold, new Int32Array(90 * 70).fill(round + 1));
      expect(reused.blobs).toEqual(want.blobs);
      expect(Array.from(reused.labels)).toEqual(Array.from(want.labels));
    }
  });
});
