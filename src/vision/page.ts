import { clipRect, crop, downsample, pageHistogram, percentile, type GreyImage, type PxRect } from './image';
import { DEFAULT_VISION_SETTINGS, type VisionSettings } from './settings';

/**
 * A page ready for reading: a reduced image (blank check, marks, calibration), the resolution, and
 * the full-resolution image on demand (a JPEG's reduced image is decoded on its own, smaller, so a
 * page that needs no full-resolution pixels never decodes them).
 */
export type DecodedPage = {
  reduced: GreyImage;
  reduceFactor: number;
  /** Size of the full-resolution image, px. */
  width: number;
  height: number;
  /** Dots per inch of the full-resolution image. */
  dpi: number;
  /** Where the dpi came from. */
  dpiSource: 'file' | 'size' | 'default' | 'given';
  /** Time to decode the reduced image (and the full one, when it came first). */
  decodeMs?: number;
  /**
   * A page decoded in full: a coarser view of it (the reduced image box-filtered by 4), on which
   * readPage looks for a page holding nothing but its marks and QR, as on a colour JPEG's coarse decode.
   */
  coarse?: { image: GreyImage; reduceFactor: number };
  /** The full-resolution image, decoded on the first call and kept. */
  full: () => Promise<GreyImage>;
  /** A rectangle of the full-resolution image (clipped to it), decoded on its own while the full image is not. */
  region: (r: PxRect) => Promise<GreyImage>;
};

/** A page whose full-resolution image is already at hand. */
export function pageFromFull(full: GreyImage, reduceFactor: number, dpi: number, dpiSource: DecodedPage['dpiSource']): DecodedPage {
  const reduced = downsample(full, reduceFactor);
  return {
    reduced,
    reduceFactor,
    width: full.width,
    height: full.height,
    dpi,
    dpiSource,
    full: async () => full,
    region: async (r) => crop(full, r),
  };
}

/** A page decoded in full, with its coarse view (readPage reads a page without fields from that). */
export function pageWithCoarseView(full: GreyImage, reduceFactor: number, dpi: number, dpiSource: DecodedPage['dpiSource']): DecodedPage {
  const page = pageFromFull(full, reduceFactor, dpi, dpiSource);
  return { ...page, coarse: { image: downsample(page.reduced, COARSE_VIEW_FACTOR), reduceFactor: reduceFactor * COARSE_VIEW_FACTOR } };
}

/** The coarse image against the reduced one (300 dpi → 1/8): the view here, a colour JPEG's scaled decode in decode.ts. */
export const COARSE_VIEW_FACTOR = 4;

/** A page from an already-decoded grey image (tests, other decoders). */
export function pageFromGrey(full: GreyImage, dpi: number, settings: VisionSettings = DEFAULT_VISION_SETTINGS): DecodedPage {
  return pageFromFull(full, reduceFactorFor(dpi, settings), dpi, 'given');
}

/** The whole box-filter factor that brings `dpi` nearest the reduced resolution. */
export function reduceFactorFor(dpi: number, settings: VisionSettings): number {
  const { reducedDpi, maxReduceFactor } = settings.decode;
  return Math.max(1, Math.min(maxReduceFactor, Math.round(dpi / reducedDpi)));
}

/**
 * The file's density when plausible; otherwise a guess from the size, taking the image's long
 * side as about an A4 / Letter long side (a scanner crops to the paper); else the default.
 */
export function chooseDpi(
  img: { width: number; height: number },
  density: number | undefined,
  given: number | undefined,
  settings: VisionSettings,
): { dpi: number; source: DecodedPage['dpiSource'] } {
  const { minPlausibleDpi: lo, maxPlausibleDpi: hi, defaultDpi, nominalLongSideMm } = settings.decode;
  if (given) return { dpi: given, source: 'given' };
  if (density && density >= lo && density <= hi) return { dpi: density, source: 'file' };
  const bySize = Math.max(img.width, img.height) / (nominalLongSideMm / 25.4);
  if (bySize >= lo && bySize <= hi) return { dpi: bySize, source: 'size' };
  return { dpi: defaultDpi, source: 'default' };
}


/** MEASURE for the blank-page check: paper white and the fraction of clearly dark pixels. */
export function measurePageInk(reduced: GreyImage, settings: VisionSettings): { paper: number; inkFraction: number } {
  const hist = pageHistogram(reduced);
  const paper = percentile(hist, settings.paper.percentile);
  const cut = paper - settings.blank.inkContrast;
  let ink = 0;
  let total = 0;
  for (let i = 0; i < 256; i++) {
    total += hist[i]!;
    if (i <= cut) ink += hist[i]!;
  }
  return { paper, inkFraction: total > 0 ? ink / total : 0 };
}

/**
 * MEASURE the fraction of the page's pixels at or below `cut` (the blank check's ink) that lie
 * outside the given rectangles (full-resolution px): print beyond the marks and the QR.
 */
export function inkOutside(reduced: GreyImage, reduceFactor: number, cut: number, skip: readonly PxRect[]): number {
  const { width: W, height: H, data } = reduced;
  const skipped = new Uint8Array(W * H);
  for (const r of skip) {
    const c = clipRect(reduced, { x: r.x / reduceFactor, y: r.y / reduceFactor, w: r.w / reduceFactor, h: r.h / reduceFactor });
    for (let y = c.y; y < c.y + c.h; y++) skipped.fill(1, y * W + c.x, y * W + c.x + c.w);
  }
  let ink = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! <= cut && skipped[i] === 0) ink++;
  return W * H > 0 ? ink / (W * H) : 0;
}

/** A vertical band of the image (full-resolution px, x0 inclusive, x1 exclusive). */
export type Band = { x0: number; x1: number };

/**
 * MEASURE scanner-glass streaks: columns of the reduced image that are dark (streak.darkContrast
 * below paper white) on at least streak.minRowShare of the rows, at least streak.minWidthPx wide
 * (thinner ones never read as a mark). Returns the bands, full resolution.
 */
export function findStreaks(reduced: GreyImage, reduceFactor: number, settings: VisionSettings): Band[] {
  const { width: W, height: H, data } = reduced;
  const cut = percentile(pageHistogram(reduced), settings.paper.percentile) - settings.streak.darkContrast;
  const need = settings.streak.minRowShare * H;
  // A column is a streak's when at most H − need of its rows are light: once it has more, it is out, and the
  // rows below look only at the columns still in (after a tenth of the page, few but the streaks' and the marks').
  const maxLight = H - Math.ceil(need); // whole rows: dark ≥ need ⟺ light ≤ H − ⌈need⌉
  const light = new Uint32Array(W);
  const live = new Int32Array(W);
  for (let x = 0; x < W; x++) live[x] = x;
  let nLive = W;
  for (let y = 0; y < H && nLive > 0; y++) {
    const row = y * W;
    let kept = 0;
    for (let i = 0; i < nLive; i++) {
      const x = live[i]!;
      if (data[row + x]! > cut && ++light[x]! > maxLight) continue;
      live[kept++] = x;
    }
    nLive = kept;
  }
  const isStreak = new Uint8Array(W);
  for (let i = 0; i < nLive; i++) isStreak[live[i]!] = 1;
  const bands: Band[] = [];
  for (let x = 0; x < W; x++) {
    if (!isStreak[x]) continue;
    const x0 = x;
    while (x + 1 < W && isStreak[x + 1]) x++;
    if ((x + 1 - x0) * reduceFactor >= settings.streak.minWidthPx) bands.push({ x0: (x0 - 1) * reduceFactor, x1: (x + 2) * reduceFactor });
  }
  return bands;
}
