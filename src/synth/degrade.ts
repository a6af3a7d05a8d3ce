import type { Rng } from '../domain/random';
import { invertH, solveHomography, type Homography } from '../vision/homography';
import type { GreyImage, Point } from '../vision/image';
import { gaussianBlur, rotate180, toneAndNoise, addStreak, warp, type Streak, type ToneNoise } from '../vision/testing/scan';

/**
 * Simulated scans of rendered pages: what a scan did (ScanParams, recorded in truth.json), the
 * profiles it is sampled from, and applying it with the scan simulator of src/vision/testing/scan.ts.
 */

/** What one simulated scan did to a page. Lengths in mm or pixels as named. Recorded in truth.json. */
export type ScanParams = {
  /** Skew of the sheet in the feeder, degrees, clockwise positive. */
  angleDeg: number;
  /** Fed upside down: the image shows the page turned 180°. */
  flipped: boolean;
  /** Perspective: offsets (mm) of the page corners tl, tr, br, bl, after rotation. */
  perspectiveMm: [number, number][];
  /** Scanner backing around the page, mm on every side (0 with no skew = exactly the page). */
  marginMm: number;
  /** Grey level of the scanner backing. */
  background: number;
  /** Optical blur σ in pixels at the output resolution. */
  blurSigmaPx: number;
  tone: ToneNoise;
  streak: Streak | null;
  jpegQuality: number;
};

export const NO_DEGRADATION: ScanParams = {
  angleDeg: 0,
  flipped: false,
  perspectiveMm: [[0, 0], [0, 0], [0, 0], [0, 0]],
  marginMm: 0,
  background: 255,
  blurSigmaPx: 0,
  tone: { brightness: 0, contrast: 1, noiseSigma: 0, saltPepper: 0, unevenness: 0 },
  streak: null,
  jpegQuality: 95,
};

/**
 * The transform from page pixels (as rendered at `dpi`) to scan pixels, and the scan's size.
 * Rotation is about the page centre; the result is shifted so the whole page plus margin fits.
 */
export function scanGeometry(pageW: number, pageH: number, dpi: number, p: ScanParams): { pageToScan: Homography; width: number; height: number } {
  const s = dpi / 25.4;
  const cx = pageW / 2;
  const cy = pageH / 2;
  const theta = ((p.angleDeg + (p.flipped ? 180 : 0)) * Math.PI) / 180;
  const c = Math.cos(theta);
  const sn = Math.sin(theta);
  const src: Point[] = [{ x: 0, y: 0 }, { x: pageW, y: 0 }, { x: pageW, y: pageH }, { x: 0, y: pageH }];
  const dst = src.map((q, i) => {
    const dx = q.x - cx;
    const dy = q.y - cy;
    const o = p.perspectiveMm[i] ?? [0, 0];
    return { x: cx + dx * c - dy * sn + o[0] * s, y: cy + dx * sn + dy * c + o[1] * s };
  });
  const m = p.marginMm * s;
  const minX = Math.min(...dst.map((q) => q.x));
  const minY = Math.min(...dst.map((q) => q.y));
  const maxX = Math.max(...dst.map((q) => q.x));
  const maxY = Math.max(...dst.map((q) => q.y));
  const exact = p.angleDeg === 0 && p.marginMm === 0 && p.perspectiveMm.every(([x, y]) => x === 0 && y === 0);
  const width = exact ? pageW : Math.round(maxX - minX + 2 * m);
  const height = exact ? pageH : Math.round(maxY - minY + 2 * m);
  const shifted = exact ? dst : dst.map((q) => ({ x: q.x - minX + m, y: q.y - minY + m }));
  const pageToScan = solveHomography(src.map((from, i) => ({ from, to: shifted[i]! })));
  if (!pageToScan) throw new Error(`scanGeometry: the page corners of a ${pageW}×${pageH} px page map to a degenerate quadrilateral`);
  return { pageToScan, width, height };
}

/**
 * Applies a scan to a page image: geometry (skew, perspective, flip) in one bilinear pass, then
 * optical blur, tone and noise, then a streak. Returns the scan and the page-pixel → scan-pixel transform.
 */
