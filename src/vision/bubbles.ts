/**
 * MEASURE, never decide: fill scores of mark targets (bubbles and score boxes) with the expected
 * and found positions. Turning scores into marks is interpret.ts's job.
 */
import type { MarkTarget } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { applyH, localScale, type Homography } from './homography';
import { bilinear, histogram, percentile, type GreyImage, type Point } from './image';
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
  const paper = percentile(histogram(reduced, undefined, 2), settings.paper.percentile);
  const greys = marks.map((m) => m.grey).sort((a, b) => a - b);
  const ink = greys.length > 0 ? greys[Math.floor((greys.length - 1) / 2)]! : 0;
  if (paper - ink < settings.fill.minInkContrast) return err({ kind: 'low_contrast', detail: `paper ${paper}, ink ${ink.toFixed(0)}` });
  return ok({ paper, ink });
}

type Prepared = {
  t: MarkTarget;
  centre: Point;
  radiusPx: number;
  ring: Float64Array; // x,y pairs (px, relative to centre) on the outline
  outer: Float64Array; // x,y pairs just outside it
  inner: Float64Array; // x,y pairs filling the inner area
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
    const n = Math.max(24, Math.round((2 * Math.PI * rr * scale) / 2));
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
    inner: toPx(inner),
  };
}

function meanAt(img: GreyImage, cx: number, cy: number, pts: Float64Array): number {
  let s = 0;
  for (let i = 0; i < pts.length; i += 2) s += bilinear(img, cx + pts[i]!, cy + pts[i + 1]!);
  return s / (pts.length / 2);
}

/**
 * Measure a group of targets that share one alignment (one field, or one digit grid). The shift
 * that makes the printed outlines darkest against the ring just outside them is searched within
 * ± searchMm, coarse then fine, on a subset of the targets.
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
  const align = prepared.filter((_, i) => i % stride === 0);
  const first = targets[0]!;
  const pxPerMm = localScale(h, first);
  const score = (dx: number, dy: number) => {
    let sum = 0;
    for (const p of align) sum += meanAt(img, p.centre.x + dx, p.centre.y + dy, p.outer) - meanAt(img, p.centre.x + dx, p.centre.y + dy, p.ring);
    return sum / align.length;
  };
  let best = { x: 0, y: 0 };
  let bestScore = score(0, 0);
  const zeroScore = bestScore;
  if (s.searchMm > 0) {
    const step = s.searchStepMm * pxPerMm;
    const n = Math.floor(s.searchMm / s.searchStepMm + 1e-9);
    for (let j = -n; j <= n; j++)
      for (let i = -n; i <= n; i++) {
        if (i === 0 && j === 0) continue;
        const v = score(i * step, j * step);
        if (v > bestScore) {
          bestScore = v;
          best = { x: i * step, y: j * step };
        }
      }
    const c = best;
    for (let j = -2; j <= 2; j++)
      for (let i = -2; i <= 2; i++) {
        if (i === 0 && j === 0) continue;
        const x = c.x + (i * step) / 4;
        const y = c.y + (j * step) / 4;
        const v = score(x, y);
        if (v > bestScore) {
          bestScore = v;
          best = { x, y };
        }
      }
  }
  const range = Math.max(1, cal.paper - cal.ink);
  let alignment = bestScore / range;
  if (alignment < s.minAlignmentContrast) {
    best = { x: 0, y: 0 };
    alignment = Math.max(0, zeroScore / range);
  }

  const fills = prepared.map((p): TargetFill => {
    const cx = p.centre.x + best.x;
    const cy = p.centre.y + best.y;
    const paper = localPaper(img, cx, cy, p.outer, cal, settings);
    const span = Math.max(1, paper - cal.ink);
    let sum = 0;
    let dark = 0;
    const darkCut = s.darkPixel;
    for (let i = 0; i < p.inner.length; i += 2) {
      const v = bilinear(img, cx + p.inner[i]!, cy + p.inner[i + 1]!);
      const dk = (paper - v) / span;
      sum += dk <= 0 ? 0 : dk >= 1 ? 1 : dk;
      if (dk >= darkCut) dark++;
    }
    const n = p.inner.length / 2;
    return {
      value: p.t.value,
      fill: n > 0 ? sum / n : 0,
      dark: n > 0 ? dark / n : 0,
      expected: p.centre,
      found: { x: cx, y: cy },
      radiusPx: p.radiusPx,
      paper,
    };
  });
  return { offset: best, alignment, fills };
}

/** A bright percentile of the ring just outside the outline, trusted unless much darker than the page. */
function localPaper(img: GreyImage, cx: number, cy: number, outer: Float64Array, cal: PageCalibration, settings: VisionSettings): number {
  const vals: number[] = [];
  for (let i = 0; i < outer.length; i += 2) vals.push(bilinear(img, cx + outer[i]!, cy + outer[i + 1]!));
  vals.sort((a, b) => a - b);
  const p = vals[Math.min(vals.length - 1, Math.floor(settings.fill.localPaperPercentile * vals.length))] ?? cal.paper;
  return p >= cal.paper - settings.fill.localPaperMaxDrop ? p : cal.paper;
}
