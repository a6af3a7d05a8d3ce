/**
 * Refitting a page placed from three anchors (placement.ts) from its own printed geometry. The
 * outlines of its mark targets (bubbles, score boxes, digit-grid bubbles) are printed whether
 * filled or not, and the layout places them exactly: they are located near the placement, a
 * homography is fitted to them and to the anchors robustly (RANSAC, then least squares on the
 * inliers), and the fit is judged on held-out points: each field (and anchor) in turn is left out
 * and predicted by the rest.
 */
import type { Field, MarkTarget, PrintedPage } from '../layout/printedPage';
import { seededRng } from '../domain/random';
import { err, ok, type Result } from '../domain/result';
import { measureTargets, type PageCalibration } from './bubbles';
import { applyH, localScale, solveHomography, type Homography, type PointPair } from './homography';
import type { GreyImage } from './image';
import type { Placement } from './placement';
import type { VisionSettings } from './settings';

export type Refit = {
  h: Homography;
  /** Target outlines located, and those that agree with the fit. */
  outlines: number;
  inliers: number;
  /** The worst field's median error (mm) of its outlines, predicted by a fit of the other fields'. */
  heldOutMm: number;
};

/** A target's printed centre (mm) and where its outline was found (px), with the field it belongs to. */
export type OutlinePoint = PointPair & { field: string };

export type RefitFailure = { kind: 'too_few_outlines' | 'poor_fit'; detail: string };

/** RANSAC stops when a sample of four inliers has been drawn with this probability (or after MAX_ROUNDS). */
const RANSAC_CONFIDENCE = 0.999;
const MAX_ROUNDS = 200;
/** A field's outlines are located on at most this many of its targets, spread over it (a digit grid has about 30). */
const TARGETS_PER_FIELD = 8;
/** The coarse grid of the outline search (mm); fill.searchStepMm (0.25) is for reading fields. */
const ROUGH_STEP_MM = 0.5;

/** A field's mark targets to locate (none for combs and write-ins). */
function targetsOf(f: Field): MarkTarget[] {
  const all = f.kind === 'bubbles' || f.kind === 'score' ? f.targets : f.kind === 'digit_grid' ? f.columns.flatMap((c) => c.targets) : [];
  if (all.length <= TARGETS_PER_FIELD) return all;
  return Array.from({ length: TARGETS_PER_FIELD }, (_, i) => all[Math.round((i * (all.length - 1)) / (TARGETS_PER_FIELD - 1))]!);
}

/**
 * Where the printed outlines of the fields' mark targets are (printed mm → found px), searched
 * ± searchMm around the placement `h`. A field whose outlines were not found gives none.
 */
export function locateOutlines(img: GreyImage, h: Homography, fields: readonly Field[], cal: PageCalibration, settings: VisionSettings, searchMm: number): OutlinePoint[] {
  // The coarse grid of the search is at most half an outline's reach (a ring's shift by 3 px at 300 dpi still scores); the climb then finds the peak.
  const wider = { ...settings, fill: { ...settings.fill, searchMm, searchStepMm: Math.max(settings.fill.searchStepMm, ROUGH_STEP_MM) } };
  return fields.flatMap((f) => {
    const targets = targetsOf(f);
    if (targets.length === 0) return [];
    const m = measureTargets(img, h, targets, cal, wider);
    if (m.alignment < settings.fill.minAlignmentContrast) return [];
    return m.fills.map((x, i) => ({ from: { x: targets[i]!.x, y: targets[i]!.y }, to: x.found, field: f.id }));
  });
}

const errorOf = (h: Homography, p: PointPair) => {
  const q = applyH(h, p.from);
  return Math.hypot(q.x - p.to.x, q.y - p.to.y);
};

/** The largest set of points one 4-point homography agrees with (RANSAC, seeded). */
function consensus(points: readonly OutlinePoint[], inlierPx: number): OutlinePoint[] {
  const rng = seededRng('refit');
  let best: OutlinePoint[] = [];
  let rounds = MAX_ROUNDS;
  for (let round = 0; round < rounds; round++) {
    const pick = new Set<number>();
    while (pick.size < 4) pick.add(Math.floor(rng() * points.length));
    const h = solveHomography([...pick].map((i) => points[i]!));
    if (!h) continue;
    const inliers = points.filter((p) => errorOf(h, p) <= inlierPx);
    if (inliers.length <= best.length) continue;
    best = inliers;
    const allFour = (best.length / points.length) ** 4;
    rounds = allFour >= 1 ? 0 : Math.min(MAX_ROUNDS, Math.ceil(Math.log(1 - RANSAC_CONFIDENCE) / Math.log(1 - allFour)));
  }
  return best;
}

