import type { Rng } from '../../domain/random';
import { invertH, type Homography } from '../homography';
import type { GreyImage } from '../image';

/**
 * The scan simulator's degradations over grey images, shared by the synthetic-scan generator
 * (src/synth/degrade.ts) and the vision tests' page scanner (drawPage.ts). Every geometric transform is one inverse-mapped bilinear
 * pass over typed arrays; tone and noise are one pass through lookup tables. All of it is pure.
 */

/**
 * Resamples `img` through a projective transform: output pixel centre p maps to source point
 * dstToSrc·p (continuous coordinates, pixel i covers [i, i+1)). Outside the source: `background`.
 */
export function warp(img: GreyImage, dstToSrc: Homography, width: number, height: number, background = 255): GreyImage {
  const out = new Uint8Array(width * height);
  const src = img.data;
  const W = img.width;
  const H = img.height;
  const [a, b, c, d, e, f, g, h, i] = dstToSrc;
  // The projective division is done exactly every BLOCK pixels and linearly in between
  // (for scanner-sized perspective the error is far below 0.01 px).
  const BLOCK = 16;
  const maxU = W - 1;
  const maxV = H - 1;
  for (let Y = 0; Y < height; Y++) {
    const yc = Y + 0.5;
    const row = Y * width;
    for (let X0 = 0; X0 < width; X0 += BLOCK) {
      const X1 = Math.min(width, X0 + BLOCK);
      const xa = X0 + 0.5;
      const xb = X1 - 1 + 0.5;
      const wa = g * xa + h * yc + i;
      const wb = g * xb + h * yc + i;
      const ua = (a * xa + b * yc + c) / wa - 0.5;
      const va = (d * xa + e * yc + f) / wa - 0.5;
      const ub = (a * xb + b * yc + c) / wb - 0.5;
      const vb = (d * xb + e * yc + f) / wb - 0.5;
      const n = X1 - X0 - 1;
      const du = n > 0 ? (ub - ua) / n : 0;
      const dv = n > 0 ? (vb - va) / n : 0;
      let u = ua;
      let v = va;
      for (let X = X0; X < X1; X++, u += du, v += dv) {
        if (u >= 0 && v >= 0 && u < maxU && v < maxV) {
          const x0 = u | 0;
          const y0 = v | 0;
          const fx = u - x0;
          const fy = v - y0;
          const k = y0 * W + x0;
          const p00 = src[k]!;
          const p01 = src[k + 1]!;
          const p10 = src[k + W]!;
          const p11 = src[k + W + 1]!;
          const top = p00 + (p01 - p00) * fx;
          const bot = p10 + (p11 - p10) * fx;
          out[row + X] = (top + (bot - top) * fy + 0.5) | 0;
        } else if (u < -0.5 || v < -0.5 || u > maxU + 0.5 || v > maxV + 0.5) {
          out[row + X] = background;
        } else {
          // The half-pixel rim of the source: clamp to the nearest edge pixels.
          const uu = u < 0 ? 0 : u > maxU ? maxU : u;
          const vv = v < 0 ? 0 : v > maxV ? maxV : v;
          const x0 = Math.min(uu | 0, Math.max(0, maxU - 1));
          const y0 = Math.min(vv | 0, Math.max(0, maxV - 1));
          const fx = Math.min(1, uu - x0);
          const fy = Math.min(1, vv - y0);
          const x1 = Math.min(maxU, x0 + 1);
          const y1 = Math.min(maxV, y0 + 1);
          const top = src[y0 * W + x0]! + (src[y0 * W + x1]! - src[y0 * W + x0]!) * fx;
          const bot = src[y1 * W + x0]! + (src[y1 * W + x1]! - src[y1 * W + x0]!) * fx;
          out[row + X] = (top + (bot - top) * fy + 0.5) | 0;
        }
      }
    }
  }
  return { data: out, width, height };
}

/** Rotates about the image centre by `deg` (positive = clockwise on screen, y down), same size. */
export function rotate(img: GreyImage, deg: number, background = 255): GreyImage {
  const cx = img.width / 2;
  const cy = img.height / 2;
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const aboutCentre: Homography = [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0, 1];
  return warp(img, invertH(aboutCentre), img.width, img.height, background);
}

/** Turns the image upside down (exact, no resampling). */
export function rotate180(img: GreyImage): GreyImage {
  const out = img.data.slice();
  out.reverse();
  return { data: out, width: img.width, height: img.height };
}

/** Gaussian blur (separable, kernel radius ⌈2σ⌉, edges clamped). σ in pixels; σ ≤ 0.05 returns a copy. */
export function gaussianBlur(img: GreyImage, sigma: number): GreyImage {
  if (sigma <= 0.05) return { ...img, data: img.data.slice() };
  const r = Math.max(1, Math.ceil(sigma * 2 - 1e-9));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return convolveSeparable(img, k);
}

