import { describe, expect, it } from 'vitest';
import type { CombField } from '../layout/printedPage';
import { boxCrop, hasInk, measureBoxInk, rectifyBox } from './handwriting';
import { solveHomography, type Homography } from './homography';
import { DEFAULT_VISION_SETTINGS as S } from './settings';
import { drawPage, scanPage, scanPoint } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const DPI = 300;
const k = DPI / 25.4;
const page = samplePage();
const comb = page.fields.find((f) => f.id === 'q5') as CombField;
const cal = { paper: 245, ink: 25 };
// An "L" in box 0: a long down stroke and a short foot, so which way up it comes out is visible.
const L = [
  { kind: 'stroke' as const, x1: 122, y1: 87, x2: 122, y2: 94, widthMm: 0.6 },
  { kind: 'stroke' as const, x1: 122, y1: 94, x2: 126, y2: 94, widthMm: 0.6 },
];
const up = drawPage(page, { dpi: DPI, ink: L });

function hFor(rotateDeg: number): Homography {
  const pairs = page.marks.map((m) => ({ from: { x: m.x, y: m.y }, to: scanPoint(up, { rotateDeg }, m.x * k, m.y * k) }));
  return solveHomography(pairs)!;
}

describe('handwriting boxes', () => {
  it('crops inside the printed border and measures ink as area', () => {
    const h = hFor(0);
    const img = scanPage(up, { rotateDeg: 0 });
    const c = boxCrop(img, h, comb.boxes[0]!, S.handwriting.insetMm);
    expect(c.rect.w).toBeGreaterThan((9 - 2 * 0.8) * k - 3);
    expect(c.rect.w).toBeLessThan(9 * k);
    const inked = measureBoxInk(img, h, comb.boxes[0]!, cal, S);
    const empty = measureBoxInk(img, h, comb.boxes[1]!, cal, S);
    expect(inked.inkMm2).toBeGreaterThan(5); // (7 + 4) mm × 0.6 mm
    expect(inked.inkMm2).toBeLessThan(8);
    expect(hasInk(inked, S)).toBe(true);
    expect(empty.inkMm2).toBe(0);
    expect(hasInk(empty, S)).toBe(false);
  });

  it('ignores the printed border of a turned box', () => {
    const img = scanPage(up, { rotateDeg: 10 });
    const empty = measureBoxInk(img, hFor(10), comb.boxes[2]!, cal, S);
    expect(empty.inkMm2).toBeLessThan(0.2);
  });

  it('rectifies a box upright whatever the turn of the page', () => {
    for (const rotateDeg of [0, 180, 90]) {
      const img = scanPage(up, { rotateDeg });
      const box = rectifyBox(img, hFor(rotateDeg), comb.boxes[0]!, S.handwriting.insetMm);
      expect(box.width).toBeGreaterThan(box.height * 0.6);
      expect(box.width).toBeLessThan(box.height);
      // The foot of the L is at the bottom: the bottom third holds more ink than the top third.
      const third = Math.floor(box.height / 3);
      let top = 0;
      let bottom = 0;
      for (let y = 0; y < third; y++)
        for (let x = 0; x < box.width; x++) {
          if (box.data[y * box.width + x]! < 128) top++;
          if (box.data[(box.height - 1 - y) * box.width + x]! < 128) bottom++;
        }
      expect(bottom).toBeGreaterThan(top * 1.5);
    }
  });
});
