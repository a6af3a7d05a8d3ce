/**
 * Reads one page: marks → orientation → QR → stored page → homography → fields. Fails closed with
 * a typed reason. The stages do the work; this only orders them and times them.
 */
import { decodeQrPayload } from '../domain/qrPayload';
import type { Corner, PrintedPage } from '../layout/printedPage';
import { calibratePage, type PageCalibration } from './bubbles';
import { readFields } from './fields';
import { affineResidual, applyH, localScale, solveHomography, type Homography } from './homography';
import type { FieldRead } from './interpret';
import { findMarks, IMAGE_CORNERS, type MeasuredMark } from './marks';
import type { DigitNet } from './digits';
import type { OcrEngine } from './ocr';
import { orientMarks, type Orientation } from './orientation';
import { measurePageInk, type DecodedPage } from './page';
import { findQr, qrSearchRect, type QrReader } from './qr';
import { DEFAULT_VISION_SETTINGS, type VisionSettings } from './settings';

export type PageFailureReason =
  | 'blank_page'
  | 'missing_marks'
  | 'ambiguous_orientation'
  | 'no_qr'
  | 'bad_qr'
  | 'not_paperloop_qr'
  | 'unknown_page'
  | 'layout_mismatch'
  | 'geometry_mismatch'
  | 'low_contrast';

export type StageTimings = {
  decode?: number;
  blank: number;
  marks: number;
  orientation: number;
  qr: number;
  lookup: number;
  geometry: number;
  bubbles: number;
  ocr: number;
  total: number;
};

export type PageRead =
  | {
      ok: true;
      pageId: string;
      page: PrintedPage;
      orientation: Orientation;
      fields: FieldRead[];
      /** Marks by page corner, full-resolution px. */
      marks: Record<Corner, MeasuredMark>;
      /** Page mm → full-resolution px. */
      homography: Homography;
      calibration: PageCalibration;
      timingsMs: StageTimings;
    }
  | { ok: false; reason: PageFailureReason; detail: string; pageId?: string; timingsMs: StageTimings };

export type ReadPageDeps = {
  /** The stored PrintedPage for a page id, or null. */
  lookupPage: (pageId: string) => PrintedPage | null | Promise<PrintedPage | null>;
  qr: QrReader;
  ocr?: OcrEngine;
  /** The digit reader (digits.ts): a second opinion on digit combs beside OCR. */
  digits?: DigitNet;
  settings?: VisionSettings;
  answers?: (itemId: string) => readonly string[] | undefined;
  now?: () => number;
};

const isOurs = (text: string) => decodeQrPayload(text).ok;