export function applyScan(page: GreyImage, dpi: number, p: ScanParams, rng: Rng): { image: GreyImage; pageToScan: Homography } {
  const geo = scanGeometry(page.width, page.height, dpi, p);
  const identity = geo.width === page.width && geo.height === page.height && geo.pageToScan.every((v, i) => Math.abs(v - (i % 4 === 0 ? 1 : 0)) < 1e-9);
  let img: GreyImage;
  if (identity) img = { ...page, data: page.data.slice() };
  else if (p.flipped && p.angleDeg === 0 && geo.width === page.width && geo.height === page.height && p.perspectiveMm.every(([x, y]) => x === 0 && y === 0))
    img = rotate180(page);
  else img = warp(page, invertH(geo.pageToScan), geo.width, geo.height, p.background);
  if (p.blurSigmaPx > 0.05) img = gaussianBlur(img, p.blurSigmaPx);
  toneAndNoise(img, p.tone, rng);
  if (p.streak) addStreak(img, p.streak);
  return { image: img, pageToScan: geo.pageToScan };
}

/** Ranges a profile samples from ([min, max]); rates are probabilities per image. */
export type DegradationProfile = {
  name: string;
  angleDeg: number;
  perspectiveMm: number;
  marginMm: [number, number];
  background: [number, number];
  /** Blur σ in pixels at 300 dpi (scaled to the output dpi). */
  blurSigma300: [number, number];
  noiseSigma: [number, number];
  saltPepper: [number, number];
  brightness: [number, number];
  contrast: [number, number];
  unevenness: [number, number];
  jpegQuality: [number, number];
  upsideDownRate: number;
  streakRate: number;
};

export const PROFILES = {
  clean: {
    name: 'clean', angleDeg: 0.5, perspectiveMm: 0, marginMm: [0, 0], background: [250, 255], blurSigma300: [0, 0.3], noiseSigma: [0, 2],
    saltPepper: [0, 0], brightness: [-3, 3], contrast: [0.98, 1.02], unevenness: [0, 1], jpegQuality: [88, 95], upsideDownRate: 0, streakRate: 0,
  },
  typical: {
    name: 'typical', angleDeg: 3, perspectiveMm: 1, marginMm: [1, 4], background: [200, 255], blurSigma300: [0.3, 0.9], noiseSigma: [2, 6],
    saltPepper: [0, 0.00005], brightness: [-15, 12], contrast: [0.85, 1.08], unevenness: [0, 4], jpegQuality: [60, 90], upsideDownRate: 0.1, streakRate: 0.05,
  },
  harsh: {
    name: 'harsh', angleDeg: 10, perspectiveMm: 3.5, marginMm: [2, 8], background: [30, 255], blurSigma300: [0.7, 1.5], noiseSigma: [5, 14],
    saltPepper: [0.00005, 0.0004], brightness: [-35, 20], contrast: [0.65, 1.15], unevenness: [2, 10], jpegQuality: [30, 60], upsideDownRate: 0.25, streakRate: 0.25,
  },
} satisfies Record<string, DegradationProfile>;
export type ProfileName = keyof typeof PROFILES;

const pick = (rng: Rng, [a, b]: [number, number]) => a + (b - a) * rng();

/** Samples one scan's parameters from a profile. `scanWidthPx` places a streak. */
export function sampleScanParams(profile: DegradationProfile, dpi: number, scanWidthPx: number, rng: Rng, upsideDownRate = profile.upsideDownRate): ScanParams {
  const r2 = (x: number) => Math.round(x * 100) / 100 || 0; // no -0 in truth.json
  const angleDeg = r2((rng() * 2 - 1) * profile.angleDeg);
  const perspectiveMm = Array.from({ length: 4 }, () => [r2((rng() * 2 - 1) * profile.perspectiveMm), r2((rng() * 2 - 1) * profile.perspectiveMm)] as [number, number]);
  const flipped = rng() < upsideDownRate;
  const streak = rng() < profile.streakRate
    ? { x: Math.floor(rng() * scanWidthPx), width: 1 + Math.floor(rng() * 3 * (dpi / 300)), level: Math.round(rng() < 0.8 ? 30 + rng() * 120 : 240) }
    : null;
  return {
    angleDeg,
    flipped,
    perspectiveMm,
    marginMm: r2(pick(rng, profile.marginMm)),
    background: Math.round(pick(rng, profile.background)),
    blurSigmaPx: r2(pick(rng, profile.blurSigma300) * (dpi / 300)),
    tone: {
      brightness: Math.round(pick(rng, profile.brightness)) || 0,
      contrast: r2(pick(rng, profile.contrast)),
      noiseSigma: r2(pick(rng, profile.noiseSigma)),
      saltPepper: Math.round(pick(rng, profile.saltPepper) * 1e6) / 1e6,
      unevenness: r2(pick(rng, profile.unevenness)),
    },
    streak,
    jpegQuality: Math.round(pick(rng, profile.jpegQuality)),
  };
}
