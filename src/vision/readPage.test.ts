import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../layout/printedPage';
import { encodeQrPayload } from '../domain/qrPayload';
import { decodeImage, tesseractLangPath, zxingReaderWasm } from './decode';
import { createImage, type GreyImage } from './image';
import type { FieldRead } from './interpret';
import { createTesseractEngine, type OcrEngine } from './ocr';
import { pageFromGrey, type DecodedPage } from './page';
import { createZxingQrReader, type QrReader } from './qr';
import { readPage, type PageFailureReason, type PageRead } from './readPage';
import { drawPage, scanPage, type DrawOptions, type PageInk, type ScanOptions } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const page = samplePage({ extraRows: 8 });
const lookup = (id: string): PrintedPage | null => (id === page.pageId ? page : null);
let qr: QrReader;
beforeAll(async () => {
  qr = await createZxingQrReader(zxingReaderWasm());
});

/** What the student and the teacher did, and what the reader must make of it. */
const t = (fieldId: string, value: string, style: Extract<PageInk, { kind: 'target' }>['style'], column?: number): PageInk => ({ kind: 'target', fieldId, value, style, ...(column === undefined ? {} : { column }) });
const INK: PageInk[] = [
  t('q1', 'B', 'full'),
  { ...t('q2', 'F', 'pencil'), grey: 90 } as PageInk,
  t('q3', 'A', 'full'),
  t('q3', 'C', 'full'),
  { ...t('q3', 'E', 'pencil'), grey: 170 } as PageInk,
  t('q4', '-', 'full', 0),
  t('q4', '1', 'full', 1),
  t('q4', '2', 'full', 2),
  t('q4', '5', 'full', 4),
  { kind: 'stroke', x1: 115, y1: 110, x2: 170, y2: 125, widthMm: 0.5 },
  t('q6', '2', 'tick'),
  t('x1', 'A', 'full'),
  t('x1', 'C', 'erasure'),
  t('x2', 'B', 'dot'),
  t('x3', 'A', 'full'),
  t('x3', 'D', 'full'),
  t('x4', 'C', 'tick'),
  t('x5', 'D', 'cross'),
  t('x7', 'B', 'partial'),
  t('x8', 'C', 'full'),
];
const EXPECTED: Record<string, { value: string | null; status: FieldRead['status']; reason?: string }> = {
  q1: { value: 'B', status: 'ok' },
  q2: { value: 'F', status: 'ok' }, // a firm pencil fill
  // A light pencil fill beside two pen fills of the same question: far lighter, so it may be an erasure; a person decides.
  q3: { value: 'A,C', status: 'review', reason: 'marginal_mark:E' },
  q4: { value: '-12.5', status: 'ok' },
  q5: { value: null, status: 'blank' },
  'q6.work': { value: null, status: 'ok', reason: 'written' },
  q6: { value: '2', status: 'ok' },
  x1: { value: 'A', status: 'ok', reason: 'erased:C' },
  x2: { value: 'B', status: 'review', reason: 'marginal_mark:B' },
  x3: { value: null, status: 'review', reason: 'multiple_marks' },
  x4: { value: 'C', status: 'ok' }, // a tick across the bubble is a clear mark
  x6: { value: null, status: 'blank' },
  x7: { value: 'B', status: 'ok' },
  x8: { value: 'C', status: 'ok' },
};

function expectReadsAsMarked(r: PageRead): void {
  if (!r.ok) throw new Error(`refused: ${r.reason}: ${r.detail}`);
  expect(r.pageId).toBe(page.pageId);
  expect(r.fields.map((f) => f.fieldId)).toEqual(page.fields.map((f) => f.id));
  const by = new Map(r.fields.map((f) => [f.fieldId, f]));
  for (const [id, want] of Object.entries(EXPECTED)) {
    const got = by.get(id)!;
    expect({ id, value: got.value, status: got.status }).toEqual({ id, value: want.value, status: want.status });
    if (want.reason) expect(got.reasons).toContain(want.reason);
    expect(got.confidence).toBeGreaterThanOrEqual(0);
    expect(got.confidence).toBeLessThanOrEqual(1);
  }
  expect(by.get('x5')!.value).toBe('D'); // a cross: a mark, possibly for review
  for (const f of r.fields) if (f.status === 'ok' && f.kind === 'bubbles' && f.fieldId !== 'x5') expect({ id: f.fieldId, fills: f.evidence.fills, ok: f.confidence > 0.3 }).toMatchObject({ ok: true });
}

