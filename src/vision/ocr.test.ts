import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CombField, WriteInField } from '../layout/printedPage';
import { tesseractLangPath } from './decode';
import { solveHomography, type Homography } from './homography';
import type { GreyImage } from './image';
import { createTesseractEngine, rankCandidates, readComb, readWriteIn, type OcrEngine } from './ocr';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';
import { drawPage, scanPage, scanPoint, type PageInk } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const DPI = 300;
const k = DPI / 25.4;
const page = samplePage();
const comb = page.fields.find((f) => f.id === 'q5') as CombField;
const writeIn = page.fields.find((f) => f.id === 'q6.work') as WriteInField;
const cal = { paper: 245, ink: 25 };
const FONT = new URL('../../node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf', import.meta.url).pathname;

/** A printed glyph as a stand-in for neat handwriting (sharp renders text as a white-on-black mask). */
async function glyph(text: string): Promise<GreyImage> {
  const { data, info } = await sharp({ text: { text, fontfile: FONT, dpi: 400 } }).raw().toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = 255 - data[i * info.channels]!;
  return { data: out, width: info.width, height: info.height };
}

async function writeComb(text: string): Promise<PageInk[]> {
  const ink: PageInk[] = [];
  for (let i = 0; i < text.length; i++) {
    const b = comb.boxes[i]!;
    if (text[i] === ' ') continue;
    const g = await glyph(text[i]!);
    const h = 6.5;
    const w = (h * g.width) / g.height;
    ink.push({ kind: 'glyph', rect: { x: b.x + (b.w - w) / 2, y: b.y + (b.h - h) / 2, w, h }, image: g });
  }
  return ink;
}

function scanned(ink: PageInk[], rotateDeg: number): { img: GreyImage; h: Homography } {
  const up = drawPage(page, { dpi: DPI, ink });
  const img = scanPage(up, { rotateDeg, blurPx: 0.8, noise: 5 });
  const h = solveHomography(page.marks.map((m) => ({ from: m, to: scanPoint(up, { rotateDeg }, m.x * k, m.y * k) })))!;
  return { img, h };
}

/** A scripted engine: answers in order, records what it was asked. */
function fakeEngine(answers: { text: string; confidence: number }[]): OcrEngine & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async recognize(_img, { psm }) {
      calls.push(psm);
      return answers.shift() ?? { text: '', confidence: 0 };
    },
    async terminate() {},
  };
}

describe('rankCandidates', () => {
  it('prefers the expected format, an accepted answer, and agreeing readings', () => {
    const r = rankCandidates([{ text: '4?', confidence: 70 }, { text: '47', confidence: 62 }], 'digits', undefined, S);
    expect(r[0]!.text).toBe('47');
    const withKey = rankCandidates([{ text: '47', confidence: 70 }, { text: '41', confidence: 65 }], 'digits', ['41'], S);
    expect(withKey[0]!.text).toBe('41');
    const agree = rankCandidates([{ text: '12', confidence: 60 }, { text: '12', confidence: 55 }, { text: '17', confidence: 65 }], 'digits', undefined, S);
    expect(agree[0]).toMatchObject({ text: '12', confidence: 70 });
  });
});

