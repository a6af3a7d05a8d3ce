import { beforeAll, describe, expect, it } from 'vitest';
import { encodeQrPayload } from '../domain/qrPayload';
import { zxingReaderWasm } from './decode';
import { readBarcodes } from 'zxing-wasm/reader';
import { crop, downsample, toRgba } from './image';
import { findMarks } from './marks';
import { orientMarks } from './orientation';
import { pageFromFull, pageFromGrey } from './page';
import { createZxingQrReader, findQr, qrSearchRect, type QrReader } from './qr';
import { DEFAULT_VISION_SETTINGS as S, VisionSettings } from './settings';
import { drawPage, scanPage, scanPoint } from './testing/drawPage';
import { samplePage } from './testing/samplePage';

const DPI = 200;
const k = DPI / 25.4;
const page = samplePage();
const text = encodeQrPayload(page);
let reader: QrReader;
beforeAll(async () => {
  reader = await createZxingQrReader(zxingReaderWasm());
});

describe('QR stage', () => {
  it.each([0, 9, -9, 180, 270])('locates the QR from the marks and decodes the crop (turn %i°)', async (rotateDeg) => {
    const up = drawPage(page, { dpi: DPI });
    const img = scanPage(up, { rotateDeg, blurPx: 0.8, noise: 5 });
    const reduced = downsample(img, 2);
    const marks = findMarks(reduced, 2, DPI, S);
    if (!marks.ok) throw new Error(marks.error.detail);
    const o = orientMarks(marks.value.marks, 1.25);
    if (!o.ok) throw new Error(o.error.detail);
    const rect = qrSearchRect(o.value.byPageCorner, DPI, S)!;
    const centre = scanPoint(up, { rotateDeg }, (page.qr.x + page.qr.size / 2) * k, (page.qr.y + page.qr.size / 2) * k);
    expect(centre.x).toBeGreaterThan(rect.x);
    expect(centre.x).toBeLessThan(rect.x + rect.w);
    expect(centre.y).toBeGreaterThan(rect.y);
    expect(centre.y).toBeLessThan(rect.y + rect.h);
    const r = await findQr(reader, pageFromGrey(img, DPI), rect, S, () => true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ text, via: 'crop' });
    expect(Math.hypot(r.value.centre.x - centre.x, r.value.centre.y - centre.y)).toBeLessThan(10);
  });

  it.each([0, 9, 180])('reads a grey crop to the same text and corners as its RGBA copy (turn %i°)', async (rotateDeg) => {
    const img = scanPage(drawPage(page, { dpi: DPI }), { rotateDeg, blurPx: 1, noise: 8 });
    const marks = findMarks(downsample(img, 2), 2, DPI, S);
    if (!marks.ok) throw new Error(marks.error.detail);
    const o = orientMarks(marks.value.marks, 1.25);
    if (!o.ok) throw new Error(o.error.detail);
    const c = crop(img, qrSearchRect(o.value.byPageCorner, DPI, S)!);
    const opts = { formats: ['QRCode' as const], tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, maxNumberOfSymbols: 1 };
    const rgba = await readBarcodes({ data: toRgba(c), width: c.width, height: c.height, colorSpace: 'srgb' } as ImageData, opts);
    const hits = await reader.read(c, { maxSymbols: 1 });
    expect(rgba).toHaveLength(1);
    const p = rgba[0]!.position;
    const centre = { x: (p.topLeft.x + p.topRight.x + p.bottomRight.x + p.bottomLeft.x) / 4, y: (p.topLeft.y + p.topRight.y + p.bottomRight.y + p.bottomLeft.y) / 4 };
    expect(hits).toEqual([{ text: rgba[0]!.text, centre }]);
  });

  it('falls back to the whole page when the crop misses, unless told not to', async () => {
    const img = pageFromGrey(drawPage(page, { dpi: DPI }), DPI);
    const wrong = { x: 0, y: 1500, w: 400, h: 400 };
    const r = await findQr(reader, img, wrong, S, () => true);
    expect(r.ok && r.value.via).toBe('page');
    const strict = VisionSettings.parse({ qr: { fullPageFallback: false } });
    const s = await findQr(reader, img, wrong, strict, () => true);
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.error.kind).toBe('no_qr');
  });

  it('reads the whole page at the settings\' resolution when the decoded reduced image is coarser (a JPEG shrunk on load)', async () => {
    const full = drawPage(page, { dpi: DPI });
    const coarse = pageFromFull(full, 4, DPI, 'given');
    const widthsRead: number[] = [];
    const recording: QrReader = { read: (img, o) => (widthsRead.push(img.width), reader.read(img, o)) };
    const r = await findQr(recording, coarse, null, S, () => true);
    expect(widthsRead).toEqual([full.width]); // 200 dpi: the settings' factor is 1
    expect(r.ok && r.value.via).toBe('page');
    if (!r.ok) return;
    const centre = { x: (page.qr.x + page.qr.size / 2) * k, y: (page.qr.y + page.qr.size / 2) * k };
    expect(Math.hypot(r.value.centre.x - centre.x, r.value.centre.y - centre.y)).toBeLessThan(10);
  });

  it('reports no_qr when there is none', async () => {
    const img = pageFromGrey(drawPage(page, { dpi: 100, qrText: null }), 100);
    const r = await findQr(reader, img, null, S, () => true);
    expect(r.ok).toBe(false);
    expect(await reader.read({ data: new Uint8Array(100), width: 10, height: 10 }, { maxSymbols: 1 })).toEqual([]);
  });
});
