/**
 * Placing a page whose registration marks are not all usable (a torn corner, a streak through a
 * mark): from the marks that were found plus the QR, which the layout places too. Any three anchors
 * fix an affine placement (scanned paper is nearly affine); more are fitted by least squares and
 * must agree. The orientation is the one turn under which the anchors agree with the stored page.
 */
import type { Corner, PrintedPage } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { affineResidual, applyH, localScale, solveAffine, type Homography, type PointPair } from './homography';
import type { Point } from './image';
import { IMAGE_CORNERS, type MeasuredMark } from './marks';
import type { Orientation } from './orientation';
import type { VisionSettings } from './settings';

export type Placement = {
  h: Homography;
  orientation: Orientation;
  /** The marks used, by page corner. */
  marks: Partial<Record<Corner, MeasuredMark>>;
  /** Page corners whose mark was missing or not used. */
  damaged: Corner[];
  /** The anchors placed from: each mark's and the QR's printed centre (mm) and where it was found (px). */
  anchors: PointPair[];
};

const ORIENTATIONS: readonly Orientation[] = [0, 90, 180, 270];

/** Marks found by image corner → by page corner, for a page turned by `orientation`. */
function byPageCorner(found: Partial<Record<Corner, MeasuredMark>>, orientation: Orientation): Partial<Record<Corner, MeasuredMark>> {
  const turn = ORIENTATIONS.indexOf(orientation);
  const out: Partial<Record<Corner, MeasuredMark>> = {};
  IMAGE_CORNERS.forEach((pageCorner, k) => {
    const m = found[IMAGE_CORNERS[(turn + k) % 4]!];
    if (m) out[pageCorner] = m;
  });
  return out;
}

/** Why a placement under one turn does not fit the stored page, or null when it fits. */
function misfit(h: Homography, page: PrintedPage, marks: Partial<Record<Corner, MeasuredMark>>, pairs: readonly PointPair[], dpi: number, settings: VisionSettings): string | null {
  const g = settings.geometry;
  const [a, b, , d, e] = h;
  if (a * e - b * d <= 0) return 'mirrored';
  // Paper on a scanner is turned and scaled alike in x and y: a fit that needs stretch or shear to meet the anchors is wrong.
  const sx = Math.hypot(a, d);
  const sy = Math.hypot(b, e);
  if (Math.abs(sx / sy - 1) > g.maxAnchorStretch) return `stretched ${((sx / sy - 1) * 100).toFixed(1)} % between x and y`;
  const shearDeg = Math.abs(90 - (Math.acos((a * b + d * e) / (sx * sy)) * 180) / Math.PI);
  if (shearDeg > g.maxAnchorShearDeg) return `sheared ${shearDeg.toFixed(1)}°`;
  const centre = { x: page.paper.widthMm / 2, y: page.paper.heightMm / 2 };
  const scale = localScale(h, centre);
  if (Math.abs(scale / (dpi / 25.4) - 1) > g.maxScaleDeviation) return `scale ${scale.toFixed(2)} px/mm`;
  const residual = affineResidual(pairs) / scale;
  if (residual > g.maxAffineResidualMm) return `anchors ${residual.toFixed(1)} mm off an affine placement`;
  for (const m of page.marks) {
    const got = marks[m.corner];
    if (!got) continue;
    const want = m.size * localScale(h, m);
    if (Math.abs(got.sidePx / want - 1) > g.maxMarkSizeDeviation) return `mark ${m.corner} is ${got.sidePx.toFixed(1)} px, expected ${want.toFixed(1)}`;
  }
  return null;
}

type PlacementFailure = { kind: 'missing_marks' | 'ambiguous_orientation' | 'geometry_mismatch'; detail: string };

/**
 * Place the page from the marks found (by image corner) and the QR's centre (full-resolution px).
 * Refuses with fewer than three anchors, or when no single turn of the page fits them. Four marks
 * that fit no turn may hold one false mark (a torn edge's shadow taken for the torn-off mark): each
 * three of them with the QR are tried, and the best fit is taken.
 */
export function placeFromAnchors(page: PrintedPage, found: Partial<Record<Corner, MeasuredMark>>, qrCentre: Point, dpi: number, settings: VisionSettings): Result<Placement, PlacementFailure> {
  const all = placeWith(page, found, qrCentre, dpi, settings);
  if (all.ok || Object.keys(found).length < 4) return all.ok ? ok(withoutResidual(all.value)) : all;
  const threes = IMAGE_CORNERS.flatMap((left) => {
    const r = placeWith(page, Object.fromEntries(IMAGE_CORNERS.filter((c) => c !== left).map((c) => [c, found[c]])), qrCentre, dpi, settings);
    return r.ok ? [r.value] : [];
  });
  if (threes.length === 0) return all;
  return ok(withoutResidual(threes.sort((a, b) => a.residual - b.residual)[0]!));
}

const withoutResidual = ({ residual: _, ...placement }: Placement & { residual: number }): Placement => placement;

function placeWith(
  page: PrintedPage,
  found: Partial<Record<Corner, MeasuredMark>>,
  qrCentre: Point,
  dpi: number,
  settings: VisionSettings,
): Result<Placement & { residual: number }, PlacementFailure> {
  const qrPair: PointPair = { from: { x: page.qr.x + page.qr.size / 2, y: page.qr.y + page.qr.size / 2 }, to: qrCentre };
  const fits: (Placement & { residual: number })[] = [];
  const notes: string[] = [];
  for (const orientation of ORIENTATIONS) {
    const marks = byPageCorner(found, orientation);
    const pairs: PointPair[] = [...page.marks.flatMap((m) => (marks[m.corner] ? [{ from: { x: m.x, y: m.y }, to: marks[m.corner]! }] : [])), qrPair];
    if (pairs.length < 3) return err({ kind: 'missing_marks', detail: `${pairs.length} anchors (marks and the QR); three are needed` });
    const h = solveAffine(pairs);
    const why = h ? misfit(h, page, marks, pairs, dpi, settings) : 'collinear anchors';
    if (why || !h) {
      notes.push(`${orientation}°: ${why}`);
      continue;
    }
    const damaged = page.marks.map((m) => m.corner).filter((c) => !marks[c]);
    fits.push({ h, orientation, marks, damaged, anchors: pairs, residual: affineResidual(pairs) });
  }
  if (fits.length === 0) return err({ kind: 'geometry_mismatch', detail: `the marks found and the QR fit the stored page under no turn (${notes.join('; ')})` });
  if (fits.length > 1) {
    // Two marks and the QR fit any turn exactly: only the mark sizes can tell, and they did not.
    const exact = fits.every((f) => f.residual < 1e-6);
    if (exact) return err({ kind: 'ambiguous_orientation', detail: `the marks found fit ${fits.map((f) => `${f.orientation}°`).join(' and ')} alike` });
    fits.sort((a, b) => a.residual - b.residual);
  }
  return ok(fits[0]!);
}

/** Where a page corner's mark should be, through a placement (for reports on a damaged corner). */
export function predictedMark(h: Homography, page: PrintedPage, corner: Corner): Point | null {
  const m = page.marks.find((x) => x.corner === corner);
  return m ? applyH(h, m) : null;
}
