/**
 * MEASURE, never decide: fill scores of mark targets (bubbles and score boxes) with the expected
 * and found positions. Turning scores into marks is interpret.ts's job.
 */
import type { MarkTarget } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { applyH, localScale, type Homography } from './homography';
import { bilinear, pageHistogram, percentile, type GreyImage, type Point } from './image';
import { FillShapeCells, type FillShape } from './fillShape';
import type { MeasuredMark } from './marks';
import type { VisionSettings } from './settings';

/** The page's own grey levels: fills are measured between these two. */
export type PageCalibration = { paper: number; ink: number };

export type TargetFill = {
  value: string;
  /** Calibrated ink coverage inside the target, 0 (paper) .. 1 (ink like the registration marks). */
  fill: number;
  /** Fraction of the inside that is dark ink (calibrated darkness >= fill.darkPixel). */
  dark: number;
  /**
   * How far the dark ink reaches across the inside: RMS distance of dark pixels from the centre
   * over the inner radius (an even fill of a disc gives 0.71, a dot in the middle much less, a
   * tick or a cross about 0.5–0.6). 0 without dark pixels.
   */
  spread: number;
  /** Where the inside's ink lies (even fill or patchy residue), see fillShape.ts. */
  shape?: FillShape;
  /** Mapped centre (full-resolution px) and the centre after alignment. */
  expected: Point;
  found: Point;
  radiusPx: number;
  /** The paper level the fill was calibrated against (local when trusted). */
  paper: number;
};

export type TargetsMeasure = {
  /** Shift (px) that best aligned the printed outlines; shared by the group. */
  offset: Point;
  /** Outline contrast at that shift, as a fraction of (paper − ink); 0 when none was found. */
  alignment: number;
  fills: TargetFill[];
};

export type CalibrationFailure = { kind: 'low_contrast'; detail: string };

/** Paper white from the reduced page's bright percentile; ink from the registration marks. */
export function calibratePage(reduced: GreyImage, marks: readonly MeasuredMark[], settings: VisionSettings): Result<PageCalibration, CalibrationFailure> {
  const paper = percentile(pageHistogram(reduced), settings.paper.percentile);
  const greys = marks.map((m) => m.grey).sort((a, b) => a - b);
  const ink = greys.length > 0 ? greys[Math.floor((greys.length - 1) / 2)]! : 0;
  if (paper - ink < settings.fill.minInkContrast) return err({ kind: 'low_contrast', detail: `paper ${paper}, ink ${ink.toFixed(0)}` });
  return ok({ paper, ink });
}

type Prepared = {
  t: MarkTarget;
  centre: Point;
  radiusPx: number;
  ring: Float64Array; // x,y pairs (px, relative to centre) on the outline (alignPoints of them)
  outer: Float64Array; // x,y pairs just outside it (alignPoints of them)
  inner: Float64Array; // x,y pairs filling the inner area
  around: Float64Array; // x,y pairs on two rings just outside the outline (graphite dragged past the target)
};

/** Offsets (mm) around the centre covering a target's outline, a ring outside it, and its inside. */
function prepare(h: Homography, t: MarkTarget, settings: VisionSettings): Prepared {
  const centre = applyH(h, t);
  const ex = applyH(h, { x: t.x + 1, y: t.y });
  const ey = applyH(h, { x: t.x, y: t.y + 1 });
  // Local affine map mm offsets → px offsets (accurate over a few mm).
  const a = ex.x - centre.x;
  const b = ey.x - centre.x;
  const c = ex.y - centre.y;
  const d = ey.y - centre.y;
  const scale = (Math.hypot(a, c) + Math.hypot(b, d)) / 2;
  const toPx = (pts: number[]) => {
    const out = new Float64Array(pts.length);
    for (let i = 0; i < pts.length; i += 2) {
      out[i] = a * pts[i]! + b * pts[i + 1]!;
      out[i + 1] = c * pts[i]! + d * pts[i + 1]!;
    }
    return out;
  };
  const outline = (rr: number): number[] => {
    const n = settings.fill.alignPoints;
    const pts: number[] = [];
    for (let i = 0; i < n; i++) {
      const th = (2 * Math.PI * i) / n;
      if (t.shape === 'circle') pts.push(rr * Math.cos(th), rr * Math.sin(th));
      else {
        // Square perimeter, walked evenly.
        const s = (i / n) * 8 - 1; // −1..7 over 4 sides of length 2
        const side = Math.floor((s + 1) / 2);
        const u = s + 1 - side * 2 - 1; // −1..1 along the side
        const [x, y] = side === 0 ? [u, -1] : side === 1 ? [1, u] : side === 2 ? [-u, 1] : [-1, -u];
        pts.push(rr * x, rr * y);
      }
    }
    return pts;
  };
  const ri = settings.fill.innerRadiusFactor * t.r;
  const step = 1 / scale; // about one pixel
  const inner: number[] = [];
  for (let y = -ri; y <= ri + 1e-9; y += step)
    for (let x = -ri; x <= ri + 1e-9; x += step) if (t.shape === 'square' || x * x + y * y <= ri * ri) inner.push(x, y);
  return {
    t,
    centre,
    radiusPx: t.r * scale,
    ring: toPx(outline(t.r)),
    outer: toPx(outline(t.r + settings.fill.outerRingMm)),
    around: toPx([...outline(t.r + settings.fill.smearRingMm), ...outline(t.r + settings.fill.outerRingMm)]),
    inner: toPx(inner),
  };
}