export async function readPage(input: DecodedPage, deps: ReadPageDeps): Promise<PageRead> {
  const settings = deps.settings ?? DEFAULT_VISION_SETTINGS;
  const now = deps.now ?? (() => performance.now());
  const t: StageTimings = { blank: 0, marks: 0, orientation: 0, qr: 0, lookup: 0, geometry: 0, bubbles: 0, ocr: 0, total: 0 };
  if (input.decodeMs !== undefined) t.decode = input.decodeMs;
  const start = now();
  let mark = start;
  const lap = (stage: Exclude<keyof StageTimings, 'decode' | 'total'>) => {
    const n = now();
    t[stage] += n - mark;
    mark = n;
  };
  const fail = (reason: PageFailureReason, detail: string, pageId?: string): PageRead => {
    t.total = now() - start + (t.decode ?? 0);
    return { ok: false, reason, detail, ...(pageId ? { pageId } : {}), timingsMs: t };
  };
  const { full, reduced, reduceFactor: f, dpi } = input;

  const ink = measurePageInk(reduced, settings);
  lap('blank');
  if (ink.inkFraction < settings.blank.maxInkFraction) return fail('blank_page', `ink ${(ink.inkFraction * 100).toFixed(3)} % of the page`);

  // Without usable marks, a look for a QR on the whole page still names the failure better.
  const probe = async (reason: PageFailureReason, detail: string): Promise<PageRead> => {
    if (!settings.qr.probeWhenMarksMissing) return fail(reason, detail);
    const q = await findQr(deps.qr, full, reduced, f, null, settings, isOurs);
    lap('qr');
    if (!q.ok) return fail(reason, detail);
    const p = decodeQrPayload(q.value.text);
    if (!p.ok && p.error.kind === 'not_paperloop') return fail('not_paperloop_qr', `foreign QR: ${q.value.text.slice(0, 80)}`);
    return fail(reason, detail, p.ok ? p.value.pageId : undefined);
  };

  const marks = findMarks(reduced, f, dpi, settings);
  lap('marks');
  if (!marks.ok) return probe('missing_marks', `missing ${marks.error.corners.join(', ')}: ${marks.error.detail}`);
  const oriented = orientMarks(marks.value.marks, settings.marks.minLargeToSmallRatio);
  lap('orientation');
  if (!oriented.ok) return probe('ambiguous_orientation', oriented.error.detail);
  const { orientation, byPageCorner } = oriented.value;

  const qr = await findQr(deps.qr, full, reduced, f, qrSearchRect(byPageCorner, dpi, settings), settings, isOurs);
  lap('qr');
  if (!qr.ok) return fail('no_qr', qr.error.detail);
  const payload = decodeQrPayload(qr.value.text);
  if (!payload.ok)
    return payload.error.kind === 'not_paperloop'
      ? fail('not_paperloop_qr', `foreign QR: ${qr.value.text.slice(0, 80)}`)
      : fail('bad_qr', `QR ${payload.error.kind}: ${qr.value.text.slice(0, 80)}`);
  const { pageId, layoutVersion } = payload.value;

  const page = await deps.lookupPage(pageId);
  lap('lookup');
  if (!page) return fail('unknown_page', `no stored page ${pageId}`, pageId);
  if (page.layoutVersion !== layoutVersion) return fail('layout_mismatch', `QR layout ${layoutVersion}, stored ${page.layoutVersion}`, pageId);

  const h = solveHomography(page.marks.map((m) => ({ from: { x: m.x, y: m.y }, to: byPageCorner[m.corner] })));
  const geometryProblem = h ? checkGeometry(h, page, byPageCorner, qr.value.centre, dpi, settings) : 'degenerate marks';
  lap('geometry');
  if (!h || geometryProblem) return fail('geometry_mismatch', geometryProblem ?? 'degenerate marks', pageId);
  const cal = calibratePage(reduced, IMAGE_CORNERS.map((c) => byPageCorner[c]), settings);
  if (!cal.ok) return fail('low_contrast', cal.error.detail, pageId);

  const ctx = { img: full, h, cal: cal.value, settings, ocr: deps.ocr, digits: deps.digits, answers: deps.answers };
  const markKinds = new Set(['bubbles', 'score', 'digit_grid']);
  const fields = await readFields(page.fields.filter((x) => markKinds.has(x.kind)), ctx);
  lap('bubbles');
  const texts = await readFields(page.fields.filter((x) => !markKinds.has(x.kind)), ctx);
  lap('ocr');
  const order = new Map(page.fields.map((x, i) => [x.id, i]));
  const all = [...fields, ...texts].sort((a, b) => order.get(a.fieldId)! - order.get(b.fieldId)!);
  t.total = now() - start + (t.decode ?? 0);
  return { ok: true, pageId, page, orientation, fields: all, marks: byPageCorner, homography: h, calibration: cal.value, timingsMs: t };
}

/** The marks, scale and QR position must agree with the stored page. Returns the problem, if any. */
function checkGeometry(h: Homography, page: PrintedPage, marks: Record<Corner, MeasuredMark>, qrCentre: { x: number; y: number }, dpi: number, settings: VisionSettings): string | null {
  const g = settings.geometry;
  const centre = { x: page.paper.widthMm / 2, y: page.paper.heightMm / 2 };
  const scale = localScale(h, centre);
  const expected = dpi / 25.4;
  if (Math.abs(scale / expected - 1) > g.maxScaleDeviation) return `scale ${scale.toFixed(2)} px/mm, expected ${expected.toFixed(2)}`;
  const residual = affineResidual(page.marks.map((m) => ({ from: m, to: marks[m.corner] }))) / scale;
  if (residual > g.maxAffineResidualMm) return `marks are ${residual.toFixed(1)} mm off any affine placement of the stored marks`;
  for (const m of page.marks) {
    const measured = marks[m.corner].sidePx;
    const want = m.size * localScale(h, m);
    if (Math.abs(measured / want - 1) > g.maxMarkSizeDeviation) return `mark ${m.corner} is ${measured.toFixed(1)} px, expected ${want.toFixed(1)}`;
  }
  const q = applyH(h, { x: page.qr.x + page.qr.size / 2, y: page.qr.y + page.qr.size / 2 });
  const off = Math.hypot(q.x - qrCentre.x, q.y - qrCentre.y) / scale;
  if (off > g.maxQrOffsetMm) return `QR found ${off.toFixed(1)} mm from where the layout puts it`;
  return null;
}
