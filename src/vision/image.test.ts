import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import { bilinear, clipRect, createImage, crop, downsample, histogram, otsu, pageHistogram, percentile, sample, toPgm, toRgba, type GreyImage } from './image';

const ramp = () => {
  const img = createImage(4, 3, 0);
  for (let i = 0; i < 12; i++) img.data[i] = i * 10;
  return img;
};

describe('image helpers', () => {
  it('crops with clipping', () => {
    const c = crop(ramp(), { x: 2, y: 1, w: 5, h: 5 });
    expect([c.width, c.height]).toEqual([2, 2]);
    expect(Array.from(c.data)).toEqual([60, 70, 100, 110]);
    expect(clipRect({ width: 4, height: 3 }, { x: -2, y: -2, w: 1, h: 1 })).toEqual({ x: 0, y: 0, w: 0, h: 0 });
  });

  it('samples the containing pixel and is white outside', () => {
    const img = ramp();
    expect(sample(img, 1.9, 0.2)).toBe(10);
    expect(sample(img, -0.1, 0)).toBe(255);
  });

  it('interpolates between pixel centres and clamps at the edges', () => {
    const img = ramp();
    expect(bilinear(img, 0.5, 0.5)).toBe(0);
    expect(bilinear(img, 1, 0.5)).toBeCloseTo(5);
    expect(bilinear(img, 1, 1)).toBeCloseTo(25);
    expect(bilinear(img, -5, -5)).toBe(0);
    expect(bilinear(img, 99, 99)).toBe(110);
  });

  it('box-filters by 2 and by 3', () => {
    const img = createImage(6, 6, 0);
    img.data.fill(200, 0, 6); // first row white-ish
    const d2 = downsample(img, 2);
    expect([d2.width, d2.height]).toEqual([3, 3]);
    expect(d2.data[0]).toBe(100);
    const d3 = downsample(img, 3);
    expect(d3.data[0]).toBe(67);
    expect(downsample(img, 1)).toBe(img);
    expect(() => downsample(img, 1.5)).toThrow();
  });

  it('box-filters by 2 and by 4 four pixels at a time exactly as a pixel at a time', () => {
    // The pixel loop every factor had (the reference), against downsample's word paths.
    const reference = (img: GreyImage, f: number): number[] => {
      const w = Math.floor(img.width / f);
      const h = Math.floor(img.height / f);
      const out: number[] = [];
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let j = 0; j < f; j++) for (let i = 0; i < f; i++) s += img.data[(y * f + j) * img.width + x * f + i]!;
          out.push(Math.round(s / (f * f)));
        }
      return out;
    };
    const rng = seededRng('downsample');
    // Widths (a multiple of 4, even, odd), odd heights, extreme and random pixels.
    for (const [width, height] of [[2480, 7], [2484, 9], [2550, 5], [2551, 6], [8, 3], [12, 4], [4, 4], [3, 3]] as const) {
      const img = createImage(width, height, 0);
      for (let i = 0; i < img.data.length; i++) img.data[i] = rng() < 0.2 ? (rng() < 0.5 ? 0 : 255) : Math.floor(rng() * 256);
      for (const f of [2, 4]) expect(Array.from(downsample(img, f).data), `${width}×${height} by ${f}`).toEqual(reference(img, f));
    }
    // A view into a larger buffer that does not start on a 4-byte boundary gives the same result.
    const backing = new Uint8Array(1 + 16 * 4);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 37) & 255;
    const shifted = { data: backing.subarray(1), width: 16, height: 4 };
    for (const f of [2, 4]) expect(Array.from(downsample(shifted, f).data)).toEqual(reference(shifted, f));
  });

  it('keeps one page histogram per image: every second pixel of every second row', () => {
    const img = createImage(7, 5, 0);
    for (let i = 0; i < img.data.length; i++) img.data[i] = i * 7;
    const first = pageHistogram(img);
    expect(Array.from(first)).toEqual(Array.from(histogram(img, undefined, 2)));
    expect(first.reduce((a, b) => a + b, 0)).toBe(4 * 3);
    expect(pageHistogram(img)).toBe(first);
    expect(pageHistogram({ ...img })).not.toBe(first);
  });

  it('finds percentiles and an Otsu threshold between two classes', () => {
    const img = createImage(100, 10, 240);
    img.data.fill(20, 0, 200);
    const h = histogram(img);
    expect(percentile(h, 0.1)).toBe(20);
    expect(percentile(h, 0.9)).toBe(240);
    const o = otsu(h);
    expect(o.threshold).toBeGreaterThanOrEqual(20);
    expect(o.threshold).toBeLessThan(240);
    expect(o.darkMean).toBeCloseTo(20);
    expect(o.lightMean).toBeCloseTo(240);
  });

  it('encodes PGM and RGBA', () => {
    const pgm = toPgm(ramp());
    expect(new TextDecoder().decode(pgm.subarray(0, 11))).toBe('P5\n4 3\n255\n');
    expect(pgm.length).toBe(11 + 12);
    const rgba = toRgba(ramp());
    expect(Array.from(rgba.subarray(4, 8))).toEqual([10, 10, 10, 255]);
  });
});
