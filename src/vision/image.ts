/**
 * A greyscale raster: 1 byte per pixel, 0 black .. 255 white, rows top to bottom.
 *
 * Coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1) and its value sits at its
 * centre (i + 0.5, j + 0.5). A point at full resolution is therefore `reduceFactor` times the same
 * point at reduced resolution, with no half-pixel fudge.
 */
export type GreyImage = { data: Uint8Array; width: number; height: number };

/** An axis-aligned pixel rectangle (integers, x/y inclusive top-left, w/h sizes). */
export type PxRect = { x: number; y: number; w: number; h: number };

export type Point = { x: number; y: number };

export function createImage(width: number, height: number, fill = 255): GreyImage {
  const data = new Uint8Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { data, width, height };
}

/** Clip a rectangle to the image; the result may be empty (w or h 0). */
export function clipRect(img: { width: number; height: number }, r: PxRect): PxRect {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(img.width, Math.ceil(r.x + r.w));
  const y1 = Math.min(img.height, Math.ceil(r.y + r.h));
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/** Copy a rectangle out of the image (clipped to the image). */
export function crop(img: GreyImage, r: PxRect): GreyImage {
  const c = clipRect(img, r);
  const out = new Uint8Array(c.w * c.h);
  for (let y = 0; y < c.h; y++) {
    const src = (c.y + y) * img.width + c.x;
    out.set(img.data.subarray(src, src + c.w), y * c.w);
  }
  return { data: out, width: c.w, height: c.h };
}

/** The pixel whose cell contains (x, y); outside the image gives `outside` (white by default). */
export function sample(img: GreyImage, x: number, y: number, outside = 255): number {
  const i = Math.floor(x);
  const j = Math.floor(y);
  if (i < 0 || j < 0 || i >= img.width || j >= img.height) return outside;
  return img.data[j * img.width + i]!;
}

/** Bilinear interpolation between pixel centres; edges clamp. */
export function bilinear(img: GreyImage, x: number, y: number): number {
  const { width: w, height: h, data } = img;
  let fx = x - 0.5;
  let fy = y - 0.5;
  if (fx < 0) fx = 0;
  if (fy < 0) fy = 0;
  if (fx > w - 1) fx = w - 1;
  if (fy > h - 1) fy = h - 1;
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = x0 + 1 < w ? x0 + 1 : x0;
  const y1 = y0 + 1 < h ? y0 + 1 : y0;
  const ax = fx - x0;
  const ay = fy - y0;
  const r0 = y0 * w;
  const r1 = y1 * w;
  const top = data[r0 + x0]! + (data[r0 + x1]! - data[r0 + x0]!) * ax;
  const bottom = data[r1 + x0]! + (data[r1 + x1]! - data[r1 + x0]!) * ax;
  return top + (bottom - top) * ay;
}

/** Box-filter downsample by an integer factor (the mark and blank-page work runs on this). */
export function downsample(img: GreyImage, factor: number): GreyImage {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`bad downsample factor ${factor}`);
  if (factor === 1) return img;
  const w = Math.floor(img.width / factor);
  const h = Math.floor(img.height / factor);
  const out = new Uint8Array(w * h);
  // Four pixels a load: the same sums and roundings as the pixel loop, ~2× faster by 2 and ~5× by 4.
  if (factor === 2) halve(img, out, w, h);
  else if (factor === 4) quarter(img, out, w, h);
  else boxFilter(img, factor, out, w, h);
  return { data: out, width: w, height: h };
}

/**
 * Four pixels of a row as two 16-bit lane sums: bytes 0 + 1 in the low lane, 2 + 3 in the high one (a lane sums at
 * most 8 pixels, ≤ 2040, so lanes never carry). DataView reads little-endian at any alignment (a row of an odd width).
 */
const pairSums = (v: DataView, at: number): number => {
  const a = v.getUint32(at, true);
  return (a & 0x00ff00ff) + ((a >>> 8) & 0x00ff00ff);
};

/** By 2: each output pixel is (a + b + c + d + 2) >> 2, as the pixel loop gives it. */
function halve(img: GreyImage, out: Uint8Array, w: number, h: number): void {
  const W = img.width;
  const src = img.data;
  const v = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const pairs = w >> 1; // output pixel pairs per row: one 4-byte read of each input row
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * W;
    const r1 = r0 + W;
    const o = y * w;
    for (let k = 0; k < pairs; k++) {
      const s = (pairSums(v, r0 + 4 * k) + pairSums(v, r1 + 4 * k) + 0x00020002) >>> 2;
      out[o + 2 * k] = s & 0xff;
      out[o + 2 * k + 1] = (s >>> 16) & 0xff;
    }
    if (w & 1) {
      const a = 2 * (w - 1);
      out[o + w - 1] = (src[r0 + a]! + src[r0 + a + 1]! + src[r1 + a]! + src[r1 + a + 1]! + 2) >> 2;
    }
  }
}

