import type { Corner } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { clipRect, histogram, percentile, type GreyImage, type PxRect } from './image';
import type { VisionSettings } from './settings';

/** A registration mark as measured, in full-resolution pixels. `imageCorner` is where it was found. */
export type MeasuredMark = {
  imageCorner: Corner;
  x: number;
  y: number;
  /** √area: the side of a solid square of the same area. */
  sidePx: number;
  /** Direction of the square's sides, −45..45 degrees. */
  angleDeg: number;
  /** Area over the minimum-area enclosing rectangle. */
  fill: number;
  aspect: number;
  /** Mean grey in the central part of the mark: the page's ink level. */
  grey: number;
  /** 0..1, how square and solid the blob is. */
  quality: number;
};

export type MarkSearch = { marks: Record<Corner, MeasuredMark>; confidence: number };
/** `corners` are the image corners without a mark; `found` the marks the other corners gave. */
export type MarkFailure = { kind: 'missing_marks'; corners: Corner[]; found: Partial<Record<Corner, MeasuredMark>>; detail: string };

export const IMAGE_CORNERS: readonly Corner[] = ['tl', 'tr', 'br', 'bl'];

type Blob = { area: number; x0: number; y0: number; x1: number; y1: number };

/**
 * Find the four registration marks, one per image corner window, on the reduced image.
 * `dpi` is the full image's resolution; results are in full-resolution pixels.
 */
export function findMarks(
  reduced: GreyImage,
  reduceFactor: number,
  dpi: number,
  settings: VisionSettings,
): Result<MarkSearch, MarkFailure> {
  const s = settings.marks;
  const pxPerMm = dpi / 25.4 / reduceFactor;
  const side = Math.max(8, Math.min(Math.round(s.searchWindowMm * pxPerMm), Math.floor(reduced.width / 2), Math.floor(reduced.height / 2)));
  const found: Partial<Record<Corner, MeasuredMark>> = {};
  const missing: Corner[] = [];
  const notes: string[] = [];
  for (const corner of IMAGE_CORNERS) {
    const win: PxRect = {
      x: corner === 'tl' || corner === 'bl' ? 0 : reduced.width - side,
      y: corner === 'tl' || corner === 'tr' ? 0 : reduced.height - side,
      w: side,
      h: side,
    };
    let r = findMarkInWindow(reduced, win, corner, pxPerMm, settings);
    // A scanner streak (a thin dark line along the feed) through a mark joins it to a long blob:
    // look again with thin lines removed from the window.
    if (typeof r === 'string' && s.streakMaxWidthMm > 0) {
      const again = findMarkInWindow(withoutThinLines(reduced, win, Math.max(2, Math.round(s.streakMaxWidthMm * pxPerMm)), s), win, corner, pxPerMm, settings);
      if (typeof again !== 'string') r = again;
    }
    if (typeof r === 'string') {
      missing.push(corner);
      notes.push(`${corner}: ${r}`);
    } else {
      found[corner] = { ...r, x: r.x * reduceFactor, y: r.y * reduceFactor, sidePx: r.sidePx * reduceFactor };
    }
  }
  if (missing.length > 0) return err({ kind: 'missing_marks', corners: missing, found, detail: notes.join('; ') });
  const marks = found as Record<Corner, MeasuredMark>;
  const confidence = Math.min(...IMAGE_CORNERS.map((c) => marks[c].quality));
  return ok({ marks, confidence });
}

