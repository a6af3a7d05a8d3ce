import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import { applyScan, NO_DEGRADATION, PROFILES, sampleScanParams, scanGeometry } from './degrade';
import { addStreak, boxBlur, gaussianBlur, rotate, rotate180, toneAndNoise, warp } from '../vision/testing/scan';
import { applyH, composeH, type Homography } from '../vision/homography';
import { decodeToGrey, encodeJpeg, encodePng } from './encode';
import { createImage, type GreyImage } from '../vision/image';
import { meanDarknessInCircle } from './image';
import { samePixels as same } from './image';
import { fillRect, strokeCircle } from './raster';

/** A test card: blobs, lines and rings on white. */
function card(w: number, h: number): GreyImage {
  const img = createImage(w, h);
  const rng = seededRng(11);
  for (let i = 0; i < 40; i++) {
    const x = rng() * w, y = rng() * h, s = 4 + rng() * 30;
    fillRect(img, x, y, x + s, y + s * 0.6, Math.floor(rng() * 120));
  }
  for (let i = 0; i < 20; i++) strokeCircle(img, rng() * w, rng() * h, 5 + rng() * 20, 3, { level: 30 });
  return gaussianBlur(img, 1);
}

function meanAbsDiff(a: GreyImage, b: GreyImage, margin = 0): number {
  let sum = 0, n = 0;
  for (let y = margin; y < a.height - margin; y++)
    for (let x = margin; x < a.width - margin; x++) {
      sum += Math.abs(a.data[y * a.width + x]! - b.data[y * b.width + x]!);
      n++;
    }
  return sum / n;
}

const IDENTITY: Homography = [1, 0, 0, 0, 1, 0, 0, 0, 1];

