import type { PageStyle } from './pageStyle';
import { lineHeightMm, PT_TO_MM, type MeasureText } from './text';

/** The sizes one student's pages are laid out with: the style, scaled for large print. */
export type PageMetrics = {
  readonly style: PageStyle;
  readonly measure: MeasureText;
  readonly lang: string;
  /** Large-print scale (1 for normal print). */
  readonly scale: number;
  /** Body and small type sizes (pt), the line height of body type and its ascent (mm). */
  readonly body: number;
  readonly small: number;
  readonly lineHeight: number;
  readonly ascent: number;
  readonly bubbleRadius: number;
  /** The content area: left and right edges, first and last usable y (mm). */
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
};

/** Header and footer bands around the content area (mm). */
const CONTENT_TOP_MM = 34;
const CONTENT_BOTTOM_MARGIN_MM = 24;

export function pageMetrics(style: PageStyle, measure: MeasureText, lang: string, largePrint: boolean): PageMetrics {
  const scale = largePrint ? style.largePrintScale : 1;
  const body = style.bodyPt * scale;
  return {
    style,
    measure,
    lang,
    scale,
    body,
    small: style.smallPt * scale,
    lineHeight: lineHeightMm(body),
    ascent: body * PT_TO_MM * 0.9,
    bubbleRadius: style.bubbleRadiusMm * Math.min(scale, 1.25),
    left: style.marginMm,
    right: style.paper.widthMm - style.marginMm,
    top: CONTENT_TOP_MM,
    bottom: style.paper.heightMm - CONTENT_BOTTOM_MARGIN_MM,
  };
}

export const round = (x: number) => Math.round(x * 100) / 100;
