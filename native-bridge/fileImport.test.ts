import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBytes, importFile } from './fileImport';
import { barHeight, decodeInfo, FIXTURE_PAGE, makeJpeg, makeMultiPageTiff, makePdf, makePgm, makePng } from './testFixtures';

describe('file import', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'paperloop-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders every page of a PDF (made with mupdf) to a grey PNG at the requested dpi', async () => {
    const path = join(dir, 'workbook.pdf');
    await writeFile(path, await makePdf(3));
    const pages = await importFile(path, { dpi: 72, mode: 'gray' });
    if (!pages.ok) throw new Error(JSON.stringify(pages.error));
    expect(pages.value).toHaveLength(3);
    for (const [i, page] of pages.value.entries()) {
      expect(page.mediaType).toBe('image/png');
      expect(page.dpi).toBe(72);
      expect(page.sourceName).toBe('workbook.pdf');
      expect(await decodeInfo(page)).toEqual({ width: 595, height: 842, channels: 1 });
      // page i has a bar 10 × (i + 1) pt tall: page order is kept
      expect(await barHeight(page)).toBe(10 * (i + 1));
    }
    const meta = await sharp(pages.value[0]!.bytes).metadata();
    expect(meta.density).toBe(72);
  });

  it('renders a PDF in colour when asked', async () => {
    const pages = await importBytes(await makePdf(1), { dpi: 36, mode: 'color' });
    if (!pages.ok) throw new Error(JSON.stringify(pages.error));
    expect((await decodeInfo(pages.value[0]!)).channels).toBe(3);
  });

  it('reads a tiny handwritten PDF', async () => {
    const content = '0 g 0 0 100 50 re f';
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 5 0 R >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 5 0 R >>',
      `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    ];
    let pdf = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(pdf.length);
      pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = pdf.length;
    pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
    pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    const pages = await importBytes(new TextEncoder().encode(pdf), { dpi: 72, mode: 'gray' });
    if (!pages.ok) throw new Error(JSON.stringify(pages.error));
    expect(await Promise.all(pages.value.map(decodeInfo))).toEqual([
      { width: 100, height: 100, channels: 1 },
      { width: 200, height: 100, channels: 1 },
    ]);
  });

  it('splits a multi-page TIFF (made with sharp) into PNG pages in order', async () => {
    const pages = await importBytes(await makeMultiPageTiff(3), { dpi: 300, mode: 'gray', sourceName: 'batch.tif' });
    if (!pages.ok) throw new Error(JSON.stringify(pages.error));
    expect(pages.value).toHaveLength(3);
    for (const [i, page] of pages.value.entries()) {
      expect(page.mediaType).toBe('image/png');
      expect(page.sourceName).toBe('batch.tif');
      expect(await decodeInfo(page)).toMatchObject(FIXTURE_PAGE);
      expect(await barHeight(page)).toBe(5 * (i + 1));
    }
  });

  it('passes JPEG, PNG and single-page TIFF through unchanged, with their dpi', async () => {
    const jpeg = await makeJpeg(0, 200);
    const fromJpeg = await importBytes(jpeg);
    expect(fromJpeg.ok && fromJpeg.value[0]).toMatchObject({ mediaType: 'image/jpeg', dpi: 200, bytes: jpeg });
    const png = await makePng(0, 150);
    const fromPng = await importBytes(png);
    expect(fromPng.ok && fromPng.value[0]).toMatchObject({ mediaType: 'image/png', dpi: 150, bytes: png });
    const tiff = await makeMultiPageTiff(1);
    const fromTiff = await importBytes(tiff);
    expect(fromTiff.ok && fromTiff.value).toHaveLength(1);
    expect(fromTiff.ok && fromTiff.value[0]?.mediaType).toBe('image/tiff');
  });

  it('keeps a PGM and converts a colour PPM to PNG', async () => {
    const pgm = makePgm(2);
    const fromPgm = await importBytes(pgm);
    expect(fromPgm.ok && fromPgm.value[0]?.mediaType).toBe('image/x-portable-graymap');
    const ppmHeader = new TextEncoder().encode('P6\n2 1\n255\n');
    const ppm = new Uint8Array([...ppmHeader, 255, 0, 0, 0, 0, 255]);
    const fromPpm = await importBytes(ppm);
    if (!fromPpm.ok) throw new Error(JSON.stringify(fromPpm.error));
    const { data } = await sharp(fromPpm.value[0]!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([...data]).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('refuses what it cannot read with Unsupported', async () => {
    const text = await importBytes(new TextEncoder().encode('hello'));
    expect(text.ok ? undefined : text.error.kind).toBe('Unsupported');
    const truncated = makePgm(0).subarray(0, 100);
    const pgm = await importBytes(truncated);
    expect(pgm.ok ? undefined : pgm.error.kind).toBe('Unsupported');
    const brokenPdf = await importBytes(new TextEncoder().encode('%PDF-1.4\ngarbage'));
    expect(brokenPdf.ok ? undefined : brokenPdf.error.kind).toBe('Unsupported');
    const missing = await importFile(join(dir, 'nope.png'));
    expect(missing.ok ? undefined : missing.error.kind).toBe('DeviceError');
  });
});