describe('degradations', () => {
  const img = card(600, 800);

  it('identity warp reproduces the image exactly', () => {
    expect(same(warp(img, IDENTITY, img.width, img.height).data, img.data)).toBe(true);
  });

  it('rotating by θ then by −θ approximately restores the image', () => {
    for (const deg of [3, -7.5, 10]) {
      const back = rotate(rotate(img, deg), -deg);
      // Corners rotate out of the frame and come back as background: compare the inner part.
      expect(meanAbsDiff(img, back, 120)).toBeLessThan(4);
    }
  });

  it('rotates a mark to where the transform says', () => {
    const base = createImage(400, 400);
    fillRect(base, 290, 90, 310, 110, 0); // centre (300, 100)
    const out = rotate(base, 30);
    const cx = 200, cy = 200, a = (30 * Math.PI) / 180;
    const ex = cx + (300 - cx) * Math.cos(a) - (100 - cy) * Math.sin(a);
    const ey = cy + (300 - cx) * Math.sin(a) + (100 - cy) * Math.cos(a);
    expect(meanDarknessInCircle(out, ex, ey, 6)).toBeGreaterThan(0.9);
  });

  it('upside down is exact and an involution', () => {
    const f = rotate180(img);
    expect(f.data[0]).toBe(img.data[img.data.length - 1]);
    expect(same(rotate180(f).data, img.data)).toBe(true);
  });

  it('blur keeps a flat image flat and the mean of a card', () => {
    expect(gaussianBlur(createImage(50, 50, 200), 1.2).data.every((v) => v === 200)).toBe(true);
    const mean = (g: GreyImage) => g.data.reduce((s, v) => s + v, 0) / g.data.length;
    for (const b of [gaussianBlur(img, 0.7), gaussianBlur(img, 1.5), gaussianBlur(img, 2.5), boxBlur(img, 2)]) expect(Math.abs(mean(b) - mean(img))).toBeLessThan(1);
    // A sharp edge gets soft.
    const edge = createImage(40, 10);
    fillRect(edge, 20, 0, 40, 10, 0);
    const soft = gaussianBlur(edge, 1.5);
    expect(soft.data[5 * 40 + 19]).toBeLessThan(200);
    expect(soft.data[5 * 40 + 19]).toBeGreaterThan(20);
  });

  it('tone and noise: brightness shifts the mean, noise has the asked spread', () => {
    const flat = createImage(400, 400, 128);
    toneAndNoise(flat, { brightness: 10, contrast: 1, noiseSigma: 6, saltPepper: 0 }, seededRng(1));
    const n = flat.data.length;
    const mean = flat.data.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(flat.data.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(mean).toBeCloseTo(138, 0);
    expect(sd).toBeGreaterThan(5);
    expect(sd).toBeLessThan(7);
    const c = createImage(10, 10, 200);
    toneAndNoise(c, { brightness: 0, contrast: 0.5, noiseSigma: 0, saltPepper: 0 }, seededRng(1));
    expect(c.data[0]).toBe(164);
  });

  it('a streak darkens a vertical band', () => {
    const s = addStreak(createImage(50, 50), { x: 10, width: 2, level: 60 });
    expect(s.data[20 * 50 + 10]).toBeLessThan(100);
    expect(s.data[20 * 50 + 12]).toBe(255);
  });

  it('scan geometry maps the page corners into the canvas with the margin', () => {
    const p = { ...NO_DEGRADATION, angleDeg: 5, marginMm: 2, perspectiveMm: [[1, 0], [0, 1], [-1, 0], [0, -1]] as [number, number][] };
    const g = scanGeometry(2480, 3508, 300, p);
    const corners = [[0, 0], [2480, 0], [2480, 3508], [0, 3508]].map(([x, y]) => applyH(g.pageToScan, { x: x!, y: y! }));
    const m = (2 * 300) / 25.4;
    expect(Math.min(...corners.map((c) => c.x))).toBeCloseTo(m, 3);
    expect(Math.min(...corners.map((c) => c.y))).toBeCloseTo(m, 3);
    expect(g.width).toBeGreaterThan(2480);
    const flipped = scanGeometry(100, 200, 300, { ...NO_DEGRADATION, flipped: true });
    const tl = applyH(flipped.pageToScan, { x: 0, y: 0 });
    expect(tl.x).toBeCloseTo(100, 6);
    expect(tl.y).toBeCloseTo(200, 6);
  });

  it('no degradation is the identity scan', () => {
    const { image, pageToScan } = applyScan(img, 300, NO_DEGRADATION, seededRng(1));
    expect(same(image.data, img.data)).toBe(true);
    pageToScan.forEach((v, i) => expect(v).toBeCloseTo(IDENTITY[i]!, 9));
  });

  it('sampled parameters stay inside their profile', () => {
    const rng = seededRng(3);
    for (let i = 0; i < 200; i++) {
      const p = sampleScanParams(PROFILES.harsh, 300, 2480, rng);
      expect(Math.abs(p.angleDeg)).toBeLessThanOrEqual(10);
      expect(p.jpegQuality).toBeGreaterThanOrEqual(30);
      expect(p.jpegQuality).toBeLessThanOrEqual(60);
      for (const [x, y] of p.perspectiveMm) expect(Math.max(Math.abs(x), Math.abs(y))).toBeLessThanOrEqual(PROFILES.harsh.perspectiveMm);
    }
    const clean = sampleScanParams(PROFILES.clean, 300, 2480, rng, 0);
    expect(clean.flipped).toBe(false);
    expect(Math.abs(clean.angleDeg)).toBeLessThanOrEqual(0.5);
  });

  it('JPEG round trip keeps size and content; PNG is lossless', async () => {
    for (const q of [30, 90]) {
      const back = await decodeToGrey(await encodeJpeg(img, q));
      expect([back.width, back.height]).toEqual([img.width, img.height]);
      expect(meanAbsDiff(img, back)).toBeLessThan(q > 50 ? 1.5 : 4);
    }
    expect(same((await decodeToGrey(await encodePng(img))).data, img.data)).toBe(true);
    const lo = await encodeJpeg(img, 30);
    const hi = await encodeJpeg(img, 95);
    expect(lo.length).toBeLessThan(hi.length);
  });

  it('mm → image transform composes with the page scale', () => {
    const s = 300 / 25.4;
    const g = scanGeometry(2481, 3508, 300, { ...NO_DEGRADATION, angleDeg: 2, marginMm: 1 });
    const m = composeH(g.pageToScan, [s, 0, 0, 0, s, 0, 0, 0, 1]);
    const a = applyH(m, { x: 105, y: 148.5 });
    const b = applyH(g.pageToScan, { x: 105 * s, y: 148.5 * s });
    expect(a.x).toBeCloseTo(b.x, 9);
    expect(a.y).toBeCloseTo(b.y, 9);
  });
});