const uprightCache = new Map<number, GreyImage>();
function upright(dpi: number): GreyImage {
  let img = uprightCache.get(dpi);
  if (!img) uprightCache.set(dpi, (img = drawPage(page, { dpi, ink: INK, clutter: true })));
  return img;
}
const read = (img: GreyImage, dpi: number, extra: Partial<Parameters<typeof readPage>[1]> = {}) => readPage(pageFromGrey(img, dpi), { lookupPage: lookup, qr, ...extra });

describe('readPage closed loop: render with known answers → scan → read → compare', () => {
  it.each([-10, -6, -3, 0, 2, 5, 8, 10])('turned %i° (200 dpi, light blur and noise)', async (rotateDeg) => {
    const r = await read(scanPage(upright(200), { rotateDeg, blurPx: 0.8, noise: 6, seed: rotateDeg + 20 }), 200);
    expectReadsAsMarked(r);
    if (r.ok) expect(r.orientation).toBe(0);
  });

  it.each([
    [180, 180],
    [90, 90],
    [-90, 270],
    [183, 180],
  ])('turned %i° (upside down, sideways) → orientation %i', async (rotateDeg, orientation) => {
    const r = await read(scanPage(upright(200), { rotateDeg, blurPx: 0.8, noise: 6 }), 200);
    expectReadsAsMarked(r);
    if (r.ok) expect(r.orientation).toBe(orientation);
  });

  it.each<[string, ScanOptions]>([
    ['heavy blur and noise with dust', { rotateDeg: -4, blurPx: 1.8, noise: 14, specks: 150 }],
    ['perspective (keystone) and a slight scale', { rotateDeg: 3, perspective: 0.025, scale: 0.98 }],
    ['a black scanner background', { rotateDeg: 6, background: 12, noise: 5 }],
    ['shifted on the glass', { rotateDeg: -2, shiftMm: { x: 4, y: -3 }, marginMm: 8 }],
  ])('%s', async (_, opts) => {
    expectReadsAsMarked(await read(scanPage(upright(200), opts), 200));
  });

  it('a 300 dpi JPEG through sharp, upside down, with per-stage timings', async () => {
    const img = scanPage(upright(300), { rotateDeg: 177, blurPx: 1, noise: 8 });
    const jpg = await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } }).withMetadata({ density: 300 }).jpeg({ quality: 70 }).toBuffer();
    const decoded = await decodeImage(jpg);
    expect(decoded.dpi).toBe(300);
    await readPage(decoded, { lookupPage: lookup, qr }); // warm-up
    const r = await readPage(await decodeImage(jpg), { lookupPage: lookup, qr });
    expectReadsAsMarked(r);
    expect(r.ok && r.orientation).toBe(180);
    const tm = r.timingsMs;
    for (const k of ['decode', 'blank', 'marks', 'orientation', 'qr', 'lookup', 'geometry', 'bubbles', 'ocr', 'total'] as const) expect(tm[k]).toBeGreaterThanOrEqual(0);
    expect(tm.total).toBeGreaterThanOrEqual(tm.decode!);
    // Speed is bench:read's business; here the figure only goes to the log. With an injected clock
    // (10 ms a tick) the stages account for the total.
    let tick = 0;
    const clocked = await readPage(decoded, { lookupPage: lookup, qr, now: () => (tick += 10) });
    const stages = (['blank', 'marks', 'orientation', 'qr', 'lookup', 'geometry', 'bubbles', 'ocr'] as const).reduce((sum, k) => sum + clocked.timingsMs[k], 0);
    expect(clocked.ok).toBe(true);
    expect(stages).toBeGreaterThan(0);
    // The total is read once more after the last stage of each pass (a JPEG with fields is read
    // coarse, then in full): it covers every stage and at most one more tick a pass.
    expect(clocked.timingsMs.total - clocked.timingsMs.decode - stages).toBeGreaterThanOrEqual(0);
    expect(clocked.timingsMs.total - clocked.timingsMs.decode - stages).toBeLessThanOrEqual(20);
    console.log(JSON.stringify({ bench: 'vision.readPage.a4_300dpi_jpeg', ...Object.fromEntries(Object.entries(tm).map(([k, v]) => [k, Math.round(v * 10) / 10])) }));
  });

  it('reads a 300 dpi JPEG page without fields (a blank back) from the coarse decode, never decoding it in full', async () => {
    const jpegOf = (img: GreyImage) => sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } }).withMetadata({ density: 300 }).jpeg({ quality: 70 }).toBuffer();
    const backPage = { ...page, fields: [] };
    const backJpg = await jpegOf(scanPage(drawPage(backPage, { dpi: 300 }), { rotateDeg: 2, blurPx: 1, noise: 8 }));
    const frontJpg = await jpegOf(scanPage(upright(300), { rotateDeg: 2, blurPx: 1, noise: 8 }));
    const counting = async (jpg: Buffer) => {
      const d = await decodeImage(jpg);
      const counts = { full: 0, region: 0 };
      const page: DecodedPage = { ...d, full: () => (counts.full++, d.full()), region: (r) => (counts.region++, d.region(r)) };
      return { page, counts };
    };
    const back = await counting(backJpg);
    const r = await readPage(back.page, { lookupPage: (id) => (id === page.pageId ? backPage : null), qr });
    expect(r.ok && r.fields).toEqual([]);
    expect(back.counts).toEqual({ full: 0, region: 1 });
    // A page with print beyond its marks and QR goes straight to the full decode.
    const front = await counting(frontJpg);
    expectReadsAsMarked(await readPage(front.page, { lookupPage: lookup, qr }));
    expect(front.counts).toEqual({ full: 1, region: 0 });
  });

  it('decodes a grey (one-channel) JPEG once: a blank back is read from its coarse view, a page with fields exactly as in full', async () => {
    const greyJpegOf = (img: GreyImage) => sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 1 } }).toColourspace('b-w').withDensity(300).jpeg({ quality: 70 }).toBuffer();
    const backPage = { ...page, fields: [] };
    const back = await decodeImage(await greyJpegOf(scanPage(drawPage(backPage, { dpi: 300 }), { rotateDeg: 2, blurPx: 1, noise: 8 })));
    expect([back.reduceFactor, back.coarse?.reduceFactor]).toEqual([2, 8]);
    // The reduced image blanked: only a reading from the coarse view still finds the page.
    const blanked: DecodedPage = { ...back, reduced: createImage(back.reduced.width, back.reduced.height) };
    const r = await readPage(blanked, { lookupPage: (id) => (id === page.pageId ? backPage : null), qr });
    expect(r.ok && [r.pageId, r.fields]).toEqual([page.pageId, []]);
    // A page with fields is read from the reduced and full images, as a page decoded without the coarse view.
    const front = await decodeImage(await greyJpegOf(scanPage(upright(300), { rotateDeg: 2, blurPx: 1, noise: 8 })));
    const viaView = await readPage(front, { lookupPage: lookup, qr });
    expectReadsAsMarked(viaView);
    const { coarse: _, ...withoutView } = front;
    const plain = await readPage(withoutView, { lookupPage: lookup, qr });
    expect(viaView.ok && viaView.fields).toEqual(plain.ok && plain.fields);
    expect(viaView.ok && viaView.homography).toEqual(plain.ok && plain.homography);
  });

  describe('with OCR', () => {
    let ocr: OcrEngine;
    beforeAll(async () => {
      ocr = await createTesseractEngine({ langPath: tesseractLangPath() });
    });
    afterAll(async () => {
      await ocr.terminate();
    });

    it('reads a written comb and suggests a number written only in the grid boxes', async () => {
      const font = new URL('../../node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf', import.meta.url).pathname;
      const glyph = async (text: string): Promise<GreyImage> => {
        const { data, info } = await sharp({ text: { text, fontfile: font, dpi: 400 } }).raw().toBuffer({ resolveWithObject: true });
        const out = new Uint8Array(info.width * info.height);
        for (let i = 0; i < out.length; i++) out[i] = 255 - data[i * info.channels]!;
        return { data: out, width: info.width, height: info.height };
      };
      const combField = page.fields.find((f) => f.id === 'q5')!;
      const grid = page.fields.find((f) => f.id === 'q4')!;
      if (combField.kind !== 'comb' || grid.kind !== 'digit_grid') throw new Error('sample page');
      const ink: PageInk[] = [];
      for (const [i, ch] of [...'96'].entries()) {
        const b = combField.boxes[i]!;
        ink.push({ kind: 'glyph', rect: { x: b.x + 2, y: b.y + 2.25, w: b.w - 4, h: 6.5 }, image: await glyph(ch) });
      }
      const gb = grid.boxes[2]!;
      ink.push({ kind: 'glyph', rect: { x: gb.x + 1, y: gb.y + 0.8, w: gb.w - 2, h: gb.h - 1.6 }, image: await glyph('7') });
      const img = scanPage(drawPage(page, { dpi: 300, ink }), { rotateDeg: 4, noise: 5 });
      const r = await read(img, 300, { ocr, answers: (itemId) => (itemId === 'i5' ? ['96'] : undefined) });
      if (!r.ok) throw new Error(r.detail);
      const by = new Map(r.fields.map((f) => [f.fieldId, f]));
      expect(by.get('q5')).toMatchObject({ value: '96', status: 'ok' });
      expect(by.get('q5')!.evidence.crop).toBeDefined();
      expect(by.get('q4')).toMatchObject({ value: '7', status: 'review', reasons: ['handwriting_without_bubbles'] });
      expect(by.get('q4')!.evidence.candidates?.[0]?.text).toBe('7');
    });
  });
});