/** By 4: each output pixel is (sum of 16 + 8) >> 4 = Math.round(sum / 16), as the pixel loop gives it. */
function quarter(img: GreyImage, out: Uint8Array, w: number, h: number): void {
  const W = img.width;
  const v = new DataView(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  for (let y = 0; y < h; y++) {
    const r0 = 4 * y * W;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const i = r0 + 4 * x;
      const s = pairSums(v, i) + pairSums(v, i + W) + pairSums(v, i + 2 * W) + pairSums(v, i + 3 * W);
      out[o + x] = ((s & 0xffff) + (s >>> 16) + 8) >> 4;
    }
  }
}

/** Any other factor, a pixel at a time: rounds (sum / n) to nearest. */
function boxFilter(img: GreyImage, factor: number, out: Uint8Array, w: number, h: number): void {
  const src = img.data;
  const W = img.width;
  const n = factor * factor;
  const acc = new Uint32Array(w);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let k = 0; k < factor; k++) {
      const row = (y * factor + k) * W;
      for (let x = 0; x < w; x++) {
        let s = 0;
        const base = row + x * factor;
        for (let m = 0; m < factor; m++) s += src[base + m]!;
        acc[x]! += s;
      }
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = Math.round(acc[x]! / n);
  }
}

/** 256-bin histogram of a rectangle (the whole image by default), sampled every `step` pixels. */
export function histogram(img: GreyImage, r?: PxRect, step = 1): Uint32Array {
  const c = r ? clipRect(img, r) : { x: 0, y: 0, w: img.width, h: img.height };
  const hist = new Uint32Array(256);
  for (let y = c.y; y < c.y + c.h; y += step) {
    const row = y * img.width;
    for (let x = c.x; x < c.x + c.w; x += step) hist[img.data[row + x]!]!++;
  }
  return hist;
}

/**
 * The whole image's histogram over every second pixel of every second row, computed once per image (the blank check,
 * the page calibration and the streak search each read the reduced page's). Images are never changed once made, so
 * the image object keys it; the histogram returned is shared: read it, never change it.
 */
export function pageHistogram(img: GreyImage): Uint32Array {
  let hist = pageHistograms.get(img);
  if (!hist) pageHistograms.set(img, (hist = histogram(img, undefined, 2)));
  return hist;
}
const pageHistograms = new WeakMap<GreyImage, Uint32Array>();

/** The grey level below which the fraction `p` (0..1) of the histogram lies. */
export function percentile(hist: Uint32Array, p: number): number {
  let total = 0;
  for (let i = 0; i < 256; i++) total += hist[i]!;
  if (total === 0) return 255;
  const target = p * total;
  let acc = 0;
  for (let i = 0; i < 256; i++) {
    acc += hist[i]!;
    if (acc >= target) return i;
  }
  return 255;
}

/**
 * Otsu's threshold: pixels with value <= threshold are the dark class. Also returns the two class
 * means, so a caller can refuse a window with no real contrast.
 */
export function otsu(hist: Uint32Array): { threshold: number; darkMean: number; lightMean: number } {
  let total = 0;
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    sum += i * hist[i]!;
  }
  if (total === 0) return { threshold: 127, darkMean: 0, lightMean: 255 };
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let threshold = 127;
  let darkMean = 0;
  let lightMean = 255;
  for (let t = 0; t < 255; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
      darkMean = mB;
      lightMean = mF;
    }
  }
  return { threshold, darkMean, lightMean };
}

/** Binary PGM (P5) encoding: a dependency-free way to hand a crop to tools (OCR, debug dumps). */
export function toPgm(img: GreyImage): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
  const out = new Uint8Array(header.length + img.data.length);
  out.set(header, 0);
  out.set(img.data, header.length);
  return out;
}

/** Grey to RGBA (what ImageData-style consumers such as zxing-wasm take). */
export function toRgba(img: GreyImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  const d = img.data;
  for (let i = 0, o = 0; i < d.length; i++, o += 4) {
    const v = d[i]!;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
    out[o + 3] = 255;
  }
  return out;
}

/** Resample to a new size, averaging over each output pixel's footprint (good for shrinking). */
export function resize(img: GreyImage, width: number, height: number): GreyImage {
  const out = new Uint8Array(width * height);
  const sx = img.width / width;
  const sy = img.height / height;
  const nx = Math.max(1, Math.ceil(sx));
  const ny = Math.max(1, Math.ceil(sy));
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      let s = 0;
      for (let b = 0; b < ny; b++)
        for (let a = 0; a < nx; a++) s += bilinear(img, (i + (a + 0.5) / nx) * sx, (j + (b + 0.5) / ny) * sy);
      out[j * width + i] = Math.round(s / (nx * ny));
    }
  return { data: out, width, height };
}
