import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBarcodes, prepareZXingModule } from 'zxing-wasm/reader';
import { createRequire } from 'node:module';
import { decodeQrPayload } from '../src/domain/qrPayload';
import { geometryProblems } from '../src/layout/geometry';
import type { PrintedPage } from '../src/layout/printedPage';
import { invoke } from '../src/station/invoke';
import { tempStation } from './support/station';

const require = createRequire(import.meta.url);
const DPI = 300;
const PX_PER_MM = DPI / 25.4;

type Grey = { data: Uint8Array; width: number; height: number };

function renderPage(pdf: Uint8Array, index: number): Grey {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  const pix = doc.loadPage(index).toPixmap(mupdf.Matrix.scale(DPI / 72, DPI / 72), mupdf.ColorSpace.DeviceGray, false);
  const width = pix.getWidth();
  const height = pix.getHeight();
  const stride = pix.getStride();
  const src = pix.getPixels();
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(src.subarray(y * stride, y * stride + width), y * width);
  return { data, width, height };
}

/** Centroid of dark pixels in a window around an expected mark centre, in mm. */
function markCentroidMm(img: Grey, xMm: number, yMm: number, halfMm: number): { x: number; y: number } {
  let sx = 0, sy = 0, n = 0;
  const x0 = Math.round((xMm - halfMm) * PX_PER_MM), x1 = Math.round((xMm + halfMm) * PX_PER_MM);
  const y0 = Math.round((yMm - halfMm) * PX_PER_MM), y1 = Math.round((yMm + halfMm) * PX_PER_MM);
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++)
      if (img.data[y * img.width + x]! < 128) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
  return { x: sx / n / PX_PER_MM, y: sy / n / PX_PER_MM };
}

async function decodeQr(img: Grey, page: PrintedPage): Promise<string | null> {
  const pad = 3;
  const x0 = Math.round((page.qr.x - pad) * PX_PER_MM), y0 = Math.round((page.qr.y - pad) * PX_PER_MM);
  const w = Math.round((page.qr.size + 2 * pad) * PX_PER_MM), h = w;
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = img.data[(y0 + y) * img.width + x0 + x] ?? 255;
      rgba.set([v, v, v, 255], (y * w + x) * 4);
    }
  const results = await readBarcodes({ data: rgba, width: w, height: h, colorSpace: 'srgb' } as ImageData, { formats: ['QRCode'], tryHarder: true });
  return results[0]?.text ?? null;
}