/** Box blur of radius r pixels (a (2r+1)² mean). */
export function boxBlur(img: GreyImage, radius: number): GreyImage {
  const r = Math.max(0, Math.round(radius));
  if (r === 0) return { ...img, data: img.data.slice() };
  return convolveSeparable(img, new Float32Array(2 * r + 1).fill(1 / (2 * r + 1)));
}

/**
 * Separable convolution of a symmetric kernel in 8.8 fixed point. Each row is padded with clamped
 * edges so the inner loops have no branches; the vertical pass reads the 2r+1 source rows at once.
 * Kernels up to 7 taps have unrolled loops (σ ≤ 1.5 px).
 */
function convolveSeparable(img: GreyImage, kernel: Float32Array): GreyImage {
  const { width: W, height: H, data } = img;
  const r = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  const k = new Int32Array(taps);
  let total = 0;
  for (let t = 0; t < taps; t++) total += k[t] = Math.round(kernel[t]! * 256);
  k[r]! += 256 - total;
  const c0 = k[r]!, c1 = k[r + 1] ?? 0, c2 = k[r + 2] ?? 0, c3 = k[r + 3] ?? 0;
  const tmp = new Uint8Array(W * H);
  const p = new Uint8Array(W + 2 * r);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    p.set(data.subarray(row, row + W), r);
    p.fill(data[row]!, 0, r);
    p.fill(data[row + W - 1]!, r + W, 2 * r + W);
    if (r === 1) for (let x = 0; x < W; x++) tmp[row + x] = (c0 * p[x + 1]! + c1 * (p[x]! + p[x + 2]!) + 128) >> 8;
    else if (r === 2) for (let x = 0; x < W; x++) tmp[row + x] = (c0 * p[x + 2]! + c1 * (p[x + 1]! + p[x + 3]!) + c2 * (p[x]! + p[x + 4]!) + 128) >> 8;
    else if (r === 3)
      for (let x = 0; x < W; x++) tmp[row + x] = (c0 * p[x + 3]! + c1 * (p[x + 2]! + p[x + 4]!) + c2 * (p[x + 1]! + p[x + 5]!) + c3 * (p[x]! + p[x + 6]!) + 128) >> 8;
    else
      for (let x = 0; x < W; x++) {
        let acc = 128;
        for (let t = 0; t < taps; t++) acc += k[t]! * p[x + t]!;
        tmp[row + x] = acc >> 8;
      }
  }
  const out = new Uint8Array(W * H);
  const rowAt = (yy: number) => tmp.subarray((yy < 0 ? 0 : yy >= H ? H - 1 : yy) * W, (yy < 0 ? 0 : yy >= H ? H - 1 : yy) * W + W);
  const acc = new Int32Array(W);
  for (let y = 0; y < H; y++) {
    const o = y * W;
    const m = rowAt(y);
    if (r <= 3) {
      const a1 = rowAt(y - 1), b1 = rowAt(y + 1);
      if (r === 1) for (let x = 0; x < W; x++) out[o + x] = (c0 * m[x]! + c1 * (a1[x]! + b1[x]!) + 128) >> 8;
      else {
        const a2 = rowAt(y - 2), b2 = rowAt(y + 2);
        if (r === 2) for (let x = 0; x < W; x++) out[o + x] = (c0 * m[x]! + c1 * (a1[x]! + b1[x]!) + c2 * (a2[x]! + b2[x]!) + 128) >> 8;
        else {
          const a3 = rowAt(y - 3), b3 = rowAt(y + 3);
          for (let x = 0; x < W; x++) out[o + x] = (c0 * m[x]! + c1 * (a1[x]! + b1[x]!) + c2 * (a2[x]! + b2[x]!) + c3 * (a3[x]! + b3[x]!) + 128) >> 8;
        }
      }
      continue;
    }
    acc.fill(128);
    for (let t = -r; t <= r; t++) {
      const src = rowAt(y + t);
      const w = k[t + r]!;
      for (let x = 0; x < W; x++) acc[x]! += w * src[x]!;
    }
    for (let x = 0; x < W; x++) out[o + x] = acc[x]! >> 8;
  }
  return { data: out, width: W, height: H };
}

export type ToneNoise = {
  /** Added to every level after contrast (−255…255). */
  brightness: number;
  /** Contrast about mid grey (1 = unchanged). */
  contrast: number;
  /** Standard deviation of per-pixel gaussian noise, in grey levels. */
  noiseSigma: number;
  /** Fraction of pixels turned into black or white specks. */
  saltPepper: number;
  /** Amplitude (grey levels) of slow, paper-like unevenness across rows and columns. */
  unevenness?: number;
};

