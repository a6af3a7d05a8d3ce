import { downsample, histogram, percentile, type GreyImage } from './image';
import { DEFAULT_VISION_SETTINGS, type VisionSettings } from './settings';

/** A page ready for reading: the full image, a box-filtered reduction, and the resolution. */
export type DecodedPage = {
  full: GreyImage;
  reduced: GreyImage;
  reduceFactor: number;
  /** Dots per inch of `full`. */
  dpi: number;
  /** Where the dpi came from. */
  dpiSource: 'file' | 'size' | 'default' | 'given';
  decodeMs?: number;
};

/** A page from an already-decoded grey image (tests, other decoders). */
export function pageFromGrey(full: GreyImage, dpi: number, settings: VisionSettings = DEFAULT_VISION_SETTINGS): DecodedPage {
  const f = reduceFactorFor(dpi, settings);
  return { full, reduced: downsample(full, f), reduceFactor: f, dpi, dpiSource: 'given' };
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
  const hist = histogram(reduced, undefined, 2);
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

/** A vertical band of the image (full-resolution px, x0 inclusive, x1 exclusive). */
export type Band = { x0: number; x1: number };

/**
 * MEASURE scanner-glass streaks: columns of the reduced image that are dark (streak.darkContrast
 * below paper white) on at least streak.minRowShare of the rows, at least streak.minWidthPx wide
 * (thinner ones never read as a mark). Returns the bands, full resolution.
 */
export function findStreaks(reduced: GreyImage, reduceFactor: number, settings: VisionSettings): Band[] {
  const { width: W, height: H, data } = reduced;
  const cut = percentile(histogram(reduced, undefined, 2), settings.paper.percentile) - settings.streak.darkContrast;
  const dark = new Uint32Array(W);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) if (data[row + x]! <= cut) dark[x]!++;
  }
  const bands: Band[] = [];
  const need = settings.streak.minRowShare * H;
  for (let x = 0; x < W; x++) {
    if (dark[x]! < need) continue;
    const x0 = x;
    while (x + 1 < W && dark[x + 1]! >= need) x++;
    if ((x + 1 - x0) * reduceFactor >= settings.streak.minWidthPx) bands.push({ x0: (x0 - 1) * reduceFactor, x1: (x + 2) * reduceFactor });
  }
  return bands;
}
