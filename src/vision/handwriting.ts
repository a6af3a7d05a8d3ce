/** MEASURE: where a handwriting box lands in the image, and how much ink is in it. */
import type { Rect } from '../layout/printedPage';
import type { PageCalibration } from './bubbles';
import { applyH, boundingBox, localScale, mapRect, type Homography } from './homography';
import { bilinear, clipRect, type GreyImage, type Point, type PxRect } from './image';
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
  /** The same ink as an area in mm² (what decides blank or written). */
  inkMm2: number;
};

export function boxCrop(img: { width: number; height: number }, h: Homography, r: Rect, insetMm: number): BoxCrop {
  const inset = Math.min(insetMm, r.w / 4, r.h / 4);
  const quad = mapRect(h, { x: r.x + inset, y: r.y + inset, w: r.w - 2 * inset, h: r.h - 2 * inset });
  const bb = boundingBox(quad);
  return { rect: clipRect(img, { x: Math.floor(bb.x), y: Math.floor(bb.y), w: Math.ceil(bb.w) + 1, h: Math.ceil(bb.h) + 1 }), quad };
}

export function measureBoxInk(img: GreyImage, h: Homography, r: Rect, cal: PageCalibration, settings: VisionSettings): BoxInk {
  const c = boxCrop(img, h, r, settings.handwriting.insetMm);
  const cut = cal.paper - settings.handwriting.inkDarkness * (cal.paper - cal.ink);
  // Large boxes (working space) are sampled on a sparser grid; the count is scaled back.
  const stride = Math.max(1, Math.floor(Math.sqrt((c.rect.w * c.rect.h) / settings.handwriting.maxSamples)));
  let n = 0;
  let total = 0;
  for (let y = c.rect.y; y < c.rect.y + c.rect.h; y += stride) {
    const span = rowSpan(c.quad, y + 0.5);
    if (!span) continue;
    const x0 = Math.max(c.rect.x, Math.ceil(span[0] - 0.5));
    const x1 = Math.min(c.rect.x + c.rect.w - 1, Math.floor(span[1] - 0.5));
    const row = y * img.width;
    for (let x = x0; x <= x1; x += stride) {
      total++;
      if (img.data[row + x]! <= cut) n++;
    }
  }
  const k = localScale(h, { x: r.x + r.w / 2, y: r.y + r.h / 2 });
  return { crop: c.rect, inkFraction: total > 0 ? n / total : 0, inkMm2: (n * stride * stride) / (k * k) };
}

/** Where the horizontal line at y crosses the convex quad: [x from, x to], or null. */
function rowSpan(q: readonly Point[], y: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    if ((a.y <= y && b.y >= y) || (b.y <= y && a.y >= y)) {
      const x = a.y === b.y ? Math.min(a.x, b.x) : a.x + ((y - a.y) / (b.y - a.y)) * (b.x - a.x);
      const x2 = a.y === b.y ? Math.max(a.x, b.x) : x;
      lo = Math.min(lo, x, x2);
      hi = Math.max(hi, x, x2);
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

export const hasInk = (b: BoxInk, settings: VisionSettings) => b.inkMm2 >= settings.handwriting.minInkMm2;

/** An empty box between written ones. */
export function hasGap(inked: readonly boolean[]): boolean {
  const first = inked.indexOf(true);
  if (first < 0) return false;
  const last = inked.lastIndexOf(true);
  return inked.slice(first, last + 1).includes(false);
}

/**
 * The inset box resampled upright (page orientation) at the image's own resolution, so OCR sees
 * glyphs the right way up whatever the page's turn. Only the box is resampled, never the page.
 */
export function rectifyBox(img: GreyImage, h: Homography, r: Rect, insetMm: number): GreyImage {
  const inset = Math.min(insetMm, r.w / 4, r.h / 4);
  const x0 = r.x + inset;
  const y0 = r.y + inset;
  const wMm = r.w - 2 * inset;
  const hMm = r.h - 2 * inset;
  const k = localScale(h, { x: x0 + wMm / 2, y: y0 + hMm / 2 });
  const w = Math.max(1, Math.round(wMm * k));
  const hh = Math.max(1, Math.round(hMm * k));
  const out = new Uint8Array(w * hh);
  for (let j = 0; j < hh; j++)
    for (let i = 0; i < w; i++) {
      const p = applyH(h, { x: x0 + ((i + 0.5) / w) * wMm, y: y0 + ((j + 0.5) / hh) * hMm });
      out[j * w + i] = Math.round(bilinear(img, p.x, p.y));
    }
  return { data: out, width: w, height: hh };
}