/** The best mark candidate in one window (reduced-image pixels), or why there is none. */
export function findMarkInWindow(
  img: GreyImage,
  window: PxRect,
  corner: Corner,
  pxPerMm: number,
  settings: VisionSettings,
): MeasuredMark | string {
  const s = settings.marks;
  const win = clipRect(img, window);
  if (win.w < 4 || win.h < 4) return 'window outside the image';
  const hist = histogram(img, win);
  // A mark covers well under 1 % of its window, and the scanner's background may fill a strip of it,
  // so a two-class split of the whole window can miss the mark. Compare the darkest ink with the paper instead.
  const paper = percentile(hist, s.paperPercentile);
  const ink = percentile(hist, s.inkPercentile);
  if (paper - ink < s.minContrast) return 'no contrast';
  const threshold = Math.round((paper + ink) / 2);

  const { labels, blobs } = labelDark(img, win, threshold, (windowLabels = growTo(windowLabels, win.w * win.h)));
  const minSide = s.sizeToleranceLow * s.smallMarkMm * pxPerMm;
  const maxSide = s.sizeToleranceHigh * s.largeMarkMm * pxPerMm;
  const minArea = minSide * minSide;
  const maxArea = maxSide * maxSide;
  // A blob cut by a window edge that is not the image edge cannot be judged.
  const cutLeft = win.x > 0;
  const cutTop = win.y > 0;
  const cutRight = win.x + win.w < img.width;
  const cutBottom = win.y + win.h < img.height;
  const cx0 = corner === 'tl' || corner === 'bl' ? win.x : win.x + win.w;
  const cy0 = corner === 'tl' || corner === 'tr' ? win.y : win.y + win.h;

  let best: MeasuredMark | null = null;
  let bestDist = Infinity;
  let sawSized = 0;
  for (let id = 1; id < blobs.length; id++) {
    const b = blobs[id]!;
    if (b.area < minArea || b.area > maxArea) continue;
    if ((cutLeft && b.x0 === 0) || (cutTop && b.y0 === 0) || (cutRight && b.x1 === win.w - 1) || (cutBottom && b.y1 === win.h - 1)) continue;
    sawSized++;
    const shape = blobShape(labels, win.w, b, id);
    if (shape.fill < s.minFill || shape.aspect > s.maxAspect) continue;
    const x = win.x + shape.cx;
    const y = win.y + shape.cy;
    const dist = Math.hypot(x - cx0, y - cy0);
    if (dist >= bestDist) continue;
    const sidePx = Math.sqrt(b.area);
    const fillScore = Math.max(0, Math.min(1, (shape.fill - s.minFill) / (1 - s.minFill)));
    const aspectScore = Math.max(0, Math.min(1, 1 - (shape.aspect - 1) / (s.maxAspect - 1)));
    best = {
      imageCorner: corner,
      x,
      y,
      sidePx,
      angleDeg: shape.angleDeg,
      fill: shape.fill,
      aspect: shape.aspect,
      grey: meanGrey(img, x, y, sidePx / 4),
      quality: 0.5 * fillScore + 0.5 * aspectScore,
    };
    bestDist = dist;
  }
  if (best) return best;
  return sawSized > 0 ? 'no solid square of the expected size' : 'no blob of the expected size';
}

/**
 * The labels of the window being searched, kept from window to window and page to page: a 300 dpi page's four
 * windows would otherwise make 3.6 MB of garbage a page (a worker reads one page at a time, and a window's labels are
 * read only until its search returns).
 */
let windowLabels: Int32Array = new Int32Array(0);
const growTo = (a: Int32Array, n: number) => (a.length >= n ? a : new Int32Array(n));

/**
 * A copy of the image whose window has every dark run (along rows, then along columns) shorter than
 * `maxRun` pixels painted paper white: thin lines (scanner streaks, rules) go, solid marks stay.
 */
export function withoutThinLines(img: GreyImage, window: PxRect, maxRun: number, s: VisionSettings['marks']): GreyImage {
  const win = clipRect(img, window);
  const hist = histogram(img, win);
  const paper = percentile(hist, s.paperPercentile);
  const threshold = Math.round((paper + percentile(hist, s.inkPercentile)) / 2);
  const out = { width: img.width, height: img.height, data: img.data.slice() };
  const d = out.data;
  const src = img.data;
  const W = img.width;
  // Decide both directions on the original pixels, so a mark crossed by a line keeps its runs.
  const clear = new Uint8Array(win.w * win.h);
  for (let y = 0; y < win.h; y++) {
    let start = -1;
    for (let x = 0; x <= win.w; x++) {
      const dark = x < win.w && src[(win.y + y) * W + win.x + x]! <= threshold;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        if (x - start < maxRun) for (let i = start; i < x; i++) clear[y * win.w + i] = 1;
        start = -1;
      }
    }
  }
  for (let x = 0; x < win.w; x++) {
    let start = -1;
    for (let y = 0; y <= win.h; y++) {
      const dark = y < win.h && src[(win.y + y) * W + win.x + x]! <= threshold;
      if (dark && start < 0) start = y;
      if (!dark && start >= 0) {
        if (y - start < maxRun) for (let i = start; i < y; i++) clear[i * win.w + x] = 1;
        start = -1;
      }
    }
  }
  for (let y = 0; y < win.h; y++) for (let x = 0; x < win.w; x++) if (clear[y * win.w + x]) d[(win.y + y) * W + win.x + x] = paper;
  return out;
}

function meanGrey(img: GreyImage, cx: number, cy: number, half: number): number {
  const r = clipRect(img, { x: cx - half, y: cy - half, w: 2 * half, h: 2 * half });
  let sum = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h; y++)
    for (let x = r.x; x < r.x + r.w; x++) {
      sum += img.data[y * img.width + x]!;
      n++;
    }
  return n > 0 ? sum / n : 255;
}

/**
 * Label the dark pixels (value <= threshold) of a window into 8-connected blobs (union-find over each
 * row's runs of dark pixels: a mark window is mostly paper). Returns window-sized labels and per-blob
 * stats; blob 0 is unused. Blobs are numbered in the raster order of their first pixel. The labels go into
 * `scratch` when it is large enough (overwritten by the next call that gets it).
 */
