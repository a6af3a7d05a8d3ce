import { z } from 'zod';
import { DEFAULT_MARK_SIZES } from '../domain/registrationMarks';
import { DEFAULT_SCAN_DPI } from '../domain/scanDpi';

/**
 * Every threshold of the reader, with its default, in exactly one place. Stages take the parsed
 * object; nothing in vision keeps a literal threshold of its own. Parse a partial object to
 * override a few values: `VisionSettings.parse({ bubbles: { definite: 0.5 } })`.
 */

/**
 * How one kind of mark target (bubble or score box) is decided from its two measurements: fill
 * (mean calibrated darkness inside, 0 = paper, 1 = ink) and dark (fraction of the inside that is
 * dark ink, see fill.darkPixel). Each target is decided on its own:
 *   - fill >= definite: marked, whatever the pen;
 *   - a stroke (dark >= strokeDark) covering fill >= strokeFill: marked (tick, cross, scribble);
 *   - no stroke, but an even fill >= lightFill: marked (light pencil, darker than any erasure residue);
 *   - fill < marginal (and no stroke): unmarked; between the page's empty level and marginal it
 *     is reported as erased (light residue);
 *   - a fill alone between marginal and lightFill is faint: beside the one answer of a group that
 *     takes one (a single-choice field, a digit-grid column) it is an erasure (see `relativeMarked`),
 *     anywhere else a person looks at it, unless its ink lies on part of the target only, in patches
 *     (`patchyEvenness`) or with a lighter band leaving it on one side (`smearMin`): erasure residue, unmarked;
 *   - anything else (a faint stroke, dark ink only on the rim: `strokeMaxSpread`) is marginal → review.
 * Fills are taken above the page's own empty-target level (see `emptyNoiseK`).
 */
