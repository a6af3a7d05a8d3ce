/** What damage.ts can do to a sheet, as recorded in truth.json (kept apart so truth.ts needs no drawing code). */
import { z } from 'zod';

export const DAMAGE_KINDS = ['fold', 'tear', 'smudge', 'rotation', 'missing_corner', 'dark_erasure', 'torn_top_left', 'mark_streak'] as const;
export type DamageKind = (typeof DAMAGE_KINDS)[number];

const Pt = z.tuple([z.number(), z.number()]);
export const DamageTruth = z.discriminatedUnion('kind', [
  /** A crease from `fromMm` to `toMm`: a shadow `depth` grey levels deep, the far side a little darker. */
  z.object({ kind: z.literal('fold'), fromMm: Pt, toMm: Pt, depth: z.number() }),
  /** A crack in from the edge along `pathMm`, `widthMm` wide, showing the scanner backing. */
  z.object({ kind: z.literal('tear'), pathMm: z.array(Pt), widthMm: z.number() }),
  /** A graphite smudge: an ellipse (radii in mm, turned by angleDeg) darkening the paper to about `level`. */
  z.object({ kind: z.literal('smudge'), centreMm: Pt, radiiMm: Pt, angleDeg: z.number(), level: z.number() }),
  /** The sheet went through far more askew than any profile: the scan's angleDeg. */
  z.object({ kind: z.literal('rotation'), angleDeg: z.number() }),
  /** A triangle torn off a corner of the paper, legs along the two edges in mm: large enough to take the corner's mark. */
  z.object({ kind: z.literal('missing_corner'), corner: z.enum(['tl', 'tr', 'br', 'bl']), legsMm: Pt }),
  /**
   * An erased mark left dark on a target that is not selected: `level` is the ink's grey, `grey` (when recorded) the
   * residue's mean brightness over the target as a fraction of the paper (0.78 = 78 % grey, about 22 % ink), `smeared`
   * and `partial` how the eraser left it.
   */
  z.object({
    kind: z.literal('dark_erasure'), fieldId: z.string(), value: z.string(), column: z.number().int().optional(), level: z.number(),
    grey: z.number().optional(), smeared: z.boolean().optional(), partial: z.boolean().optional(),
  }),
  /** The top-left corner torn off along a ragged line (legs in mm), taking the large registration mark. */
  z.object({ kind: z.literal('torn_top_left'), legsMm: Pt }),
  /**
   * A scanner-glass streak (a vertical band in the image, `widthMm` wide, grey `level`) through the registration mark of
   * a page corner; `offsetMm` is the band's centre from the mark's centre, across the feed.
   */
  z.object({ kind: z.literal('mark_streak'), corner: z.enum(['tl', 'tr', 'br', 'bl']), widthMm: z.number(), level: z.number(), offsetMm: z.number() }),
]);
export type DamageTruth = z.infer<typeof DamageTruth>;
