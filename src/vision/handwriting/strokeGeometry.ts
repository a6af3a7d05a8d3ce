/**
 * A second opinion beside the comb network, from the stroke geometry of a written box: an 'i' (or
 * 'j') has a dot above its stem, or, where a quick pencil ran the dot into the stem, is as short as its
 * stem and dot; so a box without a dot whose stroke is taller than that is no 'i'. The opinion only removes a
 * runner-up: a character the network itself reads first is never ruled out (the two disagree, and
 * the network's reading stands, to be judged as before). Where a text comb's box has a dot and the
 * network reads a '1', or has no dot but is short enough to be an 'i', the two disagree too: the comb goes
 * to review (combDecode.ts).
 * Measured and left out (docs/reading.md, combs): a bar rule for '7' (a narrow top: no '7') turned
 * held-out MNIST '7's with a short bar into silent errors, 4 in 7,500 combs; and no lean rule tells a
 * '/' from a '1' (a steep '/' stands upright, MNIST '1's lean more than any stroke-model '/').
 */
import type { GreyImage } from '../image';
import { darknessOf, inkComponents } from './boxInput';
import type { CombChar } from './combNet';

export type StrokeGeometry = {
  /** Another piece of ink above the top quarter of the main stroke, within 0.4 of its height sideways. */
  dot: boolean;
  /** The main stroke's height as a share of the crop's. */
  height: number;
};

/** Darkness (0 paper … 1 the crop's darkest ink) that counts as ink, as for the network's normalisation. */
export const GEOMETRY_INK_FROM = 0.35;

/**
 * A main stroke shorter than this share of the crop's height may be an 'i' or 'j' whose dot touches its stem (no
 * separate dot to see). Stroke-model 'i's with a touching dot reach 0.75; stroke-model '1's start at 0.67, held-out
 * MNIST '1's at 0.47 (docs/reading.md, combs): a short '1' keeps its 'i' doubt.
 */
export const DOTLESS_I_BELOW = 0.8;

/**
 * A dotless stroke at least this share of the hand's character height, as the comb's other characters show it, is
 * a '1', short or not: a touching-dot 'i' spans about 0.63 of the stroke model's em and a '1' all of it (each
 * character's size varies 0.9–1.08, so a '1' is at least 0.83 of what its neighbours show).
 */
export const ONE_BESIDE_DIGITS = 0.85;

/** The share of a hand's character height a character's main stroke spans: all of it for a digit, 0.6 for a letter without ascender or descender; null when it says nothing. */
export function heightShareOf(ch: string): number | null {
  return /^[02-9]$/.test(ch) ? 1 : /^[acemnorsuvwxz]$/.test(ch) ? 0.6 : null;
}

type Extent = { x0: number; x1: number; y0: number; y1: number };

/** The geometry of a box's ink; null when the crop holds none. */
export function strokeGeometry(img: GreyImage): StrokeGeometry | null {
  const d = darknessOf(img);
  if (!d) return null;
  const { width: w, height: h } = img;
  const { label, sizes } = inkComponents(d, w, h, GEOMETRY_INK_FROM);
  if (sizes.length === 0) return null;
  const extents: Extent[] = sizes.map(() => ({ x0: w, x1: -1, y0: h, y1: -1 }));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const l = label[y * w + x] as number;
      if (l < 0) continue;
      const e = extents[l] as Extent;
      if (x < e.x0) e.x0 = x;
      if (x > e.x1) e.x1 = x;
      if (y < e.y0) e.y0 = y;
      if (y > e.y1) e.y1 = y;
    }
  const mainId = sizes.indexOf(Math.max(...sizes));
  const main = extents[mainId] as Extent;
  const height = main.y1 - main.y0 + 1;
  const reach = 0.4 * height;
  const dot = extents.some((e, i) => i !== mainId && (sizes[i] as number) >= 2 && e.y1 <= main.y0 + 0.25 * height && e.x1 >= main.x0 - reach && e.x0 <= main.x1 + reach);
  return { dot, height: height / h };
}

/** Can the box hold an 'i' or 'j': a dot, or a stroke no taller than one whose dot ran into it? */
export const mayHoldI = (g: StrokeGeometry) => g.dot || g.height < DOTLESS_I_BELOW;

/** The characters this geometry says the box cannot hold. */
export function ruledOutBy(g: StrokeGeometry): CombChar[] {
  return mayHoldI(g) ? [] : ['i', 'j'];
}