/** Least squares on the inliers (from RANSAC, or those of a first fit `from`), twice. */
function robustFit(points: readonly OutlinePoint[], inlierPx: number, from?: Homography): { h: Homography; inliers: OutlinePoint[] } | null {
  let inliers = from ? points.filter((p) => errorOf(from, p) <= inlierPx) : consensus(points, inlierPx);
  let fit: { h: Homography; inliers: OutlinePoint[] } | null = null;
  for (let pass = 0; pass < 2 && inliers.length >= 4; pass++) {
    const h = solveHomography(inliers);
    if (!h) return fit;
    inliers = points.filter((p) => errorOf(h, p) <= inlierPx);
    fit = { h, inliers };
  }
  return fit;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Each field's outlines predicted by a fit of the other fields' (leave one field out): the worst
 * field's median error (px); Infinity when fewer than `minRest` points are left to predict one
 * (a page with few fields does not pin the placement down). A field alone in its part of the page
 * is extrapolated to, so this is large where the rest of the page does not pin the placement down.
 */
function heldOutError(points: readonly OutlinePoint[], minRest: number): number {
  let worst = 0;
  for (const field of new Set(points.map((p) => p.field))) {
    const out = points.filter((p) => p.field === field);
    const rest = points.filter((p) => p.field !== field);
    const h = rest.length >= minRest ? solveHomography(rest) : null;
    if (!h) return Infinity;
    worst = Math.max(worst, median(out.map((p) => errorOf(h, p))));
  }
  return worst;
}

/** A robust fit of the points (from RANSAC, or from a first fit): the homography and the points that agree with it, or too few agree. */
function fitPoints(points: readonly OutlinePoint[], pxPerMm: number, settings: VisionSettings, from?: Homography): Result<{ h: Homography; inliers: OutlinePoint[] }, RefitFailure> {
  const need = settings.geometry.refitMinOutlines;
  if (points.length < need) return err({ kind: 'too_few_outlines', detail: `${points.length} anchors and target outlines found, ${need} needed` });
  const fit = robustFit(points, settings.geometry.refitInlierMm * pxPerMm, from);
  if (!fit || fit.inliers.length < need)
    return err({ kind: 'too_few_outlines', detail: `${fit?.inliers.length ?? 0} of ${points.length} anchors and target outlines agree on one placement, ${need} needed` });
  return ok(fit);
}

/**
 * A homography of printed mm → px fitted to anchors and located outlines (robustly, from RANSAC or
 * from a first fit), trusted only when each field's outlines are predicted by the others'.
 */
export function refitFromOutlines(points: readonly OutlinePoint[], pxPerMm: number, settings: VisionSettings, from?: Homography): Result<Refit, RefitFailure> {
  const fit = fitPoints(points, pxPerMm, settings, from);
  if (!fit.ok) return fit;
  const { h, inliers } = fit.value;
  const heldOutMm = heldOutError(inliers, settings.geometry.refitMinOutlines) / pxPerMm;
  const trust = settings.geometry.refitTrustMm;
  if (heldOutMm === Infinity) return err({ kind: 'poor_fit', detail: `a field's outlines, left out, are not predicted by ${settings.geometry.refitMinOutlines} others` });
  if (!(heldOutMm <= trust)) return err({ kind: 'poor_fit', detail: `outlines held out are ${heldOutMm.toFixed(2)} mm off the refit (trusted within ${trust} mm)` });
  return ok({ h, outlines: points.length, inliers: inliers.length, heldOutMm });
}

/**
 * Refit a placement from anchors (off when geometry.refitTrustMm is 0): the outlines are located
 * geometry.anchorSearchMm around it and fitted with the anchors (RANSAC). A field none of whose
 * outlines agree with that fit (it was placed farther off, or a neighbour's outlines were taken)
 * is looked for again near the fit, within fill.searchMm, and everything is fitted again.
 */
export function refitPlacement(img: GreyImage, placement: Placement, page: PrintedPage, cal: PageCalibration, settings: VisionSettings): Result<Refit, RefitFailure> {
  if (settings.geometry.refitTrustMm <= 0) return err({ kind: 'poor_fit', detail: 'refit turned off (geometry.refitTrustMm 0)' });
  const pxPerMm = localScale(placement.h, { x: page.paper.widthMm / 2, y: page.paper.heightMm / 2 });
  const anchors = placement.anchors.map((a, i) => ({ ...a, field: `anchor ${i}` }));
  const first = [...anchors, ...locateOutlines(img, placement.h, page.fields, cal, settings, settings.geometry.anchorSearchMm)];
  const rough = fitPoints(first, pxPerMm, settings);
  if (!rough.ok) return rough;
  const agreed = new Set(rough.value.inliers.map((p) => p.field));
  const again = locateOutlines(img, rough.value.h, page.fields.filter((f) => !agreed.has(f.id)), cal, settings, settings.fill.searchMm);
  return refitFromOutlines([...first.filter((p) => agreed.has(p.field)), ...again], pxPerMm, settings, rough.value.h);
}