const band = (d: { definite: number; marginal: number; strokeDark: number; strokeFill: number; strokeMinSpread: number; strokeMaxSpread: number; lightFill: number; residueMin: number; relativeMarked: number; writerFraction: number; writerMinMarks: number; patchyEvenness: number; patchyMaxGrain: number; smearMin: number; smearMaxPeak: number; faintAnswerFill: number }) =>
  z
    .strictObject({
      /** At or above: marked. */
      definite: z.number().min(0).max(1).default(d.definite),
      /** Below (with no stroke): unmarked. Between this and the mark rules: marginal → review. */
      marginal: z.number().min(0).max(1).default(d.marginal),
      /** A target with at least this fraction of dark-ink pixels holds a stroke (not residue, not paper). */
      strokeDark: z.number().min(0).max(1).default(d.strokeDark),
      /** A stroke covering at least this fill is a mark (a tick or a cross inks far less than a filled bubble). */
      strokeFill: z.number().min(0).max(1).default(d.strokeFill),
      /** ...and reaching across the target: its dark ink's RMS radius over the inner radius (see TargetFill.spread). */
      strokeMinSpread: z.number().min(0).max(2).default(d.strokeMinSpread),
      /**
       * Dark ink reaching farther than this (same measure) lies on the rim of the sampled area: the
       * printed outline, the target sampled off-centre (a placement a few pixels off). Below
       * `definite` such a target goes to review, never to a mark. Pen strokes and fills stay below 0.76.
       */
      strokeMaxSpread: z.number().min(0).max(2).default(d.strokeMaxSpread),
      /**
       * An even fill without dark ink at or above this is a (light) mark: darker than any erasure
       * residue (residue as dark as 75 % grey reads up to 0.31 on the harsh synthetic scans). Between
       * `marginal` and this, a fill alone is faint: an erasure beside the one answer of its group, else review.
       */
      lightFill: z.number().min(0).max(1).default(d.lightFill),
      /** An unmarked target with at least this fill is reported as erased (evidence only). */
      residueMin: z.number().min(0).max(1).default(d.residueMin),
      /**
       * Page-wide check (OMRChecker-style): the page's empty level is the median fill of all its
       * targets and its noise the scaled MAD. A mark must also stand this many noise units above
       * that level, or it goes to review.
       */
      emptyNoiseK: z.number().min(0).default(8),
      /** With fewer targets on the page than this, no page-wide statistics are used. */
      pageStatsMinTargets: z.number().int().min(1).default(20),
      /**
       * The neighbour rule, for a group that takes one answer (a single-choice field, a digit-grid
       * column): a faint fill beside the group's mark is an erasure when that mark has dark ink (a
       * pen or pencil fill, a tick) or when the faint fill is below this share of the mark's fill.
       */
      relativeMarked: z.number().min(0).max(1).default(d.relativeMarked),
      /**
       * The writer's own level, where the neighbour rule does not decide a faint fill: it is a mark
       * when it reaches this share of the page's writer level (the median of the page's fills at
       * `lightFill` or darker), from `writerMinMarks` such marks. Only a writer who marks lightly
       * brings that below `lightFill`; residue beside a dark writer's marks stays with a person.
       */
      writerFraction: z.number().min(0).max(1).default(d.writerFraction),
      writerMinMarks: z.number().int().min(1).default(d.writerMinMarks),
      /**
       * The fill's shape (fillShape.ts), for a faint fill no rule above decides: ink laid over part of
       * the target only (its palest ninth below this share of its mean darkness) in patches, not in
       * strokes (pixel spread over mean at most `patchyMaxGrain`; a faint tick or scribble has more),
       * is residue an eraser left: erased. A pen fill covers the inside evenly (0.92 and more).
       * 0 turns the rule off.
       */
      patchyEvenness: z.number().min(0).max(1).default(d.patchyEvenness),
      patchyMaxGrain: z.number().min(0).default(d.patchyMaxGrain),
      /**
       * The same for a faint fill with a lighter band leaving the target on one side (FillShape.outside at least this
       * share of its inside's darkness; a fill that stays inside its outline reads under 0.19): graphite an eraser
       * dragged past it, so residue. Its pixels must not be in strokes (`patchyMaxGrain`). 0 turns the rule off.
       */
      smearMin: z.number().min(0).default(d.smearMin),
      /**
       * ...and only when that band is clearly lighter than the inside: its darkest sample (FillShape.outsidePeak) at most
       * this share of the inside's darkness. The synth's eraser smear is 35–60 % of its residue's darkness; a light fill
       * whose pencil goes past the outline is its own grey there (0.95–1.05 when it leaves by 0.7–1 mm), and dropping
       * it would be a silent error.
       */
      smearMaxPeak: z.number().min(0).max(1).default(d.smearMaxPeak),
      /**
       * A teacher's reading, off (0) by default: a faint fill no rule above decides, even (evenness at least
       * `patchyEvenness`) and at least this fill, is the answer when it is alone in a single-choice question and one more
       * answer beside the marks of a multi-answer question. Light pencil reads from 0.14; the synth's darkest residue
       * left evenly over a target without a smear (75 % grey) up to 0.28, so any level below that grades some residue
       * silently (docs/reading.md, "What a teacher would decide").
       */
      faintAnswerFill: z.number().min(0).max(1).default(d.faintAnswerFill),
    })
    .refine((b) => b.marginal <= b.definite, { message: 'marginal must be <= definite', path: ['marginal'] })
    .refine((b) => b.marginal <= b.lightFill && b.lightFill <= b.definite, { message: 'lightFill must lie in [marginal, definite]', path: ['lightFill'] })
    .refine((b) => b.strokeFill <= b.definite, { message: 'strokeFill must be <= definite', path: ['strokeFill'] });

