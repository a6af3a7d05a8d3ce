import type { GreyImage } from '../vision/image';

/** Image helpers the generator and its tests need beyond src/vision/image.ts. */

export function cloneImage(img: GreyImage): GreyImage {
  return { data: img.data.slice(), width: img.width, height: img.height };
}

/** Pixels per millimetre at a resolution in dots per inch. */
export function pxPerMm(dpi: number): number {
  return dpi / 25.4;
}

/**
 * Mean darkness (0 white … 1 black) of the pixels whose centres fall inside a circle, in pixel
 * coordinates (a pixel i covers [i, i+1)). Used by the tests and handy for diagnostics.
 */
export function meanDarknessInCircle(img: GreyImage, cx: number, cy: number, r: number): number {
  let sum = 0;
  let n = 0;
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(img.width - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(img.height - 1, Math.ceil(cy + r));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      if (dx * dx + dy * dy > r * r) continue;
      sum += 255 - img.data[y * img.width + x]!;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n / 255;
}

/** Mean darkness in an axis-aligned rectangle of pixels [x0, x1) × [y0, y1), clipped to the image. */
export function meanDarknessInRect(img: GreyImage, x0: number, y0: number, x1: number, y1: number): number {
  const ax = Math.max(0, Math.floor(x0));
  const bx = Math.min(img.width, Math.ceil(x1));
  const ay = Math.max(0, Math.floor(y0));
  const by = Math.min(img.height, Math.ceil(y1));
  let sum = 0;
  let n = 0;
  for (let y = ay; y < by; y++)
    for (let x = ax; x < bx; x++) {
      sum += 255 - img.data[y * img.width + x]!;
      n++;
    }
  return n === 0 ? 0 : sum / n / 255;
}

/** True when two pixel arrays are byte-for-byte equal. */
export function samePixels(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