/** Brightness/contrast, gaussian noise, paper unevenness and salt-and-pepper specks, in one pass (in place). */
export function toneAndNoise(img: GreyImage, p: ToneNoise, rng: Rng): GreyImage {
  const { data, width: W, height: H } = img;
  const lut = new Int16Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round((v - 128) * p.contrast + 128 + p.brightness);
  const OFF = 1024;
  const clamp = new Uint8Array(2 * OFF + 256);
  for (let i = 0; i < clamp.length; i++) clamp[i] = Math.max(0, Math.min(255, i - OFF));
  const TAB = 1 << 16;
  const noise = new Int16Array(TAB);
  if (p.noiseSigma > 0)
    for (let i = 0; i < TAB; i += 2) {
      const u1 = Math.max(1e-12, rng());
      const u2 = rng();
      const m = Math.sqrt(-2 * Math.log(u1)) * p.noiseSigma;
      noise[i] = Math.round(m * Math.cos(2 * Math.PI * u2));
      noise[i + 1] = Math.round(m * Math.sin(2 * Math.PI * u2));
    }
  const uneven = p.unevenness ?? 0;
  const rowOff = smoothWalk(H, uneven, rng);
  const colOff = smoothWalk(W, uneven, rng);
  let s = (Math.floor(rng() * 2 ** 32) >>> 0) | 1;
  const withNoise = p.noiseSigma > 0;
  for (let y = 0; y < H; y++) {
    const base = OFF + rowOff[y]!;
    const row = y * W;
    if (!withNoise) {
      for (let x = 0; x < W; x++) data[row + x] = clamp[base + lut[data[row + x]!]! + colOff[x]!]!;
      continue;
    }
    // One xorshift draw gives the noise of two pixels.
    let x = 0;
    for (; x + 1 < W; x += 2) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const i = row + x;
      data[i] = clamp[base + lut[data[i]!]! + noise[s & 0xffff]! + colOff[x]!]!;
      data[i + 1] = clamp[base + lut[data[i + 1]!]! + noise[(s >>> 16) & 0xffff]! + colOff[x + 1]!]!;
    }
    if (x < W) data[row + x] = clamp[base + lut[data[row + x]!]! + noise[s & 0xff]! + colOff[x]!]!;
  }
  const specks = Math.round(W * H * p.saltPepper);
  for (let i = 0; i < specks; i++) {
    const x = Math.floor(rng() * (W - 1));
    const y = Math.floor(rng() * (H - 1));
    const v = rng() < 0.5 ? Math.floor(rng() * 60) : 255;
    const big = rng() < 0.3;
    data[y * W + x] = v;
    if (big) {
      data[y * W + x + 1] = v;
      data[(y + 1) * W + x] = v;
      data[(y + 1) * W + x + 1] = v;
    }
  }
  return img;
}

/** A slowly varying integer offset sequence of amplitude ~amp (for paper unevenness). */
function smoothWalk(n: number, amp: number, rng: Rng): Int16Array {
  const out = new Int16Array(n);
  if (amp <= 0) return out;
  const knots = 6;
  const vals = Array.from({ length: knots + 2 }, () => (rng() - 0.5) * 2 * amp);
  for (let i = 0; i < n; i++) {
    const f = (i / n) * knots;
    const k = Math.floor(f);
    const t = f - k;
    const s = t * t * (3 - 2 * t);
    out[i] = Math.round(vals[k]! + (vals[k + 1]! - vals[k]!) * s);
  }
  return out;
}

export type Streak = { x: number; width: number; level: number };

/** A vertical scanner streak (dirt on the glass): columns [x, x+width) pulled towards `level`, in place. */
export function addStreak(img: GreyImage, streak: Streak): GreyImage {
  const { data, width: W, height: H } = img;
  const x0 = Math.max(0, Math.round(streak.x));
  const x1 = Math.min(W, Math.round(streak.x + streak.width));
  for (let y = 0; y < H; y++)
    for (let x = x0; x < x1; x++) {
      const i = y * W + x;
      data[i] = Math.min(data[i]!, streak.level) * 0.7 + streak.level * 0.3;
    }
  return img;
}

/** Round dark specks of dust (radius 0.5–2.5 px, grey 60) at random places, in place. */
export function addDust(img: GreyImage, count: number, rng: Rng): GreyImage {
  const { width: W, height: H } = img;
  for (let n = 0; n < count; n++) {
    const cx = rng() * W;
    const cy = rng() * H;
    const r = 0.5 + rng() * 2;
    for (let j = Math.floor(cy - r); j <= cy + r; j++)
      for (let i = Math.floor(cx - r); i <= cx + r; i++)
        if (i >= 0 && j >= 0 && i < W && j < H && Math.hypot(i - cx, j - cy) <= r) img.data[j * W + i] = 60;
  }
  return img;
}
