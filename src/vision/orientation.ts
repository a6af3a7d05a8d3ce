import type { Corner } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { IMAGE_CORNERS, type MeasuredMark } from './marks';

/** How far the page is turned clockwise in the image. */
export type Orientation = 0 | 90 | 180 | 270;

export type OrientedMarks = { orientation: Orientation; byPageCorner: Record<Corner, MeasuredMark> };
export type OrientationFailure = { kind: 'ambiguous_orientation'; detail: string };

const ORIENTATIONS: readonly Orientation[] = [0, 90, 180, 270];

/**
 * The page's top-left mark is the largest. Whichever image corner holds it fixes the turn: page
 * corners clockwise (tl, tr, br, bl) sit on image corners clockwise starting from that one.
 */
export function orientMarks(marks: Record<Corner, MeasuredMark>, minLargeToSmallRatio: number): Result<OrientedMarks, OrientationFailure> {
  const bySize = IMAGE_CORNERS.map((c, i) => ({ i, side: marks[c].sidePx })).sort((a, b) => b.side - a.side);
  const big = bySize[0]!;
  const next = bySize[1]!;
  if (big.side < next.side * minLargeToSmallRatio)
    return err({
      kind: 'ambiguous_orientation',
      detail: `largest mark ${big.side.toFixed(1)} px is not ${minLargeToSmallRatio}× the next (${next.side.toFixed(1)} px)`,
    });
  const orientation = ORIENTATIONS[big.i]!;
  const byPageCorner = {} as Record<Corner, MeasuredMark>;
  IMAGE_CORNERS.forEach((pageCorner, k) => {
    byPageCorner[pageCorner] = marks[IMAGE_CORNERS[(big.i + k) % 4]!]!;
  });
  return ok({ orientation, byPageCorner });
}
