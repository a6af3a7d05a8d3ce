/** MEASURE: where a handwriting box lands in the image, and how much ink is in it. */
import type { Rect } from '../layout/printedPage';
import type { PageCalibration } from './bubbles';
import { boundingBox, mapRect, type Homography } from './homography';
import { clipRect, type GreyImage, type Point, type PxRect } from './image';
import type { VisionSettings } from './settings';

export type BoxCrop = {
  /** Bounding box (full-resolution px) of the box inset from its printed border. */
  rect: PxRect;
  /** The inset box itself as mapped (clockwise from top-left); only pixels inside it count. */
  quad: [Point, Point, Point, Point];
};

export type BoxInk = {
  crop: PxRect;
  /** Fraction of the pixels inside the inset box at least `inkDarkness` dark (calibrated). */
  inkFraction: number;
};

export function boxCrop(img: { width: number; height: number }, h: Homography, r: Rect, insetMm: number): BoxCrop {
  const inset = Math.min(insetMm, r.w / 4, r.h / 4);
  const quad = mapRect(h, { x: r.x + inset, y: r.y + inset, w: r.w - 2 * inset, h: r.h - 2 * inset });
  const bb = boundingBox(quad);
  return { rect: clipRect(img, { x: Math.floor(bb.x), y: Math.floor(bb.y), w: Math.ceil(bb.w) + 1, h: Math.ceil(bb.h) + 1 }), quad };
}

/** Is p inside the convex quad (either winding)? */
export function insideQuad(q: readonly Point[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    const c = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (c === 0) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

export function measureBoxInk(img: GreyImage, h: Homography, r: Rect, cal: PageCalibration, settings: VisionSettings): BoxInk {
  const c = boxCrop(img, h, r, settings.handwriting.insetMm);
  const cut = cal.paper - settings.handwriting.inkDarkness * (cal.paper - cal.ink);
  let n = 0;
  let total = 0;
  for (let y = c.rect.y; y < c.rect.y + c.rect.h; y++) {
    const row = y * img.width;
    for (let x = c.rect.x; x < c.rect.x + c.rect.w; x++) {
      if (!insideQuad(c.quad, x + 0.5, y + 0.5)) continue;
      total++;
      if (img.data[row + x]! <= cut) n++;
    }
  }
  return { crop: c.rect, inkFraction: total > 0 ? n / total : 0 };
}

/** The box's pixels, with everything outside the inset box painted paper white (for OCR, review). */
export function boxImage(img: GreyImage, c: BoxCrop, paper: number): GreyImage {
  const { rect } = c;
  const out = new Uint8Array(rect.w * rect.h);
  for (let y = 0; y < rect.h; y++)
    for (let x = 0; x < rect.w; x++) {
      const sx = rect.x + x;
      const sy = rect.y + y;
      out[y * rect.w + x] = insideQuad(c.quad, sx + 0.5, sy + 0.5) ? img.data[sy * img.width + sx]! : paper;
    }
  return { data: out, width: rect.w, height: rect.h };
}
