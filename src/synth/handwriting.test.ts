import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import type { Rect } from '../layout/printedPage';
import { canWrite, charStrokes, HANDWRITING_CHARS, sampleWriter, writeChar, writeInBoxes, writeLine } from './handwriting';
import { createImage, type GreyImage } from '../vision/image';
import { meanDarknessInRect, pxPerMm } from './image';
import { samePixels as same } from './image';

const DPI = 300;
const S = pxPerMm(DPI);

/** Bounding box (mm) of all non-white pixels. */
function inkBox(img: GreyImage): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      if (img.data[y * img.width + x]! < 255) {
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
      }
  return x0 === Infinity ? null : { x0: x0 / S, y0: y0 / S, x1: x1 / S, y1: y1 / S };
}

describe('handwriting', () => {
  it('supports digits and - . / = x', () => {
    for (const c of '0123456789-./=x') expect(HANDWRITING_CHARS).toContain(c);
    expect(canWrite('3/10')).toBe(true);
    expect(canWrite('abc')).toBe(false);
  });

  it('draws every character inside its box, for many writers', () => {
    const boxes: Rect[] = [{ x: 5, y: 5, w: 5.6, h: 7 }, { x: 5, y: 5, w: 7, h: 9 }, { x: 5, y: 5, w: 4, h: 5 }];
    for (let seed = 0; seed < 12; seed++) {
      const rng = seededRng(seed);
      const writer = sampleWriter(rng);
      for (const ch of HANDWRITING_CHARS) {
        const box = boxes[seed % boxes.length]!;
        const img = createImage(Math.round(20 * S), Math.round(20 * S));
        expect(writeChar(img, ch, box, writer, { dpi: DPI, rng })).toBe(true);
        const b = inkBox(img);
        expect(b, `${ch} drew nothing`).not.toBeNull();
        // Inside the box with its border line (0.25 mm) kept clear.
        expect(b!.x0).toBeGreaterThanOrEqual(box.x + 0.25);
        expect(b!.y0).toBeGreaterThanOrEqual(box.y + 0.25);
        expect(b!.x1).toBeLessThanOrEqual(box.x + box.w - 0.25);
        expect(b!.y1).toBeLessThanOrEqual(box.y + box.h - 0.25);
      }
    }
  });

  it('characters are legible-sized: a digit spans most of the box height', () => {
    const box = { x: 2, y: 2, w: 7, h: 9 };
    const strokes = charStrokes('1', box, { ...sampleWriter(seededRng(1)), size: 0.7 }, seededRng(2));
    const ys = strokes.flat().map((p) => p.y);
    expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(box.h * 0.5);
  });

  it('writes strings one character per box and leaves spaces empty', () => {
    const img = createImage(Math.round(40 * S), Math.round(15 * S));
    const boxes = [0, 1, 2, 3].map((i) => ({ x: 2 + i * 7, y: 2, w: 7, h: 9 }));
    writeInBoxes(img, ['4', ' ', '7', ''], boxes, sampleWriter(seededRng(3)), { dpi: DPI, rng: seededRng(4) });
    const ink = boxes.map((b) => meanDarknessInRect(img, b.x * S, b.y * S, (b.x + b.w) * S, (b.y + b.h) * S));
    expect(ink[0]).toBeGreaterThan(0.02);
    expect(ink[1]).toBe(0);
    expect(ink[2]).toBeGreaterThan(0.02);
    expect(ink[3]).toBe(0);
  });

  it('writes a line of working left to right', () => {
    const img = createImage(Math.round(80 * S), Math.round(15 * S));
    const used = writeLine(img, '23x4=92', 2, 2, 5, sampleWriter(seededRng(5)), { dpi: DPI, rng: seededRng(6) });
    expect(used).toBeGreaterThan(15);
    const b = inkBox(img)!;
    expect(b.x0).toBeGreaterThanOrEqual(2);
    expect(b.x1).toBeLessThanOrEqual(2 + used + 1);
  });

  it('is deterministic per seed', () => {
    const draw = (seed: number) => {
      const img = createImage(200, 200);
      writeChar(img, '8', { x: 2, y: 2, w: 7, h: 9 }, sampleWriter(seededRng(seed)), { dpi: DPI, rng: seededRng(seed + 1) });
      return img.data;
    };
    expect(same(draw(1), draw(1))).toBe(true);
    expect(same(draw(1), draw(2))).toBe(false);
  });
});
