/**
 * Reads one page: marks → orientation → QR → stored page → homography → fields. Fails closed with
 * a typed reason. The stages do the work; this only orders them and times them.
 */
import { decodeQrPayload } from '../domain/qrPayload';
import type { Result } from '../domain/result';
import type { Corner, PrintedPage } from '../layout/printedPage';
import { calibratePage, type PageCalibration } from './bubbles';
import { readFields } from './fields';
import { affineResidual, applyH, localScale, solveHomography, type Homography } from './homography';
import type { FieldRead } from './interpret';
import { findMarks, IMAGE_CORNERS, type MeasuredMark } from './marks';
import type { DigitNet } from './digits';
import type { CombClassContext } from './handwriting/combRead';
import type { OcrEngine } from './ocr';
import { orientMarks, type Orientation } from './orientation';
import { findStreaks, inkOutside, measurePageInk, pageFromFull, reduceFactorFor, type Band, type DecodedPage } from './page';
import { placeFromAnchors } from './placement';
import { refitPlacement, type Refit, type RefitFailure } from './refit';
import { findQr, qrSearchRect, type QrFound, type QrReader } from './qr';
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
  /** The reduced image's decode, plus the full-resolution decode when the page's fields need it. */
  decode: number;
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
      /** Marks by page corner, full-resolution px (without the damaged corners' marks). */
      marks: Partial<Record<Corner, MeasuredMark>>;
      /** Page corners whose registration mark was missing or unusable: the page was placed from the other anchors. */
      damagedCorners: Corner[];
      /** Placed from anchors: the refit from the page's own target outlines, or why it was not trusted. */
      refit?: Result<Refit, RefitFailure>;
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
  /** What the station knows of the page's class (confirmed comb boxes, common wrong answers). */
  combClass?: (page: PrintedPage) => CombClassContext | undefined;
  now?: () => number;
};

const isOurs = (text: string) => decodeQrPayload(text).ok;

/**
 * A page blank but for its marks and QR on its coarse image (a colour JPEG's scaled decode, or the
 * coarse view of a page decoded in full) is read from that: a blank page is refused and a page
 * without fields (a blank back) read without the reduced image's stages, and a colour JPEG without
 * ever decoding it in full. Any other page, and any failure of that reading, is read from the
 * reduced and full images, exactly as a page decoded in full.
 */
export async function readPage(input: DecodedPage, deps: ReadPageDeps): Promise<PageRead> {
  const settings = deps.settings ?? DEFAULT_VISION_SETTINGS;
  const now = deps.now ?? (() => performance.now());
  const f = reduceFactorFor(input.dpi, settings);
  const decodedCoarse = input.reduceFactor > f;
  const view = decodedCoarse ? input : input.coarse ? { ...input, reduced: input.coarse.image, reduceFactor: input.coarse.reduceFactor } : null;
  if (!view) return read(input, deps, settings, now, 'final');
  const t0 = now();
  const chromeOnly = blankButForChrome(view, settings);
  const lookMs = now() - t0;
  const coarse = chromeOnly ? await read(view, deps, settings, now, 'coarse') : null;
  if (coarse) {
    coarse.timingsMs.blank += lookMs;
    coarse.timingsMs.total += lookMs;
    if (coarse.ok ? coarse.page.fields.length === 0 && coarse.damagedCorners.length === 0 : coarse.reason === 'blank_page') return coarse;
  }
  const t1 = now();
  // Its decode is counted once, below, with the time spent before this reading.
  const page = decodedCoarse ? pageFromFull(await input.full(), f, input.dpi, input.dpiSource) : { ...input, decodeMs: 0 };
  const fullMs = now() - t1;
  const fine = await read(page, deps, settings, now, 'final');
  const t = fine.timingsMs;
  // The time spent before the full decode: the coarse decode, the look, the coarse reading if any.
  const before = coarse?.timingsMs;
  t.decode += (before?.decode ?? input.decodeMs ?? 0) + fullMs;
  t.blank += before?.blank ?? lookMs;
  for (const k of ['marks', 'orientation', 'qr', 'lookup', 'geometry'] as const) t[k] += before?.[k] ?? 0;
  t.total += (before?.total ?? (input.decodeMs ?? 0) + lookMs) + fullMs;
  return fine;
}