export function labelDark(img: GreyImage, win: PxRect, threshold: number, scratch?: Int32Array): { labels: Int32Array; blobs: Blob[] } {
  const { w, h } = win;
  const labels = scratch && scratch.length >= w * h ? scratch.subarray(0, w * h).fill(0) : new Int32Array(w * h);
  const parent: number[] = [0];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      const p = parent[parent[a]!]!;
      parent[a] = p;
      a = p;
    }
    return a;
  };
  const union = (a: number, b: number): number => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    if (ra < rb) {
      parent[rb] = ra;
      return ra;
    }
    parent[ra] = rb;
    return rb;
  };
  // Runs [start, end) of each row, in raster order, with their provisional label; rowRuns[y] is row y's first run.
  const start: number[] = [];
  const end: number[] = [];
  const runLabel: number[] = [];
  const rowRuns = new Int32Array(h + 1);
  const data = img.data;
  for (let y = 0; y < h; y++) {
    rowRuns[y] = start.length;
    const row = (win.y + y) * img.width + win.x;
    // The previous row's runs that can touch this row's runs from here on (8-connected: they overlap [s − 1, e]).
    let j = y > 0 ? rowRuns[y - 1]! : 0;
    const prevEnd = y > 0 ? rowRuns[y]! : 0;
    for (let x = 0; x < w; x++) {
      if (data[row + x]! > threshold) continue;
      const s = x;
      while (x + 1 < w && data[row + x + 1]! <= threshold) x++;
      const e = x + 1;
      while (j < prevEnd && end[j]! < s) j++;
      let l = 0;
      for (let k = j; k < prevEnd && start[k]! <= e; k++) l = l ? union(l, runLabel[k]!) : runLabel[k]!;
      if (!l) {
        l = parent.length;
        parent.push(l);
      }
      start.push(s);
      end.push(e);
      runLabel.push(l);
    }
  }
  rowRuns[h] = start.length;
  // Resolve to compact ids (in the order of each blob's first run) and gather stats.
  const compact = new Int32Array(parent.length);
  const blobs: Blob[] = [{ area: 0, x0: 0, y0: 0, x1: 0, y1: 0 }];
  for (let i = 1; i < parent.length; i++) {
    const r = find(i);
    if (compact[r] === 0) {
      compact[r] = blobs.length;
      blobs.push({ area: 0, x0: Infinity, y0: Infinity, x1: -1, y1: -1 });
    }
    compact[i] = compact[r]!;
  }
  for (let y = 0; y < h; y++) {
    for (let k = rowRuns[y]!; k < rowRuns[y + 1]!; k++) {
      const id = compact[runLabel[k]!]!;
      const s = start[k]!;
      const e = end[k]!;
      labels.fill(id, y * w + s, y * w + e);
      const b = blobs[id]!;
      b.area += e - s;
      if (s < b.x0) b.x0 = s;
      if (e - 1 > b.x1) b.x1 = e - 1;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
    }
  }
  return { labels, blobs };
}

/**
 * Centroid and minimum-area enclosing rectangle of one blob (pixel centres, each pixel's footprint
 * added to the extents). Fill = area / that rectangle; aspect = its long over short side.
 */
export function blobShape(labels: Int32Array, stride: number, b: Blob, id: number): { cx: number; cy: number; fill: number; aspect: number; angleDeg: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  let sx = 0;
  let sy = 0;
  for (let y = b.y0; y <= b.y1; y++) {
    const o = y * stride;
    for (let x = b.x0; x <= b.x1; x++) {
      if (labels[o + x] !== id) continue;
      // Only boundary pixels decide the extents.
      sx += x;
      sy += y;
      const inner =
        x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1 &&
        labels[o + x - 1] === id && labels[o + x + 1] === id && labels[o - stride + x] === id && labels[o + stride + x] === id;
      if (!inner) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  const cx = sx / b.area + 0.5;
  const cy = sy / b.area + 0.5;
  const rectAt = (deg: number) => {
    const a = (deg * Math.PI) / 180;
    const c = Math.cos(a);
    const s = Math.sin(a);
    let u0 = Infinity;
    let u1 = -Infinity;
    let v0 = Infinity;
    let v1 = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      const u = x * c + y * s;
      const v = -x * s + y * c;
      if (u < u0) u0 = u;
      if (u > u1) u1 = u;
      if (v < v0) v0 = v;
      if (v > v1) v1 = v;
    }
    const foot = Math.abs(c) + Math.abs(s);
    const du = u1 - u0 + foot;
    const dv = v1 - v0 + foot;
    return { area: du * dv, du, dv };
  };
  let bestDeg = 0;
  let best = rectAt(0);
  for (let d = 3; d < 90; d += 3) {
    const r = rectAt(d);
    if (r.area < best.area) {
      best = r;
      bestDeg = d;
    }
  }
  for (let d = bestDeg - 2.5; d <= bestDeg + 2.5; d += 0.5) {
    const r = rectAt(d);
    if (r.area < best.area) {
      best = r;
      bestDeg = d;
    }
  }
  const angleDeg = ((((bestDeg + 45) % 90) + 90) % 90) - 45;
  return { cx, cy, fill: b.area / best.area, aspect: Math.max(best.du, best.dv) / Math.min(best.du, best.dv), angleDeg };
}