describe('readComb (scripted engine)', () => {
  it('is blank when no box has ink, without calling the engine', async () => {
    const { img, h } = scanned([], 0);
    const e = fakeEngine([]);
    const r = await readComb(comb, img, h, cal, S, e);
    expect(r).toMatchObject({ status: 'blank', value: null });
    expect(e.calls).toEqual([]);
  });

  it('accepts a confident line reading when the box-by-box reading agrees', async () => {
    const { img, h } = scanned(await writeComb('58'), 0);
    const e = fakeEngine([
      { text: '58', confidence: 91 },
      { text: '5', confidence: 88 },
      { text: '8', confidence: 86 },
    ]);
    const r = await readComb(comb, img, h, cal, S, e);
    expect(r).toMatchObject({ status: 'ok', value: '58', reasons: [] });
    expect(e.calls).toEqual(['7', S.ocr.charPsm, S.ocr.charPsm]);
    expect(r.evidence.crop).toBeDefined();
    expect(r.evidence.readings).toEqual({ line: { text: '58', confidence: 91 }, boxes: { text: '58', confidence: 86 } });
    expect(r.evidence.fills.filter((f) => f.fill > 1)).toHaveLength(2);
  });

  it('a confident line reading alone is not enough: unconfirmed, it goes to review', async () => {
    const { img, h } = scanned(await writeComb('58'), 0);
    const e = fakeEngine([
      { text: '58', confidence: 96 },
      { text: '5', confidence: 90 },
      { text: '3', confidence: 90 },
    ]);
    const r = await readComb(comb, img, h, cal, S, e);
    expect(r).toMatchObject({ status: 'review', value: '58' });
    expect(r.reasons).toContain('unconfirmed_reading');
  });

  it('a confident line reading that is an accepted answer stands in one call (box reads off)', async () => {
    const { img, h } = scanned(await writeComb('58'), 0);
    const e = fakeEngine([{ text: '58', confidence: 91 }]);
    const lineOnly = VisionSettings.parse({ ocr: { alwaysReadBoxes: false } });
    expect(await readComb(comb, img, h, cal, lineOnly, e, ['58'])).toMatchObject({ status: 'ok', value: '58', reasons: [] });
    expect(e.calls).toEqual(['7']);
    expect(await readComb(comb, img, h, cal, lineOnly, fakeEngine([{ text: '58', confidence: 91 }]))).toMatchObject({ status: 'review', reasons: ['unconfirmed_reading'] });
  });

  it('text combs read letters lower case, and take an accepted answer in its own form', async () => {
    const text: CombField = { ...comb, charset: 'text' };
    const { img, h } = scanned(await writeComb('x=5'), 0);
    const e = fakeEngine([
      { text: 'X=5', confidence: 92 },
      { text: 'X', confidence: 85 },
      { text: '=', confidence: 90 },
      { text: '5', confidence: 90 },
    ]);
    expect(await readComb(text, img, h, cal, S, e)).toMatchObject({ status: 'ok', value: 'x=5' });
  });

  it('reads box by box when the line is doubtful, and sends a low margin to review', async () => {
    const { img, h } = scanned(await writeComb('58'), 0);
    const e = fakeEngine([
      { text: '38', confidence: 50 },
      { text: '5', confidence: 55 },
      { text: '8', confidence: 80 },
    ]);
    const r = await readComb(comb, img, h, cal, S, e);
    expect(e.calls).toEqual(['7', S.ocr.charPsm, S.ocr.charPsm]);
    expect(r.status).toBe('review');
    expect(r.reasons).toContain('low_ocr_confidence');
    expect(r.evidence.candidates?.map((c) => c.text).sort()).toEqual(['38', '58']);
  });

  it('a box with a little ink (a faint minus or point) sends the comb to review', async () => {
    const { img, h } = scanned(await writeComb('58'), 0);
    const strict = VisionSettings.parse({ handwriting: { minInkMm2: 1000, blankMaxInkMm2: 0.15 } });
    const r = await readComb(comb, img, h, cal, strict, fakeEngine([]));
    expect(r).toMatchObject({ status: 'review', value: null, reasons: ['faint_box'] });
  });

  it('flags a gap between written boxes', async () => {
    const { img, h } = scanned(await writeComb('5 8'), 0);
    const r = await readComb(comb, img, h, cal, S, fakeEngine([{ text: '58', confidence: 95 }]));
    expect(r.status).toBe('review');
    expect(r.reasons).toContain('gap_in_boxes');
  });

  it('an engine that throws sends the field to review instead of failing the page', async () => {
    const { img, h } = scanned(await writeComb('7'), 0);
    const broken: OcrEngine = {
      recognize: () => Promise.reject(new Error('worker died')),
      terminate: async () => {},
    };
    expect(await readComb(comb, img, h, cal, S, broken)).toMatchObject({ status: 'review', reasons: ['ocr_failed'] });
  });

  it('without an engine, written boxes go to review', async () => {
    const { img, h } = scanned(await writeComb('7'), 0);
    const r = await readComb(comb, img, h, cal, S, undefined);
    expect(r).toMatchObject({ status: 'review', reasons: ['no_ocr_engine'] });
  });
});

describe('readWriteIn', () => {
  it('tells written from blank, and attaches text only when asked', async () => {
    const stroke: PageInk = { kind: 'stroke', x1: 115, y1: 110, x2: 170, y2: 125, widthMm: 0.5 };
    const blank = scanned([], 0);
    expect(await readWriteIn(writeIn, blank.img, blank.h, cal, S, undefined)).toMatchObject({ status: 'blank' });
    const written = scanned([stroke], 0);
    expect(await readWriteIn(writeIn, written.img, written.h, cal, S, undefined)).toMatchObject({ status: 'ok', reasons: ['written'], value: null });
    const e = fakeEngine([{ text: 'half of 3/5', confidence: 40 }]);
    const ocr = VisionSettings.parse({ ocr: { writeIn: 'ocr' } });
    expect(await readWriteIn(writeIn, written.img, written.h, cal, ocr, e)).toMatchObject({ value: 'half of 3/5', confidence: 0.4 });
  });
});

describe('tesseract, offline', () => {
  let engine: OcrEngine;
  beforeAll(async () => {
    engine = await createTesseractEngine({ langPath: tesseractLangPath() });
  });
  afterAll(async () => {
    await engine.terminate();
  });

  it.each([
    ['472', 0],
    ['3051', 180],
    ['96', 7],
  ])('reads %s written in the comb (page turned %i°)', async (text, rotateDeg) => {
    const { img, h } = scanned(await writeComb(text), rotateDeg);
    const r = await readComb(comb, img, h, cal, S, engine, [text]);
    expect(r.value).toBe(text);
    expect(r.status).toBe('ok');
    expect(r.confidence).toBeGreaterThan(0.6);
  });
});