/** Whether the coarse image shows a blank page, or one blank but for its four marks and the QR's place. */
function blankButForChrome(input: DecodedPage, settings: VisionSettings): boolean {
  const { reduced, reduceFactor: f, dpi } = input;
  const { paper, inkFraction } = measurePageInk(reduced, settings);
  if (inkFraction < settings.blank.maxInkFraction) return true;
  const marks = findMarks(reduced, f, dpi, settings);
  if (!marks.ok) return false;
  const oriented = orientMarks(marks.value.marks, settings.marks.minLargeToSmallRatio);
  const qr = oriented.ok ? qrSearchRect(oriented.value.byPageCorner, dpi, settings) : null;
  if (!qr) return false;
  const around = (m: MeasuredMark) => ({ x: m.x - m.sidePx, y: m.y - m.sidePx, w: 2 * m.sidePx, h: 2 * m.sidePx });
  const chrome = [...IMAGE_CORNERS.map((c) => around(marks.value.marks[c])), qr];
  return inkOutside(reduced, f, paper - settings.blank.inkContrast, chrome) < settings.blank.maxInkFraction;
}

/** One reading of a decoded page; a `coarse` pass reads no fields (readPage reads the page again in full when it has any). */
async function read(input: DecodedPage, deps: ReadPageDeps, settings: VisionSettings, now: () => number, pass: 'coarse' | 'final'): Promise<PageRead> {
  const decodedBefore = input.decodeMs ?? 0;
  const t: StageTimings = { decode: decodedBefore, blank: 0, marks: 0, orientation: 0, qr: 0, lookup: 0, geometry: 0, bubbles: 0, ocr: 0, total: 0 };
  const start = now();
  let mark = start;
  const lap = (stage: Exclude<keyof StageTimings, 'total'>) => {
    const n = now();
    t[stage] += n - mark;
    mark = n;
  };
  const fail = (reason: PageFailureReason, detail: string, pageId?: string): PageRead => {
    t.total = now() - start + decodedBefore;
    return { ok: false, reason, detail, ...(pageId ? { pageId } : {}), timingsMs: t };
  };
  const { reduced, reduceFactor: f, dpi } = input;

  const ink = measurePageInk(reduced, settings);
  lap('blank');
  if (ink.inkFraction < settings.blank.maxInkFraction) return fail('blank_page', `ink ${(ink.inkFraction * 100).toFixed(3)} % of the page`);

  // Without usable marks, a look for a QR on the whole page still names the failure better.
  const probe = async (reason: PageFailureReason, detail: string): Promise<PageRead> => {
    if (!settings.qr.probeWhenMarksMissing) return fail(reason, detail);
    const q = await findQr(deps.qr, input, null, settings, isOurs);
    lap('qr');
    if (!q.ok) return fail(reason, detail);
    const p = decodeQrPayload(q.value.text);
    if (!p.ok && p.error.kind === 'not_paperloop') return fail('not_paperloop_qr', `foreign QR: ${q.value.text.slice(0, 80)}`);
    return fail(reason, detail, p.ok ? p.value.pageId : undefined);
  };

  // The QR names the page; the stored page is looked up and must have the QR's layout.
  const identify = async (q: QrFound): Promise<{ page: PrintedPage } | { failed: PageRead }> => {
    const payload = decodeQrPayload(q.text);
    if (!payload.ok)
      return payload.error.kind === 'not_paperloop'
        ? { failed: fail('not_paperloop_qr', `foreign QR: ${q.text.slice(0, 80)}`) }
        : { failed: fail('bad_qr', `QR ${payload.error.kind}: ${q.text.slice(0, 80)}`) };
    const { pageId, layoutVersion } = payload.value;
    const page = await deps.lookupPage(pageId);
    lap('lookup');
    if (!page) return { failed: fail('unknown_page', `no stored page ${pageId}`, pageId) };
    if (page.layoutVersion !== layoutVersion) return { failed: fail('layout_mismatch', `QR layout ${layoutVersion}, stored ${page.layoutVersion}`, pageId) };
    return { page };
  };

  const readFieldsOf = async (page: PrintedPage, h: Homography, cal: PageCalibration, fieldSettings: VisionSettings) => {
    lap('geometry');
    if (page.fields.length === 0 || pass === 'coarse') return [];
    const full = await input.full();
    lap('decode');
    const ctx = { img: full, h, cal, settings: fieldSettings, ocr: deps.ocr, digits: deps.digits, answers: deps.answers, combClass: deps.combClass?.(page) };
    const markKinds = new Set(['bubbles', 'score', 'digit_grid']);
    const fields = await readFields(page.fields.filter((x) => markKinds.has(x.kind)), ctx);
    lap('bubbles');
    const texts = await readFields(page.fields.filter((x) => !markKinds.has(x.kind)), ctx);
    lap('ocr');
    const order = new Map(page.fields.map((x, i) => [x.id, i]));
    const streaks = findStreaks(reduced, f, settings);
    return [...fields.map((r) => checkStreaks(r, streaks, settings)), ...texts].sort((a, b) => order.get(a.fieldId)! - order.get(b.fieldId)!);
  };

  /**
   * Not four usable marks: place the page from the marks found and the QR (any three anchors), and
   * read it with a wider search for each field's printed outlines; refuse with fewer anchors.
   */
  const readFromAnchors = async (found: Partial<Record<Corner, MeasuredMark>>, reason: PageFailureReason, detail: string): Promise<PageRead> => {
    if (pass === 'coarse') return fail(reason, detail);
    if (Object.keys(found).length + 1 < 3) return probe(reason, `${detail}; fewer than three anchors (marks and the QR)`);
    const q = await findQr(deps.qr, input, null, settings, isOurs);
    lap('qr');
    if (!q.ok) return fail(reason, `${detail}; ${q.error.detail}`);
    const known = await identify(q.value);
    if ('failed' in known) return known.failed;
    const { page } = known;
    const placed = placeFromAnchors(page, found, q.value.centre, dpi, settings);
    lap('geometry');
    if (!placed.ok) return fail(placed.error.kind, `${detail}; ${placed.error.detail}`, page.pageId);
    const cal = calibratePage(reduced, Object.values(placed.value.marks), settings);
    if (!cal.ok) return fail('low_contrast', cal.error.detail, page.pageId);
    const wider = { ...settings, fill: { ...settings.fill, searchMm: Math.max(settings.fill.searchMm, settings.geometry.anchorSearchMm) } };
    const { orientation, marks, damaged } = placed.value;
    // Refitted from the page's own target outlines, the page is read like a four-mark page.
    const img = page.fields.length > 0 ? await input.full() : null;
    lap('decode');
    const refit = img ? refitPlacement(img, placed.value, page, cal.value, settings) : null;
    const h = refit?.ok ? refit.value.h : placed.value.h;
    const fields = (await readFieldsOf(page, h, cal.value, refit?.ok ? settings : wider)).map((r) => checkAnchoredField(r, h, settings));
    t.total = now() - start + decodedBefore;
    return { ok: true, pageId: page.pageId, page, orientation, fields, marks, damagedCorners: damaged, ...(refit ? { refit } : {}), homography: h, calibration: cal.value, timingsMs: t };
  };

  const marks = findMarks(reduced, f, dpi, settings);
  lap('marks');
  if (!marks.ok) return readFromAnchors(marks.error.found, 'missing_marks', `missing ${marks.error.corners.join(', ')} (image corners): ${marks.error.detail}`);
  const oriented = orientMarks(marks.value.marks, settings.marks.minLargeToSmallRatio);
  lap('orientation');
  if (!oriented.ok) return readFromAnchors(marks.value.marks, 'ambiguous_orientation', oriented.error.detail);
  const { orientation, byPageCorner } = oriented.value;

  const qrSettings = pass === 'coarse' ? { ...settings, qr: { ...settings.qr, fullPageFallback: false } } : settings;
  const qr = await findQr(deps.qr, input, qrSearchRect(byPageCorner, dpi, settings), qrSettings, isOurs);
  lap('qr');
  if (!qr.ok) return fail('no_qr', qr.error.detail);
  const known = await identify(qr.value);
  if ('failed' in known) return known.failed;
  const { page } = known;
  const pageId = page.pageId;

  const h = solveHomography(page.marks.map((m) => ({ from: { x: m.x, y: m.y }, to: byPageCorner[m.corner] })));
  const geometryProblem = h ? checkGeometry(h, page, byPageCorner, qr.value.centre, dpi, settings) : 'degenerate marks';
  lap('geometry');
  if (!h || geometryProblem) {
    // One bad mark (a streak through it, a torn edge mistaken for it): try every three of them with the QR.
    for (const corner of IMAGE_CORNERS) {
      const others = Object.fromEntries(IMAGE_CORNERS.filter((c) => c !== corner).map((c) => [c, marks.value.marks[c]]));
      const placed = placeFromAnchors(page, others, qr.value.centre, dpi, settings);
      if (placed.ok) return readFromAnchors(others, 'geometry_mismatch', geometryProblem ?? 'degenerate marks');
    }
    return fail('geometry_mismatch', geometryProblem ?? 'degenerate marks', pageId);
  }
  const cal = calibratePage(reduced, IMAGE_CORNERS.map((c) => byPageCorner[c]), settings);
  if (!cal.ok) return fail('low_contrast', cal.error.detail, pageId);

  const all = await readFieldsOf(page, h, cal.value, settings);
  t.total = now() - start + decodedBefore;
  return { ok: true, pageId, page, orientation, fields: all, marks: byPageCorner, damagedCorners: [], homography: h, calibration: cal.value, timingsMs: t };
}

