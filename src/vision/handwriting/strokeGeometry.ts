/**
 * A second opinion beside the comb network, from the stroke geometry of a written box: an 'i' (or
 * 'j') has a dot above its stem, a '7' a bar across its top. A box without a dot is no 'i', one
 * whose top is narrow no '7'. The opinion only removes a runner-up: a character the network itself
 * reads first is never ruled out (the two disagree, and the network's reading stands, to be judged
 * as before). No lean rule: a steep '/' is a '1' by its geometry, and a slanted '1' a '/'.
 */
import type { GreyImage } from '../image';
import { darknessOf, inkComponents } from './boxInput';
import type { CombChar } from './combNet';

export type StrokeGeometry = {
  /** Another piece of ink above the top of the main stroke, within its reach sideways. */
  dot: boolean;
  /** Width of the main stroke's top fifth over its height (a '7''s bar about 0.6, a flagged '1''s hook about 0.25). */
  topBar: number;
};

export type StrokeGeometrySettings = {
  /** Darkness (0 paper … 1 the crop's darkest ink) that counts as ink. */
  inkFrom: number;
  /** A '7' is ruled out when `topBar` is below this. */
  sevenTopBarFrom: number;
};
/**
 * `sevenTopBarFrom` 0.42: held-out stroke-model '1's reach 0.39, their '7's start at 0.59; a held-out MNIST '7' is
 * below 0.42 about one time in twenty, and is then ruled out only where the network reads it as something else
 * first — so a short-barred '7' read as '1' keeps the '7' the network gave it (docs/reading.md, combs).
 */
export const DEFAULT_STROKE_GEOMETRY: StrokeGeometrySettings = { inkFrom: 0.35, sevenTopBarFrom: 0.42 };

type Extent = { size: number; x0: number; x1: number; y0: number; y1: number };

/** The geometry of a box's ink; null when the crop holds none. */
export function strokeGeometry(img: GreyImage, s: StrokeGeometrySettings = DEFAULT_STROKE_GEOMETRY): StrokeGeometry | null {
  const d = darknessOf(img);
  if (!d) return null;
  const { width: w, height: h } = img;
  const { label, sizes } = inkComponents(d, w, h, s.inkFrom);
  if (sizes.length === 0) return null;
  const extents: Extent[] = sizes.map((size) => ({ size, x0: w, x1: -1, y0: h, y1: -1 }));
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
  let left = w;
  let right = -1;
  for (let y = main.y0; y < main.y0 + Math.max(1, Math.round(0.2 * height)); y++)
    for (let x = main.x0; x <= main.x1; x++)
      if (label[y * w + x] === mainId) {
        if (x < left) left = x;
        if (x > right) right = x;
      }
  const reach = 0.4 * height;
  const dot = extents.some((e, i) => i !== mainId && e.size >= 2 && e.y1 <= main.y0 + 0.25 * height && e.x1 >= main.x0 - reach && e.x0 <= main.x1 + reach);
  return { dot, topBar: (right - left + 1) / height };
}

/** The characters this geometry says the box cannot hold. */
export function ruledOutBy(g: StrokeGeometry, s: StrokeGeometrySettings = DEFAULT_STROKE_GEOMETRY): CombChar[] {
  return [...(g.dot ? [] : (['i', 'j'] as const)), ...(g.topBar < s.sevenTopBarFrom ? (['7'] as const) : [])];
}