/** One target's outline samples as pixel-index offsets, for a fast integer-shift search. */
type Aligner = { base: number; ring: Int32Array; outer: Int32Array };

function aligner(img: GreyImage, p: Prepared, margin: number): Aligner | null {
  const bx = Math.floor(p.centre.x);
  const by = Math.floor(p.centre.y);
  const fx = p.centre.x - bx;
  const fy = p.centre.y - by;
  const W = img.width;
  const conv = (pts: Float64Array): Int32Array | null => {
    const out = new Int32Array(pts.length / 2);
    for (let i = 0; i < pts.length; i += 2) {
      const ox = Math.round(fx + pts[i]! - 0.5);
      const oy = Math.round(fy + pts[i + 1]! - 0.5);
      const x = bx + ox;
      const y = by + oy;
      if (x - margin < 0 || y - margin < 0 || x + margin >= W || y + margin >= img.height) return null;
      out[i / 2] = oy * W + ox;
    }
    return out;
  };
  const ring = conv(p.ring);
  const outer = conv(p.outer);
  return ring && outer ? { base: by * W + bx, ring, outer } : null;
}

/**
 * Measure a group of targets that share one alignment (one field, or one digit grid). The shift
 * that makes the printed outlines darkest against the ring just outside them is searched within
 * ± searchMm on whole pixels (coarse grid, then a 1-pixel climb), on a subset of the targets. Then
 * each target's own outline is looked for within ± targetSearchMm of that shift, and taken where it
 * aligns clearly better (a field placed a little turned has no one shift for all its targets).
 */
export function measureTargets(
  img: GreyImage,
  h: Homography,
  targets: readonly MarkTarget[],
  cal: PageCalibration,
  settings: VisionSettings,
): TargetsMeasure {
  const s = settings.fill;
  if (targets.length === 0) return { offset: { x: 0, y: 0 }, alignment: 0, fills: [] };
  const prepared = targets.map((t) => prepare(h, t, settings));
  const stride = Math.max(1, Math.ceil(prepared.length / s.maxAlignTargets));
  const pxPerMm = localScale(h, targets[0]!);
  const searchPx = s.searchMm > 0 ? Math.max(1, Math.round(s.searchMm * pxPerMm)) : 0;
  const aligners = prepared.filter((_, i) => i % stride === 0).flatMap((p) => aligner(img, p, searchPx + 1) ?? []);
  const score = (dx: number, dy: number): number => ringScore(img, aligners, dx, dy, s.alignPoints);
  const zeroScore = score(0, 0);
  let { shift: best, score: bestScore } = searchShift(score, { x: 0, y: 0 }, searchPx, Math.max(1, Math.round(s.searchStepMm * pxPerMm)));
  const range = Math.max(1, cal.paper - cal.ink);
  let alignment = bestScore / range;
  if (alignment < s.minAlignmentContrast) {
    best = { x: 0, y: 0 };
    alignment = Math.max(0, zeroScore / range);
  }

  const targetPx = Math.round(s.targetSearchMm * pxPerMm);
  const fills = prepared.map((p): TargetFill => {
    const own = targetPx > 0 && alignment >= s.minAlignmentContrast ? ownShift(img, p, best, targetPx, s.targetMinGain * range, s.alignPoints) : best;
    const cx = p.centre.x + own.x;
    const cy = p.centre.y + own.y;
    const paper = localPaper(img, cx, cy, p.outer, cal, settings);
    const span = Math.max(1, paper - cal.ink);
    let sum = 0;
    let dark = 0;
    let r2 = 0;
    const darkCut = s.darkPixel;
    const shape = new FillShapeCells(s.innerRadiusFactor * p.radiusPx);
    for (let i = 0; i < p.inner.length; i += 2) {
      const ox = p.inner[i]!;
      const oy = p.inner[i + 1]!;
      const v = bilinear(img, cx + ox, cy + oy);
      const dk = (paper - v) / span;
      const clamped = dk <= 0 ? 0 : dk >= 1 ? 1 : dk;
      sum += clamped;
      shape.add(ox, oy, clamped);
      if (dk >= darkCut) {
        dark++;
        r2 += ox * ox + oy * oy;
      }
    }
    for (let i = 0; i < p.around.length; i += 2) {
      const dk = (paper - bilinear(img, cx + p.around[i]!, cy + p.around[i + 1]!)) / span;
      shape.addOutside(p.around[i]!, p.around[i + 1]!, dk <= 0 ? 0 : dk, dk >= darkCut);
    }
    const n = p.inner.length / 2;
    const innerPx = s.innerRadiusFactor * p.radiusPx;
    return {
      value: p.t.value,
      fill: n > 0 ? sum / n : 0,
      dark: n > 0 ? dark / n : 0,
      spread: dark > 0 && innerPx > 0 ? Math.sqrt(r2 / dark) / innerPx : 0,
      shape: shape.result(),
      expected: p.centre,
      found: { x: cx, y: cy },
      radiusPx: p.radiusPx,
      paper,
    };
  });
  return { offset: best, alignment, fills };
}

