/**
 * Comb boxes and write-ins: crop each box through H, measure its ink, and (when an OCR engine is
 * given) read it. OCR is a suggestion: candidates are ranked against the expected format and the
 * answer key, and a low confidence or margin goes to review with the crop.
 */
import { createWorker } from 'tesseract.js';
import type { CombField, Rect, WriteInField } from '../layout/printedPage';
import type { PageCalibration } from './bubbles';
import type { Homography } from './homography';
import { readDigit, type DigitNet, type DigitReading } from './digits';
import { combPrior, netReadsComb, readCombByNet, type CombClassContext } from './handwriting/combRead';
import { hasGap, hasInk, measureBoxInk, rectifyBox, type BoxInk } from './handwriting';
import { createImage, resize, toPgm, type GreyImage, type PxRect } from './image';
import { unionRect, type FieldRead, type OcrCandidate } from './interpret';
import type { VisionSettings } from './settings';

export type Psm = '6' | '7' | '8' | '10' | '13';

/** The OCR adapter: one recogniser, reused across pages. */
export interface OcrEngine {
  recognize(img: GreyImage, opts: { psm: Psm; whitelist: string }): Promise<{ text: string; confidence: number }>;
  terminate(): Promise<void>;
}

type CreateWorker = typeof createWorker;

/**
 * A tesseract.js 7 engine that never touches the network: traineddata from `langPath` (the
 * `4.0.0_best_int` folder of @tesseract.js-data/eng, gzipped), no cache written anywhere.
 */
