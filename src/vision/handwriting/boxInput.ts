/**
 * A written box as a classifier sees it: darkness from the crop's own paper level, the main ink
 * only, fitted MNIST-style into 28 × 28 (the digit reader and the comb network share it).
 */
import type { GreyImage } from '../image';

export const DIGIT_SIDE = 28;
const FIT = 20;

/** The ink's bounding box in the crop, for telling a digit from '-' or '.' by shape. */
export type InkShape = {
  width: number;
  height: number;
  /** ink height / crop height, ink width / crop width */
  heightShare: number;
  widthShare: number;
  /** width / height */
  aspect: number;
};

/**
 * Darkness per pixel, 0 = paper, 1 = the darkest ink in the crop. The paper level is the crop's own
 * (its 80th percentile: a box is mostly paper), so a box in a shadow is not taken for ink.
 * null when the crop has no ink contrast.
 */
export function darknessOf(img: GreyImage, minContrast = 40): Float32Array | null {
  const histogram = new Uint32Array(256);
  let darkest = 255;
  for (const v of img.data) {
    histogram[v] = (histogram[v] as number) + 1;
    if (v < darkest) darkest = v;
  }
  let paper = 255;
  for (let level = 0, seen = 0; level < 256; level++) {
    seen += histogram[level] as number;
    if (seen >= 0.8 * img.data.length) {
      paper = level;
      break;
    }
  }
  const range = paper - darkest;
  if (range < minContrast) return null;
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < img.data.length; i++) out[i] = Math.min(1, Math.max(0, (paper - (img.data[i] as number)) / range));
  return out;
}

/** Connected ink (darkness ≥ `on`, 8-connected): each pixel's component (-1 for paper) and each component's size. */
export function inkComponents(d: Float32Array, w: number, h: number, on: number): { label: Int32Array; sizes: number[] } {
  const label = new Int32Array(w * h).fill(-1);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < d.length; start++) {
    if (label[start] !== -1 || (d[start] as number) < on) continue;
    const id = sizes.length;
    let size = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop() as number;
      size++;
      const x = i % w;
      const y = (i - x) / w;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
        for (let nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          const j = ny * w + nx;
          if (label[j] !== -1 || (d[j] as number) < on) continue;
          label[j] = id;
          stack.push(j);
        }
    }
    sizes.push(size);
  }
  return { label, sizes };
}

/**
 * Keep the connected ink (darkness ≥ `on`) in components of at least `minShare` of the largest one:
 * specks of noise and the edge of a printed box are dropped. Returns the kept mask.
 */
function mainInk(d: Float32Array, w: number, h: number, on: number, minShare: number): Uint8Array {
  const { label, sizes } = inkComponents(d, w, h, on);
  const largest = Math.max(0, ...sizes);
  const keep = new Uint8Array(w * h);
  for (let i = 0; i < keep.length; i++) {
    const l = label[i] as number;
    if (l >= 0 && (sizes[l] as number) >= Math.max(2, minShare * largest)) keep[i] = 1;
  }
  return keep;
}

/** Area-average resampling of a float image to tw × th. */
function resample(src: Float32Array, sw: number, sh: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const fx = sw / tw;
  const fy = sh / th;
  for (let ty = 0; ty < th; ty++) {
    const y0 = ty * fy;
    const y1 = y0 + fy;
    for (let tx = 0; tx < tw; tx++) {
      const x0 = tx * fx;
      const x1 = x0 + fx;
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(y0); sy < Math.min(sh, Math.ceil(y1)); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.min(sw, Math.ceil(x1)); sx++) {
          const wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
          sum += (src[sy * sw + sx] as number) * wx * wy;
          area += wx * wy;
        }
      }
      out[ty * tw + tx] = area > 0 ? sum / area : 0;
    }
  }
  return out;
}

/**
 * MNIST-style input from a darkness map: the main ink is cropped, scaled so its longer side is 20 px
 * (aspect kept), and placed in 28 × 28 with its centre of mass in the middle.
 */
export function digitInput(d: Float32Array, w: number, h: number): { input: Float32Array; shape: InkShape } | null {
  const keep = mainInk(d, w, h, 0.35, 0.1);
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (keep[y * w + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const ink = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) ink[y * bw + x] = keep[(y + y0) * w + x + x0] ? (d[(y + y0) * w + x + x0] as number) : 0;
  const scale = FIT / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resample(ink, bw, bh, tw, th);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x] as number;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  if (mass <= 0) return null;
  const ox = Math.round(DIGIT_SIDE / 2 - mx / mass - 0.5);
  const oy = Math.round(DIGIT_SIDE / 2 - my / mass - 0.5);
  const input = new Float32Array(DIGIT_SIDE * DIGIT_SIDE);
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const X = x + ox;
      const Y = y + oy;
      if (X >= 0 && Y >= 0 && X < DIGIT_SIDE && Y < DIGIT_SIDE) input[Y * DIGIT_SIDE + X] = Math.min(1, small[y * tw + x] as number);
    }
  return { input: thicken(input), shape: { width: bw, height: bh, heightShare: bh / h, widthShare: bw / w, aspect: bw / bh } };
}

/** Stroke width in px (2 × area / boundary) of the ink above 0.3 in a 28 × 28 input. */
export function strokeWidth(x: Float32Array): number {
  const S = DIGIT_SIDE;
  const on = (i: number, y: number) => i >= 0 && y >= 0 && i < S && y < S && (x[y * S + i] as number) > 0.3;
  let area = 0;
  let boundary = 0;
  for (let y = 0; y < S; y++)
    for (let i = 0; i < S; i++) {
      if (!on(i, y)) continue;
      area++;
      if (!on(i - 1, y) || !on(i + 1, y) || !on(i, y - 1) || !on(i, y + 1)) boundary++;
    }
  return (2 * area) / Math.max(1, boundary);
}

/** MNIST strokes are about 3 px wide at this scale; thinner pens are widened toward that, one ring at a time. */
function thicken(x: Float32Array, target = 2.8, maxPasses = 2): Float32Array {
  const S = DIGIT_SIDE;
  let cur = x;
  for (let pass = 0; pass < maxPasses && strokeWidth(cur) < target; pass++) {
    const next = new Float32Array(cur);
    for (let y = 0; y < S; y++)
      for (let i = 0; i < S; i++) {
        let m = 0;
        if (i > 0) m = Math.max(m, cur[y * S + i - 1] as number);
        if (i < S - 1) m = Math.max(m, cur[y * S + i + 1] as number);
        if (y > 0) m = Math.max(m, cur[(y - 1) * S + i] as number);
        if (y < S - 1) m = Math.max(m, cur[(y + 1) * S + i] as number);
        next[y * S + i] = Math.max(cur[y * S + i] as number, 0.7 * m);
      }
    cur = next;
  }
  return cur;
}

export function floatsToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The inverse of floatsToBase64 (a plain loop: `Uint8Array.from` with a callback took ~25 ms for the digit model). */
export function base64ToFloats(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