/** A mark field crossed by a scanner-glass streak: the streak may read as a stroke, so a person looks. */
function checkStreaks(r: FieldRead, streaks: readonly Band[], settings: VisionSettings): FieldRead {
  const c = r.evidence.crop;
  if (r.status !== 'ok' || !c || !streaks.some((b) => b.x0 < c.x + c.w && b.x1 > c.x)) return r;
  return { ...r, status: 'review', confidence: Math.min(r.confidence, settings.review.maxConfidence), reasons: [...r.reasons, 'scanner_streak'] };
}

/**
 * A page placed without perspective: a mark field is trusted only where its printed outlines were
 * found within geometry.anchorTrustMm of the placement; farther, or not found at all, a
 * person looks (the placement may be off there, by perspective or by a neighbour's outlines).
 */
function checkAnchoredField(r: FieldRead, h: Homography, settings: VisionSettings): FieldRead {
  const o = r.evidence.offset;
  if (r.status === 'review' || !o || (r.kind !== 'bubbles' && r.kind !== 'digit_grid' && r.kind !== 'score')) return r;
  const crop = r.evidence.crop;
  const at = crop ? { x: crop.x + crop.w / 2, y: crop.y + crop.h / 2 } : { x: 0, y: 0 };
  const pxPerMm = localScale(h, at);
  const offMm = Math.hypot(o.x, o.y) / pxPerMm;
  if ((r.evidence.alignment ?? 0) >= settings.fill.minAlignmentContrast && offMm <= settings.geometry.anchorTrustMm) return r;
  return { ...r, status: 'review', confidence: Math.min(r.confidence, settings.review.maxConfidence), reasons: [...r.reasons, 'placed_from_anchors'] };
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