/** How much darker the outlines are than the ring just outside them, at a whole-pixel shift (grey levels per sample). */
function ringScore(img: GreyImage, aligners: readonly Aligner[], dx: number, dy: number, alignPoints: number): number {
  if (aligners.length === 0) return 0;
  const data = img.data;
  const shift = dy * img.width + dx;
  let sum = 0;
  for (const a of aligners) {
    const b = a.base + shift;
    for (let i = 0; i < a.outer.length; i++) sum += data[b + a.outer[i]!]!;
    for (let i = 0; i < a.ring.length; i++) sum -= data[b + a.ring[i]!]!;
  }
  return sum / (aligners.length * alignPoints);
}

/** The best whole-pixel shift within ± searchPx of `from`: a coarse grid, then a 1-pixel climb. */
function searchShift(score: (dx: number, dy: number) => number, from: Point, searchPx: number, step: number): { shift: Point; score: number } {
  let best = from;
  let bestScore = score(from.x, from.y);
  if (searchPx <= 0) return { shift: best, score: bestScore };
  const within = (x: number, y: number) => Math.abs(x - from.x) <= searchPx && Math.abs(y - from.y) <= searchPx;
  const reach = Math.floor(searchPx / step) * step;
  for (let dy = -reach; dy <= searchPx; dy += step)
    for (let dx = -reach; dx <= searchPx; dx += step) {
      const v = score(from.x + dx, from.y + dy);
      if (v > bestScore) {
        bestScore = v;
        best = { x: from.x + dx, y: from.y + dy };
      }
    }
  for (let moved = true, guard = 0; moved && guard < 2 * step; guard++) {
    moved = false;
    const c = best;
    for (let j = -1; j <= 1; j++)
      for (let i = -1; i <= 1; i++) {
        const x = c.x + i;
        const y = c.y + j;
        if ((i === 0 && j === 0) || !within(x, y)) continue;
        const v = score(x, y);
        if (v > bestScore) {
          bestScore = v;
          best = { x, y };
          moved = true;
        }
      }
  }
  return { shift: best, score: bestScore };
}

/** One target's own shift near the group's: taken only when its outline aligns clearly better there (by minGain grey levels). */
function ownShift(img: GreyImage, p: Prepared, group: Point, searchPx: number, minGain: number, alignPoints: number): Point {
  const a = aligner(img, p, searchPx + Math.max(Math.abs(group.x), Math.abs(group.y)) + 1);
  if (!a) return group;
  const score = (dx: number, dy: number) => ringScore(img, [a], dx, dy, alignPoints);
  const at = score(group.x, group.y);
  const found = searchShift(score, group, searchPx, 2);
  return found.score - at >= minGain ? found.shift : group;
}

/** A bright percentile of the ring just outside the outline, trusted unless much darker than the page. */
function localPaper(img: GreyImage, cx: number, cy: number, outer: Float64Array, cal: PageCalibration, settings: VisionSettings): number {
  const vals: number[] = [];
  for (let i = 0; i < outer.length; i += 2) vals.push(bilinear(img, cx + outer[i]!, cy + outer[i + 1]!));
  vals.sort((a, b) => a - b);
  const p = vals[Math.min(vals.length - 1, Math.floor(settings.fill.localPaperPercentile * vals.length))] ?? cal.paper;
  return p >= cal.paper - settings.fill.localPaperMaxDrop ? p : cal.paper;
}