describe('readPage refuses with a typed reason', () => {
  const refusal = async (draw: Partial<DrawOptions>, opts: { lookupPage?: (id: string) => PrintedPage | null; pageToDraw?: PrintedPage } = {}) => {
    const img = scanPage(drawPage(opts.pageToDraw ?? page, { dpi: 150, ...draw }), { rotateDeg: 3, noise: 4 });
    const r = await readPage(pageFromGrey(img, 150), { lookupPage: opts.lookupPage ?? lookup, qr });
    if (r.ok) throw new Error('read a page that should have been refused');
    return r;
  };

  it('blank_page: no ink at all (a blank back, a white sheet)', async () => {
    const white = scanPage(createImage(1240, 1754, 246), { noise: 6, specks: 5 });
    const r = await readPage(pageFromGrey(white, 150), { lookupPage: lookup, qr });
    expect(r).toMatchObject({ ok: false, reason: 'blank_page' });
    const tiny = await readPage(pageFromGrey(createImage(10, 10, 255), 300), { lookupPage: lookup, qr });
    expect(tiny).toMatchObject({ ok: false, reason: 'blank_page' });
  });

  it('missing_marks: fewer than three anchors (one mark and the QR) names the corners, and still reports the page id from the QR', async () => {
    const r = await refusal({ marks: ['tl'] });
    expect(r.reason).toBe('missing_marks');
    expect(r.detail).toContain('missing tr, br, bl');
    expect(r.pageId).toBe(page.pageId);
  });

  it('missing_marks: no marks and no QR', async () => {
    const r = await refusal({ marks: [], qrText: null, ink: INK });
    expect(r.reason).toBe('missing_marks');
    expect(r.pageId).toBeUndefined();
  });

  it('all four marks the same size: the marks alone cannot tell the turn, and the page is never placed by another', async () => {
    // Refused, or placed the way the QR says (upright) and read as the same page with its true marks reads.
    const same = { ...page, marks: page.marks.map((m) => ({ ...m, size: 5 })) };
    const scanOf = (p: PrintedPage) => pageFromGrey(scanPage(drawPage(p, { dpi: 150 }), { rotateDeg: 3, noise: 4 }), 150);
    const r = await readPage(scanOf(same), { lookupPage: lookup, qr });
    if (!r.ok) return expect(['ambiguous_orientation', 'geometry_mismatch']).toContain(r.reason);
    const truth = await readPage(scanOf(page), { lookupPage: lookup, qr });
    if (!truth.ok) throw new Error(truth.detail);
    expect(r.orientation).toBe(0);
    expect(r.fields.map((f) => [f.fieldId, f.value])).toEqual(truth.fields.map((f) => [f.fieldId, f.value]));
  });

  it('no_qr: marks but no QR', async () => {
    expect((await refusal({ qrText: null })).reason).toBe('no_qr');
  });

  it('not_paperloop_qr: a foreign sheet that has a QR, with or without our marks', async () => {
    expect((await refusal({ qrText: 'https://example.org/survey/7VAE0001' })).reason).toBe('not_paperloop_qr');
    expect((await refusal({ qrText: 'https://example.org/survey/7VAE0001', marks: [] })).reason).toBe('not_paperloop_qr');
  });

  it('bad_qr: our prefix with a wrong check', async () => {
    expect((await refusal({ qrText: `PL1:${page.pageId}:${page.layoutVersion}:0000` })).reason).toBe('bad_qr');
  });

  it('unknown_page: the store does not know the id', async () => {
    const r = await refusal({}, { lookupPage: () => null });
    expect(r).toMatchObject({ reason: 'unknown_page', pageId: page.pageId });
  });

  it('layout_mismatch: the QR carries another layout version than the stored page', async () => {
    const r = await refusal({ qrText: encodeQrPayload({ pageId: page.pageId, layoutVersion: 'DEADBEEF0000' }) });
    expect(r).toMatchObject({ reason: 'layout_mismatch', pageId: page.pageId });
  });

  it('geometry_mismatch: the stored marks do not fit what was printed', async () => {
    // Two marks off: no three anchors agree (one bad mark alone is taken for damage, and the page placed from the rest).
    const moved = { ...page, marks: page.marks.map((m) => (m.corner === 'br' ? { ...m, x: m.x - 20, y: m.y - 30 } : m.corner === 'bl' ? { ...m, x: m.x + 25, y: m.y - 15 } : m)) };
    const r = await refusal({}, { lookupPage: () => moved });
    expect(r.reason).toBe('geometry_mismatch');
  });
});

describe('foreign scans (real images from another OMR project)', () => {
  const dir = new URL('../../fixtures/external/foreign-scans/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg'));
  const expected: Record<string, PageFailureReason> = {
    'omrchecker_community_DomBrzezinski_photos_omr_survey_1.jpg': 'not_paperloop_qr',
    'omrchecker_sample6_doc-scans_sample_roll_01.jpg': 'missing_marks',
    'omrchecker_sample5_ScanBatch1_camscanner-1.jpg': 'missing_marks',
  };

  it('has the three fixtures with their licence', () => {
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    expect(readdirSync(dir)).toContain('LICENSE-OMRChecker-MIT.txt');
  });

  it.each(Object.keys(expected))('%s is refused, never read as a page', async (file) => {
    const decoded = await decodeImage(readFileSync(new URL(file, dir)));
    const r = await readPage(decoded, { lookupPage: lookup, qr });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(expected[file]);
  });
});