export const VisionSettings = z.strictObject({
  decode: z
    .strictObject({
      /**
       * The reduced image (marks, blank check, QR fallback) is the full image box-filtered by a
       * whole factor that brings it nearest this resolution (300 dpi → 2, 600 dpi → 4, 200 dpi → 1).
       */
      reducedDpi: z.number().min(50).max(600).default(150),
      maxReduceFactor: z.number().int().min(1).max(8).default(4),
      /** Used when the file's density is implausible and the size gives no better guess: the resolution the station scans at. */
      defaultDpi: z.number().min(50).max(1200).default(DEFAULT_SCAN_DPI),
      /** A file density (or a size-based guess) outside this range is not believed. */
      minPlausibleDpi: z.number().default(100),
      maxPlausibleDpi: z.number().default(1200),
      /** Without a plausible density, the image's long side is taken to span this many mm. */
      nominalLongSideMm: z.number().min(50).default(297),
    })
    .prefault({}),
  paper: z
    .strictObject({
      /** Percentile of the reduced page's histogram taken as paper white (blank check, calibration). */
      percentile: z.number().min(0.5).max(1).default(0.9),
    })
    .prefault({}),
  blank: z
    .strictObject({
      /** A pixel this many grey levels below paper white counts as ink for the blank-page check. */
      inkContrast: z.number().min(1).max(255).default(90),
      /** A page with less than this fraction of ink pixels is blank. */
      maxInkFraction: z.number().min(0).max(1).default(0.0015),
    })
    .prefault({}),
  marks: z
    .strictObject({
      /** Side of the square searched in each image corner. */
      searchWindowMm: z.number().min(20).max(150).default(80),
      /** Nominal sides of the small marks and of the larger top-left mark (before the page is known). */
      smallMarkMm: z.number().min(2).default(DEFAULT_MARK_SIZES.markSizeMm),
      largeMarkMm: z.number().min(2).default(DEFAULT_MARK_SIZES.topLeftMarkSizeMm),
      /** A candidate's side must lie within [low × small, high × large]. */
      sizeToleranceLow: z.number().min(0.2).max(1).default(0.6),
      sizeToleranceHigh: z.number().min(1).max(3).default(1.4),
      /** Area over the minimum-area enclosing rectangle; a solid square is ~1, a disc 0.785. */
      minFill: z.number().min(0).max(1).default(0.86),
      /** Long over short side of that rectangle. */
      maxAspect: z.number().min(1).default(1.3),
      /** Paper and darkest ink of a corner window must be at least this far apart. */
      minContrast: z.number().min(1).max(255).default(60),
      /** Window percentiles taken as paper and as the darkest ink when looking for a mark. */
      paperPercentile: z.number().min(0.5).max(0.99).default(0.9),
      inkPercentile: z.number().min(0).max(0.01).default(0.0005),
      /**
       * When no mark is found in a corner, look again with dark lines thinner than this removed
       * (a scanner streak through the mark); 0 turns the second look off.
       */
      streakMaxWidthMm: z.number().min(0).max(3).default(1),
      /** The largest mark must be this much larger (side ratio) than the next, to know the orientation. */
      minLargeToSmallRatio: z.number().min(1).default(1.25),
    })
    .refine((m) => m.smallMarkMm < m.largeMarkMm, { message: 'smallMarkMm must be < largeMarkMm', path: ['smallMarkMm'] })
    .prefault({}),
  geometry: z
    .strictObject({
      /** The homography's scale at the page centre may differ from the file's dpi by this fraction. */
      maxScaleDeviation: z.number().min(0).max(1).default(0.2),
      /** A measured mark side may differ from the stored side (mapped to px) by this fraction. */
      maxMarkSizeDeviation: z.number().min(0).max(1).default(0.35),
      /**
       * Scanned paper is nearly affine: the marks may deviate this far from the best affine fit of
       * the stored marks (a misplaced or misdetected mark shows up here).
       */
      maxAffineResidualMm: z.number().min(0).default(4),
      /** The decoded QR's centre may lie this far from where the stored layout puts it. */
      maxQrOffsetMm: z.number().min(0).default(6),
      /**
       * A page placed from fewer than four marks (three anchors of the marks and the QR, affine) has
       * no perspective correction: each field's outlines are searched this far (instead of fill.searchMm).
       */
      anchorSearchMm: z.number().min(0).max(3).default(2.5),
      /** ...and a field of such a page is graded only when its outlines were found within this distance of the placement (else review). */
      anchorTrustMm: z.number().min(0).max(3).default(0.6),
      /** Such a placement may scale x and y apart by this fraction at most... */
      maxAnchorStretch: z.number().min(0).max(0.5).default(0.04),
      /** ...and shear the page's axes by this many degrees at most (scanned paper is turned and scaled, not skewed). */
      maxAnchorShearDeg: z.number().min(0).max(45).default(2.5),
      /**
       * Such a page is then refitted from its own target outlines (refit.ts): a homography fitted to
       * them is trusted like four marks when the outlines of each region of the page, left out of the
       * fit, lie within this distance of it (worst region's median); 0 turns the refit off.
       */
      refitTrustMm: z.number().min(0).max(3).default(0.25),
      /** An outline this far from a candidate fit is an outlier (a filled target, a neighbour's outline). */
      refitInlierMm: z.number().positive().max(3).default(0.4),
      /** At least this many outlines must agree on the refit. */
      refitMinOutlines: z.number().int().min(8).default(12),
    })
    .prefault({}),
  qr: z
    .strictObject({
      /**
       * Where to look for the QR before the page is known: a rectangle in mm relative to the
       * top-right mark's centre, page axes (x right, y down). The default layout puts the QR at
       * x −35..−15, y −6..14 from that mark.
       */
      searchFromTopRightMarkMm: z
        .strictObject({ x: z.number(), y: z.number(), w: z.number().positive(), h: z.number().positive() })
        .default({ x: -48, y: -12, w: 44, h: 34 }),
      /** Try the whole reduced page when the crop gives nothing. */
      fullPageFallback: z.boolean().default(true),
      /** When marks are missing, look for a QR on the whole page to name the failure better. */
      probeWhenMarksMissing: z.boolean().default(true),
    })
    .prefault({}),
  fill: z
    .strictObject({
      /** Fill is measured inside this fraction of a target's radius (keeps the printed outline out). */
      innerRadiusFactor: z.number().min(0.2).max(0.95).default(0.7),
      /** Search ± this far for the best-aligned position of a field's outlines. */
      searchMm: z.number().min(0).max(3).default(1),
      searchStepMm: z.number().positive().default(0.25),
      /** The reference ring for alignment and local paper white sits this far outside the outline. */
      outerRingMm: z.number().positive().default(0.5),
      /**
       * A second ring this far outside the outline (with the outer ring) is sampled for graphite an eraser dragged past
       * the target (FillShape.outside); it stays clear of a digit-grid neighbour's outline (0.9 mm away).
       */
      smearRingMm: z.number().positive().default(0.3),
      /** Percentile of the outer-ring samples taken as local paper white. */
      localPaperPercentile: z.number().min(0.5).max(1).default(0.75),
      /** A local paper level darker than the page's by more than this is not trusted. */
      localPaperMaxDrop: z.number().min(0).max(255).default(40),
      /** A sample this dark (calibrated 0..1) counts as a dark-ink pixel (erasure vs. stroke). */
      darkPixel: z.number().min(0).max(1).default(0.5),
      /** Ink must be at least this much darker than paper for calibration to make sense. */
      minInkContrast: z.number().min(1).max(255).default(60),
      /**
       * The best alignment must beat the outer ring by this fraction of (paper − ink) per target,
       * or the field keeps its mapped position (no outlines to align on).
       */
      minAlignmentContrast: z.number().min(0).max(1).default(0.12),
      /** Samples on the outline (and on the ring outside it) of each target, for alignment. */
      alignPoints: z.number().int().min(8).max(256).default(32),
      /** At most this many targets of a field are used to find its alignment. */
      maxAlignTargets: z.number().int().min(1).default(16),
      /**
       * Each target's own outline is then searched this far around the field's shift: a field placed
       * a little turned (an affine placement from three anchors, perspective across a wide field) has
       * no single shift that fits all its targets, and a target sampled off-centre reads its outline as ink.
       */
      targetSearchMm: z.number().min(0).max(3).default(1.2),
      /** ...and a target takes its own shift only when its outline aligns better there by this fraction of (paper − ink). */
      targetMinGain: z.number().min(0).max(1).default(0.1),
    })
    .prefault({}),
  bubbles: band({ definite: 0.35, marginal: 0.12, strokeDark: 0.05, strokeFill: 0.11, strokeMinSpread: 0.4, strokeMaxSpread: 0.82, lightFill: 0.32, residueMin: 0.04, relativeMarked: 0.5, writerFraction: 0.8, writerMinMarks: 3, patchyEvenness: 0.7, patchyMaxGrain: 0.8, smearMin: 0.25, smearMaxPeak: 0.7, faintAnswerFill: 0 }).prefault({}),
  /** Score boxes are ticked, not filled: a tick covers far less of a box than a filled bubble. */
  score: band({ definite: 0.3, marginal: 0.06, strokeDark: 0.02, strokeFill: 0.075, strokeMinSpread: 0.4, strokeMaxSpread: 1.2, lightFill: 0.15, residueMin: 0.04, relativeMarked: 0.5, writerFraction: 0.8, writerMinMarks: 3, patchyEvenness: 0, patchyMaxGrain: 0, smearMin: 0, smearMaxPeak: 0, faintAnswerFill: 0 }).prefault({}),
  handwriting: z
    .strictObject({
      /** Boxes are cropped this far inside their printed border. */
      insetMm: z.number().min(0).default(0.8),
      /** A box with at least this much ink (mm², dark pixels inside the inset box) is written. */
      minInkMm2: z.number().min(0).default(0.3),
      /**
       * A box with at most this much ink is empty (paper noise, specks). In between, it may hold a
       * faint '-' or '.': a comb with such a box goes to review.
       */
      blankMaxInkMm2: z.number().min(0).default(0.15),
      /** Ink in a box is counted on at most about this many pixels (large boxes are subsampled). */
      maxSamples: z.number().int().min(1000).default(60000),
      /** A pixel counts as ink at this calibrated darkness. */
      inkDarkness: z.number().min(0).max(1).default(0.3),
    })
    .refine((h) => h.blankMaxInkMm2 <= h.minInkMm2, { message: 'blankMaxInkMm2 must be <= minInkMm2', path: ['blankMaxInkMm2'] })
    .prefault({}),
  streak: z
    .strictObject({
      /** A scanner-glass streak is a column darker than paper white by this much... */
      darkContrast: z.number().min(1).max(255).default(50),
      /** ...on at least this share of the image's rows. A mark field it crosses goes to review. */
      minRowShare: z.number().min(0.5).max(1).default(0.9),
      /** ...and at least this wide (full-resolution px; the usual 1–3 px streaks never read as a stroke). */
      minWidthPx: z.number().min(0).default(6),
    })
    .prefault({}),
  review: z
    .strictObject({
      /** A read that goes to review reports at most this confidence (a person decides it, whatever the reader measured). */
      maxConfidence: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  ocr: z
    .strictObject({
      /** Below this confidence (0..100, tesseract's scale) a reading goes to review. */
      minConfidence: z.number().min(0).max(100).default(75),
      /** Best minus second candidate (0..100) below this goes to review. */
      minMargin: z.number().min(0).max(100).default(15),
      /** Ranking bonuses (tesseract's 0..100 scale): the expected format, an accepted answer, two readings agreeing. */
      formatBonus: z.number().min(0).max(100).default(10),
      keyBonus: z.number().min(0).max(100).default(10),
      agreementBonus: z.number().min(0).max(100).default(10),
      /** Each comb box is scaled to this height (px) before OCR: tesseract reads body-text sizes best. */
      boxHeightPx: z.number().int().min(16).max(200).default(44),
      /** A line reading at least this confident, of the right length and format, is taken without box-by-box reads. */
      lineAcceptConfidence: z.number().min(0).max(100).default(90),
      /** Read comb boxes one by one as well as the line, always: agreement of the two is what accepts a reading. */
      alwaysReadBoxes: z.boolean().default(true),
      /** Agreement accepts a reading when the line is at least this confident... */
      agreeLineConfidence: z.number().min(0).max(100).default(85),
      /** ...and every box read alone at least this confident. */
      agreeBoxConfidence: z.number().min(0).max(100).default(75),
      /** Letters in text combs are read lower case (handwritten x and X are one shape); an accepted answer's own case wins. */
      foldCase: z.boolean().default(true),
      /** Page segmentation mode for one comb box. */
      charPsm: z.enum(['7', '8', '10']).default('10'),
      /** What happens to write-in boxes: measure ink only (fast), or also OCR their text. */
      writeIn: z.enum(['ink_only', 'ocr']).default('ink_only'),
      /** Characters allowed in text combs. */
      textWhitelist: z.string().default('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=+-./'),
      digitWhitelist: z.string().default('0123456789-./'),
      /**
       * The digit reader (digits.ts) is a second opinion on digit combs: a reading is also accepted
       * when tesseract reads it confidently and the digit reader gives every digit box the same
       * digit with at least this probability ('-' and '.' boxes must have their shape).
       */
      digitReaderMinP: z.number().min(0.5).max(1).default(0.9),
      /** '-' is at least this much wider than tall; '-' is at most this share of the box height, '.' of its height and width. */
      dashMinAspect: z.number().min(1).default(1.6),
      markMaxHeightShare: z.number().min(0).max(1).default(0.35),
    })
    .prefault({}),
});
export type VisionSettings = z.infer<typeof VisionSettings>;
export type FillBand = VisionSettings['bubbles'];

export const DEFAULT_VISION_SETTINGS: VisionSettings = VisionSettings.parse({});
