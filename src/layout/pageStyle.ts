import { z } from 'zod';
import { RegistrationMarkSizes } from '../domain/registrationMarks';
import { StationSettings } from '../domain/settings';

/**
 * A page style: paper, margins, type sizes and answer-mark sizes. Styles live as JSON in
 * templates/styles/; they hold no answer geometry (that comes from laying out each workbook).
 */
export const PageStyle = z.strictObject({
  name: z.string(),
  paper: z.strictObject({ name: z.string(), widthMm: z.number().min(100), heightMm: z.number().min(100) }),
  marginMm: z.number().min(10).max(30).default(18),
  markInsetMm: z.number().min(8).max(20).default(12),
  markSizeMm: RegistrationMarkSizes.shape.markSizeMm,
  /** The top-left mark is larger, so orientation is known. */
  topLeftMarkSizeMm: RegistrationMarkSizes.shape.topLeftMarkSizeMm,
  qrSizeMm: z.number().min(15).max(30).default(20),
  bodyPt: z.number().min(8).max(20).default(10.5),
  smallPt: z.number().min(6).max(14).default(7.5),
  headerPt: z.number().min(9).max(22).default(12),
  bubbleRadiusMm: z.number().min(1.4).max(3.5).default(2),
  scoreBoxHalfMm: z.number().min(2).max(4).default(2.5),
  itemGapMm: z.number().min(2).max(12).default(5),
  /** Multiplies type and mark sizes for large-print students. */
  largePrintScale: z.number().min(1).max(2).default(1.35),
  /** Grades at or below this get the red-flower progress bar. */
  youngGradeMax: z.number().int().min(0).max(12).default(4),
  /** 'blank_backs': every page is followed by a marked blank back; 'continuous': backs carry the next page. */
  duplex: StationSettings.shape.duplex,
});
export type PageStyle = z.infer<typeof PageStyle>;

export const A4_STYLE: PageStyle = PageStyle.parse({ name: 'a4', paper: { name: 'A4', widthMm: 210, heightMm: 297 } });