export async function createTesseractEngine(opts: { langPath: string; lang?: string; create?: CreateWorker }): Promise<OcrEngine> {
  const create = opts.create ?? createWorker;
  const worker = await create(opts.lang ?? 'eng', 1, { langPath: opts.langPath, cacheMethod: 'none', gzip: true });
  let last = '';
  return {
    async recognize(img, { psm, whitelist }) {
      const key = `${psm}|${whitelist}`;
      if (key !== last) {
        await worker.setParameters({ tessedit_pageseg_mode: psm as never, tessedit_char_whitelist: whitelist, user_defined_dpi: '300' });
        last = key;
      }
      // A PGM buffer: leptonica reads it, no encoder needed.
      const r = await worker.recognize(toPgm(img) as unknown as Buffer, {}, { text: true });
      return { text: r.data.text.trim(), confidence: r.data.confidence };
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/**
 * An engine made once, by `create`, on its first recognition: a page without a field only tesseract
 * reads (blank backs, bubble-only pages, combs the network reads) neither loads it nor waits for it;
 * a failed start surfaces at that recognition.
 */
export function lazyOcrEngine(create: () => Promise<OcrEngine>): OcrEngine {
  let engine: Promise<OcrEngine> | null = null;
  return {
    recognize: async (img, o) => (await (engine ??= create())).recognize(img, o),
    terminate: async () => {
      if (engine) await (await engine).terminate();
    },
  };
}

/** Pad an image with paper white (tesseract wants a margin around glyphs). */
function pad(img: GreyImage, by: number, paper: number): GreyImage {
  const out = createImage(img.width + 2 * by, img.height + 2 * by, paper);
  for (let y = 0; y < img.height; y++) out.data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y + by) * out.width + by);
  return out;
}

/** Lay crops side by side with gaps, vertically centred, so a comb can be read as one line. */
function strip(imgs: readonly GreyImage[], gap: number, paper: number): GreyImage {
  const h = Math.max(...imgs.map((i) => i.height));
  const w = imgs.reduce((s, i) => s + i.width, 0) + gap * (imgs.length + 1);
  const out = createImage(w, h + 2 * gap, paper);
  let x = gap;
  for (const i of imgs) {
    const y0 = gap + ((h - i.height) >> 1);
    for (let y = 0; y < i.height; y++) out.data.set(i.data.subarray(y * i.width, (y + 1) * i.width), (y0 + y) * out.width + x);
    x += i.width + gap;
  }
  return out;
}

export type RankedCandidate = { text: string; confidence: number; score: number; formatOk: boolean };

const DIGIT_FORMAT = /^-?\d+([./]\d+)?$/;
const normalise = (s: string) => s.replace(/\s+/g, '').toLowerCase();

/**
 * Rank OCR candidates: confidence, plus a bonus for the expected format (and length), for an
 * accepted answer, and for two readings that agree.
 */
export function rankCandidates(
  raw: readonly OcrCandidate[],
  charset: 'digits' | 'text',
  answers: readonly string[] | undefined,
  settings: VisionSettings,
  /** One character per written box: a reading of another length is malformed. */
  expectedLength?: number,
): RankedCandidate[] {
  const byText = new Map<string, OcrCandidate>();
  for (const c of raw) {
    if (!c.text) continue;
    const prev = byText.get(c.text);
    // Two readings agreeing make the text more certain.
    byText.set(c.text, prev ? { text: c.text, confidence: Math.min(100, Math.max(prev.confidence, c.confidence) + settings.ocr.agreementBonus) } : c);
  }
  const keys = new Set((answers ?? []).map(normalise));
  return [...byText.values()]
    .map((c) => {
      const formatOk = (charset === 'digits' ? DIGIT_FORMAT.test(c.text) : c.text.length > 0) && (expectedLength === undefined || c.text.length === expectedLength);
      const score = c.confidence + (formatOk ? settings.ocr.formatBonus : 0) + (keys.has(normalise(c.text)) ? settings.ocr.keyBonus : 0);
      return { text: c.text, confidence: c.confidence, score, formatOk };
    })
    .sort((a, b) => b.score - a.score);
}

export type BoxesReading = {
  /** Ink per box (evidence fills use the area in mm²). */
  ink: BoxInk[];
  crop: PxRect | undefined;
  /** Ranked candidates; empty when no box has ink or there is no engine. */
  ranked: RankedCandidate[];
  inked: number;
  gap: boolean;
  /** Boxes with some ink, too little to be sure they are written or empty (a faint '-' or '.'). */
  faint: number;
  /** The whole-line reading and the box-by-box reading (when made). */
  line?: OcrCandidate;
  boxes?: OcrCandidate;
  /** The digit reader's reading of each written box (digit combs, when a reader is given). */
  digits?: DigitReading[];
  /** The engine threw (the field goes to review). */
  failed?: boolean;
};

/**
 * Read a row of one-character boxes. Empty boxes (by ink) are skipped; the others are rectified
 * upright and read as one line, and box by box when the line reading is doubtful.
 */
export async function readBoxes(
  boxes: readonly Rect[],
  charset: 'digits' | 'text',
  img: GreyImage,
  h: Homography,
  cal: PageCalibration,
  settings: VisionSettings,
  engine: OcrEngine | undefined,
  answers?: readonly string[],
  digitNet?: DigitNet,
): Promise<BoxesReading> {
  const ink = boxes.map((b) => measureBoxInk(img, h, b, cal, settings));
  const flags = ink.map((b) => hasInk(b, settings));
  const inkedBoxes = boxes.filter((_, i) => flags[i]);
  const faint = ink.filter((b, i) => !flags[i] && b.inkMm2 > settings.handwriting.blankMaxInkMm2).length;
  const base = { ink, crop: unionRect(ink.map((b) => b.crop)), inked: inkedBoxes.length, gap: hasGap(flags), faint };
  if (inkedBoxes.length === 0 || !engine) return { ...base, ranked: [] };
  try {
    const crops = inkedBoxes.map((b) => rectifyBox(img, h, b, settings.handwriting.insetMm));
    const digits = charset === 'digits' && digitNet ? crops.map((c) => readDigit(digitNet, c)) : undefined;
    return { ...base, ...(digits ? { digits } : {}), ...(await ocrBoxes(crops, charset, cal, settings, engine, answers)) };
  } catch {
    return { ...base, ranked: [], failed: true };
  }
}

async function ocrBoxes(
  crops: readonly GreyImage[],
  charset: 'digits' | 'text',
  cal: PageCalibration,
  settings: VisionSettings,
  engine: OcrEngine,
  answers?: readonly string[],
): Promise<{ ranked: RankedCandidate[]; line: OcrCandidate; boxes?: OcrCandidate }> {
  const s = settings.ocr;
  const whitelist = charset === 'digits' ? s.digitWhitelist : s.textWhitelist;
  // Tesseract reads best at body-text sizes: scale each box to a fixed height.
  const chars = crops.map((c) => {
    const f = s.boxHeightPx / c.height;
    return resize(c, Math.max(1, Math.round(c.width * f)), s.boxHeightPx);
  });
  const pxPad = Math.max(4, Math.round(chars[0]!.height * 0.25));
  const fold = (t: string) => (charset === 'text' && s.foldCase ? t.toLowerCase() : t);
  const r = await engine.recognize(strip(chars, pxPad, cal.paper), { psm: '7', whitelist });
  const line = { text: fold(r.text.replace(/\s+/g, '')), confidence: r.confidence };
  const candidates: OcrCandidate[] = [line];
  // Read box by box as well: a second, independent opinion (always, when the settings ask for it).
  let boxes: OcrCandidate | undefined;
  const lineStands = line.confidence >= s.lineAcceptConfidence && rankCandidates([line], charset, answers, settings, chars.length)[0]?.formatOk === true;
  if (s.alwaysReadBoxes || !lineStands) {
    let text = '';
    let conf = 100;
    for (const c of chars) {
      const b = await engine.recognize(pad(c, pxPad, cal.paper), { psm: s.charPsm, whitelist });
      const ch = fold(b.text.replace(/\s+/g, ''));
      text += ch.length === 1 ? ch : '?';
      conf = Math.min(conf, ch.length === 1 ? b.confidence : 0);
    }
    boxes = { text, confidence: conf };
    candidates.push(boxes);
  }
  return { ranked: rankCandidates(candidates, charset, answers, settings, chars.length), line, ...(boxes ? { boxes } : {}) };
}

const inkFills = (ink: readonly BoxInk[]) => ink.map((b, i) => ({ value: `box${i}`, fill: Math.round(b.inkMm2 * 100) / 100 }));

/** A comb: one character per box, read by OCR and decided on confidence, margin and format. */
export async function readComb(
  field: CombField,
  img: GreyImage,
  h: Homography,
  cal: PageCalibration,
  settings: VisionSettings,
  engine: OcrEngine | undefined,
  answers?: readonly string[],
  digitNet?: DigitNet,
  combClass?: CombClassContext,
): Promise<FieldRead> {
  // Combs are the comb network's where it knows the answer's characters (tesseract read handwriting right about one time in four).
  if (digitNet?.comb && netReadsComb(field, answers)) {
    const prior = combPrior(answers, combClass?.commonWrong(field.itemId) ?? []);
    return readCombByNet(field, img, h, cal, settings, { net: digitNet.comb, prior, ...(combClass?.adaptation ? { adaptation: combClass.adaptation } : {}) });
  }
  const r = await readBoxes(field.boxes, field.charset, img, h, cal, settings, engine, answers, digitNet);
  const base = { fieldId: field.id, itemId: field.itemId, kind: field.kind } as const;
  const evidence = { fills: inkFills(r.ink), crop: r.crop };
  if (r.inked === 0 && r.faint > 0) return { ...base, value: null, confidence: 0, status: 'review', reasons: ['faint_box'], evidence };
  if (r.inked === 0) return { ...base, value: null, confidence: 1, status: 'blank', reasons: [], evidence };
  if (!engine) return { ...base, value: null, confidence: 0, status: 'review', reasons: ['no_ocr_engine'], evidence };
  if (r.failed) return { ...base, value: null, confidence: 0, status: 'review', reasons: ['ocr_failed'], evidence };
  return decideOcr(base, r, field.charset, answers, settings, evidence);
}

/** Handwriting boxes of a digit grid whose bubbles are blank: an OCR suggestion for review. */
export async function suggestFromBoxes(
  boxes: readonly Rect[],
  img: GreyImage,
  h: Homography,
  cal: PageCalibration,
  settings: VisionSettings,
  engine: OcrEngine,
  answers?: readonly string[],
): Promise<OcrCandidate[]> {
  const r = await readBoxes(boxes, 'digits', img, h, cal, settings, engine, answers);
  return r.ranked.map((c) => ({ text: c.text, confidence: c.confidence }));
}

/**
 * Does the digit reader confirm `text`, box by box? It knows digits only: a digit box must be read
 * as the same digit with at least `digitReaderMinP`. A '-' or '.' box is not the reader's to
 * confirm: both of tesseract's readings (line and box by box) must have that character there, and
 * the ink must have its shape (a dash wide and low, a point small both ways). Any other character
 * (a '/') cannot be confirmed this way.
 */
export function digitReaderConfirms(
  text: string,
  digits: readonly DigitReading[] | undefined,
  tesseract: { line?: string | undefined; boxes?: string | undefined },
  settings: VisionSettings,
): boolean {
  const s = settings.ocr;
  if (!digits || digits.length === 0 || text.length !== digits.length) return false;
  return [...text].every((ch, i) => {
    const d = digits[i] as DigitReading;
    if (!d.shape) return false;
    if (/\d/.test(ch)) return d.digit === ch && d.p >= s.digitReaderMinP;
    if (tesseract.line?.length !== text.length || tesseract.boxes?.length !== text.length || tesseract.line[i] !== ch || tesseract.boxes[i] !== ch) return false;
    if (ch === '-') return d.shape.aspect >= s.dashMinAspect && d.shape.heightShare <= s.markMaxHeightShare;
    if (ch === '.') return d.shape.heightShare <= s.markMaxHeightShare && d.shape.widthShare <= s.markMaxHeightShare;
    return false;
  });
}

/**
 * DECIDE a comb reading. It is taken without a person only when it is well formed, every written
 * box is clearly written or clearly empty, and it is consistent: it is one of the item's accepted
 * answers (read confidently), or two readers agree, both confidently: tesseract's line and
 * box-by-box readings, or tesseract and the digit reader. Anything else goes to review with the
 * candidates as suggestions.
 */
function decideOcr(
  base: Pick<FieldRead, 'fieldId' | 'itemId' | 'kind'>,
  r: BoxesReading,
  charset: 'digits' | 'text',
  answers: readonly string[] | undefined,
  settings: VisionSettings,
  evidence: FieldRead['evidence'],
): FieldRead {
  const s = settings.ocr;
  const ranked = r.ranked;
  const best = ranked[0];
  const candidates = ranked.map((c) => ({ text: c.text, confidence: c.confidence }));
  if (!best) return { ...base, value: null, confidence: 0, status: 'review', reasons: ['unreadable'], evidence: { ...evidence, candidates } };
  const reasons: string[] = [];
  const second = ranked[1];
  const margin = second ? best.score - second.score : Infinity;
  const key = (answers ?? []).find((a) => normalise(a) === normalise(best.text));
  // The accepted answer must itself be read confidently, by the line or box by box.
  const readConfidently = [r.line, r.boxes].some((c) => c !== undefined && c.text === best.text && c.confidence >= s.minConfidence);
  const tesseractAgrees = r.line !== undefined && r.boxes !== undefined && r.line.text === r.boxes.text && r.line.confidence >= s.agreeLineConfidence && r.boxes.confidence >= s.agreeBoxConfidence;
  const readerAgrees = charset === 'digits' && readConfidently && digitReaderConfirms(best.text, r.digits, { line: r.line?.text, boxes: r.boxes?.text }, settings);
  const agree = tesseractAgrees || readerAgrees;
  if (best.confidence < s.minConfidence) reasons.push('low_ocr_confidence');
  if (margin < s.minMargin && !agree) reasons.push('low_ocr_margin');
  if (!best.formatOk) reasons.push('unexpected_format');
  if (best.text.includes('?')) reasons.push('unreadable_character');
  if (r.gap) reasons.push('gap_in_boxes');
  if (r.faint > 0) reasons.push('faint_box');
  if (!(key !== undefined && readConfidently) && !agree) reasons.push('unconfirmed_reading');
  const status = reasons.length > 0 ? 'review' : 'ok';
  // An accepted answer read in another letter case is that answer.
  const value = key !== undefined && charset === 'text' ? key : best.text;
  const confidence = Math.round((status === 'ok' ? best.confidence / 100 : Math.min(settings.review.maxConfidence, best.confidence / 100)) * 1000) / 1000;
  const readings = {
    ...(r.line ? { line: r.line } : {}),
    ...(r.boxes ? { boxes: r.boxes } : {}),
    ...(r.digits ? { digits: { text: r.digits.map((d) => d.digit ?? '?').join(''), confidence: Math.round(100 * Math.min(...r.digits.map((d) => (d.digit === null ? 0 : d.p)))) } } : {}),
  };
  return { ...base, value, confidence, status, reasons, evidence: { ...evidence, candidates, readings } };
}

/**
 * A write-in (working space): ink tells blank from written. Its text is for the teacher, who
 * scores the item in the score boxes; with `ocr.writeIn = 'ocr'` a block reading is attached.
 */
export async function readWriteIn(
  field: WriteInField,
  img: GreyImage,
  h: Homography,
  cal: PageCalibration,
  settings: VisionSettings,
  engine: OcrEngine | undefined,
): Promise<FieldRead> {
  const ink = measureBoxInk(img, h, field.box, cal, settings);
  const base = { fieldId: field.id, itemId: field.itemId, kind: field.kind } as const;
  const fills = [{ value: 'ink_mm2', fill: Math.round(ink.inkMm2 * 100) / 100 }];
  if (!hasInk(ink, settings)) return { ...base, value: null, confidence: 1, status: 'blank', reasons: [], evidence: { fills, crop: ink.crop } };
  if (settings.ocr.writeIn === 'ocr' && engine) {
    const r = await engine.recognize(rectifyBox(img, h, field.box, settings.handwriting.insetMm), { psm: '6', whitelist: '' });
    return {
      ...base,
      value: r.text || null,
      confidence: Math.round(r.confidence) / 100,
      status: 'ok',
      reasons: ['written'],
      evidence: { fills, crop: ink.crop, candidates: [{ text: r.text, confidence: r.confidence }] },
    };
  }
  return { ...base, value: null, confidence: 1, status: 'ok', reasons: ['written'], evidence: { fills, crop: ink.crop } };
}