describe('printing a class set', () => {
  let ctx: ReturnType<typeof tempStation>;
  let setId: string;
  let pdf: Uint8Array;
  let pages: PrintedPage[];

  beforeAll(async () => {
    prepareZXingModule({ overrides: { wasmBinary: readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer }, fireImmediately: true });
    ctx = tempStation();
    const composed = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-11-25', minutes: 25, tier: 'core', seed: 't1' });
    if (!composed.ok) throw new Error(composed.error.message);
    setId = composed.value.setId;
    expect((await invoke(ctx, 'approve', { setId })).ok).toBe(true);
    const out = join(ctx.dir, 'out', 'wb.pdf');
    const printed = await invoke(ctx, 'print', { setId, out, layoutJson: join(ctx.dir, 'out', 'layout.json'), answerKey: join(ctx.dir, 'out', 'key.pdf') });
    if (!printed.ok) throw new Error(printed.error.message);
    pdf = readFileSync(out);
    pages = JSON.parse(readFileSync(join(ctx.dir, 'out', 'layout.json'), 'utf8')).pages;
  });

  it('stores every PrintedPage, in PDF page order, students in order', () => {
    const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
    expect(doc.countPages()).toBe(pages.length);
    for (const p of pages) expect(ctx.store.printedPage(p.pageId)).toEqual(p);
    const studentOrder = pages.map((p) => p.studentId).filter((s, i, a) => a.indexOf(s) === i);
    expect(studentOrder).toEqual(['S01', 'S02', 'S03', 'S04']);
    // Each student starts on a fresh sheet (even number of sides per student).
    for (const s of studentOrder) expect(pages.filter((p) => p.studentId === s).length % 2).toBe(0);
  });

  it('keeps every field inside the printable area with no overlaps', () => {
    for (const p of pages) expect(geometryProblems(p), p.pageId).toEqual([]);
  });

  it('renders marks where the PrintedPage says (within 0.5 mm at 300 dpi) and a decodable QR on every page', async () => {
    for (const [i, page] of pages.entries()) {
      const img = renderPage(pdf, i);
      for (const m of page.marks) {
        const c = markCentroidMm(img, m.x, m.y, m.size / 2 + 1.5);
        expect(Math.hypot(c.x - m.x, c.y - m.y), `${page.pageId} ${m.corner}`).toBeLessThan(0.5);
      }
      const text = await decodeQr(img, page);
      expect(text, page.pageId).not.toBeNull();
      expect(decodeQrPayload(text!)).toEqual({ ok: true, value: { pageId: page.pageId, layoutVersion: page.layoutVersion } });
    }
  });

  it('typesets Chinese and English text that pdftotext can read back', () => {
    const text = execFileSync('pdftotext', ['-layout', join(ctx.dir, 'out', 'wb.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('王小明');
    expect(text).toContain('Emma Clarke');
    expect(text).toContain('姓名');
    expect(text).toContain('Name');
    const s01 = ctx.store.workbooks(setId).find((w) => w.studentId === 'S03')!;
    const firstItem = ctx.store.item(JSON.parse(s01.itemsJson)[0].itemId)!;
    expect(text.replace(/\s+/g, ' ')).toContain((firstItem.stem.en ?? '').split(' ').slice(0, 3).join(' '));
    const key = execFileSync('pdftotext', [join(ctx.dir, 'out', 'key.pdf'), '-'], { encoding: 'utf8' });
    expect(key).toContain(firstItem.id);
  });

  it('prints on US Letter and in large print with the same guarantees', async () => {
    for (const style of ['letter', 'a4-large-print']) {
      const out = join(ctx.dir, 'out', `${style}.pdf`);
      const layout = join(ctx.dir, 'out', `${style}.json`);
      const r = await invoke(ctx, 'print', { setId, out, layoutJson: layout, style, studentId: 'S03' });
      if (!r.ok) throw new Error(r.error.message);
      const laid = JSON.parse(readFileSync(layout, 'utf8')).pages as PrintedPage[];
      const bytes = readFileSync(out);
      expect(laid[0]!.paper.name).toBe(style === 'letter' ? 'Letter' : 'A4');
      for (const [i, page] of laid.entries()) {
        expect(geometryProblems(page), `${style} ${page.pageId}`).toEqual([]);
        const img = renderPage(bytes, i);
        for (const m of page.marks) {
          const c = markCentroidMm(img, m.x, m.y, m.size / 2 + 1.5);
          expect(Math.hypot(c.x - m.x, c.y - m.y)).toBeLessThan(0.5);
        }
        expect(decodeQrPayload((await decodeQr(img, page))!)).toMatchObject({ ok: true, value: { pageId: page.pageId } });
      }
    }
  });

  it('never puts personal data in the QR', async () => {
    const img = renderPage(pdf, 0);
    const text = await decodeQr(img, pages[0]!);
    expect(text).not.toContain('S01');
    expect(text).not.toContain('王');
  });

  it('refuses a second subject that would push the day over the cap, showing the ledger', async () => {
    const second = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-11-25', minutes: 70, tier: 'core', seed: 't2' });
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.error.code).toBe('over_cap');
      expect(second.error.details?.[0]).toMatch(/already booked/);
      expect(second.error.details?.[0]).toMatch(new RegExp(`math: \\d+(\\.\\d+)? min \\(set ${setId}\\)`));
    }
  });

  it('locks an approved set; a replacement may not add minutes', async () => {
    const again = await invoke(ctx, 'approve', { setId });
    expect(again.ok).toBe(false);
    const bigger = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-11-25', minutes: 40, tier: 'core', seed: 't3', replaces: setId });
    expect(bigger.ok).toBe(true);
    if (bigger.ok) {
      const r = await invoke(ctx, 'approve', { setId: bigger.value.setId });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('replacement_not_allowed');
    }
  });

  it("publishes the day's homework list: subject, minutes and tiers of approved sets", async () => {
    const r = await invoke(ctx, 'publish', { classId: '7A', date: '2026-11-25' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.capMinutes).toBe(90);
    const math = r.value.subjects.find((x) => x.setId === setId)!;
    expect(math.subject).toBe('math');
    expect(math.minutesMax).toBeLessThanOrEqual(25);
    expect(math.tiers).toEqual({ core: 4 });
    expect(r.value.maxStudentMinutes).toBeLessThanOrEqual(90);
  });

  it('gives the same workbooks for the same seed', async () => {
    const a = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-12-01', minutes: 20, tier: 'basic', seed: 'same' });
    const b = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-12-01', minutes: 20, tier: 'basic', seed: 'same' });
    if (!a.ok || !b.ok) throw new Error('compose failed');
    const items = (id: string) => ctx.store.workbooks(id).map((w) => w.itemsJson);
    expect(items(a.value.setId)).toEqual(items(b.value.setId));
  });
});
